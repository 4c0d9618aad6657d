package endpoints

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/zalando/go-keyring"

	"brook/backend/endpoints/kind/ollamakind"
	"brook/backend/endpoints/kind/openaikind"
	"brook/backend/provider"
	"brook/backend/providertest"
	"brook/backend/secrets"
	"brook/backend/store"
)

func TestDetectTellsTheServerKind(t *testing.T) {
	ollamaSrv := providertest.NewOllama(providertest.Script{})
	defer ollamaSrv.Close()
	vllm := providertest.NewOpenAI(providertest.Script{Kind: "vllm"})
	defer vllm.Close()
	llama := providertest.NewOpenAI(providertest.Script{Kind: "llamacpp", Slots: 3})
	defer llama.Close()
	plain := providertest.NewOpenAI(providertest.Script{})
	defer plain.Close()

	tests := []struct {
		name string
		e    store.Endpoint
		want Detection
	}{
		{"Ollama's native API", store.Endpoint{Kind: ollamakind.ID, BaseURL: ollamaSrv.URL}, Detection{Kind: provider.ServerOllama}},
		{"Ollama's OpenAI-compatible API", store.Endpoint{Kind: openaikind.ID, BaseURL: ollamaSrv.URL + "/v1"}, Detection{Kind: provider.ServerOllama}},
		{"vLLM", store.Endpoint{Kind: openaikind.ID, BaseURL: vllm.URL + "/v1"}, Detection{Kind: provider.ServerVLLM}},
		{"llama-server with 3 slots", store.Endpoint{Kind: openaikind.ID, BaseURL: llama.URL}, Detection{Kind: provider.ServerLlamaCpp, Slots: 3}},
		{"an unrecognised server", store.Endpoint{Kind: openaikind.ID, BaseURL: plain.URL + "/v1"}, Detection{Kind: provider.ServerGeneric}},
		{"a server that is down", store.Endpoint{Kind: openaikind.ID, BaseURL: providertest.DownURL() + "/v1"}, Detection{Kind: provider.ServerGeneric}},
		{"OpenRouter by its host", store.Endpoint{Kind: openaikind.ID, BaseURL: "https://openrouter.ai/api/v1"}, Detection{Kind: provider.ServerOpenRouter}},
		{"OpenAI by its host", store.Endpoint{Kind: openaikind.ID, BaseURL: "https://api.openai.com/v1"}, Detection{Kind: provider.ServerOpenAI}},
	}
	for _, tt := range tests {
		if got := Detect(context.Background(), &http.Client{}, tt.e); got != tt.want {
			t.Errorf("%s: detected %+v, want %+v", tt.name, got, tt.want)
		}
	}
	// The probes never carry an API key: it belongs to the chat API only.
	for _, r := range append(vllm.Requests(), llama.Requests()...) {
		if r.Header.Get("Authorization") != "" {
			t.Errorf("probe %s %s sent an Authorization header", r.Method, r.Path)
		}
	}
}

func TestDefaultParallel(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "OLLAMA_NUM_PARALLEL" {
				return v
			}
			return ""
		}
	}
	tests := []struct {
		name string
		d    Detection
		url  string
		env  string
		want int
	}{
		{"local Ollama, its default", Detection{Kind: provider.ServerOllama}, "http://127.0.0.1:11434", "", 1},
		{"local Ollama with OLLAMA_NUM_PARALLEL", Detection{Kind: provider.ServerOllama}, "http://localhost:11434", "4", 4},
		{"remote Ollama: its environment is not Brook's", Detection{Kind: provider.ServerOllama}, "http://gpu-box:11434", "4", 1},
		{"llama-server's slots", Detection{Kind: provider.ServerLlamaCpp, Slots: 6}, "http://127.0.0.1:8080", "", 6},
		{"a hosted API", Detection{Kind: provider.ServerOpenAI}, "https://api.openai.com/v1", "", 8},
		{"an unrecognised server", Detection{Kind: provider.ServerGeneric}, "http://127.0.0.1:1234/v1", "", 2},
	}
	for _, tt := range tests {
		if got := DefaultParallel(tt.d, tt.url, env(tt.env)); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestProfileUsesTheUsersChoiceOverTheDetectedKind(t *testing.T) {
	srv := providertest.NewOllama(providertest.Script{Loaded: []string{}})
	defer srv.Close()
	st := &memoryEndpoints{list: []store.Endpoint{
		{ID: "auto", Kind: openaikind.ID, BaseURL: srv.URL + "/v1", Enabled: true},
		{ID: "set", Kind: openaikind.ID, BaseURL: srv.URL + "/v1", Enabled: true, ServerKind: string(provider.ServerOpenAI), MaxParallel: 5},
	}}
	keyring.MockInit()
	r := New(st, secrets.New("BrookProfileTest"))
	auto := r.Profile(context.Background(), "auto")
	if auto.Kind != provider.ServerOllama || auto.MaxParallel != 1 || auto.ModelLoaded == nil {
		t.Fatalf("detected profile %+v; want Ollama, 1 at once, with a loaded-model probe", auto)
	}
	if loaded, err := auto.ModelLoaded(context.Background(), "tiny"); err != nil || loaded {
		t.Fatalf("ModelLoaded = %v, %v; the server has nothing loaded", loaded, err)
	}
	set := r.Profile(context.Background(), "set")
	if set.Kind != provider.ServerOpenAI || set.MaxParallel != 5 || set.ModelLoaded != nil {
		t.Fatalf("profile %+v; want the user's OpenAI, 5 at once", set)
	}
}

func TestSurveySaysWhichOllamaModelsThink(t *testing.T) {
	thinks := providertest.NewOllama(providertest.Script{Models: []string{"qwen3:latest"}, Reasoning: "Hmm."})
	defer thinks.Close()
	cannot := providertest.NewOllama(providertest.Script{Models: []string{"tiny:latest"}, ThinkUnsupported: true})
	defer cannot.Close()
	st := &memoryEndpoints{list: []store.Endpoint{
		{ID: "a", Name: "A", Kind: ollamakind.ID, BaseURL: thinks.URL, Enabled: true},
		{ID: "b", Name: "B", Kind: ollamakind.ID, BaseURL: cannot.URL, Enabled: true},
	}}
	r := New(st, nil)
	statuses, err := r.Survey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, s := range statuses {
		for _, m := range s.Models {
			got[m.Name] = m.Capabilities
		}
	}
	if !slices.Contains(got["qwen3:latest"], provider.CapabilityThinking) || slices.Contains(got["tiny:latest"], provider.CapabilityThinking) {
		t.Fatalf("capabilities %v; want qwen3 to think and tiny not", got)
	}
	// A second survey asks no server about a model it already knows.
	shows := func(s *providertest.Server) (n int) {
		for _, r := range s.Requests() {
			if r.Path == "/api/show" {
				n++
			}
		}
		return n
	}
	before := shows(thinks)
	r.Changed()
	if _, err := r.Survey(context.Background()); err != nil {
		t.Fatal(err)
	}
	if shows(thinks) != before {
		t.Fatal("the capabilities of an unchanged model were asked for again")
	}
}
