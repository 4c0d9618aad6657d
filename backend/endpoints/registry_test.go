package endpoints

import (
	"context"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/zalando/go-keyring"

	_ "brook/backend/endpoints/allkinds"

	"brook/backend/endpoints/kind/ollamakind"
	"brook/backend/endpoints/kind/openaikind"
	"brook/backend/provider"
	"brook/backend/providertest"
	"brook/backend/secrets"
	"brook/backend/store"
)

func TestPickPrefersTheLastUsedModel(t *testing.T) {
	ep := func(id string) store.Endpoint { return store.Endpoint{ID: id} }
	models := func(names ...string) (ms []provider.Model) {
		for _, n := range names {
			ms = append(ms, provider.Model{Name: n})
		}
		return ms
	}
	statuses := []Status{
		{Endpoint: ep("down"), Reachable: false},
		{Endpoint: ep("a"), Reachable: true, Models: models("llama", "qwen")},
		{Endpoint: ep("b"), Reachable: true, Models: models("gpt")},
	}
	if got := Pick(statuses, Selection{"b", "gpt"}); got != (Selection{"b", "gpt"}) {
		t.Errorf("last used: got %+v", got)
	}
	if got := Pick(statuses, Selection{"b", "gone"}); got != (Selection{"a", "llama"}) {
		t.Errorf("last used is gone: got %+v, want the first model of the first reachable endpoint", got)
	}
	if got := Pick(statuses[:1], Selection{}); got != (Selection{}) {
		t.Errorf("nothing reachable: got %+v", got)
	}
}

// TestPickPrefersTheDefaultModelThenTheLastUsed: a new conversation gets the
// user's Default model while it is offered, else the model used last, else
// the first model of the first reachable endpoint.
func TestPickPrefersTheDefaultModelThenTheLastUsed(t *testing.T) {
	models := func(names ...string) (ms []provider.Model) {
		for _, n := range names {
			ms = append(ms, provider.Model{Name: n})
		}
		return ms
	}
	statuses := []Status{
		{Endpoint: store.Endpoint{ID: "down"}, Reachable: false, Models: models("fixed")},
		{Endpoint: store.Endpoint{ID: "a"}, Reachable: true, Models: models("llama", "qwen")},
		{Endpoint: store.Endpoint{ID: "b"}, Reachable: true, Models: models("gpt")},
	}
	first := Selection{"a", "llama"}
	tests := []struct {
		name          string
		def, lastUsed Selection
		want          Selection
	}{
		{"default and last used offered: the default", Selection{"b", "gpt"}, Selection{"a", "qwen"}, Selection{"b", "gpt"}},
		{"no default: the last used", Selection{}, Selection{"a", "qwen"}, Selection{"a", "qwen"}},
		{"default gone: the last used", Selection{"b", "gone"}, Selection{"a", "qwen"}, Selection{"a", "qwen"}},
		{"default's endpoint gone: the last used", Selection{"deleted", "gpt"}, Selection{"a", "qwen"}, Selection{"a", "qwen"}},
		{"same name on another endpoint is not the default", Selection{"b", "qwen"}, Selection{}, first},
		{"neither offered: the first model", Selection{"b", "gone"}, Selection{"x", "y"}, first},
		{"nothing set: the first model", Selection{}, Selection{}, first},
		{"a fixed list is offered while its server is down", Selection{"down", "fixed"}, Selection{}, Selection{"down", "fixed"}},
		{"half a default is none", Selection{"b", ""}, Selection{"a", "qwen"}, Selection{"a", "qwen"}},
	}
	for _, tt := range tests {
		if got := Pick(statuses, tt.def, tt.lastUsed); got != tt.want {
			t.Errorf("%s: Pick = %+v, want %+v", tt.name, got, tt.want)
		}
	}
	if got := Pick(nil, Selection{"b", "gpt"}); got != (Selection{}) {
		t.Errorf("no endpoints: Pick = %+v", got)
	}
}

