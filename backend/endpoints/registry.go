// Package endpoints turns the configured endpoints into provider clients,
// seeds them on first run from the Ollama and OpenAI environment conventions,
// and surveys which are reachable and what models they offer.
package endpoints

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"brook/backend/endpoints/kind"
	"brook/backend/i18n"
	"brook/backend/provider"
	"brook/backend/provider/ollama"
	"brook/backend/secrets"
	"brook/backend/store"
)

// Store is what the registry needs of [store.Store].
type Store interface {
	ListEndpoints(ctx context.Context) ([]store.Endpoint, error)
	SaveEndpoint(ctx context.Context, e store.Endpoint) (store.Endpoint, error)
	DeleteEndpoint(ctx context.Context, id string) error
	AppState(ctx context.Context) (store.AppState, error)
	SetSeededOllamaURL(ctx context.Context, url string) error
}

// ErrUnknownEndpoint is returned for an endpoint ID that is not configured.
var ErrUnknownEndpoint = i18n.New("Endpoints.unknown")

// ErrDisabled is returned for an endpoint the user turned off.
var ErrDisabled = i18n.New("Endpoints.disabled")

// Registry hands out one cached [provider.Client] per endpoint.
type Registry struct {
	store Store
	keys  secrets.Keyring

	mu           sync.Mutex
	clients      map[string]cachedClient
	ollamaProbes map[string]*ollama.Client // by server root and headers, for /api/ps
	caps         map[string][]string       // models' capabilities, by endpoint, name and size
	lastSurvey   *surveyRound              // the latest survey, shared by callers that overlap it

	detected    detections
	probeClient *http.Client
}

// surveyRound is one round of asking every endpoint for its models.
type surveyRound struct {
	done     chan struct{}
	finished time.Time
	statuses []Status
	err      error
}

// surveyReuse is how long a finished survey answers later callers: the UI
// asks for the list and the default model at the same moment on start.
const surveyReuse = time.Second

type cachedClient struct {
	endpoint store.Endpoint
	key      string
	headers  string
	client   provider.Client
}

// New returns a Registry over the endpoints in s, with keys from keys.
func New(s Store, keys secrets.Keyring) *Registry {
	return &Registry{store: s, keys: keys, clients: map[string]cachedClient{}, probeClient: &http.Client{Timeout: probeTimeout}}
}

// Client returns the client of the endpoint with id.
func (r *Registry) Client(ctx context.Context, id string) (provider.Client, error) {
	all, err := r.store.ListEndpoints(ctx)
	if err != nil {
		return nil, err
	}
	for _, e := range all {
		if e.ID == id {
			if !e.Enabled {
				return nil, ErrDisabled
			}
			return r.clientFor(e)
		}
	}
	return nil, ErrUnknownEndpoint
}

func (r *Registry) clientFor(e store.Endpoint) (provider.Client, error) {
	k, ok := kind.Lookup(string(e.Kind))
	if !ok {
		return nil, fmt.Errorf("unknown endpoint kind %q", e.Kind)
	}
	key := ""
	if k.Key != kind.KeyNone {
		var err error
		if key, err = r.keys.Get(e.ID); err != nil {
			return nil, i18n.Wrap("Endpoints.keyUnreadable", err, nil)
		}
	}
	headers, err := Headers(r.keys, e)
	if err != nil {
		return nil, err
	}
	fingerprint := headerFingerprint(headers)
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.clients[e.ID]; ok && c.endpoint.BaseURL == e.BaseURL && c.endpoint.Kind == e.Kind && c.key == key && c.headers == fingerprint {
		return c.client, nil
	}
	client := k.New(e.BaseURL, key, headers)
	r.clients[e.ID] = cachedClient{endpoint: e, key: key, headers: fingerprint, client: client}
	return client, nil
}

