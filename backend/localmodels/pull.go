package localmodels

import (
	"cmp"
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ollama/ollama/api"

	"brook/backend/guard"
	"brook/backend/i18n"
	"brook/backend/provider"
)

// PullProgress is where one pull stands: the payload of [PullEventName] and
// what [Manager.Pulls] lists.
type PullProgress struct {
	EndpointID string `json:"endpointId"`
	Model      string `json:"model"`
	// State is [StateRunning], [StateDone], [StateFailed] or [StateCancelled].
	State string `json:"state"`
	// Status is Ollama's own word for the step: "pulling manifest",
	// "pulling 1a2b3c4d5e6f", "verifying sha256 digest", "writing manifest",
	// "success".
	Status string `json:"status"`
	// Completed and Total are bytes over every layer announced so far.
	Completed int64 `json:"completed"`
	Total     int64 `json:"total"`
	// BytesPerSecond and EtaSeconds come from a moving window of the latest
	// progress; 0 when unknown.
	BytesPerSecond float64         `json:"bytesPerSecond"`
	EtaSeconds     float64         `json:"etaSeconds"`
	Layers         []LayerProgress `json:"layers"`
	// ErrorKind is, for a failed pull, one of [KindOffline], [KindNotFound],
	// [KindDiskFull], [KindServerTooOld] or [KindOther].
	ErrorKind string `json:"errorKind"`
	// Error says, for a failed pull, what went wrong and what to do.
	Error string `json:"error"`
	// StartedAt is in Unix milliseconds. A resumed pull keeps the time it
	// was first started.
	StartedAt int64 `json:"startedAt"`
	// Resumed is true for a pull that was running when Brook last quit and
	// was started again at start-up ([Manager.Resume]).
	Resumed bool `json:"resumed"`
}

// LayerProgress is one layer (blob) of a pull.
type LayerProgress struct {
	Digest    string `json:"digest"`
	Status    string `json:"status"`
	Completed int64  `json:"completed"`
	Total     int64  `json:"total"`
}

// A pull's states.
const (
	StateRunning   = "running"
	StateDone      = "done"
	StateFailed    = "failed"
	StateCancelled = "cancelled"
)

// Why a pull failed.
const (
	KindOffline      = "offline"        // Ollama, or the registry from Ollama, could not be reached, or the connection dropped
	KindNotFound     = "not_found"      // no such model (or tag) in the registry
	KindDiskFull     = "disk_full"      // no space left where Ollama keeps models
	KindServerTooOld = "server_too_old" // the server has no /api/pull
	KindOther        = "other"
)

// ErrAlreadyPulling is returned by Pull for a model being pulled already.
var ErrAlreadyPulling = i18n.New("Ollama.alreadyPulling")

// ErrClosing is returned by Pull once [Manager.Close] has begun.
var ErrClosing = i18n.New("Ollama.pullClosing")

// ErrNotPulling is returned by CancelPull for a model not being pulled.
var ErrNotPulling = i18n.New("Ollama.notPulling")

// rateSpan is how far back the speed looks.
const rateSpan = 10 * time.Second

type pullKey struct{ endpointID, model string }

func keyOf(endpointID, model string) pullKey {
	return pullKey{endpointID, strings.ToLower(withTag(model))}
}

// withTag adds Ollama's default tag to a name without one.
func withTag(name string) string {
	if strings.Contains(name[strings.LastIndex(name, "/")+1:], ":") {
		return name
	}
	return name + ":latest"
}

// pull is one pull, running or ended.
type pull struct {
	m      *Manager
	key    pullKey
	cancel context.CancelFunc

	mu       sync.Mutex
	p        PullProgress
	rate     rateWindow
	lastEmit time.Time
	pending  bool        // progress arrived that no event carried yet
	timer    *time.Timer // sends pending progress once it is due
	ended    bool
	byUser   bool // cancelled by [Manager.CancelPull], not by the manager closing
}

// Pull starts pulling model onto the Ollama endpoint and returns at once.
// Progress comes as [PullEventName] events; the pull goes on until it ends,
// [Manager.CancelPull] cancels it, or the manager closes. A bad name, an
// unknown or non-Ollama endpoint, or a pull of the same model already
// running is refused, and nothing is sent.
func (m *Manager) Pull(ctx context.Context, endpointID, model string) error {
	return m.start(ctx, savedPull{EndpointID: endpointID, Model: model}, false)
}

