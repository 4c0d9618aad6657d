package answers

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"brook/backend/chat"
	"brook/backend/guard"
	"brook/backend/selection"
	"brook/backend/store"
)

func newService(t *testing.T) (*Service, *store.Store) {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	engine := chat.New(chat.Config{Store: st})
	t.Cleanup(func() { engine.Close(); st.Close() })
	// No chooser: every send here is refused before a model is chosen.
	return New(engine, st, selection.Chooser{}), st
}

type refusal struct {
	name string
	err  error
}

// Bad ids and text are refused with guard's error, and nothing is stored.
func TestBadInputIsRefusedBeforeAnythingIsStored(t *testing.T) {
	ctx := context.Background()
	s, st := newService(t)
	checks := []refusal{
		{"stop id 0", s.Stop(ctx, 0)},
		{"ask now negative", s.AskNow(-1)},
		{"save again 0", s.SaveAgain(0)},
		{"paint interval negative", s.SetPaintInterval(-1)},
		{"paint interval too long", s.SetPaintInterval(60_000)},
	}
	_, err := s.Retry(ctx, 0)
	checks = append(checks, refusal{"retry 0", err})
	_, err = s.EditAndResend(ctx, 3, "\xff")
	checks = append(checks, refusal{"edit with text not UTF-8", err})
	_, err = s.Send(ctx, -2, "hello", "", "", nil, nil)
	checks = append(checks, refusal{"send to a negative conversation", err})
	_, err = s.Send(ctx, 0, "look", "e", "m", []store.ImageInput{{Name: "x.png", MIME: "image/png", Data: "not base64!"}}, nil)
	checks = append(checks, refusal{"send a picture that is not one", err})
	for _, c := range checks {
		if !errors.Is(c.err, guard.ErrInvalid) {
			t.Errorf("%s: err %v, want guard.ErrInvalid", c.name, c.err)
		}
	}
	list, err := st.ListConversations(ctx, store.ListOptions{Limit: 10})
	if err != nil || len(list) != 0 {
		t.Fatalf("conversations after refused sends: %d, %v", len(list), err)
	}
}

// Stop and AskNow on answers that are not streaming say what is the case.
func TestStopAndAskNowOnAnswersNotStreaming(t *testing.T) {
	ctx := context.Background()
	s, st := newService(t)
	if err := s.Stop(ctx, 42); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Stop of an unknown answer: %v, want store.ErrNotFound", err)
	}
	c, err := st.CreateConversation(ctx, store.Conversation{Title: "t"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := st.AddMessage(ctx, store.Message{ConversationID: c.ID, Role: store.RoleUser, Content: "hi"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(ctx, m.ID); err != nil {
		t.Fatalf("Stop of a message that is not streaming: %v, want nothing done", err)
	}
	if err := s.AskNow(m.ID); !errors.Is(err, ErrNotWaiting) {
		t.Fatalf("AskNow of a message that is not waiting: %v", err)
	}
	if got := s.Active(); len(got) != 0 {
		t.Fatalf("Active = %v", got)
	}
}
