package e2e

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	"brook/backend/providertest"
)

// TestSIGKILLMidAnswerLosesNothing kills the real process mid-answer again
// and again. Every time the database must pass integrity_check, every complete
// message must still be there unchanged, and the partial answer must be kept
// up to its last checkpoint — then, on the next start, marked interrupted.
func TestSIGKILLMidAnswerLosesNothing(t *testing.T) {
	const rounds = 20
	long := strings.Repeat("Checkpointed words keep flowing down the brook. ", 40)
	srv := providertest.NewOllama(providertest.Script{Answer: long, Tokens: providertest.SplitTokens(long, 3), TokenDelay: 8 * time.Millisecond})
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	dataHome := t.TempDir()

	complete := map[int64]string{} // every complete message seen so far
	var killed storedMessage       // last round's answer, as its checkpoint had it
	var newest int64               // the highest message id before this round
	for round := 1; round <= rounds; round++ {
		app := start(t, launch{ollamaHost: host, dataHome: dataHome, scenario: "send"})
		// Wait for a checkpoint of this round's answer: streaming, with text.
		// (Last round's answer may be streaming too: the start resumes it.)
		seen := waitMessages(t, app.dbPath(), 60*time.Second, func(ms []storedMessage) bool {
			for _, m := range ms {
				if m.Role == "assistant" && m.State == "streaming" && m.ID > newest && len(m.Content) > 0 {
					return true
				}
			}
			return false
		})
		var checkpoint storedMessage
		for _, m := range seen {
			if m.Role == "assistant" && m.State == "streaming" && m.ID > newest {
				checkpoint = m
			}
		}
		app.kill(syscall.SIGKILL)

		db := openDB(t, app.dbPath())
		var integrity string
		if err := db.QueryRowContext(context.Background(), "PRAGMA integrity_check").Scan(&integrity); err != nil || integrity != "ok" {
			t.Fatalf("round %d: integrity_check = %q, %v", round, integrity, err)
		}
		after := messages(t, db)
		db.Close()
		byID := map[int64]storedMessage{}
		for _, m := range after {
			byID[m.ID] = m
			newest = max(newest, m.ID)
		}
		for id, content := range complete {
			if m, ok := byID[id]; !ok || m.Content != content {
				t.Fatalf("round %d: complete message %d lost or changed: %+v", round, id, m)
			}
		}
		for _, cut := range []storedMessage{checkpoint, killed} {
			if cut.ID == 0 {
				continue
			}
			// Whether the start finished it, was resuming it when killed, or
			// left it interrupted: what it had is still its beginning, and
			// nothing was doubled.
			got, ok := byID[cut.ID]
			if !ok || !strings.HasPrefix(got.Content, cut.Content) || !strings.HasPrefix(long, got.Content) {
				t.Fatalf("round %d: partial answer lost: had %q, now %+v", round, cut.Content, got)
			}
		}
		if prev, ok := byID[killed.ID]; killed.ID != 0 && (!ok || prev.State == "complete" && prev.Content != long) {
			t.Fatalf("round %d: the answer killed last round was finished short: %+v", round, prev)
		}
		for _, m := range after {
			if m.State == "complete" {
				complete[m.ID] = m.Content
			}
		}
		killed = checkpoint
	}
	t.Logf("%d SIGKILLs mid-answer: integrity ok every time, %d complete messages kept", rounds, len(complete))
}
