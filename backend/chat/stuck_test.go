package chat

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"brook/backend/events"
	"brook/backend/provider"
	"brook/backend/provider/ollama"
	"brook/backend/store"
)

// slotHolder is a fake Ollama v0.17 with a leaked slot: a streamed chat
// breaks after a few lines, and a chat without streaming is taken and never
// answered (it waits behind the slot the broken stream left busy) until
// restart, while /api/version answers and /api/ps lists the model loaded.
// After restart, a chat without streaming is answered.
type slotHolder struct {
	*httptest.Server
	loaded    bool
	held      atomic.Int32 // chat requests without streaming taken and held
	versions  atomic.Int32
	psAsked   atomic.Int32
	restarted chan struct{}
	once      sync.Once
}

func newSlotHolder(t *testing.T, loaded bool) *slotHolder {
	f := &slotHolder{loaded: loaded, restarted: make(chan struct{})}
	line := func(w http.ResponseWriter, content string, done bool) {
		b, _ := json.Marshal(map[string]any{"model": "tiny", "created_at": time.Now().UTC().Format(time.RFC3339Nano),
			"message": map[string]any{"role": "assistant", "content": content}, "done": done})
		fmt.Fprintf(w, "%s\n", b)
		w.(http.Flusher).Flush()
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/chat", func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Stream *bool }
		_ = json.NewDecoder(r.Body).Decode(&body)
		w.Header().Set("Content-Type", "application/x-ndjson")
		if body.Stream == nil || *body.Stream {
			for _, piece := range []string{"The river ", "bends ", "south"} {
				line(w, piece, false)
			}
			conn, _, _ := w.(http.Hijacker).Hijack() // the stream breaks
			conn.Close()
			return
		}
		select {
		case <-f.restarted:
			line(w, "ward to the sea.", true)
			return
		default:
		}
		f.held.Add(1)
		select {
		case <-f.restarted: // the server goes down: the held request's connection drops
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("GET /api/version", func(w http.ResponseWriter, r *http.Request) {
		f.versions.Add(1)
		fmt.Fprint(w, `{"version":"0.17.4"}`)
	})
	mux.HandleFunc("GET /api/ps", func(w http.ResponseWriter, r *http.Request) {
		f.psAsked.Add(1)
		if !f.loaded {
			fmt.Fprint(w, `{"models":[]}`)
			return
		}
		fmt.Fprint(w, `{"models":[{"name":"tiny:latest","model":"tiny:latest","size":1000000,"digest":"sha256:0123","expires_at":"2099-01-01T00:00:00Z","size_vram":1000000}]}`)
	})
	f.Server = httptest.NewServer(mux)
	t.Cleanup(func() { f.restart(); f.Close() })
	return f
}

// restart frees the held slot, as restarting Ollama does.
func (f *slotHolder) restart() { f.once.Do(func() { close(f.restarted) }) }

func stuckHarness(t *testing.T, f *slotHolder) *harness {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	client := ollama.New(f.URL)
	profile := provider.ServerProfile{Kind: provider.ServerOllama, MaxParallel: 1, ModelLoaded: client.Loaded,
		Answers: func(ctx context.Context) error { _, err := client.Version(ctx); return err }}
	clocks := testClocks
	clocks.StuckAfter = 200 * time.Millisecond
	rec := &events.Recorder{}
	eng := New(Config{
		Store: st, Providers: profiledProviders{fixedProviders{"ep": client}, map[string]provider.ServerProfile{"ep": profile}}, Emitter: rec,
		FrameInterval: 5 * time.Millisecond, CheckpointInterval: 20 * time.Millisecond,
		RecoveryBackoff: 10 * time.Millisecond, MaxRecoveryWait: time.Second, Clocks: &clocks,
	})
	t.Cleanup(func() { eng.Close(); st.Close() })
	return &harness{t: t, store: st, recorder: rec, engine: eng}
}

// waits returns the waitingFor of every recovering event of the answer.
func waits(h *harness, id int64) []string {
	var out []string
	for _, ev := range h.recorder.StreamEvents(id) {
		if ev.Phase == events.PhaseRecovering {
			out = append(out, ev.WaitingFor)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestARecoveryWaitingOnAStuckOllamaSaysSo: the recovery request gets no
// answer while Ollama answers /api/version with the model loaded. The
// answer's status says the server looks stuck; once Ollama restarts, the
// recovery goes on, says so, and completes the answer.
func TestARecoveryWaitingOnAStuckOllamaSaysSo(t *testing.T) {
	f := newSlotHolder(t, true)
	h := stuckHarness(t, f)
	res, err := h.engine.Send(context.Background(), SendRequest{Text: "rivers", EndpointID: "ep", Model: "tiny"})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return contains(waits(h, res.Answer.ID), events.WaitServerStuck) })
	if f.held.Load() != 1 {
		t.Fatalf("the fake holds %d requests", f.held.Load())
	}
	if w := waits(h, res.Answer.ID); w[0] != events.WaitContinue {
		t.Fatalf("recovering waits %q; want continue first", w)
	}
	f.restart()
	h.engine.Wait(res.Answer.ID)
	got := h.answer(res.Answer.ID)
	if got.State != store.StateComplete || got.Content != "The river bends southward to the sea." {
		t.Fatalf("after the restart: %s %q (%s)", got.State, got.Content, got.Error)
	}
	w := waits(h, res.Answer.ID)
	if w[len(w)-1] != events.WaitContinue {
		t.Fatalf("recovering waits %q; want continue again once the stuck request ended", w)
	}
	// One timer per request: one look at the server while the request hung.
	if n := f.versions.Load(); n != 1 {
		t.Fatalf("/api/version asked %d times, want once", n)
	}
}

// TestARecoveryWaitingOnAnUnloadedModelIsNotCalledStuck: the server answers
// but the model is not loaded (it is loading, or was unloaded): that is not
// what a held slot looks like, so nothing is said.
func TestARecoveryWaitingOnAnUnloadedModelIsNotCalledStuck(t *testing.T) {
	f := newSlotHolder(t, false)
	h := stuckHarness(t, f)
	res, err := h.engine.Send(context.Background(), SendRequest{Text: "rivers", EndpointID: "ep", Model: "tiny"})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return f.versions.Load() > 0 && f.held.Load() == 1 }) // the check has begun
	h.engine.Stop(res.Answer.ID)
	h.engine.Wait(res.Answer.ID)
	if w := waits(h, res.Answer.ID); contains(w, events.WaitServerStuck) {
		t.Fatalf("recovering waits %q; the model was not loaded", w)
	}
}
