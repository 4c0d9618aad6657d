package endpoints

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"brook/backend/endpoints/kind"
	"brook/backend/provider"
	"brook/backend/provider/ollama"
	"brook/backend/store"
)

// Detection is what Brook found serving an endpoint.
type Detection = kind.Detection

// probeTimeout bounds each request that asks a server what it is.
const probeTimeout = 3 * time.Second

// Detect asks the server behind e what it is, the way e's kind tells
// ([kind.Kind.Detect]). An endpoint of a kind Brook does not know is
// [provider.ServerGeneric].
func Detect(ctx context.Context, hc *http.Client, e store.Endpoint) Detection {
	k, ok := kind.Lookup(string(e.Kind))
	if !ok {
		return Detection{Kind: provider.ServerGeneric}
	}
	return k.Detect(ctx, hc, e.BaseURL)
}

// DefaultParallel is how many answers Brook sends at once to a server of
// kind when the user has not said: what the server itself runs at once
// where that is known, else a small number for local servers and more for
// hosted APIs, which serve many clients at once.
func DefaultParallel(d Detection, baseURL string, env func(string) string) int {
	switch d.Kind {
	case provider.ServerOllama:
		// Ollama runs OLLAMA_NUM_PARALLEL requests at once, 1 unless set. Its
		// API does not tell; a local server likely shares Brook's environment.
		if isLoopback(baseURL) {
			if n, err := strconv.Atoi(strings.TrimSpace(env("OLLAMA_NUM_PARALLEL"))); err == nil && n > 0 {
				return min(n, store.MaxParallelLimit)
			}
		}
		return 1
	case provider.ServerLlamaCpp:
		if d.Slots > 0 {
			return min(d.Slots, store.MaxParallelLimit)
		}
		return 1
	case provider.ServerVLLM, provider.ServerOpenAI, provider.ServerOpenRouter:
		return 8
	}
	return 2
}

func isLoopback(baseURL string) bool {
	u, err := url.Parse(baseURL)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// detections caches what each endpoint was found to be, until its address changes.
type detections struct {
	mu sync.Mutex
	m  map[string]cachedDetection
}

type cachedDetection struct {
	baseURL string
	kind    store.EndpointKind
	d       Detection
}

func (c *detections) get(e store.Endpoint) (Detection, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	got, ok := c.m[e.ID]
	if !ok || got.baseURL != e.BaseURL || got.kind != e.Kind {
		return Detection{}, false
	}
	return got.d, true
}

func (c *detections) put(e store.Endpoint, d Detection) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]cachedDetection{}
	}
	c.m[e.ID] = cachedDetection{baseURL: e.BaseURL, kind: e.Kind, d: d}
}

func (c *detections) clear() {
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}

// Server is what Brook knows of the server behind an endpoint.
type Server struct {
	Detected provider.ServerKind
	// Kind is the user's choice when made, else the detected kind.
	Kind     provider.ServerKind
	Parallel int
}

// server returns what serves e, detecting it on first use.
func (r *Registry) server(ctx context.Context, e store.Endpoint) Server {
	d, ok := r.detected.get(e)
	if !ok {
		hc := r.probeClient
		if headers, err := Headers(r.keys, e); err == nil {
			hc = provider.WithHeaders(hc, headers)
		}
		d = Detect(ctx, hc, e)
		if ctx.Err() == nil {
			r.detected.put(e, d)
		}
	}
	s := Server{Detected: d.Kind, Kind: d.Kind}
	if k := provider.ServerKind(e.ServerKind); k.Valid() {
		s.Kind = k
	}
	s.Parallel = e.MaxParallel
	if s.Parallel <= 0 {
		s.Parallel = DefaultParallel(Detection{Kind: s.Kind, Slots: d.Slots}, e.BaseURL, os.Getenv)
	}
	return s
}

// Profile tells the chat engine what serves the endpoint with id: its kind,
// how many answers it takes at once, and, for Ollama, whether a model is
// loaded. An endpoint that cannot be read is an unrecognised server.
func (r *Registry) Profile(ctx context.Context, id string) provider.ServerProfile {
	all, err := r.store.ListEndpoints(ctx)
	if err != nil {
		return provider.ServerProfile{Kind: provider.ServerGeneric}
	}
	for _, e := range all {
		if e.ID != id {
			continue
		}
		s := r.server(ctx, e)
		p := provider.ServerProfile{Kind: s.Kind, MaxParallel: s.Parallel}
		if s.Kind == provider.ServerOllama {
			// Ask through the endpoint's own client where it speaks Ollama's API,
			// so the probe shares its connections.
			var native *ollama.Client
			if c, err := r.clientFor(e); err == nil {
				native, _ = c.(*ollama.Client)
			}
			if native == nil {
				native = r.ollamaProbe(e)
			}
			if native != nil {
				p.ModelLoaded, p.ModelMaxTokens = native.Loaded, native.MaxTokens
				p.Answers = func(ctx context.Context) error { _, err := native.Version(ctx); return err }
			}
		}
		return p
	}
	return provider.ServerProfile{Kind: provider.ServerGeneric}
}

// ollamaProbe returns a client for the native API of the Ollama server
// behind e, whichever API e speaks; one per server, kept for reuse.
func (r *Registry) ollamaProbe(e store.Endpoint) *ollama.Client {
	root, err := kind.ServerRoot(e.BaseURL)
	if err != nil {
		return nil
	}
	headers, err := Headers(r.keys, e)
	if err != nil {
		return nil
	}
	key := root.String() + "\x02" + headerFingerprint(headers)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ollamaProbes == nil {
		r.ollamaProbes = map[string]*ollama.Client{}
	}
	c := r.ollamaProbes[key]
	if c == nil {
		c = ollama.NewWithHeaders(root.String(), headers)
		r.ollamaProbes[key] = c
	}
	return c
}
