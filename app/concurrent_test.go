package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"brook/backend/chat"
	"brook/backend/guard"
	"brook/backend/store"
)

// TestManyConcurrentBoundCalls: 50 bound calls at once (Wails runs each on
// its own goroutine) leave a consistent backend.
func TestManyConcurrentBoundCalls(t *testing.T) {
	ta := newTestApp(t)
	eps, _ := ta.sets.Endpoints()
	epID := eps[0].ID
	first := ta.sendAndWait(t, 0, "seed", epID, "alpha:latest")
	var wg sync.WaitGroup
	var mu sync.Mutex
	var answers []int64
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch i % 5 {
			case 0:
				res, err := ta.chat.Send(0, fmt.Sprintf("q %d", i), "", "")
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				answers = append(answers, res.Answer.ID)
				mu.Unlock()
			case 1:
				res, err := ta.chat.Send(first.Conversation.ID, fmt.Sprintf("more %d", i), "", "")
				if err != nil && !errors.Is(err, chat.ErrBusy) {
					t.Error(err)
				}
				if err == nil {
					mu.Lock()
					answers = append(answers, res.Answer.ID)
					mu.Unlock()
				}
			case 2:
				s := store.DefaultSettings()
				s.SystemPrompt = fmt.Sprintf("p %d", i)
				if err := ta.sets.Save(s); err != nil {
					t.Error(err)
				}
			case 3:
				if err := ta.convs.Rename(first.Conversation.ID, fmt.Sprintf("t %d", i)); err != nil {
					t.Error(err)
				}
			case 4:
				if _, err := ta.chat.Send(0, strings.Repeat("y", 2<<20), "", ""); !errors.Is(err, guard.ErrInvalid) {
					t.Errorf("a 2 MB send: %v", err)
				}
				if _, err := ta.convs.List(false, 100, 0); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	for _, id := range answers {
		ta.a.engine.Wait(id)
	}
	list, err := ta.convs.List(false, 0, 0)
	if err != nil || len(list) != 11 {
		t.Fatalf("%d conversations, %v; want 11", len(list), err)
	}
	for _, c := range list {
		v, err := ta.convs.Open(c.ID)
		if err != nil || len(v.Messages)%2 != 0 {
			t.Fatalf("conversation %d: %d messages, %v", c.ID, len(v.Messages), err)
		}
		for _, m := range v.Messages {
			if m.Role == store.RoleAssistant && m.State != store.StateComplete {
				t.Fatalf("answer %d is %s", m.ID, m.State)
			}
		}
	}
	if err := ta.a.store.QuickCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
}
