package ollama

import (
	"errors"
	"net/http"
	"testing"

	"brook/backend/provider"
	"brook/backend/providertest"
)

// TestRedirectElsewhereKeepsTheHeaders: Ollama behind a gateway that
// redirects to another loopback port gets a refusal, and the other port
// never sees the gateway's header.
func TestRedirectElsewhereKeepsTheHeaders(t *testing.T) {
	origin, _, leaked := providertest.RedirectElsewhere(t, http.StatusFound, "X-Gateway-Key")
	c := NewWithHeaders(origin, http.Header{"X-Gateway-Key": {"gw-secret"}})
	_, err := c.Stream(t.Context(), provider.Request{Model: "m", Messages: []provider.Message{{Role: "user", Content: "hi"}}}, func(provider.Delta) {})
	var refused *provider.RequestError
	var redirect *provider.RedirectError
	if !errors.As(err, &refused) || !errors.As(err, &redirect) {
		t.Fatalf("err = %#v, want a refusal for the redirect", err)
	}
	if _, err := c.ListModels(t.Context()); !errors.As(err, &redirect) {
		t.Errorf("list models: err = %v", err)
	}
	if leaked() {
		t.Fatal("the other port got the header")
	}
}
