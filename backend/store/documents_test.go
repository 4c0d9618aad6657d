package store

import (
	"context"
	"errors"
	"slices"
	"testing"
)

func sampleDocuments() []Document {
	return []Document{
		{Name: "manual.pdf", Kind: "pdf", MIME: "application/pdf", Pages: 8, Tokens: 12,
			Text: "--- Page 7 ---\nThe keeper's cat is called Zephyrine.", Data: []byte("%PDF-1.4 pdf-bytes")},
		{Name: "main.go", Kind: "text", MIME: "text/plain", Tokens: 4, Text: "package main", Data: []byte("package main")},
	}
}

// checkDocuments checks the documents tables (version 15) of a database:
// migrated messages have none; a new message's documents are stored with
// it, deduplicated by their bytes, read with the conversation, found by
// search, carried by an edited version and deleted with the last message
// that carries them.
func checkDocuments(t *testing.T, s *Store, conversationID int64) {
	t.Helper()
	ctx := context.Background()
	checkMigratedHaveNone(t, s, "documents", func(m Message) []Document { return m.Documents })
	m, err := s.AddMessage(ctx, Message{ConversationID: conversationID, Role: RoleUser, Content: "read these", Documents: sampleDocuments()})
	if err != nil || len(m.Documents) != 2 || m.Documents[0].ID == 0 || m.Documents[0].Text != "" || m.Documents[0].Data != nil ||
		m.Documents[0].Size != 18 || len(m.Documents[0].Hash) != 64 {
		t.Fatalf("AddMessage with documents = %+v, %v", m, err)
	}
	// The same bytes again, under another name: a second link, one file.
	again, err := s.AddMessage(ctx, Message{ConversationID: conversationID, Role: RoleUser, Content: "again",
		Documents: []Document{{Name: "copy.pdf", Kind: "pdf", MIME: "application/pdf", Text: "other text", Data: []byte("%PDF-1.4 pdf-bytes")}}})
	if err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, s, "documents"); n != 2 {
		t.Fatalf("%d documents stored, want 2 (deduplicated)", n)
	}
	msgs, err := s.Messages(ctx, conversationID)
	if err != nil {
		t.Fatal(err)
	}
	if got := msgs[len(msgs)-2]; len(got.Documents) != 2 || got.Documents[1].Name != "main.go" || got.Documents[0].Pages != 8 || got.Documents[0].Text != "" {
		t.Fatalf("Messages = %+v", got.Documents)
	}
	docs, err := s.ConversationDocuments(ctx, conversationID)
	if err != nil || len(docs[m.ID]) != 2 || docs[m.ID][0].Text == "" || docs[again.ID][0].Text != docs[m.ID][0].Text {
		t.Fatalf("ConversationDocuments = %+v, %v", docs, err)
	}
	if d, err := s.DocumentText(ctx, m.Documents[1].ID); err != nil || d.Text != "package main" || d.Name != "main.go" {
		t.Fatalf("DocumentText = %+v, %v", d, err)
	}
	hits, err := s.Search(ctx, "Zephyrine", 10)
	if err != nil || !slices.ContainsFunc(hits, func(h SearchHit) bool { return h.MessageID == m.ID && h.Document == "manual.pdf" }) {
		t.Fatalf("Search = %+v, %v", hits, err)
	}
	edited, err := s.AddVersion(ctx, m.ID, Message{Role: RoleUser, Content: "read these again"}, true)
	if err != nil || len(edited.Documents) != 2 || edited.Documents[0].ID == m.Documents[0].ID {
		t.Fatalf("edited version = %+v, %v", edited, err)
	}
	if _, err := s.DeleteVersion(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DocumentText(ctx, m.Documents[0].ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("attachment after its message was deleted: %v", err)
	}
	if _, err := s.DocumentText(ctx, edited.Documents[0].ID); err != nil {
		t.Fatalf("the edited version's document: %v", err)
	}
	// "again" followed m, so it went with it; the edited version is the last.
	if _, err := s.DocumentText(ctx, again.Documents[0].ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the attachment of the message below the deleted one: %v", err)
	}
	if _, err := s.DeleteVersion(ctx, edited.ID); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, s, "documents"); n != 0 {
		t.Fatalf("%d documents left after every message that carried them was deleted", n)
	}
	if hits, _ := s.Search(ctx, "Zephyrine", 10); len(hits) != 0 {
		t.Fatalf("search after deletion = %+v", hits)
	}
	// A refused document leaves nothing behind.
	before, _ := s.Messages(ctx, conversationID)
	if _, err := s.AddMessage(ctx, Message{ConversationID: conversationID, Role: RoleUser, Content: "x",
		Documents: []Document{{Name: "empty.txt", Kind: "text", MIME: "text/plain", Data: []byte("x")}}}); err == nil {
		t.Fatal("a document without text was stored")
	}
	if msgs, _ := s.Messages(ctx, conversationID); len(msgs) != len(before) {
		t.Fatalf("messages after refusal = %d", len(msgs))
	}
}

func countRows(t *testing.T, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.read.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDocuments(t *testing.T) {
	s := openTestStore(t)
	c, err := s.CreateConversation(context.Background(), Conversation{Title: "docs"})
	if err != nil {
		t.Fatal(err)
	}
	checkDocuments(t, s, c.ID)
}

// TestMigrationsReachDocuments makes sure TestMigrateFromEveryVersion
// covers the step to version 15 (documents) from populated databases of
// every earlier version.
func TestMigrationsReachDocuments(t *testing.T) {
	if SchemaVersion() < 15 {
		t.Fatalf("SchemaVersion() = %d, want at least 15", SchemaVersion())
	}
}
