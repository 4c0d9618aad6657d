package conversations

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"brook/backend/guard"
	"brook/backend/store"
)

func newService(t *testing.T) (*Service, *store.Store, *int) {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	changes := 0
	// No engine: these tests call only what the store serves.
	return New(st, nil, func() { changes++ }), st, &changes
}

// Bad input is refused with guard's error before it reaches the store: the
// conversation is unchanged and the list is not said to have changed.
func TestBadInputChangesNothing(t *testing.T) {
	ctx := context.Background()
	s, st, changes := newService(t)
	c, err := st.CreateConversation(ctx, store.Conversation{Title: "kept"})
	if err != nil {
		t.Fatal(err)
	}
	refused := []struct {
		name string
		err  error
	}{
		{"title too long", s.Rename(ctx, c.ID, strings.Repeat("x", guard.MaxTitleRunes+1))},
		{"id 0", s.SetPinned(ctx, 0, true)},
		{"negative id", s.Delete(ctx, -4)},
		{"draft not UTF-8", s.SaveDraft(ctx, c.ID, "\xff")},
	}
	for _, r := range refused {
		if !errors.Is(r.err, guard.ErrInvalid) {
			t.Errorf("%s: err %v, want guard.ErrInvalid", r.name, r.err)
		}
	}
	// The store refuses what only it knows is wrong.
	if err := s.Rename(ctx, c.ID, ""); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("empty title: err %v, want store.ErrInvalid", err)
	}
	if _, err := s.List(ctx, false, -1, 0); !errors.Is(err, guard.ErrInvalid) {
		t.Errorf("a negative page: err %v", err)
	}
	if _, err := s.Search(ctx, strings.Repeat("q", guard.MaxSearchBytes+1)); !errors.Is(err, guard.ErrInvalid) {
		t.Errorf("a search too long: err %v", err)
	}
	got, err := st.GetConversation(ctx, c.ID)
	if err != nil || got.Title != "kept" || got.Pinned {
		t.Fatalf("conversation after refused edits: %+v, %v", got, err)
	}
	if *changes != 0 {
		t.Fatalf("the list was said to change %d times", *changes)
	}
}

// A good edit reaches the store and says the list changed; one the store
// refuses (an unknown conversation) does not.
func TestEditsSayTheListChanged(t *testing.T) {
	ctx := context.Background()
	s, st, changes := newService(t)
	c, err := st.CreateConversation(ctx, store.Conversation{Title: "old"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Rename(ctx, c.ID, "new"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPinned(ctx, c.ID, true); err != nil {
		t.Fatal(err)
	}
	got, err := st.GetConversation(ctx, c.ID)
	if err != nil || got.Title != "new" || !got.Pinned {
		t.Fatalf("after Rename and SetPinned: %+v, %v", got, err)
	}
	if *changes != 2 {
		t.Fatalf("%d changes said, want 2", *changes)
	}
	if err := s.Rename(ctx, c.ID+100, "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("renaming an unknown conversation: %v", err)
	}
	if *changes != 2 {
		t.Fatalf("a failed edit said the list changed (%d)", *changes)
	}
	list, err := s.List(ctx, false, 0, 0)
	if err != nil || len(list) != 1 || list[0].Title != "new" {
		t.Fatalf("List: %+v, %v", list, err)
	}
}
