package localmodels

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"brook/backend/endpoints/kind/ollamakind"
	"brook/backend/events"
)

// lockedBuffer is a log sink safe for the pulls' goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// openManager opens a manager saving its pulls in dir, as Brook does at
// start-up, and resumes what the file lists. The caller closes it.
func openManager(t *testing.T, url, dir string, log *lockedBuffer) (*Manager, *events.Recorder, int) {
	t.Helper()
	rec := &events.Recorder{}
	cfg := Config{
		Store:     fakeStore{{ID: "ollama", Kind: ollamakind.ID, BaseURL: url, Enabled: true}},
		Emitter:   rec,
		PullsFile: filepath.Join(dir, PullsFileName),
	}
	if log != nil {
		cfg.Logger = slog.New(slog.NewTextHandler(log, nil))
	}
	m := New(context.Background(), cfg)
	t.Cleanup(m.Close)
	return m, rec, m.Resume(t.Context())
}

func savedModels(t *testing.T, dir string) []string {
	t.Helper()
	list, err := readPullsFile(filepath.Join(dir, PullsFileName))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, sp := range list {
		out = append(out, sp.EndpointID+"/"+sp.Model)
	}
	return out
}

func TestAPullCutShortByQuittingResumesAtTheNextStart(t *testing.T) {
	srv, release, gone := blockingServer(t)
	dir := t.TempDir()
	m, rec, n := openManager(t, srv.URL, dir, nil)
	if n != 0 {
		t.Fatalf("a first start resumed %d pulls", n)
	}
	if err := m.Pull(t.Context(), "ollama", "llama3.2:1b"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, rec, func(p PullProgress) bool { return p.Completed > 0 }) // the fake holds it open now
	first := pullEvents(rec)[0]
	if first.Resumed {
		t.Errorf("a new pull says it was resumed: %+v", first)
	}
	// The file lists it while it runs: a crash would resume it too.
	if got := savedModels(t, dir); len(got) != 1 || got[0] != "ollama/llama3.2:1b" {
		t.Fatalf("while running, the file lists %v", got)
	}

	m.Close() // Brook quits
	<-gone
	if got := savedModels(t, dir); len(got) != 1 {
		t.Fatalf("after quitting, the file lists %v; want the pull cut short", got)
	}

	m2, rec2, n := openManager(t, srv.URL, dir, nil)
	if n != 1 {
		t.Fatalf("Resume started %d pulls, want 1", n)
	}
	ps := m2.Pulls()
	if len(ps) != 1 || !ps[0].Resumed || ps[0].State != StateRunning || ps[0].StartedAt != first.StartedAt {
		t.Fatalf("after the restart Pulls() = %+v; want the pull running, resumed, started at %d", ps, first.StartedAt)
	}
	waitFor(t, rec2, func(p PullProgress) bool { return p.Completed > 0 }) // asked Ollama again
	close(release)
	evs := waitEnd(t, rec2)
	for _, e := range evs {
		if !e.Resumed || e.Model != "llama3.2:1b" {
			t.Errorf("event %+v does not say it was resumed", e)
		}
	}
	if last := evs[len(evs)-1]; last.State != StateDone {
		t.Errorf("the resumed pull ended %+v, want done", last)
	}
	m2.Close() // and wait for the pull's goroutine to finish its work
	if modelsChanged(rec2) != 1 {
		t.Error("the resumed pull did not say the models changed")
	}
	if got := savedModels(t, dir); len(got) != 0 {
		t.Errorf("a finished pull is still in the file: %v", got)
	}
	if _, _, n := openManager(t, srv.URL, dir, nil); n != 0 {
		t.Errorf("a third start resumed %d pulls", n)
	}
}

