package endpoints

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"brook/backend/endpoints/kind/ollamakind"
	"brook/backend/endpoints/kind/openaikind"
	"brook/backend/provider"
	"brook/backend/store"
)

// mapKeys is a keyring in memory.
type mapKeys struct {
	mu sync.Mutex
	m  map[string]string
}

func (k *mapKeys) Get(id string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.m[id], nil
}
func (k *mapKeys) Set(id, v string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = map[string]string{}
	}
	k.m[id] = v
	return nil
}
func (k *mapKeys) Delete(id string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.m, id)
	return nil
}
func (k *mapKeys) Available() bool { return true }

// headerServer answers like an OpenAI-compatible server (llama-server's
// /props included) and Ollama, and keeps the headers of every request by path.
type headerServer struct {
	*httptest.Server
	mu   sync.Mutex
	seen map[string][]http.Header
	// modelsStatus, when not 0, is the status /v1/models answers with.
	modelsStatus int
}

func newHeaderServer(t *testing.T) *headerServer {
	h := &headerServer{seen: map[string][]http.Header{}}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.seen[r.URL.Path] = append(h.seen[r.URL.Path], r.Header.Clone())
		status := h.modelsStatus
		h.mu.Unlock()
		switch r.URL.Path {
		case "/v1/models":
			if status != 0 {
				http.Error(w, "no such route", status)
				return
			}
			fmt.Fprint(w, `{"object":"list","data":[{"id":"listed","object":"model"},{"id":"both","object":"model"}]}`)
		case "/props":
			fmt.Fprint(w, `{"total_slots":2,"default_generation_settings":{}}`)
		case "/v1/chat/completions":
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, "data: {\"id\":\"1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n")
			fmt.Fprint(w, "data: {\"id\":\"1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n")
			fmt.Fprint(w, "data: [DONE]\n\n")
		case "/api/tags":
			fmt.Fprint(w, `{"models":[{"name":"llama3","size":1}]}`)
		case "/api/show":
			fmt.Fprint(w, `{"capabilities":["completion"]}`)
		case "/api/chat":
			fmt.Fprint(w, `{"model":"llama3","message":{"role":"assistant","content":"hi"},"done":false}`+"\n")
			fmt.Fprint(w, `{"model":"llama3","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop"}`+"\n")
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *headerServer) requests(path string) []http.Header {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.seen[path])
}

