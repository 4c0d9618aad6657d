package ollamaserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"brook/backend/endpoints/kind/ollamakind"
	"brook/backend/store"
)

// freeURL is the URL of a loopback port nothing listens on now.
func freeURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return "http://" + l.Addr().String()
}

// setup is a Manager for one Ollama endpoint at url with the fake installed.
type setup struct {
	cfg     Config
	changes []State
	mu      sync.Mutex
}

func newSetup(t *testing.T, url string, f fake) *setup {
	t.Helper()
	s := &setup{}
	s.cfg = Config{
		Endpoints: func(context.Context) ([]store.Endpoint, error) {
			return []store.Endpoint{{ID: "ollama", Kind: ollamakind.ID, BaseURL: url, Enabled: true}}, nil
		},
		Find:         func() (string, error) { return f.bin, nil },
		Machine:      func() Machine { return Machine{Hostname: "this-machine"} },
		LogDir:       t.TempDir(),
		Environ:      []string{"PATH=" + os.Getenv("PATH"), "OLLAMA_MODELS=/models/of/the/user", "OLLAMA_HOST=0.0.0.0:1"},
		StartTimeout: 20 * time.Second,
		StopTimeout:  5 * time.Second,
		GOOS:         "linux",
		Changed: func(st Status) {
			s.mu.Lock()
			s.changes = append(s.changes, st.State)
			s.mu.Unlock()
		},
	}
	return s
}

func (s *setup) manager(t *testing.T) *Manager {
	t.Helper()
	m := New(s.cfg)
	t.Cleanup(func() { m.Quit("") })
	return m
}

func (s *setup) states() []State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.changes)
}

func TestStartsOllamaWhenNothingAnswersAndStopsOnlyItsOwn(t *testing.T) {
	url := freeURL(t)
	f := newFake(t, "serve")
	s := newSetup(t, url, f)
	m := s.manager(t)

	st := m.Ensure(context.Background())
	if st.State != StateRunning || !st.StartedByBrook || st.Version != "0.17.4" || st.VersionNote == "" {
		t.Fatalf("after Ensure: %+v", st)
	}
	if got := s.states(); !slices.Equal(got, []State{StateStarting, StateRunning}) {
		t.Fatalf("states announced: %v", got)
	}
	_, run := f.started()
	if !slices.Contains(run, "serve") || !slices.Contains(run, "OLLAMA_MODELS=/models/of/the/user") ||
		!slices.Contains(run, "OLLAMA_HOST="+strings.TrimPrefix(url, "http://")) {
		t.Fatalf("ollama ran as %q; want `serve`, the user's OLLAMA_MODELS, and OLLAMA_HOST at the endpoint", run)
	}
	if log, err := os.ReadFile(filepath.Join(s.cfg.LogDir, LogName)); err != nil || !strings.Contains(string(log), "fake ollama: starting serve") {
		t.Fatalf("Ollama's output is not in its log: %q %v", log, err)
	}

	// A second Brook finds it running, and leaves it alone.
	other := New(s.cfg)
	if st := other.Ensure(context.Background()); st.State != StateRunning || st.StartedByBrook {
		t.Fatalf("the second Brook sees %+v; want running, not its own", st)
	}
	if _, err := other.Restart(context.Background()); !errors.Is(err, ErrNotStartedByBrook) {
		t.Fatalf("the second Brook's Restart = %v", err)
	}
	other.Quit("")
	if !answers(url) {
		t.Fatal("the second Brook stopped an Ollama it did not start")
	}

	m.Quit("")
	if answers(url) {
		t.Fatal("Ollama still answers after the Brook that started it quit")
	}
	if st := m.Status(); st.State != StateStopped || st.StartedByBrook {
		t.Fatalf("after Quit: %+v", st)
	}
	if log, _ := os.ReadFile(filepath.Join(s.cfg.LogDir, LogName)); !strings.Contains(string(log), "fake ollama: stopping") {
		t.Fatalf("Ollama was not stopped gracefully (SIGTERM); its log: %q", log)
	}
}

func TestKeepsOllamaRunningWhenAskedTo(t *testing.T) {
	url := freeURL(t)
	s := newSetup(t, url, newFake(t, "serve"))
	m := New(s.cfg)
	if st := m.Ensure(context.Background()); st.State != StateRunning {
		t.Fatalf("after Ensure: %+v", st)
	}
	m.Quit("a pull is running")
	if !answers(url) {
		t.Fatal("Ollama was stopped though it was to keep running")
	}
	// Now it is someone else's: a new Brook leaves it alone, so the test stops it.
	ch := m.current()
	t.Cleanup(func() { m.stop(ch) })
	if st := New(s.cfg).Ensure(context.Background()); st.StartedByBrook {
		t.Fatalf("the next Brook calls it its own: %+v", st)
	}
}

func TestRestartStopsAndStartsItsOwnOllama(t *testing.T) {
	url := freeURL(t)
	s := newSetup(t, url, newFake(t, "serve"))
	m := s.manager(t)
	first := m.Ensure(context.Background())
	pid := m.current().cmd.Process.Pid
	st, err := m.Restart(context.Background())
	if err != nil || first.State != StateRunning || st.State != StateRunning || !st.StartedByBrook {
		t.Fatalf("restart: %+v %v", st, err)
	}
	if m.current().cmd.Process.Pid == pid {
		t.Fatal("the same process runs after Restart")
	}
	if _, err := os.Stat(filepath.Join(s.cfg.LogDir, LogName+".1")); err != nil {
		t.Fatalf("the first run's log was not kept beside the new one: %v", err)
	}
}

