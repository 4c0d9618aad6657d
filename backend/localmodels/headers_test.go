package localmodels

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"brook/backend/endpoints/kind/ollamakind"
	"brook/backend/events"
	"brook/backend/secrets"
	"brook/backend/store"
)

// memoryKeys is a keyring in memory.
type memoryKeys struct {
	mu sync.Mutex
	m  map[string]string
}

func (k *memoryKeys) Get(id string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.m[id], nil
}
func (k *memoryKeys) Set(id, v string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.m[id] = v
	return nil
}
func (k *memoryKeys) Delete(id string) error { return k.Set(id, "") }
func (k *memoryKeys) Available() bool        { return true }

var _ secrets.Keyring = (*memoryKeys)(nil)

// The endpoint's extra headers reach the server on the Models view's calls,
// as they do on chats.
func TestEndpointHeadersReachTheServer(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.Path+" "+r.Header.Get("X-Api-Key"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"models":[]}`))
	}))
	t.Cleanup(srv.Close)
	keys := &memoryKeys{m: map[string]string{store.HeaderSecretID("gw", "X-Api-Key"): "gateway-secret"}}
	m := New(context.Background(), Config{
		Store: fakeStore{{ID: "gw", Kind: ollamakind.ID, BaseURL: srv.URL, Enabled: true, HeaderNames: []string{"X-Api-Key"}}},
		Keys:  keys,
	})
	t.Cleanup(m.Close)
	if _, err := m.Installed(context.Background(), "gw"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Loaded(context.Background(), "gw"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) < 2 {
		t.Fatalf("the server saw %q", seen)
	}
	for _, s := range seen {
		if s != "/api/tags gateway-secret" && s != "/api/ps gateway-secret" {
			t.Errorf("request %q: want the endpoint's X-Api-Key on every call", s)
		}
	}
}

// A pull goes through the endpoint's gateway too: Ollama behind an auth
// gateway lists its models and must also be able to pull.
func TestPullSendsTheEndpointHeaders(t *testing.T) {
	var mu sync.Mutex
	var got []string
	gateway, _ := pullServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Get("X-Api-Key"))
		mu.Unlock()
		if r.Header.Get("X-Api-Key") != "gateway-secret" {
			http.Error(w, `{"error":"unauthorized"}`, http.StatusUnauthorized)
			return
		}
		stream(progressLines(2)...)(w, r)
	})
	keys := &memoryKeys{m: map[string]string{store.HeaderSecretID("gw", "X-Api-Key"): "gateway-secret"}}
	rec := &events.Recorder{}
	m := New(context.Background(), Config{
		Store:   fakeStore{{ID: "gw", Kind: ollamakind.ID, BaseURL: gateway.URL, Enabled: true, HeaderNames: []string{"X-Api-Key"}}},
		Keys:    keys,
		Emitter: rec,
	})
	t.Cleanup(m.Close)
	if err := m.Pull(t.Context(), "gw", "llama3.2:1b"); err != nil {
		t.Fatal(err)
	}
	evs := waitEnd(t, rec)
	if last := evs[len(evs)-1]; last.State != StateDone {
		t.Errorf("the pull ended %s (%s), want done", last.State, last.Error)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0] != "gateway-secret" {
		t.Errorf("the pull carried X-Api-Key %q, want the endpoint's value once", got)
	}
}
