package store

import (
	"context"
	"errors"
	"testing"
)

func TestForkConversationIsOneTransaction(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	c, err := s.CreateConversation(ctx, Conversation{Title: "Rivers", EndpointID: "ep", Model: "m", SystemPrompt: "Be brief.", Params: Params{Think: "low"}})
	if err != nil {
		t.Fatal(err)
	}
	add := func(role Role, text string) Message {
		m, err := s.AddMessage(ctx, Message{ConversationID: c.ID, Role: role, Content: text})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	add(RoleUser, "first question")
	add(RoleAssistant, "poison")
	edited := add(RoleUser, "second question")
	add(RoleAssistant, "second answer")

	// A failure half-way (the copy of the second message fails) leaves nothing behind.
	if _, err := s.write.ExecContext(ctx, `CREATE TEMP TRIGGER fail_copy BEFORE INSERT ON messages
		WHEN NEW.content = 'poison' BEGIN SELECT RAISE(ABORT, 'injected failure'); END`); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.ForkConversation(ctx, edited.ID, "Rivers (edited)", "second, edited"); err == nil {
		t.Fatal("the fork succeeded despite the injected failure")
	}
	if convs, _ := s.ListConversations(ctx, ListOptions{}); len(convs) != 1 {
		t.Fatalf("%d conversations after a failed fork, want the original alone", len(convs))
	}
	if _, err := s.write.ExecContext(ctx, `DROP TRIGGER temp.fail_copy`); err != nil {
		t.Fatal(err)
	}

	fork, user, err := s.ForkConversation(ctx, edited.ID, "Rivers (edited)", "second, edited")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := s.Messages(ctx, fork.ID)
	if len(got) != 3 || got[0].Content != "first question" || got[1].Content != "poison" || got[2].ID != user.ID || user.Content != "second, edited" {
		t.Fatalf("fork has %+v", got)
	}
	if fork.SystemPrompt != "Be brief." || fork.Params.Think != "low" || fork.Model != "m" {
		t.Fatalf("fork lost the conversation's settings: %+v", fork)
	}
	if orig, _ := s.Messages(ctx, c.ID); len(orig) != 4 {
		t.Fatalf("the original changed: %+v", orig)
	}
	if _, _, err := s.ForkConversation(ctx, got[1].ID, "x", "y"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("forking at an answer: %v, want ErrInvalid", err)
	}
	if _, _, err := s.ForkConversation(ctx, 9999, "x", "y"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("forking at an unknown message: %v, want ErrNotFound", err)
	}
}
