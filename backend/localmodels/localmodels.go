// Package localmodels manages the models of an Ollama server: what is
// installed (/api/tags, /api/show) and loaded (/api/ps), unloading, deleting,
// and pulling new ones in the background with progress ([Manager.Pull]).
//
// Pulls belong to the [Manager], not to any view: they go on while the user
// chats, until they end, are cancelled, or the manager closes. Their progress
// goes to the UI as [PullEventName] events, at most a few per second per
// pull, and every change of state at once.
package localmodels

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ollama/ollama/api"

	"brook/backend/endpoints"
	"brook/backend/endpoints/kind"
	"brook/backend/events"
	"brook/backend/guard"
	"brook/backend/i18n"
	"brook/backend/provider"
	"brook/backend/provider/ollama"
	"brook/backend/secrets"
	"brook/backend/store"
)

// PullEventName is the event every pull reports its [PullProgress] on.
const PullEventName = "brook:pull"

// ModelsChangedName tells the UI an endpoint's models changed (a pull or a
// delete finished); its payload is the endpoint's id. The model picker
// surveys the endpoints again.
const ModelsChangedName = "brook:models-changed"

// Installed is a model on the server's disk.
type Installed struct {
	Name          string `json:"name"`
	Family        string `json:"family"`
	ParameterSize string `json:"parameterSize"`
	Quantization  string `json:"quantization"`
	Size          int64  `json:"size"`
	// ModifiedAt is in Unix milliseconds.
	ModifiedAt int64 `json:"modifiedAt"`
	// Capabilities are what Ollama says the model can do: "completion",
	// "vision", "thinking", "tools", "embedding", ...
	Capabilities []string `json:"capabilities"`
}

// Loaded is a model in the server's memory now.
type Loaded struct {
	Name     string `json:"name"`
	Size     int64  `json:"size"`
	SizeVRAM int64  `json:"sizeVram"`
	// ExpiresAt is when the server unloads it unless used, in Unix milliseconds.
	ExpiresAt     int64 `json:"expiresAt"`
	ContextLength int   `json:"contextLength"`
}

// Details is what the server says of one installed model.
type Details struct {
	Name          string `json:"name"`
	Family        string `json:"family"`
	ParameterSize string `json:"parameterSize"`
	Quantization  string `json:"quantization"`
	// ContextLength is the longest context the model was trained for
	// ("<architecture>.context_length"), or 0 when the server does not say.
	ContextLength int      `json:"contextLength"`
	Capabilities  []string `json:"capabilities"`
	Template      string   `json:"template"`
	Parameters    string   `json:"parameters"`
	License       string   `json:"license"`
	System        string   `json:"system"`
}

// Store is what the manager needs of [store.Store]: the configured endpoints.
type Store interface {
	ListEndpoints(ctx context.Context) ([]store.Endpoint, error)
}

// ErrNotOllama is returned for an endpoint that is not an Ollama server.
var ErrNotOllama = i18n.New("Ollama.notOllama")

// Config is what a [Manager] works with.
type Config struct {
	Store   Store
	Emitter events.Emitter
	Logger  *slog.Logger
	// Changed is called after a pull or a delete changed an endpoint's
	// models, before [ModelsChangedName] is emitted; nil for none.
	Changed func(endpointID string)
	// HTTPClient talks to the servers; nil means one with a bounded dial and
	// no overall timeout (a pull may take hours).
	HTTPClient *http.Client
	// Keys holds the values of endpoints' extra headers; nil sends none.
	Keys secrets.Keyring
	// EmitInterval is the least time between two progress events of one
	// pull; 0 means [DefaultEmitInterval]. Changes of state go at once.
	EmitInterval time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// KeepEnded is how many ended pulls [Manager.Pulls] keeps; 0 means 20.
	KeepEnded int
	// PullsFile is where the running pulls are saved, so that
	// [Manager.Resume] starts them again after a restart: [PullsFileName]
	// in Brook's data folder. "" saves nothing.
	PullsFile string
}

// DefaultEmitInterval allows about four progress events a second per pull.
const DefaultEmitInterval = 250 * time.Millisecond

// callTimeout bounds the quick calls (list, show, ps, delete, unload).
const callTimeout = 30 * time.Second

// Manager manages the models of the configured Ollama endpoints. It is safe
// for concurrent use.
type Manager struct {
	cfg    Config
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu    sync.Mutex
	pulls map[pullKey]*pull     // running and recently ended
	ended []pullKey             // ended pulls, oldest first
	saved map[pullKey]savedPull // what the pulls file lists: running, or cut short by quitting

	saveMu sync.Mutex // one write of the pulls file at a time
}

