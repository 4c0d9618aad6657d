package providertest

import (
	"encoding/json"
	"net/http"
	"time"
)

// NewOllama starts a loopback server speaking Ollama's native API:
// GET /api/tags, GET /api/version, POST /api/show and POST /api/chat
// (NDJSON when streaming, one JSON object with "stream":false).
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
			for i, name := range sc.models() {
				models = append(models, map[string]any{
					"name": name, "model": name, "modified_at": time.Now().UTC().Format(time.RFC3339Nano),
					"size": 1_000_000 * (i + 1), "digest": "sha256:0123456789abcdef",
					"details": map[string]any{"format": "gguf", "family": "llama", "parameter_size": "1M", "quantization_level": "F32"},
				})
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
				"modelfile": "FROM tiny", "parameters": "num_predict 32", "template": "{{ .Prompt }}",
				"details":      map[string]any{"format": "gguf", "family": "llama"},
				"model_info":   map[string]any{"general.architecture": "llama", "llama.context_length": 4096, "general.name": body["model"]},
				"capabilities": []string{"completion"},
			}, nil)
		})
		mux.HandleFunc("POST /api/chat", func(w http.ResponseWriter, r *http.Request) {
			body, stream := s.record(r, true)
			sc := s.Script()
			model, _ := body["model"].(string)
			if stream {
				if ollamaStatusFault(w, sc, sc.Fault) {
					return
				}
				rc, err := s.hijack(w, []string{"Content-Type: application/x-ndjson", "Transfer-Encoding: chunked"})
				if err != nil {
					return
				}
				s.stream(rc, sc, ollamaPlan(sc, model))
				return
			}
			if s.takeNonStreamFailure(sc) {
				writeJSON(w, http.StatusInternalServerError, map[string]string{"error": sc.errorMessage("non-streaming failure")}, nil)
				return
			}
			if ollamaStatusFault(w, sc, sc.NonStreamFault) {
				return
			}
			whole := ollamaLine(model, sc.answer(), true, sc, len(sc.tokens()))
			notDone := ollamaLine(model, sc.answer(), false, sc, 0)
			errBody, _ := json.Marshal(map[string]string{"error": sc.errorMessage("something went wrong in the model")})
			// Ollama's non-streaming body is one object without a trailing newline.
			s.whole(w, sc, "application/json; charset=utf-8", whole[:len(whole)-1], errBody, notDone[:len(notDone)-1])
		})
		return mux
	})
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

// ollamaLine is one NDJSON line of /api/chat, newline included.
func ollamaLine(model, content string, done bool, sc Script, evalCount int) []byte {
	m := map[string]any{
		"model":      model,
		"created_at": time.Now().UTC().Format(time.RFC3339Nano),
		"message":    map[string]any{"role": "assistant", "content": content},
		"done":       done,
	}
	if done {
		m["done_reason"] = sc.finishReason()
		m["total_duration"] = 12_000_000
		m["load_duration"] = 1_000_000
		m["prompt_eval_count"] = sc.promptTokens()
		m["prompt_eval_duration"] = 2_000_000
		m["eval_count"] = evalCount
		m["eval_duration"] = 9_000_000
	}
	b, _ := json.Marshal(m)
	return append(b, '\n')
}

func ollamaPlan(sc Script, model string) plan {
	var p plan
	toks := sc.tokens()
	for _, t := range toks {
		p.tokens = append(p.tokens, ollamaLine(model, t, false, sc, 0))
	}
	p.final = [][]byte{ollamaLine(model, "", true, sc, len(toks))}
	errLine, _ := json.Marshal(map[string]string{"error": sc.errorMessage("an error was encountered while running the model")})
	p.errLine = append(errLine, '\n')
	return p
}
