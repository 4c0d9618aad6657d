package instance

import (
	"bufio"
	"encoding/json"
	"errors"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// TestID: one lock per data folder, and a name D-Bus accepts once Wails has
// turned "." and "-" into "_" (letters, digits and "_" only, not starting
// with a digit).
func TestID(t *testing.T) {
	a, b := ID("/home/ann/.local/share/brook"), ID("/tmp/TestX 12/brook-ü")
	if a == b || a != ID("/home/ann/.local/share/brook") {
		t.Fatalf("ids %q and %q", a, b)
	}
	element := regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	for _, id := range []string{a, b} {
		if !strings.HasPrefix(id, AppID+".") {
			t.Fatalf("%q does not start with %s", id, AppID)
		}
		name := busName(id)
		for _, e := range strings.Split(name, ".") {
			if !element.MatchString(e) {
				t.Fatalf("D-Bus name %q has a bad element %q", name, e)
			}
		}
		if len(name) > 255 {
			t.Fatalf("D-Bus name %q is too long", name)
		}
	}
}

// startSessionBus starts a private D-Bus session bus for the test and points
// DBUS_SESSION_BUS_ADDRESS at it.
func startSessionBus(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		t.Skip("dbus-daemon is not installed (make deps-test installs it)")
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
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", strings.TrimSpace(line))
}

// sendMessage is what Wails exports for the lock: SendMessage(string).
type sendMessage func(string)

func (f sendMessage) SendMessage(message string) *dbus.Error {
	f(message)
	return nil
}

// holdLock takes the lock of dataDir on the bus as Wails' window does, and
// returns what second launches hand it.
func holdLock(t *testing.T, dataDir string) <-chan []string {
	t.Helper()
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	got := make(chan []string, 1)
	id := ID(dataDir)
	handler := sendMessage(func(message string) {
		var data struct{ Args []string }
		if err := json.Unmarshal([]byte(message), &data); err != nil {
			t.Errorf("the window got %q: %v", message, err)
		}
		got <- data.Args
	})
	if err := conn.Export(handler, dbus.ObjectPath(objectPath(id)), busName(id)); err != nil {
		t.Fatal(err)
	}
	if reply, err := conn.RequestName(busName(id), dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("taking the lock: %v, %v", reply, err)
	}
	return got
}

func TestRunningAndTell(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
	if Running("/data/ann/brook") {
		t.Fatal("a window was found without a session bus")
	}
	if err := Tell("/data/ann/brook", []string{ConversationsChanged}); !errors.Is(err, ErrNoWindow) {
		t.Fatalf("Tell without a session bus = %v", err)
	}

	startSessionBus(t)
	if Running("/data/ann/brook") {
		t.Fatal("a window was found where none is open")
	}
	got := holdLock(t, "/data/ann/brook")
	if !Running("/data/ann/brook") || Running("/data/bob/brook") {
		t.Fatal("Running does not tell the data folders apart")
	}
	if err := Tell("/data/bob/brook", []string{ConversationsChanged}); !errors.Is(err, ErrNoWindow) {
		t.Fatalf("Tell to a folder with no window = %v", err)
	}
	if err := Tell("/data/ann/brook", []string{ConversationsChanged}); err != nil {
		t.Fatal(err)
	}
	select {
	case args := <-got:
		if !slices.Equal(args, []string{ConversationsChanged}) {
			t.Fatalf("the window got %q", args)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the window was not told")
	}
}
