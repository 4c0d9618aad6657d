package windowbench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"brook/backend/store"
)

func openStore(dataHome string) (*store.Store, error) {
	path := dbPathOf(dataHome)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	return store.Open(path)
}

// seedLongConversation writes one conversation of n messages, questions and
// Markdown answers in turn, into Brook's database before launch.
func seedLongConversation(dataHome string, n int) error {
	st, err := openStore(dataHome)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx := context.Background()
	c, err := st.CreateConversation(ctx, store.Conversation{Title: "A long conversation"})
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		m := store.Message{ConversationID: c.ID, Role: store.RoleUser, Content: fmt.Sprintf("Question %d: how does part %d work?", i/2+1, i/2+1)}
		if i%2 == 1 {
			m = store.Message{ConversationID: c.ID, Role: store.RoleAssistant, Content: section(i/2 + 1),
				Model: "tiny:latest", CompletionTokens: 120, TokensPerSecond: 50, FirstTokenMs: 200, EndReason: "stop"}
		}
		if _, err := st.AddMessage(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// seedManyConversations writes n conversations of four messages each,
// spread over the past year, into Brook's database before launch. It
// returns the number of messages written.
func seedManyConversations(dataHome string, n int) (int, error) {
	st, err := openStore(dataHome)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	ctx := context.Background()
	now := time.Now().UnixMilli()
	topics := []string{"Go channels", "a SQL index", "CSS grid", "a Rust lifetime", "Python packaging", "a shell pipe", "TLS certificates", "a regex"}
	const batch = 500
	messages := 0
	for from := 0; from < n; from += batch {
		var bundles []store.Bundle
		for i := from; i < min(from+batch, n); i++ {
			at := now - int64(i)*int64(time.Hour/time.Millisecond)*52/60 // about 10,000 over a year
			topic := topics[i%len(topics)]
			c := store.Conversation{
				UID: fmt.Sprintf("windowbench-conv-%d", i), Title: fmt.Sprintf("Question %d about %s", i, topic),
				CreatedAt: at, UpdatedAt: at + 60_000, Pinned: i%997 == 0,
			}
			var ms []store.Message
			for j := 0; j < 4; j++ {
				m := store.Message{UID: fmt.Sprintf("windowbench-msg-%d-%d", i, j), Role: store.RoleUser, State: store.StateComplete,
					Content: fmt.Sprintf("How do I use %s in case %d?", topic, j), CreatedAt: at + int64(j)*15_000}
				if j%2 == 1 {
					m.Role = store.RoleAssistant
					m.Content = fmt.Sprintf("Here is how to use **%s** (case %d):\n\n- start small\n- measure\n\n```go\nfmt.Println(%d)\n```\n", topic, j, i)
					m.Model, m.CompletionTokens, m.EndReason = "tiny:latest", 40, "stop"
				}
				ms = append(ms, m)
			}
			bundles = append(bundles, store.Bundle{Conversation: c, Messages: ms})
			messages += len(ms)
		}
		if _, err := st.Import(ctx, bundles); err != nil {
			return 0, err
		}
	}
	return messages, nil
}
