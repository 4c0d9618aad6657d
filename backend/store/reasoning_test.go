package store

import (
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

// TestReasoningLifecycle follows the reasoning of an answer: checkpointed
// while it streams (alone at first, then with the answer), surviving a crash,
// finished with its thinking time, exported and imported, and cleared by a
// retry. It is never searchable.
func TestReasoningLifecycle(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	c := mustConversation(t, s, "reasoning")
	mustMessage(t, s, c.ID, RoleUser, "How tall is the tower?")
	answer, err := s.AddMessage(ctx, Message{ConversationID: c.ID, Role: RoleAssistant, State: StateStreaming})
	if err != nil {
		t.Fatal(err)
	}

	// The model thinks first: reasoning arrives before any answer text.
	thinking := "Okay, the user asks about the tower. Let me ponder the antenna."
	if err := s.CheckpointAnswer(ctx, answer.ID, 0, "", thinking); err != nil {
		t.Fatal(err)
	}
	if m, err := s.GetMessage(ctx, answer.ID); err != nil || m.Content != "" || m.Reasoning != thinking || m.State != StateStreaming {
		t.Fatalf("after a reasoning checkpoint: %+v, %v", m, err)
	}
	partial := "It is 333 metres ta"
	if err := s.CheckpointAnswer(ctx, answer.ID, 0, partial, thinking); err != nil {
		t.Fatal(err)
	}

	// A crash now (what kill -9 leaves behind) keeps both.
	crashed := filepath.Join(t.TempDir(), "brook.db")
	for _, suffix := range []string{"", "-wal"} {
		copyFileForTest(t, s.Path()+suffix, crashed+suffix)
	}
	recovered, err := Open(crashed)
	if err != nil {
		t.Fatal(err)
	}
	got, err := recovered.GetMessage(ctx, answer.ID)
	if err != nil || got.State != StateInterrupted || got.Content != partial || got.Reasoning != thinking {
		t.Fatalf("recovered answer = %+v, %v", got, err)
	}
	if ids := searchIDs(t, recovered, "ponder"); len(ids) != 0 {
		t.Fatalf("recovered reasoning is searchable: %v", ids)
	}
	checkSearchIndex(t, recovered)
	recovered.Close()

	final := Message{ID: answer.ID, Content: "It is 333 metres tall.", Reasoning: thinking,
		State: StateComplete, ThinkingMs: 4200, FirstTokenMs: 4500, EndReason: "stop"}
	if err := s.FinishAnswer(ctx, final); err != nil {
		t.Fatal(err)
	}
	got, err = s.GetMessage(ctx, answer.ID)
	if err != nil || got.Reasoning != thinking || got.ThinkingMs != 4200 || got.Content != final.Content {
		t.Fatalf("after FinishAnswer: %+v, %v", got, err)
	}

	// Search covers the answer, not the reasoning: by index and by scan.
	if ids := searchIDs(t, s, "metres"); !slices.Equal(ids, []int64{answer.ID}) {
		t.Fatalf("answer not found: %v", ids)
	}
	for _, query := range []string{"ponder", "antenna", "Okay ponder", "Ok"} {
		if ids := searchIDs(t, s, query); len(ids) != 0 {
			t.Fatalf("Search(%q) found reasoning: %v", query, ids)
		}
	}
	checkSearchIndex(t, s)

	// Export and import keep it.
	bundles, err := s.Bundles(ctx, []int64{c.ID})
	if err != nil {
		t.Fatal(err)
	}
	target := openTestStore(t)
	if _, err := target.Import(ctx, bundles); err != nil {
		t.Fatal(err)
	}
	imported, err := target.Bundles(ctx, nil)
	if err != nil || len(imported) != 1 || len(imported[0].Messages) != 2 {
		t.Fatalf("imported = %+v, %v", imported, err)
	}
	if m := imported[0].Messages[1]; m.Reasoning != thinking || m.ThinkingMs != 4200 {
		t.Fatalf("imported answer = %+v", m)
	}
	if ids := searchIDs(t, target, "ponder"); len(ids) != 0 {
		t.Fatalf("imported reasoning is searchable: %v", ids)
	}
	checkSearchIndex(t, target)

	// A retry is a new version, afresh, thoughts included; the old one keeps its own.
	retry, err := s.AddVersion(ctx, answer.ID, Message{Role: RoleAssistant, State: StateStreaming, Run: 1}, false)
	if err != nil || retry.Reasoning != "" || retry.ThinkingMs != 0 || retry.State != StateStreaming {
		t.Fatalf("retry = %+v, %v", retry, err)
	}
	got, err = s.GetMessage(ctx, answer.ID)
	if err != nil || got.Reasoning != thinking || got.ThinkingMs != 4200 {
		t.Fatalf("the retried answer after the retry: %+v, %v", got, err)
	}
	checkSearchIndex(t, s)
}

// TestAddMessageKeepsReasoning checks that a message added whole keeps its
// reasoning, still out of the search index.
func TestAddMessageKeepsReasoning(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	c := mustConversation(t, s, "whole")
	m, err := s.AddMessage(ctx, Message{ConversationID: c.ID, Role: RoleAssistant, Content: "Forty-two.",
		Reasoning: "Deep contemplation of everything.", ThinkingMs: 7_500_000})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.GetMessage(ctx, m.ID)
	if err != nil || !reflect.DeepEqual(got, m) {
		t.Fatalf("GetMessage = %+v, %v; want %+v", got, err, m)
	}
	if ids := searchIDs(t, s, "contemplation"); len(ids) != 0 {
		t.Fatalf("reasoning is searchable: %v", ids)
	}
	if ids := searchIDs(t, s, "Forty"); !slices.Equal(ids, []int64{m.ID}) {
		t.Fatalf("answer not found: %v", ids)
	}
	checkSearchIndex(t, s)
}
