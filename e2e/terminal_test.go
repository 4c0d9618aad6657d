package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// terminal runs the brook command as from a shell beside the window: no
// display, the given session bus. It returns the exit code and output.
func terminal(t *testing.T, bus string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(brookBin, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DISPLAY=") && !strings.HasPrefix(kv, "WAYLAND_DISPLAY=") && !strings.HasPrefix(kv, "DBUS_SESSION_BUS_ADDRESS=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, bus)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String(), errOut.String()
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, out.String(), errOut.String()
}

// waitLog waits for a line of the log at path that contains text.
func waitLog(t *testing.T, b *brook, path, text string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if len(readLines(path, text)) > 0 {
			return
		}
		select {
		case <-b.exited:
			t.Fatalf("Brook exited while waiting for %q in its log: %v", text, b.exitErr)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("%q did not appear in %s within %s", text, path, timeout)
}

// TestTerminalBesideTheOpenWindow: the window opens on the folder --data
// names; from a terminal with no display, brook imports a ChatGPT export
// into that folder while the window is open, the window hears of it over
// the session bus, and brook list shows the new conversations.
func TestTerminalBesideTheOpenWindow(t *testing.T) {
	if brookBin == "" {
		t.Skip("BROOK_BIN is not set")
	}
	bus := "DBUS_SESSION_BUS_ADDRESS=" + startSessionBus(t)
	data := filepath.Join(t.TempDir(), "elsewhere")
	w := start(t, launch{extraEnv: []string{bus}, args: []string{"--data", data}})
	windowLog := filepath.Join(data, "logs", "brook.log")
	waitLog(t, w, windowLog, "ui ready", 60*time.Second)
	if _, err := os.Stat(w.dbPath()); err == nil {
		t.Fatal("the window opened the usual data folder, not the one --data named")
	}

	fixture, err := filepath.Abs(filepath.Join("..", "backend", "transfer", "testdata", "chatgpt-conversations.json"))
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := terminal(t, bus, "import", fixture, "--data", data)
	if code != 0 || !strings.Contains(out, "2 conversations imported") || errOut != "" {
		t.Fatalf("brook import beside the window: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	waitLog(t, w, windowLog, "conversations changed by the brook command", 10*time.Second)
	code, out, errOut = terminal(t, bus, "list", "--data", data)
	if code != 0 || !strings.Contains(out, "Flatten a list in Python") {
		t.Fatalf("brook list beside the window: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	time.Sleep(500 * time.Millisecond) // the list's refresh, for the picture
	w.screenshot("terminal-import")
	w.quit()
}