// New returns a Manager. Its pulls run under ctx; [Manager.Close] cancels them.
func New(ctx context.Context, cfg Config) *Manager {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Emitter == nil {
		cfg.Emitter = discard{}
	}
	if cfg.HTTPClient == nil {
		base := http.DefaultTransport.(*http.Transport).Clone()
		base.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
		cfg.HTTPClient = &http.Client{Transport: base}
	}
	if cfg.EmitInterval <= 0 {
		cfg.EmitInterval = DefaultEmitInterval
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.KeepEnded <= 0 {
		cfg.KeepEnded = 20
	}
	m := &Manager{cfg: cfg, pulls: map[pullKey]*pull{}, saved: map[pullKey]savedPull{}}
	m.ctx, m.cancel = context.WithCancel(ctx)
	return m
}

// Close cancels every running pull and waits for them to end. The pulls it
// cancels stay in the pulls file, for [Manager.Resume] at the next start. A
// Pull that comes after Close began is refused with [ErrClosing].
func (m *Manager) Close() {
	// Under mu: a Pull checks that the manager is open and counts its
	// goroutine under mu too, so it has either been counted before Wait, or
	// finds the manager closing; none starts after Close returns.
	m.mu.Lock()
	m.cancel()
	m.mu.Unlock()
	m.wg.Wait()
}

type discard struct{}

func (discard) Emit(string, any) {}

// server is one Ollama endpoint, resolved.
type server struct {
	endpointID string
	baseURL    *url.URL
	headers    http.Header // the endpoint's extra headers
}

// begin checks the endpoint and the model's name, and gives a call its deadline.
func (m *Manager) begin(ctx context.Context, endpointID, name string) (server, context.Context, context.CancelFunc, error) {
	s, err := m.resolve(ctx, endpointID)
	if err == nil {
		err = guard.OllamaModel(name)
	}
	if err != nil {
		return server{}, ctx, func() {}, err
	}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	return s, ctx, cancel, nil
}

// resolve finds the Ollama endpoint with id.
func (m *Manager) resolve(ctx context.Context, id string) (server, error) {
	if err := guard.RequiredEndpointID(id); err != nil {
		return server{}, err
	}
	all, err := m.cfg.Store.ListEndpoints(ctx)
	if err != nil {
		return server{}, err
	}
	for _, e := range all {
		if e.ID != id {
			continue
		}
		if k, ok := kind.Lookup(string(e.Kind)); !ok || !k.Caps.LocalModels {
			return server{}, ErrNotOllama
		}
		u, err := baseURL(e.BaseURL)
		if err != nil {
			return server{}, err
		}
		var headers http.Header
		if m.cfg.Keys != nil {
			if headers, err = endpoints.Headers(m.cfg.Keys, e); err != nil {
				return server{}, err
			}
		}
		return server{endpointID: id, baseURL: u, headers: headers}, nil
	}
	return server{}, endpoints.ErrUnknownEndpoint
}

// baseURL reads an endpoint's base URL as [ollama.New] does.
func baseURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		raw = ollama.DefaultBaseURL
	}
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err == nil && u.Host == "" {
		err = fmt.Errorf("no host in %q", raw)
	}
	if err != nil {
		return nil, i18n.Errorf("Ollama.badURL", i18n.Args{"Err": err})
	}
	return u, nil
}

func (m *Manager) client(s server) *api.Client {
	return api.NewClient(s.baseURL, provider.WithHeaders(m.cfg.HTTPClient, s.headers))
}

