package localmodels

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"brook/backend/endpoints"
	_ "brook/backend/endpoints/allkinds"
	"brook/backend/endpoints/kind/ollamakind"
	"brook/backend/endpoints/kind/openaikind"
	"brook/backend/events"
	"brook/backend/guard"
	"brook/backend/store"
)

// fakeStore holds a fixed list of endpoints.
type fakeStore []store.Endpoint

func (f fakeStore) ListEndpoints(context.Context) ([]store.Endpoint, error) { return f, nil }

const digestA = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
const digestB = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

// Ollama's own progress lines for a pull of a model with two layers.
func progressLines(perLayer int) []string {
	lines := []string{`{"status":"pulling manifest"}`}
	for _, d := range []string{digestA, digestB} {
		const total = 1000
		for i := 0; i <= perLayer; i++ {
			lines = append(lines, fmt.Sprintf(`{"status":"pulling %s","digest":"%s","total":%d,"completed":%d}`, d[7:19], d, total, total*i/perLayer))
		}
	}
	return append(lines, `{"status":"verifying sha256 digest"}`, `{"status":"writing manifest"}`, `{"status":"success"}`)
}

// pullServer is a fake Ollama: /api/pull answers with handle, after
// checking the request is what the api client sends.
func pullServer(t *testing.T, handle func(w http.ResponseWriter, r *http.Request)) (*httptest.Server, *int) {
	t.Helper()
	var mu sync.Mutex
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/pull" || r.Method != http.MethodPost {
			http.NotFound(w, r)
			return
		}
		var req struct{ Model string }
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Model == "" {
			t.Errorf("pull request without a model: %v", err)
		}
		io.Copy(io.Discard, r.Body) // so the server notices the client going away
		mu.Lock()
		calls++
		mu.Unlock()
		handle(w, r.WithContext(context.WithValue(r.Context(), modelKey{}, req.Model)))
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

// modelKey keys the requested model in a fake's request context.
type modelKey struct{}

// stream writes NDJSON lines as Ollama does, flushing each.
func stream(lines ...string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-ndjson")
		for _, l := range lines {
			io.WriteString(w, l+"\n")
			w.(http.Flusher).Flush()
		}
	}
}

func newManager(t *testing.T, url string, cfg Config) (*Manager, *events.Recorder) {
	t.Helper()
	rec := &events.Recorder{}
	cfg.Store = fakeStore{
		{ID: "ollama", Kind: ollamakind.ID, BaseURL: url, Enabled: true},
		{ID: "openai", Kind: openaikind.ID, BaseURL: "https://api.openai.com/v1", Enabled: true},
	}
	cfg.Emitter = rec
	m := New(context.Background(), cfg)
	t.Cleanup(m.Close)
	return m, rec
}

// pullEvents returns the brook:pull events.
func pullEvents(rec *events.Recorder) []PullProgress {
	var out []PullProgress
	for _, e := range rec.Events() {
		if e.Name == PullEventName {
			out = append(out, e.Payload.(PullProgress))
		}
	}
	return out
}

