package contextwindow

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"brook/backend/provider"
)

// fakeServer answers each path with a fixture from testdata and records the
// bodies it was sent.
type fakeServer struct {
	*httptest.Server
	bodies map[string]map[string]any
}

func serve(t *testing.T, fixtures map[string]string) *fakeServer {
	t.Helper()
	f := &fakeServer{bodies: map[string]map[string]any{}}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Method + " " + r.URL.Path
		name, ok := fixtures[key]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.Method == http.MethodPost {
			var body map[string]any
			b, _ := io.ReadAll(r.Body)
			if err := json.Unmarshal(b, &body); err != nil {
				http.Error(w, "bad body", http.StatusBadRequest)
				return
			}
			f.bodies[key] = body
		}
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Errorf("fixture %s: %v", name, err)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(data)
	}))
	t.Cleanup(f.Close)
	return f
}

func TestOllamaWindowFromModelParameter(t *testing.T) {
	f := serve(t, map[string]string{"POST /api/show": "ollama-show-tiny.json"})
	src, err := NewOllama(f.URL, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	w, err := src.Window(context.Background(), "tiny")
	if err != nil {
		t.Fatal(err)
	}
	// num_ctx 2048 in the Modelfile, trained for 4096; 2 layers × 2 KV heads × (16+16) × 2 bytes.
	want := Window{Tokens: 2048, Max: 4096, BytesPerToken: 256, AnswerTokens: 32, Source: "the model's num_ctx parameter"}
	if w != want {
		t.Errorf("window = %+v, want %+v", w, want)
	}
	if got := f.bodies["POST /api/show"]["model"]; got != "tiny" {
		t.Errorf("asked about model %v", got)
	}
}

func TestOllamaWindowFromServerDefault(t *testing.T) {
	f := serve(t, map[string]string{"POST /api/show": "ollama-show-llama3.2.json"})
	for _, tc := range []struct {
		name       string
		defaultCtx int
		want       int
	}{
		{"CPU default", 0, 4096},
		{"OLLAMA_CONTEXT_LENGTH", 8192, 8192},
		{"default above the trained length", 1 << 20, 131072},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, err := NewOllama(f.URL+"/v1", nil, tc.defaultCtx)
			if err != nil {
				t.Fatal(err)
			}
			w, err := src.Window(context.Background(), "llama3.2")
			if err != nil {
				t.Fatal(err)
			}
			if w.Tokens != tc.want || w.Max != 131072 {
				t.Errorf("window %d of %d, want %d of 131072", w.Tokens, w.Max, tc.want)
			}
			// Llama 3.2 3B: 28 layers × 8 KV heads × (128+128) × 2 bytes = 112 KiB a token,
			// 448 MiB at 4096 tokens, as Ollama's own log says for it.
			if w.BytesPerToken != 114688 || w.AnswerTokens != 0 {
				t.Errorf("bytes per token %d, answer tokens %d", w.BytesPerToken, w.AnswerTokens)
			}
		})
	}
}

func TestOllamaWindowErrors(t *testing.T) {
	f := serve(t, nil)
	src, _ := NewOllama(f.URL, nil, 0)
	_, err := src.Window(context.Background(), "missing")
	var status *StatusError
	if !errors.As(err, &status) || status.Status != http.StatusNotFound {
		t.Errorf("err = %v, want a 404 StatusError", err)
	}
	if _, err := NewOllama("://", nil, 0); err == nil {
		t.Error("a bad address was accepted")
	}
}

