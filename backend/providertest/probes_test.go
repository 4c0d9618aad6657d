package providertest

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestOllamaPs(t *testing.T) {
	models := []string{"tiny:latest", "small:7b"}
	cases := []struct {
		name   string
		loaded []string
		want   []string
	}{
		{"nil: every model loaded", nil, models},
		{"empty: none loaded", []string{}, nil},
		{"one loaded", []string{"small:7b"}, []string{"small:7b"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := NewOllama(Script{Models: models, Loaded: tc.loaded})
			defer s.Close()
			status, body, raw := getJSON(t, s.URL+"/api/ps")
			if status != 200 {
				t.Fatalf("status %d: %s", status, raw)
			}
			list, ok := body["models"].([]any)
			if !ok {
				t.Fatalf("models is not a list: %s", raw)
			}
			var names []string
			for _, item := range list {
				m := item.(map[string]any)
				keys := slices.Sorted(maps.Keys(m))
				wantKeys := []string{"context_length", "details", "digest", "expires_at", "model", "name", "size", "size_vram"}
				if !slices.Equal(keys, wantKeys) {
					t.Errorf("keys %q, want %q", keys, wantKeys)
				}
				size := float64(1_000_000 * (slices.Index(models, m["name"].(string)) + 1))
				if m["model"] != m["name"] || m["size"] != size || m["size_vram"] != size {
					t.Errorf("entry %v", m)
				}
				if exp, err := time.Parse(time.RFC3339Nano, m["expires_at"].(string)); err != nil || !exp.After(time.Now()) {
					t.Errorf("expires_at %v: %v", m["expires_at"], err)
				}
				names = append(names, m["name"].(string))
			}
			if !slices.Equal(names, tc.want) {
				t.Errorf("loaded %q, want %q", names, tc.want)
			}
		})
	}
}

// TestOllamaServesOpenAI checks that the Ollama server also speaks
// OpenAI's API, sharing the request numbering with its native one.
func TestOllamaServesOpenAI(t *testing.T) {
	s := NewOllama(Script{Models: []string{"tiny:latest"}, Sampling: true})
	defer s.Close()
	status, body, raw := getJSON(t, s.URL+"/v1/models")
	if data, _ := body["data"].([]any); status != 200 || body["object"] != "list" || len(data) != 1 || data[0].(map[string]any)["id"] != "tiny:latest" {
		t.Fatalf("GET /v1/models: %d %s", status, raw)
	}
	native := chat(t, s, "/api/chat", true, userOnly, nil)
	compat := chat(t, s, "/v1/chat/completions", true, userOnly, nil)
	if native.text() != Variant(DefaultAnswer, 1) || compat.text() != Variant(DefaultAnswer, 2) {
		t.Errorf("answers %q, %q; want variants 1 and 2", native.text(), compat.text())
	}
	if !strings.HasSuffix(string(compat.raw), "data: [DONE]\n\n") {
		t.Errorf("/v1 stream is not SSE: %q", compat.raw)
	}
}

func TestServerKindProbes(t *testing.T) {
	type probe struct {
		status int
		check  func(t *testing.T, body map[string]any)
	}
	notFound := probe{status: 404}
	version := probe{200, func(t *testing.T, body map[string]any) {
		if body["version"] != "0.11.0" {
			t.Errorf("version body %v", body)
		}
	}}
	props := func(slots int) probe {
		return probe{200, func(t *testing.T, body map[string]any) {
			if body["total_slots"] != float64(slots) || body["model_path"] != "/models/tiny:latest.gguf" ||
				!strings.HasPrefix(body["build_info"].(string), "b6000-") {
				t.Errorf("props %v", body)
			}
			if dgs, ok := body["default_generation_settings"].(map[string]any); !ok || dgs["n_ctx"] == nil {
				t.Errorf("default_generation_settings %v", body["default_generation_settings"])
			}
		}}
	}
	cases := []struct {
		name           string
		new            func(Script) *Server
		script         Script
		version, props probe
	}{
		{"openai", NewOpenAI, Script{}, notFound, notFound},
		{"vllm", NewOpenAI, Script{Kind: "vllm"}, version, notFound},
		{"vllm with a key: /version is open", NewOpenAI, Script{Kind: "vllm", APIKey: "sk-x"}, version, notFound},
		{"llama.cpp", NewOpenAI, Script{Kind: "llamacpp"}, notFound, props(1)},
		{"llama.cpp, 4 slots", NewOpenAI, Script{Kind: "llamacpp", Slots: 4}, notFound, props(4)},
		{"llama.cpp with a key: /props is not open", NewOpenAI, Script{Kind: "llamacpp", APIKey: "sk-x"}, notFound, probe{status: 401}},
		{"ollama", NewOllama, Script{}, notFound, notFound},
		{"ollama ignores Kind", NewOllama, Script{Kind: "vllm"}, notFound, notFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.new(tc.script)
			defer s.Close()
			for path, want := range map[string]probe{"/version": tc.version, "/props": tc.props} {
				status, body, raw := getJSON(t, s.URL+path)
				if status != want.status {
					t.Fatalf("GET %s: %d %s, want %d", path, status, raw, want.status)
				}
				if want.check != nil {
					want.check(t, body)
				}
			}
		})
	}
}

func TestOllamaDurations(t *testing.T) {
	cases := []struct {
		name                     string
		script                   Script
		load, promptEval, totalD time.Duration
	}{
		{"defaults", Script{}, time.Millisecond, 2 * time.Millisecond, 12 * time.Millisecond},
		{"set", Script{LoadDuration: 3 * time.Second, PromptEvalDuration: 5 * time.Millisecond}, 3 * time.Second, 5 * time.Millisecond, 3*time.Second + 14*time.Millisecond},
		{"loaded already", Script{LoadDuration: -1}, 0, 2 * time.Millisecond, 11 * time.Millisecond},
	}
	for _, tc := range cases {
		for _, stream := range []bool{true, false} {
			t.Run(tc.name+map[bool]string{true: "/stream", false: "/complete"}[stream], func(t *testing.T) {
				s := NewOllama(tc.script)
				defer s.Close()
				e := chat(t, s, "/api/chat", stream, userOnly, nil)
				last := e.raw
				if stream {
					lines := strings.Split(strings.TrimSuffix(string(e.raw), "\n"), "\n")
					last = []byte(lines[len(lines)-1])
				}
				var done struct {
					Done               bool
					LoadDuration       int64 `json:"load_duration"`
					PromptEvalDuration int64 `json:"prompt_eval_duration"`
					TotalDuration      int64 `json:"total_duration"`
				}
				if err := json.Unmarshal(last, &done); err != nil || !done.Done {
					t.Fatalf("done object %s: %v", last, err)
				}
				if done.LoadDuration != int64(tc.load) || done.PromptEvalDuration != int64(tc.promptEval) || done.TotalDuration != int64(tc.totalD) {
					t.Errorf("durations load %d, prompt eval %d, total %d; want %d, %d, %d", done.LoadDuration, done.PromptEvalDuration,
						done.TotalDuration, tc.load, tc.promptEval, tc.totalD)
				}
			})
		}
	}
}
