package endpoints

import (
	"context"
	"net/url"
	"path/filepath"
	"sync"
	"testing"

	"github.com/ollama/ollama/envconfig"
	"github.com/zalando/go-keyring"

	"brook/backend/provider"
	"brook/backend/providertest"
	"brook/backend/secrets"
	"brook/backend/store"
)

func TestOllamaURLFollowsOllamasConvention(t *testing.T) {
	tests := map[string]string{
		"":                            "http://127.0.0.1:11434",
		"127.0.0.1":                   "http://127.0.0.1:11434",
		"0.0.0.0":                     "http://127.0.0.1:11434",
		":8080":                       "http://127.0.0.1:8080",
		"example.com:1234":            "http://example.com:1234",
		"http://10.0.0.5:11434":       "http://10.0.0.5:11434",
		"https://ollama.example.com":  "https://ollama.example.com:443",
		`"localhost:7777"`:            "http://localhost:7777",
		"http://host:1/proxy/ollama/": "http://host:1/proxy/ollama",
		"http://ollama.lan":           "http://ollama.lan:80",
		"ollama.lan":                  "http://ollama.lan:11434",
		"ollama.com":                  "https://ollama.com:443",
	}
	for in, want := range tests {
		if got := OllamaURL(in); got != want {
			t.Errorf("OllamaURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// Brook reaches the server Ollama's own client would: the same scheme, host
// and port as envconfig.ConnectableHost for the same $OLLAMA_HOST.
func TestOllamaURLMatchesOllamasEnvconfig(t *testing.T) {
	for _, in := range []string{
		"", "127.0.0.1", "0.0.0.0", "0.0.0.0:9999", "example.com:1234", "http://10.0.0.5:11434",
		"https://ollama.example.com", "http://ollama.lan", "ollama.lan", "ollama.com", "[::1]:7777",
		"https://host:8443", `"localhost:7777"`, "http://0.0.0.0",
	} {
		t.Setenv("OLLAMA_HOST", in)
		want := envconfig.ConnectableHost()
		got, err := url.Parse(OllamaURL(in))
		if err != nil {
			t.Fatalf("OllamaURL(%q): %v", in, err)
		}
		if got.Scheme != want.Scheme || got.Host != want.Host {
			t.Errorf("OllamaURL(%q) = %s://%s; Ollama's client goes to %s://%s", in, got.Scheme, got.Host, want.Scheme, want.Host)
		}
	}
}

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
	if err := SeedDefaults(ctx, s, keys, Environment{OllamaHost: "127.0.0.1:1111"}); err != nil {
		t.Fatal(err)
	}
	if err := SeedDefaults(ctx, s, keys, Environment{OllamaHost: "127.0.0.1:2222"}); err != nil {
		t.Fatal(err)
	}
	if len(s.list) != 1 || s.list[0].BaseURL != "http://127.0.0.1:2222" {
		t.Fatalf("the seeded endpoint did not follow OLLAMA_HOST: %+v", s.list)
	}
	// The user points it elsewhere: from now on their choice wins.
	s.list[0].BaseURL = "http://gpu-box:11434"
	if err := SeedDefaults(ctx, s, keys, Environment{OllamaHost: "127.0.0.1:3333"}); err != nil {
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
		env       Environment
		wantKinds []store.EndpointKind
		wantURLs  []string
		wantKey   string
	}{
		{"ollama only", Environment{}, []store.EndpointKind{store.KindOllama}, []string{"http://127.0.0.1:11434"}, ""},
		{"OLLAMA_HOST honoured", Environment{OllamaHost: "127.0.0.1:5555"}, []store.EndpointKind{store.KindOllama}, []string{"http://127.0.0.1:5555"}, ""},
		{"OPENAI_API_KEY alone means api.openai.com", Environment{OpenAIAPIKey: "sk-x"},
			[]store.EndpointKind{store.KindOllama, store.KindOpenAI}, []string{"http://127.0.0.1:11434", "https://api.openai.com/v1"}, "sk-x"},
		{"OPENAI_BASE_URL alone", Environment{OpenAIBaseURL: "http://127.0.0.1:8000/v1"},
			[]store.EndpointKind{store.KindOllama, store.KindOpenAI}, []string{"http://127.0.0.1:11434", "http://127.0.0.1:8000/v1"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &memoryEndpoints{}
			keys := secrets.New("BrookSeedTest-" + tt.name)
			if err := SeedDefaults(context.Background(), s, keys, tt.env); err != nil {
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
			if err := SeedDefaults(context.Background(), s, keys, Environment{OllamaHost: tt.env.OllamaHost, OpenAIAPIKey: "other"}); err != nil || len(s.list) != len(tt.wantKinds) || s.list[0].BaseURL != tt.wantURLs[0] {
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
	if _, err := s.SaveEndpoint(context.Background(), store.Endpoint{Name: "Ollama", Kind: store.KindOllama, BaseURL: srv.URL, Enabled: true}); err != nil {
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
	if err := SeedDefaults(ctx, st, keys, Environment{OllamaHost: "127.0.0.1:1111"}); err != nil {
		t.Fatal(err)
	}
	if err := SeedDefaults(ctx, st, keys, Environment{OllamaHost: "127.0.0.1:2222"}); err != nil {
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