// waitEnd waits for the pull's final event and returns every event.
func waitEnd(t *testing.T, rec *events.Recorder) []PullProgress {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		evs := pullEvents(rec)
		if n := len(evs); n > 0 && evs[n-1].State != StateRunning {
			return evs
		}
		if time.Now().After(deadline) {
			t.Fatalf("the pull did not end; events: %+v", evs)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitFor waits for a pull event that ok accepts.
func waitFor(t *testing.T, rec *events.Recorder, ok func(PullProgress) bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, e := range pullEvents(rec) {
			if ok(e) {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no such event among %+v", pullEvents(rec))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func modelsChanged(rec *events.Recorder) int {
	n := 0
	for _, e := range rec.Events() {
		if e.Name == ModelsChangedName {
			n++
		}
	}
	return n
}

func TestPullOutcomes(t *testing.T) {
	tests := []struct {
		name      string
		handle    func(w http.ResponseWriter, r *http.Request)
		state     string
		kind      string
		errPart   string
		completed int64
	}{
		{name: "success", handle: stream(progressLines(4)...), state: StateDone, completed: 2000},
		{name: "manifest not found, as Ollama sends it",
			handle: stream(`{"status":"pulling manifest"}`, `{"error":"pull model manifest: file does not exist"}`),
			state:  StateFailed, kind: KindNotFound, errPart: "no model"},
		{name: "registry refuses, as Ollama sends it",
			handle: stream(`{"status":"pulling manifest"}`, `{"error":"unauthorized: access denied"}`),
			state:  StateFailed, kind: KindNotFound},
		{name: "disk full mid-download",
			handle: stream(append(progressLines(4)[:3], `{"error":"write /root/.ollama/models/blobs/sha256-aaaa-partial: no space left on device"}`)...),
			state:  StateFailed, kind: KindDiskFull, errPart: "full", completed: 250},
		{name: "disk full before any progress, as a 500",
			handle: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusInternalServerError)
				io.WriteString(w, `{"error":"mkdir /models/blobs: no space left on device"}`)
			},
			state: StateFailed, kind: KindDiskFull},
		{name: "registry unreachable from Ollama",
			handle: stream(`{"status":"pulling manifest"}`, `{"error":"pull model manifest: Get \"https://registry.ollama.ai/v2/library/x/manifests/latest\": dial tcp: lookup registry.ollama.ai: no such host"}`),
			state:  StateFailed, kind: KindOffline, errPart: "registry"},
		{name: "bad name refused with a status",
			handle: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				io.WriteString(w, `{"error":"invalid model name"}`)
			},
			state: StateFailed, kind: KindOther, errPart: "HTTP 400"},
		{name: "sign-in wanted",
			handle: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusUnauthorized)
				io.WriteString(w, `{"error":"unauthorized","signin_url":"https://ollama.com/connect"}`)
			},
			state: StateFailed, kind: KindNotFound, errPart: "sign"},
		{name: "no /api/pull: server too old",
			handle: func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) },
			state:  StateFailed, kind: KindServerTooOld, errPart: "Update Ollama"},
		{name: "other server error",
			handle: stream(`{"status":"pulling manifest"}`, `{"error":"this model requires MLX support, but the MLX runtime is not available"}`),
			state:  StateFailed, kind: KindOther, errPart: "MLX"},
		{name: "clean end without success",
			handle: stream(progressLines(4)[:5]...),
			state:  StateFailed, kind: KindOther, errPart: "before Ollama said", completed: 750},
		{name: "connection dropped between lines",
			handle: cutAfter(progressLines(4)[:4], ""),
			state:  StateFailed, kind: KindOffline, errPart: "dropped", completed: 500},
		{name: "connection dropped mid-line",
			handle: cutAfter(progressLines(4)[:4], `{"status":"pulling aaaa","dig`),
			state:  StateFailed, kind: KindOffline, errPart: "dropped", completed: 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := pullServer(t, tt.handle)
			m, rec := newManager(t, srv.URL, Config{})
			if err := m.Pull(t.Context(), "ollama", "llama3.2:1b"); err != nil {
				t.Fatal(err)
			}
			evs := waitEnd(t, rec)
			first, last := evs[0], evs[len(evs)-1]
			if first.State != StateRunning || first.Model != "llama3.2:1b" || first.EndpointID != "ollama" || first.StartedAt == 0 {
				t.Errorf("first event = %+v, want running", first)
			}
			if last.State != tt.state || last.ErrorKind != tt.kind || !strings.Contains(last.Error, tt.errPart) {
				t.Errorf("last event: state %q kind %q error %q; want %q %q containing %q", last.State, last.ErrorKind, last.Error, tt.state, tt.kind, tt.errPart)
			}
			if tt.state == StateFailed && last.Error == "" {
				t.Error("a failed pull says nothing")
			}
			if last.Completed != tt.completed {
				t.Errorf("completed = %d, want %d", last.Completed, tt.completed)
			}
			wantChanged := 0
			if tt.state == StateDone {
				wantChanged = 1
				if last.Total != 2000 || len(last.Layers) != 2 || last.Layers[1].Digest != digestB || last.Layers[1].Completed != 1000 || last.Status != "success" {
					t.Errorf("done event = %+v", last)
				}
			}
			if got := modelsChanged(rec); got != wantChanged {
				t.Errorf("%d models-changed events, want %d", got, wantChanged)
			}
			if ps := m.Pulls(); len(ps) != 1 || ps[0].State != tt.state {
				t.Errorf("Pulls() = %+v", ps)
			}
		})
	}
}

// cutAfter writes lines, then partial (a cut-off line), then drops the
// connection without ending the chunked body.
func cutAfter(lines []string, partial string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		stream(lines...)(w, r)
		if partial != "" {
			io.WriteString(w, partial)
			w.(http.Flusher).Flush()
		}
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}
}

func TestPullUnreachableServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	l.Close() // nothing listens there now
	m, rec := newManager(t, url, Config{})
	if err := m.Pull(t.Context(), "ollama", "llama3.2"); err != nil {
		t.Fatal(err)
	}
	last := waitEnd(t, rec)
	if e := last[len(last)-1]; e.State != StateFailed || e.ErrorKind != KindOffline || !strings.Contains(e.Error, "ollama serve") {
		t.Errorf("last event = %+v", e)
	}
}

func TestPullRefusesBadInputAndSendsNothing(t *testing.T) {
	srv, calls := pullServer(t, stream(progressLines(1)...))
	m, rec := newManager(t, srv.URL, Config{})
	tests := []struct {
		name, endpoint, model string
		is                    error
	}{
		{"empty name", "ollama", "", guard.ErrInvalid},
		{"blank name", "ollama", "   ", guard.ErrInvalid},
		{"name with a space", "ollama", "llama 3", guard.ErrInvalid},
		{"name like a path", "ollama", "../x", guard.ErrInvalid},
		{"no endpoint", "", "llama3.2", guard.ErrInvalid},
		{"unknown endpoint", "nope", "llama3.2", endpoints.ErrUnknownEndpoint},
		{"not Ollama", "openai", "llama3.2", ErrNotOllama},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := m.Pull(t.Context(), tt.endpoint, tt.model)
			if !errors.Is(err, tt.is) {
				t.Errorf("Pull = %v, want %v", err, tt.is)
			}
		})
	}
	if *calls != 0 || len(rec.Events()) != 0 || len(m.Pulls()) != 0 {
		t.Errorf("bad input reached the server (%d calls) or the UI (%d events)", *calls, len(rec.Events()))
	}
}

// blockingServer streams a little progress, then holds the pull open until
// the client goes away or release is closed.
func blockingServer(t *testing.T) (*httptest.Server, chan struct{}, chan struct{}) {
	release, gone := make(chan struct{}), make(chan struct{}, 10)
	srv, _ := pullServer(t, func(w http.ResponseWriter, r *http.Request) {
		stream(progressLines(4)[:3]...)(w, r)
		select {
		case <-r.Context().Done():
			gone <- struct{}{}
		case <-release:
			stream(`{"status":"success"}`)(w, r)
		}
	})
	t.Cleanup(func() {
		select {
		case <-release:
		default:
			close(release)
		}
	})
	return srv, release, gone
}

func TestPullTwiceAndCancel(t *testing.T) {
	srv, _, gone := blockingServer(t)
	m, rec := newManager(t, srv.URL, Config{})
	if err := m.CancelPull("ollama", "llama3.2"); !errors.Is(err, ErrNotPulling) {
		t.Errorf("CancelPull with no pull = %v", err)
	}
	if err := m.Pull(t.Context(), "ollama", "llama3.2"); err != nil {
		t.Fatal(err)
	}
	// The same model, named with its default tag, is the same pull.
	if err := m.Pull(t.Context(), "ollama", "llama3.2:latest"); !errors.Is(err, ErrAlreadyPulling) {
		t.Errorf("second Pull = %v, want ErrAlreadyPulling", err)
	}
	waitFor(t, rec, func(p PullProgress) bool { return p.Status != "starting" }) // the server has the request
	if err := m.CancelPull("ollama", "llama3.2"); err != nil {
		t.Fatal(err)
	}
	evs := waitEnd(t, rec)
	if last := evs[len(evs)-1]; last.State != StateCancelled || last.ErrorKind != "" || last.Error != "" {
		t.Errorf("last event = %+v, want cancelled", last)
	}
	select {
	case <-gone:
	case <-time.After(10 * time.Second):
		t.Error("the server's request was not cancelled")
	}
	if modelsChanged(rec) != 0 {
		t.Error("a cancelled pull said the models changed")
	}
	if err := m.CancelPull("ollama", "llama3.2"); !errors.Is(err, ErrNotPulling) {
		t.Errorf("CancelPull after the end = %v", err)
	}
	// Once ended, the model can be pulled again.
	if err := m.Pull(t.Context(), "ollama", "llama3.2"); err != nil {
		t.Errorf("Pull after a cancel = %v", err)
	}
	if ps := m.Pulls(); len(ps) != 1 || ps[0].State != StateRunning {
		t.Errorf("Pulls() = %+v, want the new pull only", ps)
	}
}

