package localmodels

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

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
		Store: fakeStore{{ID: "gw", Kind: store.KindOllama, BaseURL: srv.URL, Enabled: true, HeaderNames: []string{"X-Api-Key"}}},
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
