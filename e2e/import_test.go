package e2e

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"brook/backend/providertest"
)

// TestDropAnOpenWebUIExport brings another app's history in as a user does:
// a real drag of an Open WebUI export from another window (a small GTK drag
// source, as a file manager is) with the mouse, first onto the composer,
// whose drop stays its own (no import), then onto the rest of the window. The
// window shows what the export holds before anything is written; Enter
// imports every conversation; the summary says what came in; the
// conversation whose messages branched shows its versions (‹ 1 / 2 ›),
// and the database holds the branches.
func TestDropAnOpenWebUIExport(t *testing.T) {
	fixture, err := os.ReadFile(filepath.Join("..", "backend", "transfer", "importers", "openwebui", "testdata", "all-chats.json"))
	if err != nil {
		t.Fatal(err)
	}
	export := filepath.Join(t.TempDir(), "open-webui-chats.json")
	if err := os.WriteFile(export, fixture, 0o600); err != nil {
		t.Fatal(err)
	}
	srv := providertest.NewOllama(providertest.Script{Answer: "ok"})
	defer srv.Close()

	app := start(t, launch{ollamaHost: strings.TrimPrefix(srv.URL, "http://"), scenario: "import-drop:Branching chat"})
	source := dragSource(t) // built while the window starts
	// On the composer the drop is the composer's, as before Brook imported
	// drops: WebKitGTK gives the page a file manager's drag as its URI.
	app.waitMark("ready for the composer drop", 60*time.Second)
	drag(t, source, export, 600, 823, func() {})
	app.waitMark("ready for the drop", 30*time.Second)
	drag(t, source, export, 700, 420, func() { app.screenshot("import-dragging") })

	app.waitMark("preview shown", 30*time.Second)
	app.screenshot("import-preview")
	xdotool(t, "key", "Return") // Import, which has the focus
	app.waitMark("summary shown", 30*time.Second)
	app.screenshot("import-summary")
	xdotool(t, "key", "Return") // Close
	app.waitMark("conversation shown", 30*time.Second)
	app.screenshot("import-versions")
	xdotool(t, "key", "F8") // photographed: the scenario reports

	var r struct {
		scenarioResult
		ComposerDrop struct {
			Text        string `json:"text"`
			ImportStage string `json:"importStage"`
			Dialog      bool   `json:"dialog"`
		} `json:"composerDrop"`
		Preview struct {
			Kind  string `json:"kind"`
			Found string `json:"found"`
			Rows  []struct {
				Text   string `json:"text"`
				Status string `json:"status"`
			} `json:"rows"`
			Picked        []bool `json:"picked"`
			ImportFocused bool   `json:"importFocused"`
			ImportLabel   string `json:"importLabel"`
		} `json:"preview"`
		Summary        string `json:"summary"`
		CloseFocused   bool   `json:"closeFocused"`
		ConversationID int64  `json:"conversationId"`
		Versions       []struct {
			ID    int64  `json:"id"`
			Role  string `json:"role"`
			Plain string `json:"plain"`
			Count string `json:"count"`
		} `json:"versions"`
	}
	app.waitReport(30*time.Second, &r)
	if !r.OK {
		t.Fatalf("the scenario failed: %s", r.Error)
	}

	if cd := r.ComposerDrop; !strings.Contains(cd.Text, "open-webui-chats.json") || cd.ImportStage != "idle" || cd.Dialog {
		t.Fatalf("a drop on the composer: %+v; want its text in the composer and no import", cd)
	}
	p := r.Preview
	if !strings.Contains(p.Kind, "Open WebUI export") || !strings.Contains(p.Kind, "open-webui-chats.json") ||
		!strings.HasPrefix(p.Found, "2 conversations · 9 messages · ") || len(p.Rows) != 2 ||
		!strings.Contains(p.Rows[0].Text+p.Rows[1].Text, "Branching chat") || p.Rows[0].Status != "new" || p.Rows[1].Status != "new" ||
		len(p.Picked) != 2 || !p.Picked[0] || !p.Picked[1] || !p.ImportFocused || p.ImportLabel != "Import all 2" {
		t.Fatalf("the preview showed %+v", p)
	}
	// Open WebUI's second chat is archived: the summary says where it went.
	if !strings.Contains(r.Summary, "Imported 2 conversations (9 messages).") ||
		!strings.Contains(r.Summary, "1 of them is archived, as in the export: find it under Archived.") || !r.CloseFocused {
		t.Fatalf("the summary said %q (Close focused: %v)", r.Summary, r.CloseFocused)
	}

	// In the window: the edited question and the regenerated answer each
	// show a switcher with two versions.
	switchers := 0
	for _, v := range r.Versions {
		if strings.HasSuffix(strings.ReplaceAll(v.Count, " ", ""), "/2") {
			switchers++
		}
	}
	if switchers < 2 {
		t.Fatalf("the imported conversation shows %d version switchers of two; shown: %+v", switchers, r.Versions)
	}

	// In the database: both conversations, with the branching one's forks.
	db := openDB(t, app.dbPath())
	var conversations, messages, forks int
	if err := db.QueryRow(`SELECT COUNT(*) FROM conversations`).Scan(&conversations); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT COUNT(*) FROM messages`).Scan(&messages); err != nil {
		t.Fatal(err)
	}
	err = db.QueryRow(`SELECT COUNT(*) FROM (SELECT 1 FROM messages WHERE conversation_id = ?
		GROUP BY COALESCE(parent_id, 0) HAVING COUNT(*) > 1)`, r.ConversationID).Scan(&forks)
	if err != nil {
		t.Fatal(err)
	}
	if conversations != 2 || messages != 9 || forks != 2 {
		t.Fatalf("stored %d conversations, %d messages, %d forks in the branching one; want 2, 9, 2", conversations, messages, forks)
	}
}

// waitMark waits for the scenario to log that it reached a state (TestService.Mark).
func (b *brook) waitMark(what string, timeout time.Duration) {
	b.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		for _, line := range readLines(b.logPath(), "test mark") {
			if strings.Contains(line, what) {
				return
			}
		}
		select {
		case <-b.exited:
			b.t.Fatalf("Brook exited before %q: %v", what, b.exitErr)
		case <-time.After(20 * time.Millisecond):
		}
	}
	b.screenshot("timeout-" + b.t.Name())
	b.t.Fatalf("the window did not reach %q within %s", what, timeout)
}

// dragSource builds the GTK drag source (testdata/dragsource.c).
func dragSource(t *testing.T) string {
	t.Helper()
	flags, err := exec.Command("pkg-config", "--cflags", "--libs", "gtk+-3.0").Output()
	if err != nil {
		t.Fatalf("pkg-config gtk+-3.0 (the Wails build needs libgtk-3-dev too): %v", err)
	}
	bin := filepath.Join(t.TempDir(), "dragsource")
	args := append([]string{"-o", bin, filepath.Join("testdata", "dragsource.c")}, strings.Fields(string(flags))...)
	if out, err := exec.Command("gcc", args...).CombinedOutput(); err != nil {
		t.Fatalf("building the drag source: %v\n%s", err, out)
	}
	return bin
}

// drag drags path from a drag source window onto the screen point (x, y)
// with the mouse, as a user drags a file from a file manager; over runs
// while the file is held over the point, before it is let go.
func drag(t *testing.T, source, path string, x, y int, over func()) {
	t.Helper()
	// The source sits over the window's lower right corner (with no window
	// manager, the newest window is on top).
	const sx, sy = 1100, 760
	cmd := exec.Command(source, strconv.Itoa(sx), strconv.Itoa(sy), path)
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "GDK_BACKEND=x11")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	lines := make(chan string, 4)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		io.Copy(io.Discard, out)
	}()
	await := func(want string) {
		t.Helper()
		select {
		case l := <-lines:
			if l != want {
				t.Fatalf("the drag source said %q, want %q", l, want)
			}
		case <-time.After(15 * time.Second):
			t.Fatalf("the drag source did not say %q", want)
		}
	}
	await("ready")
	// Press on the source, move past GTK's drag threshold, cross to the
	// target in steps (each a motion event the drop target sees), release.
	xdotool(t, "mousemove", strconv.Itoa(sx+60), strconv.Itoa(sy+40))
	xdotool(t, "mousedown", "1")
	steps := 8
	for i := 1; i <= steps; i++ {
		px := sx + 60 + (x-sx-60)*i/steps
		py := sy + 40 + (y-sy-40)*i/steps
		xdotool(t, "mousemove", strconv.Itoa(px), strconv.Itoa(py))
		time.Sleep(60 * time.Millisecond) // GTK reads motion per frame; a jump straight there is no drag
	}
	over()
	xdotool(t, "mouseup", "1")
	await("drag-end")
}
