package mcp

import (
	"context"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// change is one state change the manager reported.
type change struct {
	id    string
	state State
}

// changes records what [Config.Changed] is told, for a test to wait on.
type changes chan change

func newChanges() changes { return make(changes, 256) }

func (c changes) note(id string, state State) { c <- change{id, state} }

// waitFor waits until the manager reports that server id is in state and,
// when ok is given, that the server is still in it with ok holding for its
// view; it returns the view. The wait is bounded
// only so that a broken manager fails the test instead of hanging it.
func (c changes) waitFor(h *harness, id string, state State, ok func(ServerView) bool) ServerView {
	h.t.Helper()
	deadline := time.After(60 * time.Second)
	var seen []State
	for {
		select {
		case ch := <-c:
			if ch.id != id {
				continue
			}
			seen = append(seen, ch.state)
			if ch.state != state {
				continue
			}
			// A passing state (starting) may be over by the time the view
			// is read; only a condition on the view asks that it holds.
			if v := h.viewOf(id); ok == nil || (v.State == state && ok(v)) {
				return v
			}
		case <-deadline:
			h.t.Fatalf("server %s was never reported %s as wanted; reported: %v; Settings sees %+v", id, state, seen, h.viewOf(id))
			return ServerView{}
		}
	}
}

// drain returns the changes reported so far.
func (c changes) drain() []change {
	var out []change
	for {
		select {
		case ch := <-c:
			out = append(out, ch)
		default:
			return out
		}
	}
}

func stderrHas(line string) func(ServerView) bool {
	return func(v ServerView) bool { return strings.Contains(strings.Join(v.Stderr, "\n"), line) }
}

func TestStateChangesAreReportedThroughACrashAndARestart(t *testing.T) {
	seen := newChanges()
	h := newHarness(t, Config{Changed: seen.note})
	ts, _ := h.addFake("Crashy", "ok")
	list, err := h.m.Available(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := seen.drain()
	if !slices.Equal(got, []change{{ts.ID, Starting}, {ts.ID, Ready}}) {
		t.Fatalf("starting reported %v, want starting then ready", got)
	}

	// A crash in the middle of a call is reported at once, with the exit
	// status as the reason and the server's last words on stderr.
	if _, err := h.m.Run(context.Background(), toolOf(t, list, ts.ID, "crash"), nil); err == nil {
		t.Fatal("a call that crashed the server succeeded")
	}
	v := seen.waitFor(h, ts.ID, Failed, stderrHas("panic: the fake server crashed on purpose"))
	if !strings.Contains(v.Reason, "exit status 3") {
		t.Fatalf("the crash's reason = %q, want the exit status", v.Reason)
	}

	// Its next use starts it again, and that is reported too.
	if _, err := h.m.Available(context.Background()); err != nil {
		t.Fatal(err)
	}
	seen.waitFor(h, ts.ID, Starting, nil)
	seen.waitFor(h, ts.ID, Ready, nil)

	// Turning it off stops it.
	if err := h.m.SetEnabled(context.Background(), ts.ID, false); err != nil {
		t.Fatal(err)
	}
	seen.waitFor(h, ts.ID, Stopped, nil)
	// A server that never ran changes nothing when it is stopped.
	if err := h.m.SetEnabled(context.Background(), ts.ID, false); err != nil {
		t.Fatal(err)
	}
	if got := seen.drain(); len(got) != 0 {
		t.Fatalf("stopping a stopped server reported %v", got)
	}
}

func TestATestedServerThatIsOffIsReportedStoppedAfter(t *testing.T) {
	seen := newChanges()
	h := newHarness(t, Config{Changed: seen.note})
	ts, _ := h.addFake("Off", "ok")
	if err := h.m.SetEnabled(context.Background(), ts.ID, false); err != nil {
		t.Fatal(err)
	}
	v, err := h.m.Test(context.Background(), ts.ID)
	if err != nil || v.State != Ready {
		t.Fatalf("Test = %s, %v", v.State, err)
	}
	got := seen.drain()
	if !slices.Equal(got, []change{{ts.ID, Starting}, {ts.ID, Ready}, {ts.ID, Stopped}}) {
		t.Fatalf("testing a server that is off reported %v", got)
	}
}

func TestAServerThatFailsToStartIsReportedWithItsStderr(t *testing.T) {
	seen := newChanges()
	h := newHarness(t, Config{Changed: seen.note})
	ts, _ := h.addFake("Exits", "exit")
	if _, err := h.m.Available(context.Background()); err == nil {
		t.Fatal("a server that exits at once started")
	}
	v := seen.waitFor(h, ts.ID, Failed, stderrHas("cannot read the configuration file"))
	if !strings.Contains(v.Reason, "exit status 2") {
		t.Fatalf("reason %q", v.Reason)
	}
}

func TestARealServerKilledFromOutsideIsReportedFailed(t *testing.T) {
	seen := newChanges()
	h := newHarness(t, Config{Changed: seen.note})
	ts := h.add(nodeServer(t, "Everything", "server-everything", "stdio"), nil)
	if _, err := h.m.Available(context.Background()); err != nil {
		t.Fatal(err)
	}
	seen.waitFor(h, ts.ID, Ready, nil)
	h.m.mu.Lock()
	s := h.m.servers[ts.ID]
	h.m.mu.Unlock()
	s.mu.Lock()
	cmd := s.cmd
	s.mu.Unlock()
	// As if the system killed it: nobody in Brook asked.
	if err := syscall.Kill(cmd.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	v := seen.waitFor(h, ts.ID, Failed, nil)
	if !strings.Contains(v.Reason, "killed") {
		t.Fatalf("reason %q, want the signal that killed it", v.Reason)
	}
	if _, err := h.m.Available(context.Background()); err != nil {
		t.Fatalf("starting it again: %v", err)
	}
	seen.waitFor(h, ts.ID, Ready, nil)
}
