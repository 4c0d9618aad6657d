package chat

import (
	"testing"

	"brook/backend/store"
)

// TestDocumentsGoBeforeTheQuestion: every user message is sent with its
// documents' text, each in a block named after its file, before its own
// text, in the turn it was sent and every later one.
func TestDocumentsGoBeforeTheQuestion(t *testing.T) {
	history := []store.Message{
		{ID: 1, Role: store.RoleUser, Content: "what is on page 7?", Documents: []store.Document{{Name: "manual.pdf"}, {Name: `odd "name".txt`}}},
		{ID: 2, Role: store.RoleAssistant, Content: "Zephyrine.", State: store.StateComplete},
		{ID: 3, Role: store.RoleUser, Content: "and page 8?"},
	}
	docs := map[int64][]store.Document{1: {
		{Name: "manual.pdf", Text: "--- Page 7 ---\nThe cat is Zephyrine.\n"},
		{Name: `odd "name".txt`, Text: "plain"},
	}}
	req := buildRequest(store.Conversation{Model: "m"}, store.Settings{}, history, nil, docs)
	want := "<document name=\"manual.pdf\">\n--- Page 7 ---\nThe cat is Zephyrine.\n</document>\n\n" +
		"<document name=\"odd 'name'.txt\">\nplain\n</document>\n\nwhat is on page 7?"
	if len(req.Messages) != 3 || req.Messages[0].Content != want || req.Messages[2].Content != "and page 8?" {
		t.Fatalf("messages = %+v", req.Messages)
	}
	// Documents alone are a message too.
	if got := withDocuments("", docs[1][:1]); got != "<document name=\"manual.pdf\">\n--- Page 7 ---\nThe cat is Zephyrine.\n</document>" {
		t.Fatalf("documents alone = %q", got)
	}
}