// Headers reads the values of e's extra headers from keys. A header whose
// value is missing from the keyring is left out.
func Headers(keys secrets.Keyring, e store.Endpoint) (http.Header, error) {
	if len(e.HeaderNames) == 0 || e.ID == "" {
		return nil, nil
	}
	h := http.Header{}
	for _, name := range e.HeaderNames {
		name = http.CanonicalHeaderKey(name)
		v, err := keys.Get(store.HeaderSecretID(e.ID, name))
		if err != nil {
			return nil, i18n.Wrap("Endpoints.headerUnreadable", err, i18n.Args{"Name": name})
		}
		if v != "" {
			h.Set(name, v)
		}
	}
	return h, nil
}

// headerFingerprint tells one set of headers from another, to know when a
// cached client is stale. It stays in memory.
func headerFingerprint(h http.Header) string {
	var b strings.Builder
	names := slices.Sorted(maps.Keys(h))
	for _, n := range names {
		b.WriteString(n)
		for _, v := range h[n] {
			b.WriteString("\x00")
			b.WriteString(v)
		}
		b.WriteString("\x01")
	}
	return b.String()
}

// Status is one endpoint's reachability and models.
type Status struct {
	Endpoint  store.Endpoint   `json:"endpoint"`
	Reachable bool             `json:"reachable"`
	Error     string           `json:"error,omitempty"`
	Hint      string           `json:"hint,omitempty"`
	Models    []provider.Model `json:"models"`
	// ServerKind is what serves the endpoint: the user's choice, else what
	// Brook detected (DetectedKind).
	ServerKind   provider.ServerKind `json:"serverKind"`
	DetectedKind provider.ServerKind `json:"detectedKind,omitempty"`
	// Parallel is how many answers Brook sends it at once.
	Parallel int `json:"parallel"`
	// Continues says whether the server continues a broken answer rather
	// than being asked again.
	Continues bool `json:"continues"`
	// ListError says why the server's own list of models could not be read
	// when it answered otherwise (a 404, not OpenAI's shape) and the models
	// added by hand are offered instead.
	ListError string `json:"listError,omitempty"`
}

// surveyTimeout bounds how long an endpoint may take to list its models.
const surveyTimeout = 4 * time.Second

