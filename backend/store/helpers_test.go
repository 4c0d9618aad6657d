package store

import (
	"context"
	"path/filepath"
	"testing"
)

// openTestStore opens a fresh store in a file under t.TempDir() (not
// :memory:, so the read pool and the writer share one database).
func openTestStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "brook.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func mustConversation(t *testing.T, s *Store, title string) Conversation {
	t.Helper()
	c, err := s.CreateConversation(context.Background(), Conversation{Title: title})
	if err != nil {
		t.Fatalf("CreateConversation(%q): %v", title, err)
	}
	return c
}

func mustMessage(t *testing.T, s *Store, conversationID int64, role Role, content string) Message {
	t.Helper()
	m, err := s.AddMessage(context.Background(), Message{ConversationID: conversationID, Role: role, Content: content})
	if err != nil {
		t.Fatalf("AddMessage(%q): %v", content, err)
	}
	return m
}

func searchIDs(t *testing.T, s *Store, query string) []int64 {
	t.Helper()
	hits, err := s.Search(context.Background(), query, 50)
	if err != nil {
		t.Fatalf("Search(%q): %v", query, err)
	}
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.MessageID
	}
	return ids
}