type memoryEndpoints struct {
	list  []store.Endpoint
	state store.AppState
}

func (m *memoryEndpoints) ListEndpoints(context.Context) ([]store.Endpoint, error) {
	return m.list, nil
}

func (m *memoryEndpoints) SaveEndpoint(_ context.Context, e store.Endpoint) (store.Endpoint, error) {
	for i := range m.list {
		if m.list[i].ID == e.ID {
			m.list[i] = e
			return e, nil
		}
	}
	e.ID = "ep" + string(rune('1'+len(m.list)))
	m.list = append(m.list, e)
	return e, nil
}

func (m *memoryEndpoints) DeleteEndpoint(_ context.Context, id string) error {
	m.list = slices.DeleteFunc(m.list, func(e store.Endpoint) bool { return e.ID == id })
	return nil
}

func (m *memoryEndpoints) AppState(context.Context) (store.AppState, error) {
	return m.state, nil
}

func (m *memoryEndpoints) SetSeededOllamaURL(_ context.Context, url string) error {
	m.state.SeededOllamaURL = url
	return nil
}

func TestSeededOllamaFollowsOllamaHostUntilTheUserEditsIt(t *testing.T) {
	keyring.MockInit()
	ctx := context.Background()
	s := &memoryEndpoints{}
	keys := secrets.New("BrookFollowTest")
	if err := SeedDefaults(ctx, s, keys, env{"OLLAMA_HOST": "127.0.0.1:1111"}.get); err != nil {
		t.Fatal(err)
	}
	if err := SeedDefaults(ctx, s, keys, env{"OLLAMA_HOST": "127.0.0.1:2222"}.get); err != nil {
		t.Fatal(err)
	}
	if len(s.list) != 1 || s.list[0].BaseURL != "http://127.0.0.1:2222" {
		t.Fatalf("the seeded endpoint did not follow OLLAMA_HOST: %+v", s.list)
	}
	// The user points it elsewhere: from now on their choice wins.
	s.list[0].BaseURL = "http://gpu-box:11434"
	if err := SeedDefaults(ctx, s, keys, env{"OLLAMA_HOST": "127.0.0.1:3333"}.get); err != nil {
		t.Fatal(err)
	}
	if s.list[0].BaseURL != "http://gpu-box:11434" {
		t.Fatalf("OLLAMA_HOST overrode the user's endpoint: %+v", s.list[0])
	}
}

func TestSeedDefaults(t *testing.T) {
	keyring.MockInit()
	tests := []struct {
		name      string
		env       env
		wantKinds []store.EndpointKind
		wantURLs  []string
		wantKey   string
	}{
		{"ollama only", env{}, []store.EndpointKind{ollamakind.ID}, []string{"http://127.0.0.1:11434"}, ""},
		{"OLLAMA_HOST honoured", env{"OLLAMA_HOST": "127.0.0.1:5555"}, []store.EndpointKind{ollamakind.ID}, []string{"http://127.0.0.1:5555"}, ""},
		{"OPENAI_API_KEY alone means api.openai.com", env{"OPENAI_API_KEY": "sk-x"},
			[]store.EndpointKind{ollamakind.ID, openaikind.ID}, []string{"http://127.0.0.1:11434", "https://api.openai.com/v1"}, "sk-x"},
		{"OPENAI_BASE_URL alone", env{"OPENAI_BASE_URL": "http://127.0.0.1:8000/v1"},
			[]store.EndpointKind{ollamakind.ID, openaikind.ID}, []string{"http://127.0.0.1:11434", "http://127.0.0.1:8000/v1"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &memoryEndpoints{}
			keys := secrets.New("BrookSeedTest-" + tt.name)
			if err := SeedDefaults(context.Background(), s, keys, tt.env.get); err != nil {
				t.Fatal(err)
			}
			if len(s.list) != len(tt.wantKinds) {
				t.Fatalf("got %d endpoints, want %d", len(s.list), len(tt.wantKinds))
			}
			for i, e := range s.list {
				if e.Kind != tt.wantKinds[i] || e.BaseURL != tt.wantURLs[i] || !e.Enabled {
					t.Errorf("endpoint %d = %+v", i, e)
				}
			}
			if len(s.list) == 2 {
				if k, _ := keys.Get(s.list[1].ID); k != tt.wantKey {
					t.Errorf("key in keyring = %q, want %q", k, tt.wantKey)
				}
			}
			// A second start changes nothing: the user's configuration wins.
			if err := SeedDefaults(context.Background(), s, keys, env{"OLLAMA_HOST": tt.env["OLLAMA_HOST"], "OPENAI_API_KEY": "other"}.get); err != nil || len(s.list) != len(tt.wantKinds) || s.list[0].BaseURL != tt.wantURLs[0] {
				t.Fatalf("second seeding changed the endpoints: %v, %d", err, len(s.list))
			}
		})
	}
}

