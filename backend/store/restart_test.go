package store

import (
	"context"
	"errors"
	"slices"
	"testing"
)

// TestContinueAnswerKeepsSearchIndexExact checks ContinueAnswer against the
// search index invariant: an answer leaving [StateComplete] for
// [StateStreaming] is removed from the index and comes back when it
// finishes again.
func TestContinueAnswerKeepsSearchIndexExact(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	c := mustConversation(t, s, "retry")
	question := mustMessage(t, s, c.ID, RoleUser, "question")
	answer := mustMessage(t, s, c.ID, RoleAssistant, "first attempt about kubernetes")

	if err := s.ContinueAnswer(ctx, answer.ID, 1, "ep", "llama3"); err != nil {
		t.Fatal(err)
	}
	if ids := searchIDs(t, s, "kubernetes"); len(ids) != 0 {
		t.Fatalf("restarted answer still indexed: %v", ids)
	}
	checkSearchIndex(t, s)
	if err := s.CheckpointAnswer(ctx, answer.ID, 1, "first attempt about kubernetes and docker", ""); err != nil {
		t.Fatal(err)
	}
	// A late write from the first run changes nothing.
	if err := s.CheckpointAnswer(ctx, answer.ID, 0, "late text from the old run", ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a checkpoint of an old run: %v, want ErrNotFound", err)
	}
	if err := s.FinishAnswer(ctx, Message{ID: answer.ID, Content: "old run's end", State: StateStopped}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a final write of an old run: %v, want ErrNotFound", err)
	}
	if err := s.FinishAnswer(ctx, Message{ID: answer.ID, Run: 1, Content: "first attempt about kubernetes and docker", State: StateComplete}); err != nil {
		t.Fatal(err)
	}
	if ids := searchIDs(t, s, "docker"); !slices.Equal(ids, []int64{answer.ID}) {
		t.Fatalf("finished continuation not indexed: %v", ids)
	}
	checkSearchIndex(t, s)

	if err := s.ContinueAnswer(ctx, question.ID, 1, "", ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("continuing a user message: %v, want ErrNotFound", err)
	}
}

// TestContinueAnswerIsOneWrite: putting an answer back to be continued keeps
// its text, its reasoning and how long it thought in the same write. Before,
// RestartAnswer cleared the reasoning and thinking time and a second
// statement wrote the reasoning back: a crash between the two lost it, and
// the thinking time was lost on every Continue.
func TestContinueAnswerIsOneWrite(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	c := mustConversation(t, s, "continue")
	mustMessage(t, s, c.ID, RoleUser, "question")
	answer, err := s.AddMessage(ctx, Message{ConversationID: c.ID, Role: RoleAssistant, Content: "The first half",
		Reasoning: "Weigh both sides first.", ThinkingMs: 4200, State: StateStopped, EndReason: "user_stop"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ContinueAnswer(ctx, answer.ID, 7, "ep", "qwen3"); err != nil {
		t.Fatal(err)
	}
	// Nothing else is written: this is what a crash right now leaves.
	got, err := s.GetMessage(ctx, answer.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != StateStreaming || got.Run != 7 || got.Content != "The first half" ||
		got.Reasoning != "Weigh both sides first." || got.ThinkingMs != 4200 || got.EndReason != "" {
		t.Fatalf("after ContinueAnswer: %+v", got)
	}
	if err := s.ContinueAnswer(ctx, answer.ID, 8, "ep", "qwen3"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("continuing an answer that streams: %v, want ErrNotFound", err)
	}
}
