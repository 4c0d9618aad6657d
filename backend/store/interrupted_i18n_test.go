package store

import (
	"context"
	"testing"

	"brook/backend/i18n"
)

// TestClosedBeforeFinishedIsWordedWhenRead: an answer left streaming is
// stored, when the database is opened, with the sentence in English (the
// language is not known yet); it is read in the language current then,
// as is the same sentence stored in another language, while the row keeps
// what was stored and any other reason is read as it is.
func TestClosedBeforeFinishedIsWordedWhenRead(t *testing.T) {
	t.Cleanup(func() { _ = i18n.SetLanguage(i18n.English) })
	ctx := context.Background()
	s := openTestStore(t)
	c := mustConversation(t, s, "closed")
	mustMessage(t, s, c.ID, RoleUser, "hello")
	left, err := s.AddMessage(ctx, Message{ConversationID: c.ID, Role: RoleAssistant, State: StateStreaming})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.recoverStreaming(ctx); err != nil {
		t.Fatal(err)
	}
	german, err := s.AddMessage(ctx, Message{ConversationID: c.ID, Role: RoleAssistant, State: StateInterrupted,
		Error: i18n.In("de", interruptedID, nil)})
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.AddMessage(ctx, Message{ConversationID: c.ID, Role: RoleAssistant, State: StateInterrupted,
		Error: "The connection to the server was lost."})
	if err != nil {
		t.Fatal(err)
	}

	var stored string
	if err := s.read.QueryRowContext(ctx, `SELECT error FROM messages WHERE id = ?`, left.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != "Brook closed before the answer finished." {
		t.Fatalf("stored reason = %q, want the English sentence", stored)
	}

	for _, tag := range []string{"ja", "ru", i18n.English} {
		if err := i18n.SetLanguage(tag); err != nil {
			t.Fatal(err)
		}
		want := i18n.In(tag, interruptedID, nil)
		for _, id := range []int64{left.ID, german.ID} {
			got, err := s.GetMessage(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if got.Error != want {
				t.Errorf("in %s, message %d reads %q, want %q", tag, id, got.Error, want)
			}
		}
		if got, err := s.GetMessage(ctx, other.ID); err != nil || got.Error != other.Error {
			t.Errorf("in %s, another reason reads %q (%v), want it as stored", tag, got.Error, err)
		}
	}
	if got := i18n.In("ja", interruptedID, nil); got == interruptedError() {
		t.Fatalf("the Japanese sentence is the English one: %q", got)
	}
}
