// Package e2e runs the real, built Brook binary in a real WebKitGTK window
// under Xvfb, against model servers on loopback, and checks what the user
// sees and what is stored. It needs BROOK_BIN (make test-e2e sets it).
package e2e

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// axeScript is axe-core as npm installed it: a test build serves it to the
// window for the accessibility audit (app/testhooks.go); no build embeds it.
var axeScript, _ = filepath.Abs(filepath.Join("..", "frontend", "node_modules", "axe-core", "axe.min.js"))

var (
	brookBin  = os.Getenv("BROOK_BIN")
	artifacts = os.Getenv("BROOK_ARTIFACTS")
	display   string
)

func TestMain(m *testing.M) {
	if brookBin == "" {
		// Every test skips, saying why: a run without the binary never reads as a pass.
		os.Exit(m.Run())
	}
	if artifacts == "" {
		artifacts, _ = os.MkdirTemp("", "brook-e2e-")
	}
	stop, err := startXvfb()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	code := m.Run()
	stop()
	os.Exit(code)
}

// startXvfb starts a virtual display of its own, so tests never touch a real desktop.
func startXvfb() (func(), error) {
	for n := 90 + os.Getpid()%40; n < 200; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		cmd := exec.Command("Xvfb", fmt.Sprintf(":%d", n), "-screen", "0", "1280x900x24", "-nolisten", "tcp")
		if err := cmd.Start(); err != nil {
			return nil, fmt.Errorf("starting Xvfb: %w", err)
		}
		socket := fmt.Sprintf("/tmp/.X11-unix/X%d", n)
		for i := 0; i < 100; i++ {
			if _, err := os.Stat(socket); err == nil {
				display = fmt.Sprintf(":%d", n)
				return func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }, nil
			}
			time.Sleep(50 * time.Millisecond)
		}
		cmd.Process.Kill()
		cmd.Wait()
	}
	return nil, fmt.Errorf("no free X display for Xvfb")
}

// brook is one running Brook process.
type brook struct {
	t        *testing.T
	cmd      *exec.Cmd
	dataHome string
	launched time.Time
	exited   chan struct{} // closed when the process has exited
	exitErr  error
	report   string
}

// options of a launch.
type launch struct {
	ollamaHost string // $OLLAMA_HOST
	dataHome   string // reuse a data folder (a restart); empty makes a new one
	scenario   string // test-mode scenario, or "" for a plain launch
	exportDir  string
	extraEnv   []string
	args       []string // on Brook's command line
}

func start(t *testing.T, l launch) *brook {
	t.Helper()
	if brookBin == "" {
		t.Skip("BROOK_BIN is not set: run `make test-e2e`, which builds Brook with its test hooks and runs these tests")
	}
	if l.dataHome == "" {
		l.dataHome = t.TempDir()
	}
	b := &brook{t: t, dataHome: l.dataHome, exited: make(chan struct{})}
	b.cmd = exec.Command(brookBin, l.args...)
	b.cmd.Env = append(os.Environ(),
		"DISPLAY="+display,
		"XDG_DATA_HOME="+l.dataHome,
		"HOME="+l.dataHome, // the keyring and GTK settings stay in the test's folder
		"OLLAMA_HOST="+l.ollamaHost,
		"OPENAI_API_KEY=", "OPENAI_BASE_URL=",
		// English whatever the machine's locale; a test that wants another
		// language says so in extraEnv, which comes last and wins.
		"LC_ALL=C.UTF-8",
		"DBUS_SESSION_BUS_ADDRESS=disabled:",
		"GDK_BACKEND=x11",
		"WEBKIT_DISABLE_COMPOSITING_MODE=1",
	)
	if l.scenario != "" {
		// Named after the scenario, not its argument, which may be long (files in base64).
		name, _, _ := strings.Cut(l.scenario, ":")
		b.report = filepath.Join(l.dataHome, "report-"+name+".json")
		os.Remove(b.report) // a report from an earlier launch in this folder is not this one's
		b.cmd.Env = append(b.cmd.Env, "BROOK_TEST_SCENARIO="+l.scenario, "BROOK_TEST_REPORT="+b.report, "BROOK_TEST_AXE="+axeScript)
	}
	if l.exportDir != "" {
		b.cmd.Env = append(b.cmd.Env, "BROOK_TEST_EXPORT_DIR="+l.exportDir)
	}
	b.cmd.Env = append(b.cmd.Env, l.extraEnv...)
	logFile, err := os.Create(filepath.Join(t.TempDir(), "stderr.log"))
	if err != nil {
		t.Fatal(err)
	}
	b.cmd.Stdout, b.cmd.Stderr = logFile, logFile
	b.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	b.launched = time.Now()
	if err := b.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { b.exitErr = b.cmd.Wait(); close(b.exited) }()
	t.Cleanup(func() {
		b.kill(syscall.SIGKILL)
		if t.Failed() {
			out, _ := os.ReadFile(logFile.Name())
			t.Logf("brook output:\n%s", tail(string(out), 3000))
		}
	})
	return b
}