func TestOverlappingSurveysAskEachEndpointOnce(t *testing.T) {
	keyring.MockInit()
	srv := providertest.NewOllama(providertest.Script{})
	defer srv.Close()
	s := &memoryEndpoints{}
	if _, err := s.SaveEndpoint(context.Background(), store.Endpoint{Name: "Ollama", Kind: ollamakind.ID, BaseURL: srv.URL, Enabled: true}); err != nil {
		t.Fatal(err)
	}
	r := New(s, secrets.New("BrookSurveyTest"))
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := r.Survey(context.Background())
			if err != nil || len(got) != 1 || !got[0].Reachable || len(got[0].Models) != 1 {
				t.Errorf("survey = %+v, %v", got, err)
			}
		}()
	}
	wg.Wait()
	tags := func() (n int) {
		for _, req := range srv.Requests() {
			if req.Path == "/api/tags" {
				n++
			}
		}
		return n
	}
	if n := tags(); n != 1 {
		t.Fatalf("5 overlapping surveys asked the server %d times, want 1", n)
	}
	r.Changed()
	if _, err := r.Survey(context.Background()); err != nil || tags() != 2 {
		t.Fatalf("after Changed the survey was reused (%d requests, %v)", tags(), err)
	}
}

// TestSeedingKeepsItsStateApartFromSettings: the URL Brook seeded is app
// state; the user's settings are not rewritten by seeding.
func TestSeedingKeepsItsStateApartFromSettings(t *testing.T) {
	keyring.MockInit()
	ctx := context.Background()
	st, err := store.Open(filepath.Join(t.TempDir(), "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	prefs := store.DefaultSettings()
	prefs.Theme, prefs.SystemPrompt = "dark", "Be brief."
	if err := st.SaveSettings(ctx, prefs); err != nil {
		t.Fatal(err)
	}
	keys := secrets.New("BrookSeedStateTest")
	if err := SeedDefaults(ctx, st, keys, env{"OLLAMA_HOST": "127.0.0.1:1111"}.get); err != nil {
		t.Fatal(err)
	}
	if err := SeedDefaults(ctx, st, keys, env{"OLLAMA_HOST": "127.0.0.1:2222"}.get); err != nil {
		t.Fatal(err)
	}
	state, err := st.AppState(ctx)
	if err != nil || state.SeededOllamaURL != "http://127.0.0.1:2222" {
		t.Fatalf("app state = %+v, %v", state, err)
	}
	if got, err := st.LoadSettings(ctx); err != nil || got != prefs {
		t.Fatalf("seeding changed the settings: %+v, %v", got, err)
	}
	list, _ := st.ListEndpoints(ctx)
	if len(list) != 1 || list[0].BaseURL != "http://127.0.0.1:2222" {
		t.Fatalf("endpoints = %+v", list)
	}
}

// env is an environment for seeding, read with get.
type env map[string]string

func (e env) get(name string) string { return e[name] }