// start starts a pull: a new one, or (resumed) one saved when Brook last
// quit, which keeps its first start time.
func (m *Manager) start(ctx context.Context, sp savedPull, resumed bool) error {
	endpointID, model := sp.EndpointID, sp.Model
	if err := guard.OllamaModel(model); err != nil {
		return err
	}
	s, err := m.resolve(ctx, endpointID)
	if err != nil {
		return err
	}
	key := keyOf(endpointID, model)
	now := m.cfg.Now()
	startedAt := now.UnixMilli()
	if resumed && sp.StartedAt > 0 {
		startedAt = sp.StartedAt
	}
	m.mu.Lock()
	if m.ctx.Err() != nil {
		m.mu.Unlock()
		return ErrClosing
	}
	if old, ok := m.pulls[key]; ok {
		if !old.isEnded() {
			m.mu.Unlock()
			return ErrAlreadyPulling
		}
		m.ended = slices.DeleteFunc(m.ended, func(k pullKey) bool { return k == key })
	}
	pctx, cancel := context.WithCancel(m.ctx)
	p := &pull{m: m, key: key, cancel: cancel, rate: rateWindow{span: rateSpan}, lastEmit: now, p: PullProgress{
		EndpointID: endpointID, Model: model, State: StateRunning, Status: "starting", Layers: []LayerProgress{},
		StartedAt: startedAt, Resumed: resumed,
	}}
	m.pulls[key] = p
	m.saved[key] = savedPull{EndpointID: endpointID, Model: model, StartedAt: startedAt}
	m.wg.Add(1)
	p.mu.Lock()
	m.mu.Unlock()
	p.emitLocked()
	p.mu.Unlock()
	m.save()
	m.cfg.Logger.Info("pull started", "endpoint", endpointID, "model", model, "resumed", resumed)
	go p.run(pctx, s)
	return nil
}

// CancelPull cancels a running pull. Ollama keeps what it downloaded, so
// pulling again picks up from there.
func (m *Manager) CancelPull(endpointID, model string) error {
	if err := firstError(guard.RequiredEndpointID(endpointID), guard.OllamaModel(model)); err != nil {
		return err
	}
	m.mu.Lock()
	p, ok := m.pulls[keyOf(endpointID, model)]
	m.mu.Unlock()
	if !ok {
		return ErrNotPulling
	}
	p.mu.Lock()
	ended := p.ended
	p.byUser = !ended
	p.mu.Unlock()
	if ended {
		return ErrNotPulling
	}
	p.cancel()
	return nil
}

// Pulls lists the running pulls and the latest ended ones, oldest first.
func (m *Manager) Pulls() []PullProgress {
	m.mu.Lock()
	list := make([]*pull, 0, len(m.pulls))
	for _, p := range m.pulls {
		list = append(list, p)
	}
	m.mu.Unlock()
	out := make([]PullProgress, 0, len(list))
	for _, p := range list {
		p.mu.Lock()
		out = append(out, p.snapshotLocked())
		p.mu.Unlock()
	}
	slices.SortStableFunc(out, func(a, b PullProgress) int {
		if a.StartedAt != b.StartedAt {
			return cmp.Compare(a.StartedAt, b.StartedAt)
		}
		return strings.Compare(a.EndpointID+"\x00"+a.Model, b.EndpointID+"\x00"+b.Model)
	})
	return out
}

func (p *pull) isEnded() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ended
}

func (p *pull) run(ctx context.Context, s server) {
	defer p.m.wg.Done()
	defer p.cancel()
	// The endpoint's extra headers go with the pull as with every other
	// call: Ollama behind an auth gateway must be able to pull.
	hc := provider.WithHeaders(p.m.cfg.HTTPClient, s.headers)
	rec := &recordingTransport{base: hc.Transport}
	if rec.base == nil {
		rec.base = http.DefaultTransport
	}
	hc.Transport = rec
	success := false
	err := api.NewClient(s.baseURL, hc).Pull(ctx, &api.PullRequest{Model: p.p.Model}, func(r api.ProgressResponse) error {
		if r.Status == "success" {
			success = true
		}
		p.progress(r)
		return nil
	})
	state, kind, msg := StateDone, "", ""
	switch {
	case success:
	case ctx.Err() != nil:
		state = StateCancelled
	default:
		state = StateFailed
		kind, msg = classify(s, p.p.Model, err, rec.bodyErr())
	}
	p.finish(state, kind, msg)
	log := p.m.cfg.Logger
	if state == StateFailed {
		log.Warn("pull failed", "endpoint", p.key.endpointID, "model", p.p.Model, "kind", kind, "err", err)
	} else {
		log.Info("pull ended", "endpoint", p.key.endpointID, "model", p.p.Model, "state", state)
	}
	p.mu.Lock()
	byUser := p.byUser
	p.mu.Unlock()
	// A pull cut short by Brook quitting stays in the pulls file, to be
	// resumed at the next start; any other end (done, failed, cancelled by
	// the user) takes it out: a failure is shown, and the user can try again.
	keep := state == StateCancelled && !byUser && p.m.ctx.Err() != nil
	p.m.mu.Lock()
	// A new pull of the same model may have begun as soon as this one
	// ended: that one is not touched.
	if p.m.pulls[p.key] == p {
		if !keep {
			delete(p.m.saved, p.key)
		}
		p.m.ended = append(p.m.ended, p.key)
		for len(p.m.ended) > p.m.cfg.KeepEnded {
			delete(p.m.pulls, p.m.ended[0])
			p.m.ended = p.m.ended[1:]
		}
	}
	p.m.mu.Unlock()
	if !keep {
		p.m.save()
	}
	if state == StateDone {
		p.m.modelsChanged(p.key.endpointID)
	}
}

