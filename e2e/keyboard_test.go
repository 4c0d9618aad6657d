package e2e

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"brook/backend/providertest"
)

// focusMark is a "focus[tag:testid:name] visible=bool in=dialog" mark of the poseKeyboard
// scenario (frontend/src/testmode/keyboard.ts).
var focusMark = regexp.MustCompile(`focus\[([^\]]*)\] visible=(true|false) in=([\w-]+)`)

// keyboard drives a window with key presses only and follows its focus
// through the marks the poseKeyboard scenario logs.
type keyboard struct {
	t    *testing.T
	app  *brook
	seen int // marks already read
}

// marks returns the focus marks logged so far: what had focus, and whether it showed.
func (k *keyboard) marks() [][3]string {
	var out [][3]string
	for _, line := range readLines(k.app.logPath(), "test mark") {
		if m := focusMark.FindStringSubmatch(line); m != nil {
			out = append(out, [3]string{m[1], m[2], m[3]})
		}
	}
	return out
}

// press sends keys (xdotool names) and returns the focus mark it caused, or
// "" when focus did not move within a second.
func (k *keyboard) press(keys ...string) string {
	k.t.Helper()
	xdotool(k.t, append([]string{"key", "--clearmodifiers"}, keys...)...)
	deadline := time.Now().Add(time.Second)
	for time.Now().Before(deadline) {
		if m := k.marks(); len(m) > k.seen {
			k.seen = len(m)
			last := m[len(m)-1]
			if last[1] != "true" {
				k.t.Errorf("focus on %s is not visible", last[0])
			}
			return last[0]
		}
		time.Sleep(20 * time.Millisecond)
	}
	return ""
}

// tabTo presses Tab until focus is on an element whose mark contains want.
func (k *keyboard) tabTo(want string, max int) {
	k.t.Helper()
	var path []string
	for range max {
		got := k.press("Tab")
		if strings.Contains(got, want) {
			return
		}
		path = append(path, got)
	}
	k.t.Fatalf("Tab never reached %q; focus went %s", want, strings.Join(path, " → "))
}

// waitFocus waits for focus to be on something whose mark contains want.
func (k *keyboard) waitFocus(want string) {
	k.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if m := k.marks(); len(m) > 0 && strings.Contains(m[len(m)-1][0], want) {
			k.seen = len(m)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	m := k.marks()
	k.t.Fatalf("focus never came to %q; the last marks: %v", want, m[max(0, len(m)-5):])
}

// TestKeyboardOnly does the day's work with key presses only: a new chat, a
// question sent, the model switched in the listbox, a setting changed and
// saved, every conversation exported. Focus is visible at every step, the
// Settings sheet keeps it inside, and gives it back when it closes.
func TestKeyboardOnly(t *testing.T) {
	srv := providertest.NewOllama(providertest.Script{Answer: "Hello, keyboard.", Models: []string{"alpha:latest", "zeta:latest"}})
	defer srv.Close()
	exportDir := t.TempDir()
	app := start(t, launch{ollamaHost: strings.TrimPrefix(srv.URL, "http://"), scenario: "poseKeyboard", exportDir: exportDir})
	app.waitPose(90 * time.Second)
	k := &keyboard{t: t, app: app}

	// X focus follows the pointer (no window manager): the pointer is put on
	// the window, and nothing is clicked.
	xdotool(t, "mousemove", "640", "300")
	// A new chat, and a question sent from the message box (which has focus
	// already: Tab away first, so that Ctrl+L shows it coming back).
	k.press("ctrl+n")
	k.press("Tab")
	k.press("ctrl+l")
	k.waitFocus("composer")
	xdotool(t, "type", "--delay", "20", "Hello from the keyboard")
	xdotool(t, "key", "Return")
	waitMessages(t, app.dbPath(), 30*time.Second, func(ms []storedMessage) bool {
		return len(ms) == 2 && ms[1].State == "complete"
	})

	// The model picker: Ctrl+Shift+M opens it on the chosen model, Escape
	// closes it back onto its button, ArrowDown opens it again, End and Home
	// go to the last and first models, and Enter picks one.
	k.press("ctrl+shift+m")
	k.waitFocus("model-option")
	k.press("Escape")
	k.waitFocus("model-picker")
	k.press("Down")
	k.waitFocus("model-option")
	if got := k.press("End"); !strings.Contains(got, "zeta:latest") {
		t.Fatalf("End went to %q, not the last model", got)
	}
	if got := k.press("Home"); !strings.Contains(got, "alpha:latest") {
		t.Fatalf("Home went to %q, not the first model", got)
	}
	k.press("Down")
	k.press("Return")
	// Picked: focus goes on to the message box, ready for the next question.
	k.waitFocus("composer")
	xdotool(t, "type", "--delay", "20", "And again")
	xdotool(t, "key", "Return")
	waitMessages(t, app.dbPath(), 30*time.Second, func(ms []storedMessage) bool {
		return len(ms) == 4 && ms[3].State == "complete"
	})
	db := openDB(t, app.dbPath())
	var model string
	if err := db.QueryRow(`SELECT model FROM messages WHERE role = 'assistant' ORDER BY id DESC LIMIT 1`).Scan(&model); err != nil {
		t.Fatal(err)
	}
	if model != "zeta:latest" {
		t.Errorf("the second answer came from %q, not the model picked with the keys", model)
	}

	// Settings: a checkbox changed and saved, and every conversation exported.
	k.press("ctrl+l")
	k.waitFocus("composer")
	inSettings := len(k.marks())
	k.press("ctrl+comma")
	k.waitFocus("Close settings")
	k.tabTo("resume-answers", 80)
	k.press("space")
	k.tabTo("save-settings", 80)
	k.press("Return")
	deadline := time.Now().Add(5 * time.Second)
	var data string
	for time.Now().Before(deadline) && !strings.Contains(data, `"resumeAnswers":false`) {
		db.QueryRow(`SELECT data FROM settings WHERE id = 1`).Scan(&data)
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(data, `"resumeAnswers":false`) {
		t.Errorf("the setting changed with Space was not saved: %s", data)
	}
	k.tabTo("Export all conversations", 80)
	k.press("Return")
	deadline = time.Now().Add(10 * time.Second)
	var files []os.DirEntry
	for time.Now().Before(deadline) && len(files) == 0 {
		files, _ = os.ReadDir(exportDir)
		time.Sleep(50 * time.Millisecond)
	}
	if len(files) == 0 {
		t.Errorf("Export all conversations wrote nothing to %s", exportDir)
	}
	// Tab stays inside Settings: a whole round comes back to its first
	// control, and focus was never outside the sheet meanwhile.
	k.tabTo("Close settings", 120)
	for _, m := range k.marks()[inSettings:] {
		if m[2] != "settings" {
			t.Errorf("with Settings open, focus went to %s, outside the sheet (in=%s)", m[0], m[2])
		}
	}
	// Escape closes it and focus is where it was: the message box.
	k.press("Escape")
	k.waitFocus("composer")
	app.screenshot("keyboard-only")
	db.Close()
	app.quit()
}