func TestKVBytesPerTokenWithPerLayerHeads(t *testing.T) {
	info := map[string]json.RawMessage{
		"gemma3.block_count":               json.RawMessage(`3`),
		"gemma3.attention.head_count_kv":   json.RawMessage(`[4, 4, 8]`),
		"gemma3.attention.key_length":      json.RawMessage(`256`),
		"gemma3.attention.value_length":    json.RawMessage(`256`),
		"gemma3.attention.head_count":      json.RawMessage(`8`),
		"gemma3.embedding_length":          json.RawMessage(`2048`),
		"other.attention.head_count":       json.RawMessage(`16`),
		"other.embedding_length":           json.RawMessage(`2048`),
		"other.block_count":                json.RawMessage(`2`),
		"other.attention.head_count_kv":    json.RawMessage(`16`),
		"missing.attention.head_count_kv":  json.RawMessage(`16`),
		"missing.attention.key_length":     json.RawMessage(`0`),
		"missing.attention.value_length":   json.RawMessage(`0`),
		"missing.block_count":              json.RawMessage(`2`),
		"missing.attention.head_count_bad": json.RawMessage(`"x"`),
	}
	for arch, want := range map[string]int64{
		"gemma3":  16 * 512 * 2,     // heads summed over layers
		"other":   2 * 16 * 256 * 2, // head length from the embedding
		"missing": 0,
	} {
		if got := kvBytesPerToken(info, arch); got != want {
			t.Errorf("%s: %d bytes a token, want %d", arch, got, want)
		}
	}
}

func TestLlamaServerWindowAndCount(t *testing.T) {
	for fixture, want := range map[string]int{"llama-server-props.json": 8192, "llama-server-props-old.json": 2048} {
		f := serve(t, map[string]string{
			"GET /props":           fixture,
			"POST /apply-template": "llama-server-apply-template.json",
			"POST /tokenize":       "llama-server-tokenize.json",
		})
		src, err := NewLlamaServer(f.URL+"/v1", nil)
		if err != nil {
			t.Fatal(err)
		}
		w, err := src.Window(context.Background(), "any")
		if err != nil || w.Tokens != want || w.Max != want || w.Adjustable() {
			t.Errorf("%s: window %+v, %v; want %d, not adjustable", fixture, w, err, want)
		}
		n, err := src.CountTokens(context.Background(), "any", []provider.Message{{Role: "system", Content: "Be brief."}, {Role: "user", Content: "What is a river?"}})
		if err != nil || n != 21 {
			t.Errorf("count = %d, %v; want 21", n, err)
		}
		msgs, _ := f.bodies["POST /apply-template"]["messages"].([]any)
		if len(msgs) != 2 {
			t.Errorf("apply-template got %v", f.bodies["POST /apply-template"])
		}
		tok := f.bodies["POST /tokenize"]
		if tok["add_special"] != true || tok["content"] == "" {
			t.Errorf("tokenize got %v", tok)
		}
	}
}

func TestVLLMWindowAndCount(t *testing.T) {
	f := serve(t, map[string]string{"GET /v1/models": "vllm-models.json", "POST /tokenize": "vllm-tokenize.json"})
	src, err := NewVLLM(f.URL+"/v1/", nil)
	if err != nil {
		t.Fatal(err)
	}
	w, err := src.Window(context.Background(), "Qwen/Qwen2.5-7B-Instruct")
	if err != nil || w.Tokens != 32768 || w.Adjustable() {
		t.Errorf("window %+v, %v", w, err)
	}
	n, err := src.CountTokens(context.Background(), "Qwen/Qwen2.5-7B-Instruct", []provider.Message{{Role: "user", Content: "What is a river?"}})
	if err != nil || n != 21 {
		t.Errorf("count = %d, %v", n, err)
	}
	body := f.bodies["POST /tokenize"]
	if body["model"] != "Qwen/Qwen2.5-7B-Instruct" || body["add_generation_prompt"] != true || body["messages"] == nil {
		t.Errorf("tokenize got %v", body)
	}
}

func TestFixedWindow(t *testing.T) {
	if _, err := Fixed(0).Window(context.Background(), "m"); !errors.Is(err, ErrUnknown) {
		t.Errorf("unset setting: %v", err)
	}
	if w, err := Fixed(16384).Window(context.Background(), "m"); err != nil || w.Tokens != 16384 || w.Adjustable() {
		t.Errorf("window %+v, %v", w, err)
	}
}
