package app

import (
	"errors"
	"testing"

	"brook/backend/endpoints"
	"brook/backend/guard"
	"brook/backend/providertest"
	"brook/backend/store"
)

func TestTestEndpointUsesTheStoredKeyWhenNoneIsTyped(t *testing.T) {
	ta := newTestApp(t)
	srv := providertest.NewOpenAI(providertest.Script{APIKey: "sk-stored", Models: []string{"m1", "m2"}})
	defer srv.Close()
	saved, err := ta.sets.SaveEndpoint(store.Endpoint{Name: "Cloud", Kind: store.KindOpenAI, BaseURL: srv.URL + "/v1", Enabled: true}, "sk-stored", false)
	if err != nil {
		t.Fatal(err)
	}
	// Saved, key left empty: the stored key is used.
	if got, err := ta.sets.TestEndpoint(saved, ""); err != nil || !got.OK || got.Models != 2 {
		t.Fatalf("with the stored key: %+v, %v", got, err)
	}
	// A key typed in the editor wins over the stored one.
	if got, err := ta.sets.TestEndpoint(saved, "sk-typed"); err != nil || got.Failure != endpoints.FailUnauthorized {
		t.Fatalf("with a typed wrong key: %+v, %v", got, err)
	}
	// Not saved yet: no id, so no stored key.
	unsaved := saved
	unsaved.ID = ""
	if got, err := ta.sets.TestEndpoint(unsaved, ""); err != nil || got.Failure != endpoints.FailUnauthorized {
		t.Fatalf("unsaved, no key: %+v, %v", got, err)
	}
	// Arguments are checked before anything is sent.
	bad := saved
	bad.Kind = "grpc"
	if _, err := ta.sets.TestEndpoint(bad, ""); !errors.Is(err, guard.ErrInvalid) {
		t.Fatalf("kind grpc: %v", err)
	}
}
