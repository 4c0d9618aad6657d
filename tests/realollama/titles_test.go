//go:build linux

package realollama

import (
	"context"
	"testing"
	"time"
	"unicode/utf8"

	"brook/backend/chat"
	"brook/backend/store"
)

// titleOtherThan waits until conversation id's title is no longer old, and returns it.
func (r engineRun) titleOtherThan(t *testing.T, id int64, old string) store.Conversation {
	t.Helper()
	return finish(t, "the title", func() store.Conversation {
		for {
			c, err := r.store.GetConversation(context.Background(), id)
			if err != nil || c.Title != old {
				return c
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// chatRequestsAtLeast waits until the server has logged at least n chat
// requests, and returns how many it has.
func (s *Server) chatRequestsAtLeast(t *testing.T, n int) int {
	t.Helper()
	return finish(t, "the server's log of chat requests", func() int {
		for {
			if got := len(s.ChatRequestTimes()); got >= n {
				return got
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// TestEngineTitlesARealConversation: after the first answer the real
// server is asked for a title, which replaces the first words; a chat the
// user renames while its title is being asked for keeps the user's title.
func TestEngineTitlesARealConversation(t *testing.T) {
	srv := Start(t)
	r := newEngineWith(t, srv.URL, 0, func(c *chat.Config) { c.Titles = true })
	const question = "Tell me about rivers."

	answer := r.wait(t, r.send(t, ModelName).ID)
	if answer.State != store.StateComplete {
		t.Fatalf("answer %+v", answer)
	}
	conv := r.titleOtherThan(t, answer.ConversationID, question)
	if conv.Title == "" || utf8.RuneCountInString(conv.Title) > 60 || !conv.TitleIsAuto {
		t.Fatalf("title %q (auto %v), want a model's title of at most 60 characters", conv.Title, conv.TitleIsAuto)
	}
	t.Logf("the tiny model titled it %q", conv.Title)
	// The server logs a request as it ends, perhaps just after its client read it.
	if n := srv.chatRequestsAtLeast(t, 2); n != 2 {
		t.Fatalf("the server answered %d chat requests, want the answer and its title", n)
	}

	// The user renames the next chat as soon as its answer is stored, while
	// Brook asks for its title.
	second := r.wait(t, r.send(t, ModelName).ID)
	if err := r.store.RenameConversation(context.Background(), second.ConversationID, "My rivers"); err != nil {
		t.Fatal(err)
	}
	srv.chatRequestsAtLeast(t, 4)
	r.engine.Close() // waits for the title request to be handled
	got, err := r.store.GetConversation(context.Background(), second.ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "My rivers" || got.TitleIsAuto {
		t.Fatalf("the user's title became %q (auto %v)", got.Title, got.TitleIsAuto)
	}
}
