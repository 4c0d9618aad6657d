package ollama

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"brook/backend/provider"
)

// TestRedirectElsewhereKeepsTheHeaders: Ollama behind a gateway that
// redirects to another loopback port gets a refusal, and the other port
// never sees the gateway's header.
func TestRedirectElsewhereKeepsTheHeaders(t *testing.T) {
	var leaked atomic.Bool
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Gateway-Key") != "" {
			leaked.Store(true)
		}
	}))
	defer elsewhere.Close()
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+r.URL.Path, http.StatusFound)
	}))
	defer origin.Close()

	c := NewWithHeaders(origin.URL, http.Header{"X-Gateway-Key": {"gw-secret"}})
	_, err := c.Stream(t.Context(), provider.Request{Model: "m", Messages: []provider.Message{{Role: "user", Content: "hi"}}}, func(provider.Delta) {})
	var refused *provider.RequestError
	var redirect *provider.RedirectError
	if !errors.As(err, &refused) || !errors.As(err, &redirect) {
		t.Fatalf("err = %#v, want a refusal for the redirect", err)
	}
	if _, err := c.ListModels(t.Context()); !errors.As(err, &redirect) {
		t.Errorf("list models: err = %v", err)
	}
	if leaked.Load() {
		t.Fatal("the other port got the header")
	}
}
