package e2e

import (
	"strings"
	"testing"
	"time"

	"brook/tests/realollama"
)

// TestTitlesFromTheRealOllama: in the real window, the real Ollama titles a
// chat after its first answer, and the title shows in the sidebar in place
// of the first words; a chat the user renames while its first answer is
// still coming keeps the user's title, after Brook has quit and so after
// any title request it had out was answered.
func TestTitlesFromTheRealOllama(t *testing.T) {
	srv := realollama.Start(t)
	app := start(t, launch{ollamaHost: strings.TrimPrefix(srv.URL, "http://"), scenario: "titles"})
	var r struct {
		OK         bool   `json:"ok"`
		Error      string `json:"error"`
		Titled     int64  `json:"titled"`
		Title      string `json:"title"`
		Renamed    int64  `json:"renamed"`
		ShownAfter string `json:"shownAfter"`
	}
	app.waitReport(240*time.Second, &r)
	if !r.OK {
		t.Fatalf("scenario failed: %s", r.Error)
	}
	db := openDB(t, app.dbPath())
	defer db.Close()
	title := func(id int64) (string, bool) {
		t.Helper()
		var s string
		var auto bool
		if err := db.QueryRow(`SELECT title, title_is_auto FROM conversations WHERE id = ?`, id).Scan(&s, &auto); err != nil {
			t.Fatal(err)
		}
		return s, auto
	}
	if got, auto := title(r.Titled); got != r.Title || !auto || got == "" || got == "Tell me about rivers." {
		t.Fatalf("the titled chat is stored as %q (auto %v); the window showed %q", got, auto, r.Title)
	}
	if got, auto := title(r.Renamed); got != "My mountains" || auto || r.ShownAfter != "My mountains" {
		t.Fatalf("the renamed chat is stored as %q (auto %v), shown as %q; want the user's title", got, auto, r.ShownAfter)
	}
	t.Logf("the tiny model titled the first chat %q", r.Title)
}
