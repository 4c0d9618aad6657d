package e2e

import (
	"slices"
	"strings"
	"testing"
	"time"

	"brook/backend/providertest"
)

const answer = "Hello from the **loopback** model. Brook streams this answer token by token — ünïcödé ✓."

// generatedTitle is the title made of answer, which the fake server also
// gives when asked for a title.
const generatedTitle = "Hello from the loopback model. Brook streams this answer"

// waitTitle waits until the only conversation in the database at path has the title want.
func waitTitle(t *testing.T, path string, timeout time.Duration, want string) {
	t.Helper()
	db := openDB(t, path)
	deadline := time.Now().Add(timeout)
	var titles []string
	for !slices.Equal(titles, []string{want}) {
		if time.Now().After(deadline) {
			t.Fatalf("the conversations are titled %q, want only %q", titles, want)
		}
		time.Sleep(25 * time.Millisecond)
		titles = titles[:0]
		rows, err := db.Query(`SELECT title FROM conversations WHERE deleted_at IS NULL`)
		if err != nil {
			continue
		}
		for rows.Next() {
			var title string
			if rows.Scan(&title) == nil {
				titles = append(titles, title)
			}
		}
		rows.Close()
	}
}

// TestFirstRunConversationThroughTheRealWindow is the whole path a new user
// takes: first launch with no configuration, Ollama at $OLLAMA_HOST, type a
// message with the real keyboard, watch it stream, restart, find it again.
func TestFirstRunConversationThroughTheRealWindow(t *testing.T) {
	srv := providertest.NewOllama(providertest.Script{
		Answer: answer, Tokens: providertest.SplitTokens(answer, 4), TokenDelay: 40 * time.Millisecond,
		Models: []string{"tiny:latest", "zeta:7b"}, // sorted by name, the first is selected
	})
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")

	app := start(t, launch{ollamaHost: host})
	ready := app.waitReady(60 * time.Second)
	t.Logf("launch to usable window: %s", ready.Round(time.Millisecond))
	app.screenshot("01-first-run")

	// X focus follows the pointer (no window manager): point at the window,
	// and the keys go to the composer, which has focus.
	xdotool(t, "mousemove", "640", "300")
	xdotool(t, "type", "--delay", "15", "Hello Brook")
	xdotool(t, "key", "Return")

	mid := waitMessages(t, app.dbPath(), 30*time.Second, func(ms []storedMessage) bool {
		return len(ms) == 2 && ms[1].State == "streaming" && len(ms[1].Content) > len(answer)/3
	})
	time.Sleep(100 * time.Millisecond) // a frame or two, so the picture shows the tokens
	app.screenshot("02-streaming")
	if !strings.HasPrefix(answer, mid[1].Content) {
		t.Fatalf("checkpoint %q is not a prefix of the answer", mid[1].Content)
	}
	got := waitMessages(t, app.dbPath(), 30*time.Second, func(ms []storedMessage) bool {
		return len(ms) >= 2 && ms[len(ms)-1].State != "streaming"
	})
	time.Sleep(300 * time.Millisecond) // let the final frame paint before the picture
	app.screenshot("03-answered")
	if len(got) != 2 {
		t.Fatalf("want exactly 2 stored messages, got %d: %+v", len(got), got)
	}
	if got[0].Role != "user" || got[0].Content != "Hello Brook" || got[0].State != "complete" {
		t.Fatalf("user message stored as %+v", got[0])
	}
	if got[1].Role != "assistant" || got[1].Content != answer || got[1].State != "complete" {
		t.Fatalf("answer stored as %+v\nwant %q", got[1], answer)
	}
	chats := srv.ChatRequests(true)
	if len(chats) != 1 || chats[0].Body["model"] != "tiny:latest" {
		t.Fatalf("want one streaming request for the first model, got %+v", chats)
	}
	// The model's title, cleaned of its Markdown and cut at a word, replaces the first words.
	waitTitle(t, app.dbPath(), 30*time.Second, generatedTitle)
	app.quit()

	// After a restart the conversation is still there, and the UI shows it.
	again := start(t, launch{ollamaHost: host, dataHome: app.dataHome, scenario: "status"})
	var status struct {
		OK              bool     `json:"ok"`
		Error           string   `json:"error"`
		Conversations   []string `json:"conversations"`
		SelectedModel   string   `json:"selectedModel"`
		ComposerFocused bool     `json:"composerFocused"`
		Banner          string   `json:"banner"`
	}
	again.waitReport(60*time.Second, &status)
	if !status.OK {
		t.Fatalf("status scenario failed: %s", status.Error)
	}
	if len(status.Conversations) != 1 || status.Conversations[0] != generatedTitle {
		t.Fatalf("sidebar after restart shows %v, want the one conversation with the title the model gave it", status.Conversations)
	}
	if status.SelectedModel != "tiny:latest" || !status.ComposerFocused {
		t.Fatalf("after restart: model %q (want the last used), composer focused %v", status.SelectedModel, status.ComposerFocused)
	}
	if got := waitMessages(t, again.dbPath(), time.Second, func(ms []storedMessage) bool { return true }); len(got) != 2 {
		t.Fatalf("after restart the database has %d messages", len(got))
	}
}

// TestUnreachableOllamaStillOpens: no server, the window opens, shows history
// and says what to do: how to start Ollama, or, where it is not installed
// (as on a test machine, where Brook finds no ollama to start), how to
// install it or use a server elsewhere.
func TestUnreachableOllamaStillOpens(t *testing.T) {
	app := start(t, launch{ollamaHost: strings.TrimPrefix(providertest.DownURL(), "http://"), scenario: "status"})
	var status struct {
		OK         bool   `json:"ok"`
		Error      string `json:"error"`
		Banner     string `json:"banner"`
		EmptyState string `json:"emptyState"`
	}
	app.waitReport(60*time.Second, &status)
	if !status.OK {
		t.Fatalf("status scenario failed: %s", status.Error)
	}
	startIt := strings.Contains(status.Banner, "ollama serve")
	installIt := strings.Contains(status.EmptyState, "https://ollama.com/download") && strings.Contains(status.EmptyState, "use a server elsewhere")
	if !startIt && !installIt {
		t.Fatalf("the window says neither how to start Ollama nor how to install it: banner %q, empty state %q", status.Banner, status.EmptyState)
	}
}
