package endpoints

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/zalando/go-keyring"

	"brook/backend/contextwindow"
	"brook/backend/endpoints/kind/ollamakind"
	"brook/backend/endpoints/kind/openaikind"
	"brook/backend/secrets"
	"brook/backend/store"
)

// TestContextWindowAsksWhatServesTheEndpoint: an Ollama endpoint is asked
// /api/show, a llama-server /props with a counter, an unrecognised server
// nothing, and the endpoint's own window serves where the server says none.
func TestContextWindowAsksWhatServesTheEndpoint(t *testing.T) {
	keyring.MockInit()
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = append(asked, r.Method+" "+r.URL.Path)
		switch r.URL.Path {
		case "/api/show":
			w.Write([]byte(`{"parameters":"num_ctx 8192","model_info":{"general.architecture":"llama","llama.context_length":32768}}`))
		case "/props":
			w.Write([]byte(`{"default_generation_settings":{"n_ctx":2048},"total_slots":1}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	s := &memoryEndpoints{list: []store.Endpoint{
		{ID: "ol", Kind: ollamakind.ID, BaseURL: srv.URL, Enabled: true},
		{ID: "lc", Kind: openaikind.ID, BaseURL: srv.URL + "/v1", Enabled: true, ServerKind: "llamacpp"},
		{ID: "gen", Kind: openaikind.ID, BaseURL: srv.URL + "/v1", Enabled: true, ServerKind: "generic"},
		{ID: "gen-set", Kind: openaikind.ID, BaseURL: srv.URL + "/v1", Enabled: true, ServerKind: "generic", ContextWindow: 65536},
		{ID: "ol-set", Kind: ollamakind.ID, BaseURL: srv.URL, Enabled: true, ContextWindow: 4096},
	}}
	r := New(s, secrets.New("BrookContextWindowTest"))
	ctx := context.Background()

	w, counter, err := r.ContextWindow(ctx, "ol", "m")
	if err != nil || w.Tokens != 8192 || w.Max != 32768 || counter != nil {
		t.Errorf("ollama: %+v, %v, %v", w, counter, err)
	}
	w, counter, err = r.ContextWindow(ctx, "lc", "m")
	if err != nil || w.Tokens != 2048 || counter == nil {
		t.Errorf("llama-server: %+v, %v, %v", w, counter, err)
	}
	if _, _, err := r.ContextWindow(ctx, "gen", "m"); !errors.Is(err, contextwindow.ErrUnknown) {
		t.Errorf("generic: %v", err)
	}
	// The endpoint's own setting serves where the server does not say, and
	// only there: what a server reports wins.
	w, counter, err = r.ContextWindow(ctx, "gen-set", "m")
	if err != nil || w.Tokens != 65536 || w.Adjustable() || w.Source != "this endpoint's setting" || counter != nil {
		t.Errorf("generic with a window set: %+v, %v, %v", w, counter, err)
	}
	if w, _, err := r.ContextWindow(ctx, "ol-set", "m"); err != nil || w.Tokens != 8192 || w.Max != 32768 {
		t.Errorf("ollama with a window set: %+v, %v", w, err)
	}
	if _, _, err := r.ContextWindow(ctx, "nope", "m"); !errors.Is(err, ErrUnknownEndpoint) {
		t.Errorf("unknown endpoint: %v", err)
	}
}

func TestOllamaDefaultContextFromTheEnvironment(t *testing.T) {
	env := func(v string) func(string) string { return func(string) string { return v } }
	for _, tc := range []struct {
		url, value string
		want       int
	}{
		{"http://127.0.0.1:11434", "8192", 8192},
		{"http://localhost:11434", " 16384 ", 16384},
		{"http://127.0.0.1:11434", "", 0},
		{"http://127.0.0.1:11434", "lots", 0},
		{"http://gpu-box:11434", "8192", 0}, // another machine's environment is not ours
	} {
		if got := ollamaDefaultContext(tc.url, env(tc.value)); got != tc.want {
			t.Errorf("%s with %q: %d, want %d", tc.url, tc.value, got, tc.want)
		}
	}
}
