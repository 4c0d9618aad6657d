package openai

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"brook/backend/provider"
	"brook/backend/providertest"
)

// TestRedirectElsewhereIsRefusedWithWords follows the API key and a gateway
// header through the real adapter: a 307 to another loopback port ends the
// answer as refused (not broken, so not asked again), says why, and the other
// port never sees a secret.
func TestRedirectElsewhereIsRefusedWithWords(t *testing.T) {
	origin, elsewhere, leaked := providertest.RedirectElsewhere(t, http.StatusTemporaryRedirect, "Authorization", "X-Gateway-Key")
	c := NewWithHeaders(origin+"/v1", "sk-secret", http.Header{"X-Gateway-Key": {"gw-secret"}})
	_, err := c.Stream(t.Context(), provider.Request{Model: "m", Messages: []provider.Message{{Role: "user", Content: "hi"}}}, func(provider.Delta) {})
	if leaked() {
		t.Fatal("the other port got the key or the header")
	}
	var refused *provider.RequestError
	var redirect *provider.RedirectError
	if !errors.As(err, &refused) || !errors.As(err, &redirect) {
		t.Fatalf("err = %#v, want a refusal for the redirect", err)
	}
	if words := provider.Explain(err); !strings.Contains(words, elsewhere) || !strings.Contains(words, "base URL") {
		t.Errorf("explained as %q", words)
	}
	if _, err := c.ListModels(t.Context()); !errors.As(err, &redirect) || leaked() {
		t.Errorf("list models: err = %v, leaked = %v", err, leaked())
	}
}
