package selection

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

// TestManyConcurrentCallsStayConsistent does what 50 bound calls arriving at
// once do (Wails runs each on its own goroutine): sends to new and existing
// conversations, settings saves, renames, and hostile input, each checked
// by guard first as the bound methods do. Afterwards every conversation is
// whole, every answer finished, and the settings and app state each hold
// one of the values written.
func TestManyConcurrentCallsStayConsistent(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.setDefault("beta:latest")

	var existing []store.Conversation
	for i := range 5 {
		res, err := w.engine.Send(ctx, chat.SendRequest{Text: fmt.Sprintf("seed %d", i), EndpointID: w.endpoint.ID, Model: "alpha:latest"})
		if err != nil {
			t.Fatal(err)
		}
		w.engine.Wait(res.Answer.ID)
		existing = append(existing, res.Conversation)
	}

	// send is ChatService.Send: the checks, the default model, the engine.
	send := func(conversationID int64, text string) (chat.SendResult, error) {
		if err := guard.ConversationOrNew(conversationID); err != nil {
			return chat.SendResult{}, err
		}
		if err := guard.Message(text); err != nil {
			return chat.SendResult{}, err
		}
		req, err := w.chooser.Complete(ctx, chat.SendRequest{ConversationID: conversationID, Text: text})
		if err != nil {
			return chat.SendResult{}, err
		}
		return w.engine.Send(ctx, req)
	}
	rename := func(id int64, title string) error {
		if err := guard.ID("conversation", id); err != nil {
			return err
		}
		if err := guard.Title(title); err != nil {
			return err
		}
		return w.store.RenameConversation(ctx, id, title)
	}

	const calls = 50
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		created  []int64
		prompts  = map[string]bool{"": true}
		titles   = map[string]bool{}
		answers  []int64
		refusals int
	)
	for _, c := range existing {
		titles[c.Title] = true
	}
	start := make(chan struct{})
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			target := existing[i%len(existing)]
			switch i % 5 {
			case 0: // a new conversation, no model named
				res, err := send(0, fmt.Sprintf("new %d", i))
				if err != nil {
					t.Errorf("send %d: %v", i, err)
					return
				}
				mu.Lock()
				created = append(created, res.Conversation.ID)
				answers = append(answers, res.Answer.ID)
				mu.Unlock()
			case 1: // an existing conversation: one answer at a time
				res, err := send(target.ID, fmt.Sprintf("more %d", i))
				if errors.Is(err, chat.ErrBusy) {
					return
				}
				if err != nil {
					t.Errorf("send %d: %v", i, err)
					return
				}
				mu.Lock()
				answers = append(answers, res.Answer.ID)
				mu.Unlock()
			case 2: // Settings → Save
				s := store.DefaultSettings()
				s.SystemPrompt = fmt.Sprintf("prompt %d", i)
				s.DefaultEndpointID, s.DefaultModel = w.endpoint.ID, "beta:latest"
				mu.Lock()
				prompts[s.SystemPrompt] = true
				mu.Unlock()
				if err := w.store.SaveSettings(ctx, s); err != nil {
					t.Errorf("save %d: %v", i, err)
				}
			case 3: // rename
				title := fmt.Sprintf("renamed %d", i)
				mu.Lock()
				titles[title] = true
				mu.Unlock()
				if err := rename(target.ID, title); err != nil {
					t.Errorf("rename %d: %v", i, err)
				}
			case 4: // hostile input: refused, nothing changes
				for _, err := range []error{
					func() error { _, err := send(0, strings.Repeat("x", 10<<20)); return err }(),
					func() error { _, err := send(0, "caf\xe9"); return err }(),
					func() error { _, err := send(-1, "hello"); return err }(),
					rename(0, "zero"),
					rename(-1, "negative"),
					rename(target.ID, strings.Repeat("t", 10<<20)),
					rename(target.ID, "\xff\xfe"),
				} {
					if !errors.Is(err, guard.ErrInvalid) {
						t.Errorf("hostile call %d: %v, want a guard refusal", i, err)
					}
				}
				if err := rename(1<<40, "unknown"); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("rename of an unknown conversation: %v", err)
				}
				mu.Lock()
				refusals++
				mu.Unlock()
			}
		}()
	}
	close(start)
	wg.Wait()
	for _, id := range answers {
		w.engine.Wait(id)
	}
	if active := w.engine.Active(); len(active) != 0 {
		t.Fatalf("answers still active: %v", active)
	}

	list, err := w.store.ListConversations(ctx, store.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := len(existing) + len(created); len(list) != want {
		t.Fatalf("%d conversations, want %d", len(list), want)
	}
	isCreated := map[int64]bool{}
	for _, id := range created {
		isCreated[id] = true
	}
	for _, c := range list {
		msgs, err := w.store.Messages(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) == 0 || len(msgs)%2 != 0 {
			t.Fatalf("conversation %d has %d messages", c.ID, len(msgs))
		}
		for j, m := range msgs {
			wantRole := store.RoleUser
			if j%2 == 1 {
				wantRole = store.RoleAssistant
			}
			if m.Role != wantRole {
				t.Fatalf("conversation %d message %d is %s, want %s", c.ID, j, m.Role, wantRole)
			}
			if m.Role == store.RoleAssistant && (m.State != store.StateComplete || m.Content == "") {
				t.Fatalf("conversation %d answer %d: %s %q", c.ID, m.ID, m.State, m.Content)
			}
			if strings.Contains(m.Content, "xxxxxxxxxx") || strings.Contains(m.Content, "caf\xe9") {
				t.Fatalf("refused text was stored in conversation %d", c.ID)
			}
		}
		if isCreated[c.ID] && c.Model != "beta:latest" {
			t.Fatalf("new conversation %d uses %q, not the default", c.ID, c.Model)
		}
		if !isCreated[c.ID] && !titles[c.Title] {
			t.Fatalf("conversation %d has the title %q, which nobody wrote", c.ID, c.Title)
		}
	}
	settings, err := w.store.LoadSettings(ctx)
	if err != nil || !prompts[settings.SystemPrompt] || settings.DefaultModel != "beta:latest" {
		t.Fatalf("settings = %+v, %v", settings, err)
	}
	if st, err := w.store.AppState(ctx); err != nil || (st.LastModel != "alpha:latest" && st.LastModel != "beta:latest") ||
		st.LastEndpointID != w.endpoint.ID {
		t.Fatalf("app state = %+v, %v", st, err)
	}
	if refusals != calls/5 {
		t.Fatalf("%d hostile calls ran, want %d", refusals, calls/5)
	}
	if err := w.store.QuickCheck(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestSavingSettingsWhileSendingLosesNothing: Settings → Save and the engine
// remembering the model used last, at the same moments, never undo each
// other: the settings end as last saved, the app state as last sent.
func TestSavingSettingsWhileSendingLosesNothing(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	const rounds = 30
	models := []string{"alpha:latest", "beta:latest"}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := range rounds {
			s := store.DefaultSettings()
			s.SystemPrompt = fmt.Sprintf("prompt %d", i)
			s.Theme = []string{"light", "dark"}[i%2]
			if err := w.store.SaveSettings(ctx, s); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	go func() {
		defer wg.Done()
		for i := range rounds {
			res, err := w.engine.Send(ctx, chat.SendRequest{Text: fmt.Sprintf("q %d", i), EndpointID: w.endpoint.ID, Model: models[i%2]})
			if err != nil {
				t.Error(err)
				return
			}
			w.engine.Wait(res.Answer.ID)
		}
	}()
	wg.Wait()
	settings, err := w.store.LoadSettings(ctx)
	if err != nil || settings.SystemPrompt != fmt.Sprintf("prompt %d", rounds-1) || settings.Theme != "dark" {
		t.Fatalf("settings = %+v, %v: a save was undone", settings, err)
	}
	st, err := w.store.AppState(ctx)
	if err != nil || st.LastModel != models[(rounds-1)%2] || st.LastEndpointID != w.endpoint.ID {
		t.Fatalf("app state = %+v, %v: the model used last was lost", st, err)
	}
}
