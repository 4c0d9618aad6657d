package store

import (
	"context"
	"errors"
	"testing"
)

// TestReplaceAutoTitleIsACompareAndSet: a generated title replaces only the
// automatic title it was made for; a rename, or another automatic title,
// that landed first is kept.
func TestReplaceAutoTitleIsACompareAndSet(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	c, err := s.CreateConversation(ctx, Conversation{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetAutoTitle(ctx, c.ID, "Tell me about rivers"); err != nil {
		t.Fatal(err)
	}
	title := func() Conversation {
		t.Helper()
		got, err := s.GetConversation(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	if ok, err := s.ReplaceAutoTitle(ctx, c.ID, "Something older", "Rivers"); ok || err != nil {
		t.Fatalf("replaced a title that was not the expected one: %v, %v", ok, err)
	}
	if ok, err := s.ReplaceAutoTitle(ctx, c.ID, "Tell me about rivers", "  Rivers of the world "); !ok || err != nil {
		t.Fatalf("did not replace the expected title: %v, %v", ok, err)
	}
	if got := title(); got.Title != "Rivers of the world" || !got.TitleIsAuto {
		t.Fatalf("after the replace: %q (auto %v)", got.Title, got.TitleIsAuto)
	}

	if err := s.RenameConversation(ctx, c.ID, "Rivers of the world"); err != nil {
		t.Fatal(err)
	}
	// Renamed to the very same words: still the user's title.
	if ok, err := s.ReplaceAutoTitle(ctx, c.ID, "Rivers of the world", "Something else"); ok || err != nil {
		t.Fatalf("replaced the user's title: %v, %v", ok, err)
	}
	if got := title(); got.Title != "Rivers of the world" || got.TitleIsAuto {
		t.Fatalf("the user's title became %q (auto %v)", got.Title, got.TitleIsAuto)
	}

	if _, err := s.ReplaceAutoTitle(ctx, c.ID, "Rivers of the world", "  "); !errors.Is(err, ErrInvalid) {
		t.Fatalf("an empty title: %v, want ErrInvalid", err)
	}
	if ok, err := s.ReplaceAutoTitle(ctx, 9999, "x", "y"); ok || err != nil {
		t.Fatalf("an unknown conversation: %v, %v", ok, err)
	}
}