// Survey asks every enabled endpoint for its models, all at once. Callers
// that overlap a survey, or come within a second of it, share its result.
func (r *Registry) Survey(ctx context.Context) ([]Status, error) {
	r.mu.Lock()
	round := r.lastSurvey
	reuse := round != nil
	if reuse {
		select {
		case <-round.done:
			reuse = time.Since(round.finished) < surveyReuse
		default: // still running: wait for it
		}
	}
	if !reuse {
		round = &surveyRound{done: make(chan struct{})}
		r.lastSurvey = round
	}
	r.mu.Unlock()
	if !reuse {
		round.statuses, round.err = r.surveyAll(ctx)
		round.finished = time.Now()
		close(round.done)
	}
	select {
	case <-round.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return slices.Clone(round.statuses), round.err
}

// Changed tells the registry the endpoints were edited, so the next survey
// asks again instead of reusing one that predates the edit.
func (r *Registry) Changed() {
	r.mu.Lock()
	r.lastSurvey = nil
	r.mu.Unlock()
	r.detected.clear()
}

func (r *Registry) surveyAll(ctx context.Context) ([]Status, error) {
	all, err := r.store.ListEndpoints(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Status, len(all))
	var wg sync.WaitGroup
	for i, e := range all {
		out[i] = Status{Endpoint: e, Models: []provider.Model{}}
		if !e.Enabled {
			out[i].Error = i18n.T("Endpoints.turnedOff", nil)
			continue
		}
		wg.Add(1)
		go func(st *Status) {
			defer wg.Done()
			r.survey(ctx, st)
		}(&out[i])
	}
	wg.Wait()
	return out, nil
}

func (r *Registry) survey(ctx context.Context, st *Status) {
	ctx, cancel := context.WithTimeout(ctx, surveyTimeout)
	defer cancel()
	detected := make(chan Server, 1)
	go func() { detected <- r.server(ctx, st.Endpoint) }()
	defer func() {
		s := <-detected
		st.ServerKind, st.DetectedKind, st.Parallel, st.Continues = s.Kind, s.Detected, s.Parallel, s.Kind.Prefill() != provider.PrefillNone
	}()
	if len(st.Endpoint.Models) > 0 {
		// A fixed list needs no server round trip, but the server may still be down.
		for _, m := range st.Endpoint.Models {
			st.Models = append(st.Models, provider.Model{Name: m})
		}
	}
	defer func() { st.Models = withExtraModels(st.Models, st.Endpoint.ExtraModels) }()
	client, err := r.clientFor(st.Endpoint)
	if err != nil {
		st.Error = err.Error()
		return
	}
	models, err := client.ListModels(ctx)
	if err != nil {
		if len(st.Endpoint.ExtraModels) > 0 && answered(ctx, err) {
			// The server is there but does not list its models: offer those added by hand.
			st.Reachable = true
			st.ListError = i18n.T("Endpoints.listFailed", i18n.Args{"Why": provider.Explain(err)})
			return
		}
		st.Error = provider.Explain(err)
		st.Hint = hintFor(st.Endpoint, err)
		return
	}
	st.Reachable = true
	if len(st.Endpoint.Models) == 0 {
		sort.Slice(models, func(i, j int) bool { return models[i].Name < models[j].Name })
		st.Models = models
	}
	if len(st.Models) == 0 && len(st.Endpoint.ExtraModels) == 0 {
		if k, ok := kind.Lookup(string(st.Endpoint.Kind)); ok {
			if k.Words.NoModels != "" {
				st.Hint = i18n.T(k.Words.NoModels, nil)
			}
		}
	}
	if cr, ok := client.(capabilityReader); ok {
		r.capabilities(ctx, st.Endpoint.ID, cr, st.Models)
	}
}

// withExtraModels adds the names added by hand to models, after them and
// marked Manual, except those the server already lists.
func withExtraModels(models []provider.Model, extra []string) []provider.Model {
	for _, name := range extra {
		if !slices.ContainsFunc(models, func(m provider.Model) bool { return m.Name == name }) {
			models = append(models, provider.Model{Name: name, Manual: true})
		}
	}
	return models
}

// answered reports whether err, from listing models, came from a server
// that answered (a 404 or another refusal that is not about the key, or a
// body not shaped like the API), rather than one that could not be reached.
func answered(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var refused *provider.RequestError
	if errors.As(err, &refused) {
		return refused.Status != http.StatusUnauthorized && refused.Status != http.StatusForbidden
	}
	var broken *provider.BrokenError
	return !errors.As(err, &broken)
}

// capabilityReader is a client that says what each model can do (Ollama's /api/show).
type capabilityReader interface {
	Capabilities(ctx context.Context, model string) ([]string, error)
}

// capabilities fills in what each model can do, from a client that says
// (Ollama's /api/show), a few at a time. Answers are kept per model name and
// size, so a model is asked about once until it changes.
func (r *Registry) capabilities(ctx context.Context, endpointID string, c capabilityReader, models []provider.Model) {
	var wg sync.WaitGroup
	limit := make(chan struct{}, 4)
	for i := range models {
		key := fmt.Sprintf("%s\x00%s\x00%d", endpointID, models[i].Name, models[i].SizeBytes)
		r.mu.Lock()
		caps, known := r.caps[key]
		r.mu.Unlock()
		if known {
			models[i].Capabilities = caps
			continue
		}
		wg.Add(1)
		go func(m *provider.Model) {
			defer wg.Done()
			limit <- struct{}{}
			defer func() { <-limit }()
			caps, err := c.Capabilities(ctx, m.Name)
			if err != nil {
				return // unknown: the picker just shows no capabilities
			}
			m.Capabilities = caps
			r.mu.Lock()
			if r.caps == nil {
				r.caps = map[string][]string{}
			}
			r.caps[key] = caps
			r.mu.Unlock()
		}(&models[i])
	}
	wg.Wait()
}

// hintFor says how to fix an endpoint that did not answer.
func hintFor(e store.Endpoint, err error) string {
	var refused *provider.RequestError
	if errors.As(err, &refused) && (refused.Status == 401 || refused.Status == 403) {
		return i18n.T("Endpoints.checkKey", nil)
	}
	if k, ok := kind.Lookup(string(e.Kind)); ok && k.Words.Unreachable != nil {
		return k.Words.Unreachable(e.BaseURL)
	}
	return i18n.T("Endpoints.unreachable", i18n.Args{"URL": e.BaseURL})
}

// Selection is a chosen model.
type Selection struct {
	EndpointID string `json:"endpointId"`
	Model      string `json:"model"`
}

// Offered reports whether an endpoint in statuses offers the model sel names.
func Offered(statuses []Status, sel Selection) bool {
	if sel.EndpointID == "" || sel.Model == "" {
		return false
	}
	for _, st := range statuses {
		if st.Endpoint.ID != sel.EndpointID {
			continue
		}
		for _, m := range st.Models {
			if m.Name == sel.Model {
				return true
			}
		}
	}
	return false
}

// Pick chooses a model: the first of the preferred selections that is still
// offered (for a new conversation: the user's Default model, then the model
// used last), else the first model of the first reachable endpoint, else
// none.
func Pick(statuses []Status, preferred ...Selection) Selection {
	for _, sel := range preferred {
		if Offered(statuses, sel) {
			return sel
		}
	}
	for _, st := range statuses {
		if st.Reachable && len(st.Models) > 0 {
			return Selection{st.Endpoint.ID, st.Models[0].Name}
		}
	}
	return Selection{}
}

// SeedDefaults configures endpoints on first run (when there are none):
// each kind's seed from the environment ([kind.Kind.Seed]), such as Ollama at
// $OLLAMA_HOST or http://127.0.0.1:11434, and an OpenAI-compatible endpoint
// when OPENAI_BASE_URL or OPENAI_API_KEY is set. Keys go to the keyring. On
// later runs it keeps the endpoint whose seed follows the environment in
// step with it, unless the user has edited that endpoint since.
func SeedDefaults(ctx context.Context, s Store, keys secrets.Keyring, getenv func(string) string) error {
	existing, err := s.ListEndpoints(ctx)
	if err != nil {
		return err
	}
	state, err := s.AppState(ctx)
	if err != nil {
		return err
	}
	for _, k := range kind.All() {
		if k.Seed == nil {
			continue
		}
		seed, ok := k.Seed(getenv)
		if !ok {
			continue
		}
		if len(existing) > 0 {
			if seed.Follows {
				if err := follow(ctx, s, existing, k.ID, state.SeededOllamaURL, seed.BaseURL); err != nil {
					return err
				}
			}
			continue
		}
		e, err := s.SaveEndpoint(ctx, store.Endpoint{Name: seed.Name, Kind: store.EndpointKind(k.ID), BaseURL: seed.BaseURL, Enabled: true})
		if err != nil {
			return err
		}
		if seed.Follows {
			if err := s.SetSeededOllamaURL(ctx, seed.BaseURL); err != nil {
				return err
			}
		}
		if seed.APIKey != "" && k.Key != kind.KeyNone {
			if err := keys.Set(e.ID, seed.APIKey); err != nil {
				return err
			}
		}
	}
	return nil
}

// follow moves the endpoint of kind id still at the seeded address to now.
func follow(ctx context.Context, s Store, existing []store.Endpoint, id, seeded, now string) error {
	if seeded == "" || seeded == now {
		return nil
	}
	for _, e := range existing {
		if string(e.Kind) == id && e.BaseURL == seeded {
			e.BaseURL = now
			if _, err := s.SaveEndpoint(ctx, e); err != nil {
				return err
			}
			return s.SetSeededOllamaURL(ctx, now)
		}
	}
	return nil
}