func TestCloseCancelsPulls(t *testing.T) {
	srv, _, _ := blockingServer(t)
	m, rec := newManager(t, srv.URL, Config{})
	if err := m.Pull(t.Context(), "ollama", "a"); err != nil {
		t.Fatal(err)
	}
	m.Close()
	evs := pullEvents(rec)
	if last := evs[len(evs)-1]; last.State != StateCancelled {
		t.Errorf("after Close, last event = %+v", last)
	}
	if err := m.Pull(t.Context(), "ollama", "b"); err == nil {
		t.Error("Pull after Close was accepted")
	}
}

// A pull outlives the context of the call that started it.
func TestPullOutlivesTheCall(t *testing.T) {
	srv, release, _ := blockingServer(t)
	m, rec := newManager(t, srv.URL, Config{})
	ctx, cancel := context.WithCancel(t.Context())
	if err := m.Pull(ctx, "ollama", "a"); err != nil {
		t.Fatal(err)
	}
	cancel()
	close(release)
	evs := waitEnd(t, rec)
	if last := evs[len(evs)-1]; last.State != StateDone {
		t.Errorf("last event = %+v, want done", last)
	}
}

// fakeClock advances by step each time it is read.
type fakeClock struct {
	mu   sync.Mutex
	now  time.Time
	step time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(c.step)
	return c.now
}

func TestPullCoalescesProgress(t *testing.T) {
	lines := progressLines(500) // 1,000 progress lines and then some
	t.Run("a burst within one interval gives the start and the end", func(t *testing.T) {
		srv, _ := pullServer(t, stream(lines...))
		m, rec := newManager(t, srv.URL, Config{EmitInterval: time.Hour})
		if err := m.Pull(t.Context(), "ollama", "m"); err != nil {
			t.Fatal(err)
		}
		evs := waitEnd(t, rec)
		if len(evs) != 2 {
			t.Errorf("%d events for a burst of %d lines, want 2", len(evs), len(lines))
		}
		if last := evs[len(evs)-1]; last.State != StateDone || last.Completed != 2000 || last.Total != 2000 {
			t.Errorf("final event = %+v", last)
		}
	})
	t.Run("at most one event per interval", func(t *testing.T) {
		// Each reading of the clock is 1 ms later, so the burst spans about
		// a second of the fake clock: at most 4 progress events, plus the
		// first and the last.
		clock := &fakeClock{now: time.Unix(1_700_000_000, 0), step: time.Millisecond}
		srv, _ := pullServer(t, stream(lines...))
		m, rec := newManager(t, srv.URL, Config{EmitInterval: 250 * time.Millisecond, Now: clock.Now})
		if err := m.Pull(t.Context(), "ollama", "m"); err != nil {
			t.Fatal(err)
		}
		evs := waitEnd(t, rec)
		elapsed := clock.Now().Sub(time.Unix(1_700_000_000, 0))
		limit := 2 + int(elapsed/(250*time.Millisecond))
		if len(evs) > limit || len(evs) < 3 {
			t.Errorf("%d events over %v of the clock, want from 3 to %d", len(evs), elapsed, limit)
		}
		for i := 1; i < len(evs)-1; i++ {
			if evs[i].Completed < evs[i-1].Completed || evs[i].State != StateRunning {
				t.Errorf("event %d = %+v after %+v", i, evs[i], evs[i-1])
			}
		}
		if last := evs[len(evs)-1]; last.State != StateDone || last.Completed != 2000 {
			t.Errorf("final event = %+v", last)
		}
	})
	t.Run("progress held back is sent when its time comes", func(t *testing.T) {
		// Two lines, then a pause: the second is sent by the timer, before
		// the pull ends.
		hold := make(chan struct{})
		srv, _ := pullServer(t, func(w http.ResponseWriter, r *http.Request) {
			stream(lines[1], lines[2])(w, r)
			<-hold
			stream(`{"status":"success"}`)(w, r)
		})
		m, rec := newManager(t, srv.URL, Config{EmitInterval: 20 * time.Millisecond})
		if err := m.Pull(t.Context(), "ollama", "m"); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			evs := pullEvents(rec)
			if n := len(evs); n > 0 && evs[n-1].Completed == 2 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the held-back progress was never sent: %+v", evs)
			}
			time.Sleep(5 * time.Millisecond)
		}
		n := len(pullEvents(rec))
		time.Sleep(100 * time.Millisecond)
		if got := len(pullEvents(rec)); got != n {
			t.Errorf("%d events while nothing changed", got-n)
		}
		close(hold)
		waitEnd(t, rec)
	})
}

