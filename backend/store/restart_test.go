package store

import (
	"context"
	"errors"
	"slices"
	"testing"
)

// TestRestartAnswerKeepsSearchIndexExact checks RestartAnswer (added by the
// engine's author) against the search index invariant: an answer leaving
// [StateComplete] for [StateStreaming] is removed from the index and comes
// back when it finishes again.
func TestRestartAnswerKeepsSearchIndexExact(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	c := mustConversation(t, s, "retry")
	question := mustMessage(t, s, c.ID, RoleUser, "question")
	answer := mustMessage(t, s, c.ID, RoleAssistant, "first attempt about kubernetes")

	if err := s.RestartAnswer(ctx, answer.ID, 1, "", "ep", "llama3"); err != nil {
		t.Fatal(err)
	}
	if ids := searchIDs(t, s, "kubernetes"); len(ids) != 0 {
		t.Fatalf("restarted answer still indexed: %v", ids)
	}
	checkSearchIndex(t, s)
	if err := s.CheckpointAnswer(ctx, answer.ID, 1, "second attempt about docker", ""); err != nil {
		t.Fatal(err)
	}
	// A late write from the first run changes nothing.
	if err := s.CheckpointAnswer(ctx, answer.ID, 0, "late text from the old run", ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a checkpoint of an old run: %v, want ErrNotFound", err)
	}
	if err := s.FinishAnswer(ctx, Message{ID: answer.ID, Content: "old run's end", State: StateStopped}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a final write of an old run: %v, want ErrNotFound", err)
	}
	if err := s.FinishAnswer(ctx, Message{ID: answer.ID, Run: 1, Content: "second attempt about docker", State: StateComplete}); err != nil {
		t.Fatal(err)
	}
	if ids := searchIDs(t, s, "docker"); !slices.Equal(ids, []int64{answer.ID}) {
		t.Fatalf("finished retry not indexed: %v", ids)
	}
	checkSearchIndex(t, s)

	if err := s.RestartAnswer(ctx, question.ID, 1, "", "", ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("restarting a user message: %v, want ErrNotFound", err)
	}
}
