package e2e

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestVersionAndHelpWithoutDisplay: --version and --help answer before GTK
// starts, so they work with no display at all; an unknown flag exits 2.
func TestVersionAndHelpWithoutDisplay(t *testing.T) {
	if brookBin == "" {
		t.Skip("BROOK_BIN is not set")
	}
	run := func(args ...string) (string, string, int) {
		cmd := exec.Command(brookBin, args...)
		var env []string
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "DISPLAY=") && !strings.HasPrefix(kv, "WAYLAND_DISPLAY=") {
				env = append(env, kv)
			}
		}
		cmd.Env = append(env, "XDG_DATA_HOME="+t.TempDir())
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return out.String(), errOut.String(), code
	}
	if out, errOut, code := run("--version"); code != 0 || !strings.HasPrefix(out, "Brook ") || !strings.Contains(out, "(") {
		t.Fatalf("--version: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if out, _, code := run("--help"); code != 0 || !strings.Contains(out, "BROOK_LOG_CONTENT") {
		t.Fatalf("--help: exit %d, stdout %q", code, out)
	}
	if out, errOut, code := run("--bogus"); code != 2 || out != "" || !strings.Contains(errOut, "Usage: brook") {
		t.Fatalf("--bogus: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// startSessionBus starts a private D-Bus session bus for one test and
// returns its address (the other tests run with none).
func startSessionBus(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		t.Skip("dbus-daemon is not installed")
	}
	cmd := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon gave no address: %v", err)
	}
	return strings.TrimSpace(line)
}

// TestSecondLaunchHandsOver: with a session bus, a second Brook on the same
// data folder hands over to the first and exits at once, without touching
// the database; the first stays. A Brook with another data folder runs
// beside them.
func TestSecondLaunchHandsOver(t *testing.T) {
	if brookBin == "" {
		t.Skip("BROOK_BIN is not set")
	}
	bus := "DBUS_SESSION_BUS_ADDRESS=" + startSessionBus(t)
	first := start(t, launch{extraEnv: []string{bus}})
	first.waitReady(60 * time.Second)

	second := start(t, launch{dataHome: first.dataHome, extraEnv: []string{bus}})
	select {
	case <-second.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("a second Brook on the same data folder did not exit within 10 s")
	}
	if took := time.Since(second.launched); took > 5*time.Second {
		t.Errorf("the second Brook took %s to hand over", took)
	}
	select {
	case <-first.exited:
		t.Fatalf("the first Brook exited: %v", first.exitErr)
	case <-time.After(500 * time.Millisecond):
	}
	log, _ := os.ReadFile(first.logPath())
	if !strings.Contains(string(log), "second launch") {
		t.Errorf("the first Brook did not hear of the second launch; its log:\n%s", tail(string(log), 2000))
	}
	if n := strings.Count(string(log), "starting"); n != 1 {
		t.Errorf("the log has %d start-ups, want 1 (the second must not open the database)", n)
	}

	other := start(t, launch{extraEnv: []string{bus}})
	other.waitReady(60 * time.Second)
	first.quit()
	other.quit()
}
