package providertest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// NewOllama starts a loopback server speaking Ollama's native API:
// GET /api/tags, GET /api/ps, GET /api/version, POST /api/show and POST
// /api/chat (NDJSON when streaming, one JSON object with "stream":false).
// Like real Ollama, it also serves the OpenAI-compatible API under /v1,
// exactly as [NewOpenAI] does (without NewOpenAI's [Script.Kind] probes).
// Chat requests on both APIs share one numbering ([Request.N]) and one
// list of [Server.Answers].
func NewOllama(sc Script) *Server {
	return newServer(sc, func(s *Server) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /api/version", func(w http.ResponseWriter, r *http.Request) {
			s.record(r, false)
			writeJSON(w, http.StatusOK, map[string]string{"version": "0.17.4"}, nil)
		})
		mux.HandleFunc("GET /api/tags", func(w http.ResponseWriter, r *http.Request) {
			s.record(r, false)
			sc := s.Script()
			if ollamaStatusFault(w, sc, sc.ModelsFault) {
				return
			}
			models := []map[string]any{}
			for _, name := range sc.models() {
				m := ollamaModel(sc, name)
				m["modified_at"] = time.Now().UTC().Format(time.RFC3339Nano)
				models = append(models, m)
			}
			writeJSON(w, http.StatusOK, map[string]any{"models": models}, nil)
		})
		// ModelsFault applies to /api/ps too: it lists models.
		mux.HandleFunc("GET /api/ps", func(w http.ResponseWriter, r *http.Request) {
			s.record(r, false)
			sc := s.Script()
			if ollamaStatusFault(w, sc, sc.ModelsFault) {
				return
			}
			loaded := sc.Loaded
			if loaded == nil {
				loaded = sc.models()
			}
			models := []map[string]any{}
			for _, name := range loaded {
				m := ollamaModel(sc, name)
				m["expires_at"] = time.Now().Add(5 * time.Minute).Format(time.RFC3339Nano)
				m["size_vram"] = m["size"]
				m["context_length"] = 4096
				models = append(models, m)
			}
			writeJSON(w, http.StatusOK, map[string]any{"models": models}, nil)
		})
		mux.HandleFunc("POST /api/show", func(w http.ResponseWriter, r *http.Request) {
			body, _ := s.record(r, false)
			sc := s.Script()
			if ollamaStatusFault(w, sc, sc.ModelsFault) {
				return
			}
			writeJSON(w, http.StatusOK, map[string]any{
				// Parameters as Ollama lists them (server/routes.go: fmt "%-*s %#v", 30 columns).
				"modelfile": "FROM tiny", "parameters": fmt.Sprintf("%-*s %#v\n%-*s %#v", 30, "num_predict", 32, 30, "stop", "<|end|>"),
				"template":     "{{ .Prompt }}",
				"details":      map[string]any{"format": "gguf", "family": "llama"},
				"model_info":   map[string]any{"general.architecture": "llama", "llama.context_length": 4096, "general.name": body["model"]},
				"capabilities": sc.ollamaCapabilities(fmt.Sprint(body["model"])),
			}, nil)
		})
		mux.HandleFunc("POST /api/chat", s.chatHandler(&ollamaWire))
		s.serveOpenAI(mux)
		return mux
	})
}

// ollamaWire is /api/chat.
var ollamaWire = wire{
	defaultStream: true,
	streamHeader:  []string{"Content-Type: application/x-ndjson", "Transfer-Encoding: chunked"},
	contentType:   "application/json; charset=utf-8",
	statusFault:   ollamaStatusFault,
	errorBody:     func(message, _ string, _ any) any { return map[string]string{"error": message} },
	plan: func(sc Script, _ map[string]any, model string, toks []string) plan {
		return ollamaPlan(sc, model, toks)
	},
	whole: func(sc Script, model, text string, ntoks int) (body, errBody, truncatedClean []byte) {
		whole := ollamaWholeToolCalls(sc, ollamaWholeReasoning(sc, ollamaLine(model, text, true, sc, ntoks)))
		notDone := ollamaWholeReasoning(sc, ollamaLine(model, text, false, sc, 0))
		errBody, _ = json.Marshal(map[string]string{"error": sc.errorMessage("something went wrong in the model")})
		// Ollama's non-streaming body is one object without a trailing newline.
		return whole[:len(whole)-1], errBody, notDone[:len(notDone)-1]
	},
}

// ollamaModel is the part of a model's entry that /api/tags and /api/ps
// share. A model's size is a million bytes times its place in Models (a
// million for a name not listed).
func ollamaModel(sc Script, name string) map[string]any {
	return map[string]any{
		"name": name, "model": name, "size": 1_000_000 * (max(slices.Index(sc.models(), name), 0) + 1), "digest": "sha256:0123456789abcdef",
		"details": map[string]any{"format": "gguf", "family": "llama", "parameter_size": "1M", "quantization_level": "F32"},
	}
}

// ollamaStatusFault answers a status fault the way Ollama does: the status
// with {"error": reason}. It reports whether it answered.
func ollamaStatusFault(w http.ResponseWriter, sc Script, f Fault) bool {
	switch f {
	case Status5xxBeforeFirst:
		writeJSON(w, sc.status(500), map[string]string{"error": sc.errorMessage("llama runner process has terminated")}, nil)
	case Status429BeforeFirst:
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": sc.errorMessage("server busy, please try again. maximum pending requests exceeded")},
			map[string]string{"Retry-After": retryAfter(sc)})
	case StatusError:
		writeJSON(w, sc.status(400), map[string]string{"error": sc.errorMessage("model is required")}, nil)
	default:
		return false
	}
	return true
}

func retryAfter(sc Script) string {
	if sc.RetryAfter == "" {
		return "2"
	}
	return sc.RetryAfter
}

// ollamaEvalDuration is the eval_duration Ollama reports.
const ollamaEvalDuration = 9 * time.Millisecond

// ollamaLine is one NDJSON line of /api/chat, newline included. The done
// line's total_duration is the sum of its load, prompt eval and eval
// durations.
func ollamaLine(model, content string, done bool, sc Script, evalCount int) []byte {
	m := map[string]any{
		"model":      model,
		"created_at": time.Now().UTC().Format(time.RFC3339Nano),
		"message":    map[string]any{"role": "assistant", "content": content},
		"done":       done,
	}
	if done {
		load := ollamaDuration(sc.LoadDuration, time.Millisecond)
		promptEval := ollamaDuration(sc.PromptEvalDuration, 2*time.Millisecond)
		m["done_reason"] = sc.finishReason()
		m["total_duration"] = int64(load + promptEval + ollamaEvalDuration)
		m["load_duration"] = int64(load)
		m["prompt_eval_count"] = sc.promptTokens()
		m["prompt_eval_duration"] = int64(promptEval)
		m["eval_count"] = evalCount
		m["eval_duration"] = int64(ollamaEvalDuration)
	}
	b, _ := json.Marshal(m)
	return append(b, '\n')
}

func ollamaPlan(sc Script, model string, toks []string) plan {
	p := plan{tokens: ollamaReasoningLines(sc, model)}
	for _, t := range toks {
		p.tokens = append(p.tokens, ollamaLine(model, t, false, sc, 0))
	}
	p.tokens = append(p.tokens, ollamaToolCallLines(sc, model)...)
	p.final = [][]byte{ollamaLine(model, "", true, sc, len(toks))}
	errLine, _ := json.Marshal(map[string]string{"error": sc.errorMessage("an error was encountered while running the model")})
	p.errLine = append(errLine, '\n')
	return p
}
