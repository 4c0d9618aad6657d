package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

type savedRect struct {
	X, Y, Width, Height int
	Maximised           bool
}

func windowRow(t *testing.T, dbPath string) (savedRect, bool) {
	t.Helper()
	db := openDB(t, dbPath)
	defer db.Close()
	var value string
	if err := db.QueryRow(`SELECT value FROM app_state WHERE key = 'window'`).Scan(&value); err != nil {
		return savedRect{}, false
	}
	var r savedRect
	if err := json.Unmarshal([]byte(value), &r); err != nil {
		t.Fatalf("window row %q: %v", value, err)
	}
	return r, true
}

// TestWindowPlaceIsRemembered: Brook saves its window's size and place as it
// closes, and opens there next time.
func TestWindowPlaceIsRemembered(t *testing.T) {
	b := start(t, launch{})
	b.waitReady(60 * time.Second)
	b.quit()
	r, ok := windowRow(t, b.dbPath())
	if !ok {
		t.Fatal("no window place was saved on quit")
	}
	if r.Width != 1280 || r.Height != 860 || r.Maximised {
		t.Fatalf("saved %+v, want the default 1280×860", r)
	}

	db := openDB(t, b.dbPath())
	if _, err := db.Exec(`UPDATE app_state SET value = '{"x":60,"y":40,"width":1000,"height":700,"maximised":false}' WHERE key = 'window'`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	b2 := start(t, launch{dataHome: b.dataHome})
	b2.waitReady(60 * time.Second)
	// GTK makes and drops helper windows while the window opens (a search may
	// find one that is gone when its geometry is asked: BadWindow), and the
	// saved place is applied at DOM ready, after the window first shows
	// centred: wait until the window stands where it was saved.
	var out []byte
	var err error
	placed := func() bool {
		return err == nil && strings.Contains(string(out), "Geometry: 1000x700") && strings.Contains(string(out), "Position: 60,40")
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		cmd := exec.Command("xdotool", "search", "--sync", "--onlyvisible", "--pid", strconv.Itoa(b2.cmd.Process.Pid), "--name", "Brook",
			"getwindowgeometry", "%@")
		cmd.Env = append(os.Environ(), "DISPLAY="+display)
		if out, err = cmd.CombinedOutput(); placed() || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		t.Fatalf("xdotool: %v\n%s", err, out)
	}
	if !placed() {
		t.Fatalf("window geometry:\n%s\nwant 1000x700 at 60,40", out)
	}
	b2.quit()
	if r, _ := windowRow(t, b.dbPath()); r.Width != 1000 || r.Height != 700 || r.X != 60 || r.Y != 40 {
		t.Fatalf("saved %+v after the second run", r)
	}
}