func TestOnlyPullsCutShortByQuittingAreResumed(t *testing.T) {
	hold := make(chan struct{})
	t.Cleanup(func() { close(hold) })
	srv, _ := pullServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch requestModel(r) {
		case "done:latest":
			stream(progressLines(2)...)(w, r)
		case "failed:latest":
			stream(`{"status":"pulling manifest"}`, `{"error":"pull model manifest: file does not exist"}`)(w, r)
		default: // "cancelled", "kept": held open
			stream(progressLines(4)[:3]...)(w, r)
			select {
			case <-r.Context().Done():
			case <-hold:
			}
		}
	})
	dir := t.TempDir()
	m, rec, _ := openManager(t, srv.URL, dir, nil)
	for _, name := range []string{"done:latest", "failed:latest", "cancelled:latest", "kept:latest"} {
		if err := m.Pull(t.Context(), "ollama", name); err != nil {
			t.Fatal(err)
		}
	}
	ended := func(model, state string) func(PullProgress) bool {
		return func(p PullProgress) bool { return p.Model == model && p.State == state }
	}
	waitFor(t, rec, ended("done:latest", StateDone))
	waitFor(t, rec, ended("failed:latest", StateFailed))
	waitFor(t, rec, func(p PullProgress) bool { return p.Model == "cancelled:latest" && p.Completed > 0 })
	if err := m.CancelPull("ollama", "cancelled:latest"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, rec, ended("cancelled:latest", StateCancelled))
	waitFor(t, rec, func(p PullProgress) bool { return p.Model == "kept:latest" && p.Completed > 0 })
	// The ended pulls leave the file just after their last event.
	deadline := time.Now().Add(10 * time.Second)
	for got := savedModels(t, dir); len(got) != 1 || got[0] != "ollama/kept:latest"; got = savedModels(t, dir) {
		if time.Now().After(deadline) {
			t.Fatalf("before quitting, the file lists %v; want the running pull only", got)
		}
		time.Sleep(5 * time.Millisecond)
	}
	m.Close()
	if got := savedModels(t, dir); len(got) != 1 || got[0] != "ollama/kept:latest" {
		t.Fatalf("after quitting, the file lists %v; want the pull cut short only", got)
	}

	m2, _, n := openManager(t, srv.URL, dir, nil)
	ps := m2.Pulls()
	if n != 1 || len(ps) != 1 || ps[0].Model != "kept:latest" || !ps[0].Resumed {
		t.Errorf("resumed %d: %+v; want kept:latest alone", n, ps)
	}
}

// requestModel is the model a pull request names (pullServer read it).
func requestModel(r *http.Request) string { return r.Context().Value(modelKey{}).(string) }

func TestAPullWhoseEndpointIsGoneIsDropped(t *testing.T) {
	srv, _, _ := blockingServer(t)
	dir := t.TempDir()
	writeFile(t, dir, `{"version":1,"pulls":[{"endpointId":"removed","model":"a","startedAt":5},{"endpointId":"ollama","model":"b","startedAt":6}]}`)
	log := &lockedBuffer{}
	m, _, n := openManager(t, srv.URL, dir, log)
	if n != 1 || len(m.Pulls()) != 1 || m.Pulls()[0].Model != "b" {
		t.Errorf("resumed %d: %+v; want b only", n, m.Pulls())
	}
	if !strings.Contains(log.String(), "could not be resumed") {
		t.Errorf("no warning logged: %s", log)
	}
	if got := savedModels(t, dir); len(got) != 1 || got[0] != "ollama/b" {
		t.Errorf("the file lists %v; want ollama/b", got)
	}
}

func TestADamagedPullsFileIsIgnored(t *testing.T) {
	for name, content := range map[string]string{
		"not JSON":      "{\"version\":1,\"pulls\":[{\"endpointId\":\"oll",
		"empty":         "",
		"other version": `{"version":99,"pulls":[{"endpointId":"ollama","model":"a","startedAt":1}]}`,
		"wrong shape":   `{"version":1,"pulls":"ollama/a"}`,
	} {
		t.Run(name, func(t *testing.T) {
			srv, release, _ := blockingServer(t)
			dir := t.TempDir()
			writeFile(t, dir, content)
			log := &lockedBuffer{}
			m, rec, n := openManager(t, srv.URL, dir, log)
			if n != 0 || len(m.Pulls()) != 0 {
				t.Errorf("a damaged file resumed %d pulls: %+v", n, m.Pulls())
			}
			if !strings.Contains(log.String(), "level=WARN") || !strings.Contains(log.String(), "damaged") {
				t.Errorf("no warning logged: %s", log)
			}
			if got := savedModels(t, dir); len(got) != 0 {
				t.Errorf("the damaged file was not replaced: %v", got)
			}
			// Pulls work as ever.
			if err := m.Pull(t.Context(), "ollama", "c"); err != nil {
				t.Fatal(err)
			}
			close(release)
			if evs := waitEnd(t, rec); evs[len(evs)-1].State != StateDone {
				t.Errorf("a pull after a damaged file: %+v", evs[len(evs)-1])
			}
		})
	}
}

func TestNoPullsFileSavesNothing(t *testing.T) {
	srv, _ := pullServer(t, stream(progressLines(1)...))
	m, rec := newManager(t, srv.URL, Config{})
	if n := m.Resume(t.Context()); n != 0 {
		t.Errorf("Resume without a file = %d", n)
	}
	if err := m.Pull(t.Context(), "ollama", "a"); err != nil {
		t.Fatal(err)
	}
	waitEnd(t, rec)
}

func writeFile(t *testing.T, dir, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, PullsFileName), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