func TestRateWindow(t *testing.T) {
	t0 := time.Unix(0, 0)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	tests := []struct {
		name    string
		samples [][2]float64 // seconds, bytes
		speed   float64
	}{
		{"no samples", nil, 0},
		{"one sample", [][2]float64{{0, 100}}, 0},
		{"steady 100 B/s", [][2]float64{{0, 0}, {1, 100}, {2, 200}, {3, 300}}, 100},
		{"only the last 10 s count", [][2]float64{{0, 0}, {1, 10_000}, {11, 10_100}, {21, 11_100}}, 100},
		{"samples closer than the step merge", [][2]float64{{0, 0}, {1, 100}, {1.01, 101}, {1.02, 102}, {2, 200}}, 100},
		{"a count going back starts again", [][2]float64{{0, 0}, {1, 5000}, {2, 100}, {4, 500}}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := rateWindow{span: rateSpan}
			for _, s := range tt.samples {
				w.add(at(s[0]), int64(s[1]))
			}
			if got := w.perSecond(); abs(got-tt.speed) > 0.01 {
				t.Errorf("speed = %v, want %v", got, tt.speed)
			}
		})
	}
	w := rateWindow{span: rateSpan}
	for i := range 100_000 {
		w.add(at(float64(i)*0.001), int64(i))
	}
	if len(w.samples) > int(rateSpan/sampleStep)+3 {
		t.Errorf("the window holds %d samples", len(w.samples))
	}
	for _, tt := range []struct {
		completed, total int64
		speed, eta       float64
	}{
		{0, 1000, 100, 10},
		{500, 1000, 250, 2},
		{1000, 1000, 100, 0},
		{0, 1000, 0, 0},
		{0, 0, 100, 0},
	} {
		if got := eta(tt.completed, tt.total, tt.speed); abs(got-tt.eta) > 1e-9 {
			t.Errorf("eta(%d, %d, %v) = %v, want %v", tt.completed, tt.total, tt.speed, got, tt.eta)
		}
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

func TestPullReportsSpeedAndETA(t *testing.T) {
	// The clock moves 100 ms per reading; one layer of 1000 bytes in steps.
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0), step: 100 * time.Millisecond}
	hold := make(chan struct{})
	srv, _ := pullServer(t, func(w http.ResponseWriter, r *http.Request) {
		var lines []string
		for c := 0; c <= 500; c += 100 {
			lines = append(lines, fmt.Sprintf(`{"status":"pulling aaaa","digest":"%s","total":1000,"completed":%d}`, digestA, c))
		}
		stream(lines...)(w, r)
		<-hold
	})
	m, rec := newManager(t, srv.URL, Config{EmitInterval: time.Nanosecond, Now: clock.Now})
	if err := m.Pull(t.Context(), "ollama", "m"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		evs := pullEvents(rec)
		if n := len(evs); n > 0 && evs[n-1].Completed == 500 {
			last := evs[n-1]
			if last.BytesPerSecond <= 0 || last.EtaSeconds <= 0 {
				t.Errorf("no speed or ETA: %+v", last)
			}
			if want := float64(last.Total-last.Completed) / last.BytesPerSecond; abs(last.EtaSeconds-want) > 1e-6 {
				t.Errorf("ETA %v, want %v at %v B/s", last.EtaSeconds, want, last.BytesPerSecond)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no progress: %+v", evs)
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(hold)
	evs := waitEnd(t, rec)
	if last := evs[len(evs)-1]; last.BytesPerSecond != 0 || last.EtaSeconds != 0 {
		t.Errorf("an ended pull still has speed or ETA: %+v", last)
	}
}

func TestOllamaSays(t *testing.T) {
	tests := []struct{ text, kind string }{
		{"pull model manifest: file does not exist", KindNotFound},
		{"unauthorized: access denied", KindNotFound},
		{"write /x/blobs/sha256-1-partial-0: no space left on device", KindDiskFull},
		{"write C:\\x: There is not enough space on the disk.", KindDiskFull},
		{`pull model manifest: Get "https://registry.ollama.ai/v2/library/x/manifests/latest": dial tcp: lookup registry.ollama.ai: no such host`, KindOffline},
		{"max retries exceeded: unexpected EOF", KindOffline},
		{"open /x: file does not exist", KindOther}, // not the manifest
		{"something else", KindOther},
		{"", KindOther},
	}
	for _, tt := range tests {
		if got := ollamaSays(tt.text); got != tt.kind {
			t.Errorf("ollamaSays(%q) = %q, want %q", tt.text, got, tt.kind)
		}
	}
}