func (b *brook) kill(sig syscall.Signal) {
	if b.cmd.Process == nil {
		return
	}
	syscall.Kill(-b.cmd.Process.Pid, sig)
	select {
	case <-b.exited:
	case <-time.After(10 * time.Second):
		syscall.Kill(-b.cmd.Process.Pid, syscall.SIGKILL)
	}
}

// quit asks Brook to close as a window manager would, and waits.
func (b *brook) quit() {
	b.t.Helper()
	syscall.Kill(b.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-b.exited:
	case <-time.After(15 * time.Second):
		b.t.Fatal("Brook did not exit within 15 s of SIGTERM")
	}
}

func (b *brook) logPath() string { return filepath.Join(b.dataHome, "brook", "logs", "brook.log") }
func (b *brook) dbPath() string  { return filepath.Join(b.dataHome, "brook", "brook.db") }

// waitReady waits for the UI to say it is usable, and returns how long that took.
func (b *brook) waitReady(timeout time.Duration) time.Duration {
	b.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if data, err := os.ReadFile(b.logPath()); err == nil && strings.Contains(string(data), "ui ready") {
			return time.Since(b.launched)
		}
		select {
		case <-b.exited:
			b.t.Fatalf("Brook exited before its window was ready: %v", b.exitErr)
		case <-time.After(10 * time.Millisecond):
		}
	}
	b.t.Fatalf("the window was not ready within %s", timeout)
	return 0
}

// waitReport waits for a test-mode scenario's report.
func (b *brook) waitReport(timeout time.Duration, into any) {
	b.t.Helper()
	select {
	case <-b.exited:
	case <-time.After(timeout):
		b.screenshot("timeout-" + b.t.Name())
		b.t.Fatalf("the scenario did not finish within %s", timeout)
	}
	data, err := os.ReadFile(b.report)
	if err != nil {
		b.t.Fatalf("no scenario report: %v", err)
	}
	if err := json.Unmarshal(data, into); err != nil {
		b.t.Fatalf("bad report %s: %v", data, err)
	}
	b.t.Logf("report: %s", tail(string(data), 1500))
}

// waitPose waits for a "pose" scenario to report, and returns the report;
// the window stays open.
func (b *brook) waitPose(timeout time.Duration) []byte {
	b.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if data, err := os.ReadFile(b.report); err == nil && len(data) > 0 {
			var r scenarioResult
			if err := json.Unmarshal(data, &r); err != nil || !r.OK {
				b.t.Fatalf("pose failed: %s", data)
			}
			return data
		}
		select {
		case <-b.exited:
			b.t.Fatalf("Brook exited while posing: %v", b.exitErr)
		case <-time.After(20 * time.Millisecond):
		}
	}
	b.screenshot("timeout-" + b.t.Name())
	b.t.Fatalf("the pose was not reached within %s", timeout)
	return nil
}

// screenshot saves the whole virtual screen as artifacts/name.png.
func (b *brook) screenshot(name string) string {
	b.t.Helper()
	return b.screenshotTo(artifacts, name)
}

// screenshotTo saves the whole virtual screen as dir/name.png.
func (b *brook) screenshotTo(dir, name string) string {
	b.t.Helper()
	path := filepath.Join(dir, strings.NewReplacer("/", "-", " ", "_").Replace(name)+".png")
	cmd := exec.Command("import", "-display", display, "-window", "root", path)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.t.Logf("screenshot %s failed: %v %s", name, err, out)
	}
	return path
}

// xdotool runs xdotool on the virtual display.
func xdotool(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command("xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("xdotool %v: %v %s", args, err, out)
	}
}

// openDB opens Brook's database beside the running app, for reading.
func openDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

type storedMessage struct {
	ID             int64
	ConversationID int64
	Role, Content  string
	State          string
	Recovered      bool
	Error          string
	ParentID       int64
}

func messages(t *testing.T, db *sql.DB) []storedMessage {
	t.Helper()
	out, err := queryMessages(db)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func queryMessages(db *sql.DB) ([]storedMessage, error) {
	rows, err := db.QueryContext(context.Background(),
		`SELECT id, conversation_id, role, content, state, recovered, error, coalesce(parent_id, 0) FROM messages WHERE role <> 'tool' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []storedMessage
	for rows.Next() {
		var m storedMessage
		if err := rows.Scan(&m.ID, &m.ConversationID, &m.Role, &m.Content, &m.State, &m.Recovered, &m.Error, &m.ParentID); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// waitMessages polls the database until cond holds.
func waitMessages(t *testing.T, path string, timeout time.Duration, cond func([]storedMessage) bool) []storedMessage {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		// The app may still be creating or migrating the database: a failed
		// query means "not yet".
		var got []storedMessage
		var err error
		if _, err = os.Stat(path); err == nil {
			db := openDB(t, path)
			got, err = queryMessages(db)
			db.Close()
			if err == nil && cond(got) {
				return got
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("database never reached the expected state (%v); it has %+v", err, got)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// readLines returns the lines of a file that contain substr.
func readLines(path, substr string) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.Contains(sc.Text(), substr) {
			out = append(out, sc.Text())
		}
	}
	return out
}