// Installed lists the models on the server's disk, by name, with what each
// can do. Capabilities come with /api/tags from newer servers, else from
// /api/show, a few models at a time; a model the server cannot describe is
// listed without them.
func (m *Manager) Installed(ctx context.Context, endpointID string) ([]Installed, error) {
	s, err := m.resolve(ctx, endpointID)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	c := m.client(s)
	resp, err := c.List(ctx)
	if err != nil {
		return nil, explain(s, "Ollama.actionList", "", err)
	}
	out := make([]Installed, len(resp.Models))
	var wg sync.WaitGroup
	limit := make(chan struct{}, 4)
	for i, mod := range resp.Models {
		out[i] = Installed{
			Name: mod.Name, Family: mod.Details.Family, ParameterSize: mod.Details.ParameterSize,
			Quantization: mod.Details.QuantizationLevel, Size: mod.Size, ModifiedAt: unixMilli(mod.ModifiedAt),
			Capabilities: capabilities(mod.Capabilities),
		}
		if len(mod.Capabilities) > 0 {
			continue
		}
		wg.Add(1)
		go func(in *Installed) {
			defer wg.Done()
			limit <- struct{}{}
			defer func() { <-limit }()
			if show, err := c.Show(ctx, &api.ShowRequest{Model: in.Name}); err == nil {
				in.Capabilities = capabilities(show.Capabilities)
			}
		}(&out[i])
	}
	wg.Wait()
	slices.SortFunc(out, func(a, b Installed) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Loaded lists the models in the server's memory now, from /api/ps.
func (m *Manager) Loaded(ctx context.Context, endpointID string) ([]Loaded, error) {
	s, err := m.resolve(ctx, endpointID)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	resp, err := m.client(s).ListRunning(ctx)
	if err != nil {
		var status api.StatusError
		if errors.As(err, &status) && status.StatusCode == http.StatusNotFound {
			return nil, i18n.New("Ollama.tooOld")
		}
		return nil, explain(s, "Ollama.actionLoaded", "", err)
	}
	out := make([]Loaded, 0, len(resp.Models))
	for _, mod := range resp.Models {
		out = append(out, Loaded{Name: mod.Name, Size: mod.Size, SizeVRAM: mod.SizeVRAM,
			ExpiresAt: unixMilli(mod.ExpiresAt), ContextLength: mod.ContextLength})
	}
	return out, nil
}

// Details describes one installed model, from /api/show.
func (m *Manager) Details(ctx context.Context, endpointID, name string) (Details, error) {
	s, ctx, cancel, err := m.begin(ctx, endpointID, name)
	if err != nil {
		return Details{}, err
	}
	defer cancel()
	show, err := m.client(s).Show(ctx, &api.ShowRequest{Model: name})
	if err != nil {
		return Details{}, explain(s, "Ollama.actionDescribe", name, err)
	}
	return Details{
		Name: name, Family: show.Details.Family, ParameterSize: show.Details.ParameterSize,
		Quantization: show.Details.QuantizationLevel, ContextLength: contextLength(show),
		Capabilities: capabilities(show.Capabilities), Template: show.Template, Parameters: show.Parameters,
		License: show.License, System: show.System,
	}, nil
}

// contextLength is "<architecture>.context_length" from the model's info,
// else the length the server reports in its details, else 0.
func contextLength(show *api.ShowResponse) int {
	if arch, ok := show.ModelInfo["general.architecture"].(string); ok {
		switch n := show.ModelInfo[arch+".context_length"].(type) {
		case float64:
			return int(n)
		case int:
			return n
		case int64:
			return int(n)
		}
	}
	return show.Details.ContextLength
}

// Unload asks the server to free a model's memory now (keep_alive 0). The
// server unloads it shortly after answering.
func (m *Manager) Unload(ctx context.Context, endpointID, name string) error {
	s, ctx, cancel, err := m.begin(ctx, endpointID, name)
	if err != nil {
		return err
	}
	defer cancel()
	stream := false
	err = m.client(s).Generate(ctx, &api.GenerateRequest{Model: name, KeepAlive: &api.Duration{Duration: 0}, Stream: &stream},
		func(api.GenerateResponse) error { return nil })
	if err != nil {
		return explain(s, "Ollama.actionUnload", name, err)
	}
	return nil
}

// Delete removes an installed model from the server's disk.
func (m *Manager) Delete(ctx context.Context, endpointID, name string) error {
	s, ctx, cancel, err := m.begin(ctx, endpointID, name)
	if err != nil {
		return err
	}
	defer cancel()
	if err := m.client(s).Delete(ctx, &api.DeleteRequest{Model: name}); err != nil {
		return explain(s, "Ollama.actionDelete", name, err)
	}
	m.modelsChanged(endpointID)
	return nil
}

func (m *Manager) modelsChanged(endpointID string) {
	if m.cfg.Changed != nil {
		m.cfg.Changed(endpointID)
	}
	m.cfg.Emitter.Emit(ModelsChangedName, endpointID)
}

// explain says in plain words why a quick call to the server failed: it
// could not be reached, has no such model, or refused. action is the
// message id of what Brook asked for, said as a noun phrase.
func explain(s server, action, model string, err error) error {
	what := i18n.T(action, nil)
	var status api.StatusError
	var auth api.AuthorizationError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return i18n.Errorf("Ollama.timeout", i18n.Args{"Host": s.baseURL.Redacted(), "Action": what})
	case errors.As(err, &auth):
		return i18n.Errorf("Ollama.signIn", i18n.Args{"Host": s.baseURL.Redacted(), "Action": what, "Status": strconv.Itoa(auth.StatusCode)})
	case errors.As(err, &status) && status.StatusCode == http.StatusNotFound && model != "":
		return i18n.Errorf("Ollama.noSuchModel", i18n.Args{"Model": model})
	case errors.As(err, &status):
		msg := status.ErrorMessage
		if msg == "" {
			msg = status.Status
		}
		return i18n.Errorf("Ollama.httpError", i18n.Args{"Action": what, "Status": strconv.Itoa(status.StatusCode), "Message": msg})
	case isConnError(err):
		return i18n.Errorf("Ollama.unreachable", i18n.Args{"Host": s.baseURL.Redacted()})
	}
	return i18n.Wrap("Ollama.failed", err, i18n.Args{"Action": what})
}

// isConnError reports whether err is a transport failure: no connection, or
// one that broke.
func isConnError(err error) bool {
	var netErr net.Error
	var urlErr *url.Error
	return errors.As(err, &netErr) || errors.As(err, &urlErr)
}

func capabilities[T ~string](caps []T) []string {
	out := make([]string, len(caps))
	for i, c := range caps {
		out[i] = string(c)
	}
	return out
}

func unixMilli(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}