// progress takes one line of Ollama's progress, and sends it when the last
// event is at least the emit interval old; otherwise it is sent when that
// time comes, together with whatever else arrived meanwhile.
func (p *pull) progress(r api.ProgressResponse) {
	now := p.m.cfg.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ended {
		return
	}
	if r.Status != "" {
		p.p.Status = r.Status
	}
	if r.Digest != "" {
		i := slices.IndexFunc(p.p.Layers, func(l LayerProgress) bool { return l.Digest == r.Digest })
		if i < 0 {
			p.p.Layers = append(p.p.Layers, LayerProgress{Digest: r.Digest})
			i = len(p.p.Layers) - 1
		}
		l := &p.p.Layers[i]
		l.Status = r.Status
		if r.Total > 0 {
			l.Total = r.Total
		}
		l.Completed = r.Completed
		var completed, total int64
		for _, l := range p.p.Layers {
			completed += l.Completed
			total += l.Total
		}
		p.p.Completed, p.p.Total = completed, total
		p.rate.add(now, completed)
		p.p.BytesPerSecond = p.rate.perSecond()
		p.p.EtaSeconds = eta(completed, total, p.p.BytesPerSecond)
	}
	p.pending = true
	p.sendIfDueLocked(now)
}

// sendIfDueLocked sends the pending progress when the interval has passed
// since the last event, else makes sure a timer will.
func (p *pull) sendIfDueLocked(now time.Time) {
	wait := p.lastEmit.Add(p.m.cfg.EmitInterval).Sub(now)
	if wait <= 0 {
		p.emitLocked()
		return
	}
	if p.timer == nil {
		p.timer = time.AfterFunc(wait, p.flush)
	}
}

// flush is the timer's: it sends what arrived since the last event.
func (p *pull) flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.timer = nil
	if p.ended || !p.pending {
		return
	}
	p.sendIfDueLocked(p.m.cfg.Now())
}

// finish ends the pull and always sends its last state.
func (p *pull) finish(state, kind, msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	p.p.State, p.p.ErrorKind, p.p.Error = state, kind, msg
	if state != StateRunning {
		p.p.BytesPerSecond, p.p.EtaSeconds = 0, 0
	}
	p.emitLocked()
	p.ended = true
}

// emitLocked sends the pull's state now. It is called with p.mu held, so
// events of one pull go out in order.
func (p *pull) emitLocked() {
	p.lastEmit = p.m.cfg.Now()
	p.pending = false
	p.m.cfg.Emitter.Emit(PullEventName, p.snapshotLocked())
}

func (p *pull) snapshotLocked() PullProgress {
	s := p.p
	s.Layers = slices.Clone(p.p.Layers)
	return s
}

// recordingTransport notes the first transport error met while reading a
// response body. The api client turns a line cut off by a dropped
// connection into an error of the line's text, so only this record tells a
// drop from an error Ollama sent.
type recordingTransport struct {
	base http.RoundTripper
	mu   sync.Mutex
	err  error
}

func (t *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	resp.Body = &recordingBody{ReadCloser: resp.Body, t: t}
	return resp, nil
}

func (t *recordingTransport) bodyErr() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

type recordingBody struct {
	io.ReadCloser
	t *recordingTransport
}

func (b *recordingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		b.t.mu.Lock()
		if b.t.err == nil {
			b.t.err = err
		}
		b.t.mu.Unlock()
	}
	return n, err
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
