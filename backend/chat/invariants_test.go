package chat

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"brook/backend/providertest"
	"brook/backend/store"
)

// TestOneLiveAnswerPerConversation: whatever the UI does, a conversation
// has at most one live answer; a second action gets ErrBusy and changes
// nothing.
func TestOneLiveAnswerPerConversation(t *testing.T) {
	srv := providertest.NewOllama(providertest.Script{TokenDelay: 20 * time.Millisecond})
	defer srv.Close()
	h := newHarness(t, fixedProviders{"ep": protocols[0].newClient(srv.URL)})
	ctx := context.Background()
	first := h.send("hi")
	res, err := h.engine.Send(ctx, SendRequest{ConversationID: first.ConversationID, Text: "again"})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := h.store.Messages(ctx, first.ConversationID)
	busy := map[string]func() error{
		"Send": func() error {
			_, err := h.engine.Send(ctx, SendRequest{ConversationID: first.ConversationID, Text: "third"})
			return err
		},
		"Retry":         func() error { _, err := h.engine.Retry(ctx, first.ID); return err },
		"Continue":      func() error { _, err := h.engine.Continue(ctx, first.ID); return err },
		"Regenerate":    func() error { _, err := h.engine.Regenerate(ctx, res.Answer.ID); return err },
		"ShowVersion":   func() error { _, err := h.engine.ShowVersion(ctx, first.ID); return err },
		"DeleteVersion": func() error { _, err := h.engine.DeleteVersion(ctx, first.ID); return err },
		"DeleteMessage": func() error { _, err := h.engine.DeleteMessage(ctx, first.ID); return err },
		"EditAndResend": func() error { _, err := h.engine.EditAndResend(ctx, res.User.ID, "edited"); return err },
	}
	for name, action := range busy {
		if err := action(); !errors.Is(err, ErrBusy) {
			t.Errorf("%s while an answer streams: %v, want ErrBusy", name, err)
		}
	}
	if after, _ := h.store.Messages(ctx, first.ConversationID); len(after) != len(before) {
		t.Fatalf("refused actions changed the conversation: %d messages, then %d", len(before), len(after))
	}
	h.engine.Wait(res.Answer.ID)
}

// TestConcurrentActionsKeepTheInvariants hammers one conversation with
// Retry, Regenerate, Continue, Stop and Delete from many goroutines, as
// Wails' concurrent bound calls would. Run it with -race.
func TestConcurrentActionsKeepTheInvariants(t *testing.T) {
	srv := providertest.NewOllama(providertest.Script{TokenDelay: time.Millisecond, Sampling: true})
	defer srv.Close()
	h := newHarness(t, fixedProviders{"ep": protocols[0].newClient(srv.URL)})
	ctx := context.Background()
	first := h.send("hi")
	conv := first.ConversationID

	var wg sync.WaitGroup
	var mu sync.Mutex
	started := map[int64]int{}
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				msgs, err := h.store.ShownPath(ctx, conv)
				if err != nil || len(msgs) == 0 {
					continue
				}
				last := msgs[len(msgs)-1]
				var m store.Message
				switch (g + i) % 5 {
				case 0:
					m, err = h.engine.Retry(ctx, last.ID)
				case 1:
					m, err = h.engine.Regenerate(ctx, last.ID)
				case 2:
					m, err = h.engine.Continue(ctx, last.ID)
				case 3:
					h.engine.Stop(last.ID)
					continue
				case 4:
					// Delete an old version (never the first exchange), as a user might.
					if len(msgs) > 2 && len(msgs[1].Versions) > 1 {
						_, err = h.engine.DeleteVersion(ctx, msgs[1].Versions[0])
						if err != nil && !errors.Is(err, ErrBusy) && !errors.Is(err, store.ErrNotFound) {
							t.Errorf("delete: %v", err)
						}
					}
					continue
				}
				if err == nil {
					mu.Lock()
					started[m.ID]++
					mu.Unlock()
				} else if !errors.Is(err, ErrBusy) && !errors.Is(err, store.ErrNotFound) && !errors.Is(err, ErrNotAnswer) {
					t.Errorf("action: %v", err)
				}
				if n := h.liveIn(conv); n > 1 {
					t.Errorf("%d live answers in one conversation", n)
				}
			}
		}()
	}
	wg.Wait()
	for _, id := range h.engine.Active() {
		h.engine.Wait(id)
	}
	msgs, err := h.store.Messages(ctx, conv)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.State == store.StateStreaming {
			t.Fatalf("message %d left streaming", m.ID)
		}
	}
	if len(started) == 0 {
		t.Fatal("no action ever started an answer")
	}
}

// liveIn counts the answers of a conversation being produced now.
func (h *harness) liveIn(conversationID int64) int {
	h.engine.mu.Lock()
	defer h.engine.mu.Unlock()
	n := 0
	for id := range h.engine.active {
		if m, err := h.store.GetMessage(context.Background(), id); err == nil && m.ConversationID == conversationID {
			n++
		}
	}
	return n
}