// TestHeadersReachTheServer: an endpoint's extra headers go with every
// request: the list of models, the chat, and the probes that tell the
// server's kind; the API key still goes as Authorization.
func TestHeadersReachTheServer(t *testing.T) {
	for _, kind := range []store.EndpointKind{openaikind.ID, ollamakind.ID} {
		t.Run(string(kind), func(t *testing.T) {
			ctx := context.Background()
			srv := newHeaderServer(t)
			base := srv.URL
			if kind == openaikind.ID {
				base += "/v1"
			}
			s := &memoryEndpoints{}
			e, _ := s.SaveEndpoint(ctx, store.Endpoint{Name: "GW", Kind: kind, BaseURL: base, Enabled: true,
				HeaderNames: []string{"X-Api-Key", "Http-Referer"}})
			keys := &mapKeys{}
			keys.Set(e.ID, "sk-the-key")
			keys.Set(store.HeaderSecretID(e.ID, "X-Api-Key"), "gw-secret")
			keys.Set(store.HeaderSecretID(e.ID, "Http-Referer"), "https://brook.example")
			r := New(s, keys)

			statuses, err := r.Survey(ctx)
			if err != nil || len(statuses) != 1 || !statuses[0].Reachable {
				t.Fatalf("survey = %+v, %v", statuses, err)
			}
			c, err := r.Client(ctx, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			model := "listed"
			if kind == ollamakind.ID {
				model = "llama3"
			}
			if _, err := c.Stream(ctx, provider.Request{Model: model, Messages: []provider.Message{{Role: "user", Content: "hello"}}},
				func(provider.Delta) {}); err != nil {
				t.Fatalf("stream: %v", err)
			}
			paths := []string{"/v1/models", "/v1/chat/completions", "/props", "/version", "/api/version"}
			if kind == ollamakind.ID {
				paths = []string{"/api/tags", "/api/chat", "/api/show"}
			}
			for _, p := range paths {
				got := srv.requests(p)
				if len(got) == 0 {
					t.Fatalf("nothing asked at %s", p)
				}
				for _, h := range got {
					if h.Get("X-Api-Key") != "gw-secret" || h.Get("HTTP-Referer") != "https://brook.example" {
						t.Errorf("%s: headers %v lack the endpoint's extra headers", p, h)
					}
					if kind == openaikind.ID && (p == "/v1/models" || p == "/v1/chat/completions") && h.Get("Authorization") != "Bearer sk-the-key" {
						t.Errorf("%s: Authorization %q", p, h.Get("Authorization"))
					}
				}
			}

			// A changed value reaches the next request (the cached client is renewed).
			keys.Set(store.HeaderSecretID(e.ID, "X-Api-Key"), "gw-rotated")
			c, _ = r.Client(ctx, e.ID)
			if _, err := c.ListModels(ctx); err != nil {
				t.Fatal(err)
			}
			list := srv.requests(map[store.EndpointKind]string{openaikind.ID: "/v1/models", ollamakind.ID: "/api/tags"}[kind])
			if got := list[len(list)-1].Get("X-Api-Key"); got != "gw-rotated" {
				t.Fatalf("after the value changed: X-Api-Key %q", got)
			}
		})
	}
}

// TestProbeSendsHeaders: Test connection sends the headers too, to the
// list of models and to the probes that tell the server's kind.
func TestProbeSendsHeaders(t *testing.T) {
	srv := newHeaderServer(t)
	hc := provider.WithHeaders(nil, http.Header{"X-Api-Key": {"gw-secret"}})
	r := Probe(context.Background(), openaikind.ID, srv.URL+"/v1", "", hc)
	if !r.OK || r.ServerKind != provider.ServerLlamaCpp {
		t.Fatalf("probe = %+v", r)
	}
	for _, p := range []string{"/v1/models", "/props"} {
		got := srv.requests(p)
		if len(got) == 0 || got[0].Get("X-Api-Key") != "gw-secret" {
			t.Fatalf("%s: %v", p, got)
		}
	}
}

// TestModelsAddedByHand: names added by hand are offered after those the
// server lists, once each and marked; when /v1/models answers 404 they are
// still offered and the endpoint is reachable, with the listing error noted.
func TestModelsAddedByHand(t *testing.T) {
	ctx := context.Background()
	srv := newHeaderServer(t)
	s := &memoryEndpoints{}
	e, _ := s.SaveEndpoint(ctx, store.Endpoint{Name: "GW", Kind: openaikind.ID, BaseURL: srv.URL + "/v1", Enabled: true,
		ExtraModels: []string{"hand-made", "both"}})
	r := New(s, &mapKeys{})

	st, err := r.Survey(ctx)
	if err != nil || len(st) != 1 || !st[0].Reachable || st[0].ListError != "" {
		t.Fatalf("survey = %+v, %v", st, err)
	}
	want := []provider.Model{{Name: "both"}, {Name: "listed"}, {Name: "hand-made", Manual: true}}
	if !reflect.DeepEqual(st[0].Models, want) {
		t.Fatalf("models = %+v, want %+v", st[0].Models, want)
	}

	for _, status := range []int{http.StatusNotFound, http.StatusMethodNotAllowed} {
		srv.mu.Lock()
		srv.modelsStatus = status
		srv.mu.Unlock()
		r.Changed()
		st, err = r.Survey(ctx)
		if err != nil || len(st) != 1 {
			t.Fatalf("survey = %+v, %v", st, err)
		}
		got := st[0]
		want := []provider.Model{{Name: "hand-made", Manual: true}, {Name: "both", Manual: true}}
		if !got.Reachable || got.Error != "" || !strings.Contains(got.ListError, "did not list") || !reflect.DeepEqual(got.Models, want) {
			t.Fatalf("with /v1/models answering %d: %+v", status, got)
		}
		if !Offered(st, Selection{EndpointID: e.ID, Model: "hand-made"}) {
			t.Fatal("a model added by hand is not offered")
		}
	}

	// A refused key is still said to be a key problem, with the names offered.
	srv.mu.Lock()
	srv.modelsStatus = http.StatusUnauthorized
	srv.mu.Unlock()
	r.Changed()
	st, _ = r.Survey(ctx)
	if st[0].Reachable || !strings.Contains(st[0].Hint, "API key") || len(st[0].Models) != 2 {
		t.Fatalf("with a refused key: %+v", st[0])
	}

	// Without names added by hand a 404 leaves the endpoint unreachable, as before.
	s.list[0].ExtraModels = nil
	r.Changed()
	srv.mu.Lock()
	srv.modelsStatus = http.StatusNotFound
	srv.mu.Unlock()
	st, _ = r.Survey(ctx)
	if st[0].Reachable || st[0].Error == "" || len(st[0].Models) != 0 {
		t.Fatalf("404 without names added by hand: %+v", st[0])
	}
}
