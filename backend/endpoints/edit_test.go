package endpoints

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"path/filepath"
	"strings"
	"testing"

	"brook/backend/endpoints/kind/ollamakind"
	"brook/backend/endpoints/kind/openaikind"
	"brook/backend/guard"
	"brook/backend/providertest"
	"brook/backend/store"
)

// editing is a registry over a real store and a keyring in memory.
type editing struct {
	r    *Registry
	st   *store.Store
	keys *mapKeys
}

func newEditing(t *testing.T) editing {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	keys := &mapKeys{}
	return editing{r: New(st, keys), st: st, keys: keys}
}

// snapshot is every endpoint and every secret, to show a refusal changed nothing.
func (ed editing) snapshot(t *testing.T) string {
	t.Helper()
	eps, err := ed.st.ListEndpoints(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ed.keys.mu.Lock()
	secrets := maps.Clone(ed.keys.m)
	ed.keys.mu.Unlock()
	b, err := json.Marshal(map[string]any{"endpoints": eps, "keys": secrets})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestBadHeadersAreRefusedAndChangeNothing: invalid names, names Brook sets
// itself, Authorization beside an API key, values with line breaks, a new
// header without a value and too many names or models are refused with
// words for the user; the endpoint and the keyring are unchanged.
func TestBadHeadersAreRefusedAndChangeNothing(t *testing.T) {
	ed := newEditing(t)
	ctx := context.Background()
	ep, err := ed.r.Save(ctx, store.Endpoint{Name: "Cloud", Kind: openaikind.ID, BaseURL: "http://127.0.0.1:1/v1", Enabled: true,
		HeaderNames: []string{"X-Kept"}}, "sk-the-key", false, map[string]string{"X-Kept": "kept-value"})
	if err != nil {
		t.Fatal(err)
	}
	with := func(names ...string) store.Endpoint {
		e := ep
		e.HeaderNames = names
		return e
	}
	many := make([]string, 101)
	for i := range many {
		many[i] = "m" + strings.Repeat("x", i%50) + string(rune('a'+i%26)) + strings.Repeat("y", i/26)
	}
	tooManyModels := ep
	tooManyModels.ExtraModels = many
	controlModel := ep
	controlModel.ExtraModels = []string{"a\tb"}
	longModel := ep
	longModel.ExtraModels = []string{strings.Repeat("m", 201)}
	tooManyHeaders := make([]string, 21)
	for i := range tooManyHeaders {
		tooManyHeaders[i] = "X-H" + strings.Repeat("h", i)
	}
	unknownKind := ep
	unknownKind.Kind = "grpc"
	cases := []struct {
		name   string
		e      store.Endpoint
		apiKey string
		values map[string]string
		want   string
	}{
		{"name with a space", with("X Api"), "", map[string]string{"X Api": "v"}, "not a valid header name"},
		{"name with a colon", with("X-Api:"), "", map[string]string{"X-Api:": "v"}, "not a valid header name"},
		{"name with CR LF", with("X-A\r\nB"), "", map[string]string{"X-A\r\nB": "v"}, "not a valid header name"},
		{"Content-Type", with("content-type"), "", map[string]string{"content-type": "text/plain"}, "sets the header Content-Type itself"},
		{"Content-Length", with("Content-Length"), "", map[string]string{"Content-Length": "1"}, "itself"},
		{"Host", with("Host"), "", map[string]string{"Host": "evil.example"}, "itself"},
		{"Authorization beside a stored key", with("Authorization"), "", map[string]string{"Authorization": "Basic abc"}, "carries the API key"},
		{"Authorization beside a new key", with("Authorization"), "sk-new", map[string]string{"Authorization": "Basic abc"}, "carries the API key"},
		{"value with CR LF", with("X-Kept"), "", map[string]string{"X-Kept": "a\r\nX-Evil: 1"}, "line break"},
		{"value with LF", with("X-Kept"), "", map[string]string{"X-Kept": "a\nb"}, "line break"},
		{"new header without a value", with("X-Kept", "X-New"), "", nil, "has no value"},
		{"empty value", with("X-New"), "", map[string]string{"X-New": "  "}, "has no value"},
		{"value for an unlisted name", with("X-Kept"), "", map[string]string{"X-Other": "v"}, "not in the list"},
		{"name twice", with("X-Kept", "x-kept"), "", nil, "twice"},
		{"too many headers", with(tooManyHeaders...), "", nil, "at most 20"},
		{"too many models", tooManyModels, "", nil, "at most 100"},
		{"model with a tab", controlModel, "", nil, "one line"},
		{"model too long", longModel, "", nil, "at most 200"},
		{"a kind Brook does not know", unknownKind, "", nil, "endpoint kind “grpc”"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := ed.snapshot(t)
			_, err := ed.r.Save(ctx, c.e, c.apiKey, false, c.values)
			if !errors.Is(err, guard.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v; want ErrInvalid saying %q", err, c.want)
			}
			if after := ed.snapshot(t); after != before {
				t.Fatalf("refused, yet changed:\n%s\n%s", before, after)
			}
		})
	}
	// Without an API key, Authorization may be set by hand.
	if _, err := ed.r.Save(ctx, with("Authorization"), "", true, map[string]string{"Authorization": "Basic dXNlcjpwdw=="}); err != nil {
		t.Fatalf("Authorization without a key: %v", err)
	}
	if k, _ := ed.keys.Get(ep.ID); k != "" {
		t.Fatalf("the removed key is still there: %q", k)
	}
}

// TestSaveKeepsKeysAndHeaderValuesInTheKeyring: a key and header values go
// to the keyring, an empty key keeps the stored one, a header no longer
// named loses its value, and Delete removes them all.
func TestSaveKeepsKeysAndHeaderValuesInTheKeyring(t *testing.T) {
	ed := newEditing(t)
	ctx := context.Background()
	ep, err := ed.r.Save(ctx, store.Endpoint{Name: "Cloud", Kind: openaikind.ID, BaseURL: "http://127.0.0.1:1/v1", Enabled: true,
		HeaderNames: []string{"x-one", "X-Two"}}, " sk-1 ", false, map[string]string{"x-one": "v1", "X-Two": "v2"})
	if err != nil {
		t.Fatal(err)
	}
	if k, _ := ed.keys.Get(ep.ID); k != "sk-1" {
		t.Fatalf("key = %q, want it trimmed", k)
	}
	ep.HeaderNames = []string{"X-One"}
	if _, err := ed.r.Save(ctx, ep, "", false, nil); err != nil {
		t.Fatal(err)
	}
	if k, _ := ed.keys.Get(ep.ID); k != "sk-1" {
		t.Fatalf("an empty key replaced the stored one: %q", k)
	}
	if v, _ := ed.keys.Get(store.HeaderSecretID(ep.ID, "X-One")); v != "v1" {
		t.Fatalf("the kept header lost its value: %q", v)
	}
	if v, _ := ed.keys.Get(store.HeaderSecretID(ep.ID, "X-Two")); v != "" {
		t.Fatalf("the removed header kept its value: %q", v)
	}
	if views, err := ed.r.Views(ctx); err != nil || len(views) != 1 || !views[0].HasAPIKey {
		t.Fatalf("views = %+v, %v", views, err)
	}
	if _, err := ed.r.Save(ctx, ep, "sk-2", true, nil); err == nil {
		t.Fatal("a new key and removing the key at once was accepted")
	}
	if err := ed.r.Delete(ctx, ep.ID); err != nil {
		t.Fatal(err)
	}
	if after := ed.snapshot(t); after != `{"endpoints":[],"keys":{}}` {
		t.Fatalf("after Delete: %s", after)
	}
	if _, err := ed.r.Save(ctx, ep, "", false, nil); !errors.Is(err, ErrGone) {
		t.Fatalf("saving a deleted endpoint: %v", err)
	}
	if err := ed.r.Delete(ctx, ep.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleting it again: %v", err)
	}
}

// TestAKindWithoutKeysTakesNone: Ollama's API has no keys, so one typed for
// it is refused rather than kept unused.
func TestAKindWithoutKeysTakesNone(t *testing.T) {
	ed := newEditing(t)
	_, err := ed.r.Save(context.Background(), store.Endpoint{Name: "Local", Kind: ollamakind.ID, BaseURL: "http://127.0.0.1:1", Enabled: true}, "sk-x", false, nil)
	if err == nil || !strings.Contains(err.Error(), "take no API key") {
		t.Fatalf("err = %v", err)
	}
	if after := ed.snapshot(t); after != `{"endpoints":[],"keys":null}` {
		t.Fatalf("refused, yet changed: %s", after)
	}
}

func TestTestUsesTheStoredKeyWhenNoneIsTyped(t *testing.T) {
	ed := newEditing(t)
	ctx := context.Background()
	srv := providertest.NewOpenAI(providertest.Script{APIKey: "sk-stored", Models: []string{"m1", "m2"}})
	defer srv.Close()
	saved, err := ed.r.Save(ctx, store.Endpoint{Name: "Cloud", Kind: openaikind.ID, BaseURL: srv.URL + "/v1", Enabled: true}, "sk-stored", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Saved, key left empty: the stored key is used.
	if got, err := ed.r.Test(ctx, saved, ""); err != nil || !got.OK || got.Models != 2 {
		t.Fatalf("with the stored key: %+v, %v", got, err)
	}
	// A key typed in the editor wins over the stored one.
	if got, err := ed.r.Test(ctx, saved, "sk-typed"); err != nil || got.Failure != FailUnauthorized {
		t.Fatalf("with a typed wrong key: %+v, %v", got, err)
	}
	// Not saved yet: no id, so no stored key.
	unsaved := saved
	unsaved.ID = ""
	if got, err := ed.r.Test(ctx, unsaved, ""); err != nil || got.Failure != FailUnauthorized {
		t.Fatalf("unsaved, no key: %+v, %v", got, err)
	}
	// Arguments are checked before anything is sent.
	bad := saved
	bad.Kind = "grpc"
	if _, err := ed.r.Test(ctx, bad, ""); !errors.Is(err, guard.ErrInvalid) {
		t.Fatalf("kind grpc: %v", err)
	}
}