func TestACrashIsReportedAndNotRestarted(t *testing.T) {
	url := freeURL(t)
	s := newSetup(t, url, newFake(t, "serve"))
	m := s.manager(t)
	m.Ensure(context.Background())
	ch := m.current()
	kill(ch.cmd)
	<-ch.exited
	deadline := time.Now().Add(10 * time.Second)
	for m.Status().State != StateFailed && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	st := m.Status()
	if st.State != StateFailed || st.Failure != FailCrashed || st.StartedByBrook || len(st.LogTail) == 0 {
		t.Fatalf("after the crash: %+v", st)
	}
	if m.current() != nil || answers(url) {
		t.Fatal("Ollama was started again by itself")
	}
}

func TestAnOllamaThatExitsAtOnceIsReportedWithItsOutput(t *testing.T) {
	s := newSetup(t, freeURL(t), newFake(t, "exit"))
	st := s.manager(t).Ensure(context.Background())
	if st.State != StateFailed || st.Failure != FailExited || !strings.Contains(st.Message, "exit status 1") {
		t.Fatalf("%+v", st)
	}
	if !slices.ContainsFunc(st.LogTail, func(l string) bool { return strings.Contains(l, "bind: something went wrong") }) {
		t.Fatalf("the last lines of Ollama's output are missing: %q", st.LogTail)
	}
}

func TestAnOllamaThatNeverAnswersIsStoppedAndReported(t *testing.T) {
	s := newSetup(t, freeURL(t), newFake(t, "hang"))
	s.cfg.StartTimeout = 500 * time.Millisecond
	m := s.manager(t)
	st := m.Ensure(context.Background())
	if st.State != StateFailed || st.Failure != FailNoAnswer || st.StartedByBrook || len(st.LogTail) == 0 {
		t.Fatalf("%+v", st)
	}
	if m.current() != nil {
		t.Fatal("the Ollama that never answered is still Brook's child")
	}
}

func TestAPortTakenByAnotherServerStartsNothing(t *testing.T) {
	other := httptest.NewServer(http.NotFoundHandler())
	defer other.Close()
	f := newFake(t, "serve")
	st := newSetup(t, other.URL, f).manager(t).Ensure(context.Background())
	if st.State != StateFailed || st.Failure != FailPortTaken || !strings.Contains(st.Message, strings.TrimPrefix(other.URL, "http://")) {
		t.Fatalf("%+v", st)
	}
	if ran, _ := f.started(); ran {
		t.Fatal("Ollama was started on a port another server holds")
	}
}

func TestAnEndpointOnAnotherMachineStartsNothing(t *testing.T) {
	f := newFake(t, "serve")
	st := newSetup(t, "http://192.0.2.10:11434", f).manager(t).Ensure(context.Background())
	if st.State != StateRemote {
		t.Fatalf("%+v", st)
	}
	if ran, _ := f.started(); ran {
		t.Fatal("Ollama was started for an endpoint on another machine")
	}
}

func TestNothingIsStartedWhenTurnedOffOrNotInstalled(t *testing.T) {
	f := newFake(t, "serve")
	s := newSetup(t, freeURL(t), f)
	s.cfg.StartAllowed = func(context.Context) bool { return false }
	if st := s.manager(t).Ensure(context.Background()); st.State != StateOff {
		t.Fatalf("turned off: %+v", st)
	}
	s.cfg.StartAllowed = nil
	s.cfg.Find = func() (string, error) { return "", ErrNotInstalled }
	st := s.manager(t).Ensure(context.Background())
	if st.State != StateNotInstalled || st.Install.Command == "" || !strings.HasPrefix(st.Install.Link, "https://ollama.com/") {
		t.Fatalf("not installed: %+v", st)
	}
	if ran, _ := f.started(); ran {
		t.Fatal("Ollama was started")
	}
}

func TestABinaryThatWillNotRunIsReported(t *testing.T) {
	notProgram := filepath.Join(t.TempDir(), "ollama")
	if err := os.WriteFile(notProgram, []byte("not a program"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := newSetup(t, freeURL(t), fake{})
	s.cfg.Find = func() (string, error) { return notProgram, nil }
	st := s.manager(t).Ensure(context.Background())
	if st.State != StateFailed || st.Failure != FailWontRun || !strings.Contains(st.Message, notProgram) {
		t.Fatalf("%+v", st)
	}
}

func TestQuittingWhileOllamaStartsStopsIt(t *testing.T) {
	s := newSetup(t, freeURL(t), newFake(t, "hang"))
	m := s.manager(t)
	ctx, cancel := context.WithCancel(context.Background())
	s.cfg.Changed = func(st Status) {
		if st.State == StateStarting {
			cancel()
		}
	}
	m.cfg.Changed = s.cfg.Changed
	st := m.Ensure(ctx)
	if st.State != StateStopped || m.current() != nil {
		t.Fatalf("%+v", st)
	}
}

func ExampleVersionNote() {
	fmt.Println(VersionNote("0.17.4") != "", VersionNote("0.30.1") != "", VersionNote("garbage") != "")
	// Output: true false false
}
