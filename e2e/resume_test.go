package e2e

import (
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"brook/backend/providertest"
)

// TestAnswerCutByAKillIsFinishedAtTheNextStart kills Brook (SIGKILL) while
// an answer streams; the next start continues that answer where its last
// checkpoint stopped, with no word repeated, and marks it "Finished after a
// restart" in the window. The picture is the README's.
func TestAnswerCutByAKillIsFinishedAtTheNextStart(t *testing.T) {
	long := strings.Repeat("The river keeps its course through every season. ", 24)
	srv := providertest.NewOllama(providertest.Script{Answer: long, Tokens: providertest.SplitTokens(long, 3), TokenDelay: 30 * time.Millisecond})
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	dataHome := t.TempDir()

	app := start(t, launch{ollamaHost: host, dataHome: dataHome, scenario: "pose:streaming=Tell me about the river."})
	app.waitPose(90 * time.Second)
	cut := waitMessages(t, app.dbPath(), 30*time.Second, func(ms []storedMessage) bool {
		return len(ms) == 2 && ms[1].State == "streaming" && len(ms[1].Content) > 150
	})[1]
	app.kill(syscall.SIGKILL)

	again := start(t, launch{ollamaHost: host, dataHome: dataHome, scenario: "pose:resumed"})
	again.waitPose(90 * time.Second)
	dir := os.Getenv("BROOK_SCREENSHOTS")
	if dir == "" {
		dir = artifacts
	}
	again.screenshotTo(dir, "resumed")
	again.quit()

	db := openDB(t, again.dbPath())
	defer db.Close()
	var content, state string
	var resumed bool
	if err := db.QueryRowContext(context.Background(), `SELECT content, state, resumed FROM messages WHERE id = ?`, cut.ID).
		Scan(&content, &state, &resumed); err != nil {
		t.Fatal(err)
	}
	if state != "complete" || !resumed || content != long || !strings.HasPrefix(content, cut.Content) {
		t.Fatalf("after the restart the answer is %s (resumed %v): %q; it had %q", state, resumed, content, cut.Content)
	}
	// It was continued: the last request ends with the partial answer.
	reqs := srv.ChatRequests(true)
	msgs := reqs[len(reqs)-1].Body["messages"].([]any)
	if last := msgs[len(msgs)-1].(map[string]any); last["role"] != "assistant" || !strings.HasPrefix(cut.Content, strings.TrimRight(last["content"].(string), " ")) {
		t.Fatalf("the restart did not continue the partial answer: %v", last)
	}
}
