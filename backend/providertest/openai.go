package providertest

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// NewOpenAI starts a loopback server speaking the OpenAI API under /v1:
// GET /v1/models and POST /v1/chat/completions (SSE when "stream":true,
// one JSON object otherwise). Clients should use URL+"/v1" or URL.
// [Script.Kind] adds the probe of vLLM (GET /version) or llama-server (GET
// /props); these are recorded even when the Kind answers them 404.
func NewOpenAI(sc Script) *Server {
	return newServer(sc, func(s *Server) http.Handler {
		mux := http.NewServeMux()
		s.serveOpenAI(mux)
		// vLLM serves /version without checking the API key.
		mux.HandleFunc("GET /version", func(w http.ResponseWriter, r *http.Request) {
			s.record(r, false)
			if s.Script().Kind != "vllm" {
				http.NotFound(w, r)
				return
			}
			writeJSON(w, http.StatusOK, map[string]string{"version": "0.11.0"}, nil)
		})
		// llama-server checks the API key on /props.
		mux.HandleFunc("GET /props", func(w http.ResponseWriter, r *http.Request) {
			s.record(r, false)
			sc := s.Script()
			if sc.Kind != "llamacpp" {
				http.NotFound(w, r)
				return
			}
			if openaiAuthFails(w, r, sc) {
				return
			}
			path := "/models/model.gguf"
			if models := sc.models(); len(models) > 0 {
				path = "/models/" + models[0] + ".gguf"
			}
			writeJSON(w, http.StatusOK, map[string]any{
				"default_generation_settings": map[string]any{
					"id": 0, "id_task": -1, "n_ctx": 4096, "speculative": false, "is_processing": false,
					"params": map[string]any{"n_predict": -1, "temperature": 0.8, "top_k": 40, "top_p": 0.95, "min_p": 0.05, "stream": true},
				},
				"total_slots":   sc.slots(),
				"model_alias":   path,
				"model_path":    path,
				"chat_template": "{{ messages }}",
				"modalities":    map[string]bool{"vision": false, "audio": false},
				"build_info":    "b6000-0123abcd",
			}, nil)
		})
		return mux
	})
}

// serveOpenAI adds the OpenAI API to mux: GET /v1/models and POST
// /v1/chat/completions. Both [NewOpenAI] and [NewOllama] serve it.
func (s *Server) serveOpenAI(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/models", func(w http.ResponseWriter, r *http.Request) {
		s.record(r, false)
		sc := s.Script()
		if openaiAuthFails(w, r, sc) || openaiStatusFault(w, sc, sc.ModelsFault) {
			return
		}
		data := []map[string]any{}
		for _, name := range sc.models() {
			data = append(data, map[string]any{"id": name, "object": "model", "created": 1_700_000_000, "owned_by": "library"})
		}
		writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": data}, nil)
	})
	mux.HandleFunc("POST /v1/chat/completions", s.chatHandler(&openaiWire))
}

// openaiWire is /v1/chat/completions.
var openaiWire = wire{
	defaultStream: false,
	streamHeader:  []string{"Content-Type: text/event-stream", "Cache-Control: no-cache", "Transfer-Encoding: chunked"},
	contentType:   "application/json",
	auth:          openaiAuthFails,
	statusFault:   openaiStatusFault,
	errorBody:     func(message, typ string, code any) any { return openaiError(message, typ, code) },
	plan: func(sc Script, body map[string]any, model string, toks []string) plan {
		usage := sc.StreamUsage
		if so, ok := body["stream_options"].(map[string]any); ok && so["include_usage"] == true {
			usage = true
		}
		return openaiPlan(sc, model, usage, toks)
	},
	whole: func(sc Script, model, text string, ntoks int) (body, errBody, truncatedClean []byte) {
		body, _ = json.Marshal(map[string]any{
			"id": "chatcmpl-1", "object": "chat.completion", "created": time.Now().Unix(), "model": model,
			"system_fingerprint": "fp_loopback",
			"choices": []map[string]any{{
				"index": 0, "message": map[string]any{"role": "assistant", "content": text}, "finish_reason": sc.finishReason(),
			}},
			"usage": usageObject(sc, ntoks),
		})
		body = openaiWholeToolCalls(sc, openaiWholeReasoning(sc, body))
		errBody, _ = json.Marshal(openaiError(sc.errorMessage("an error occurred while generating"), "server_error", nil))
		return body, errBody, nil
	},
}

func usageObject(sc Script, completion int) map[string]any {
	return map[string]any{"prompt_tokens": sc.promptTokens(), "completion_tokens": completion, "total_tokens": sc.promptTokens() + completion}
}

// openaiError is OpenAI's error body.
func openaiError(message, typ string, code any) map[string]any {
	return map[string]any{"error": map[string]any{"message": message, "type": typ, "param": nil, "code": code}}
}

func openaiAuthFails(w http.ResponseWriter, r *http.Request, sc Script) bool {
	if sc.APIKey == "" || r.Header.Get("Authorization") == "Bearer "+sc.APIKey {
		return false
	}
	key := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	shown := "****"
	if len(key) > 4 {
		shown = "****" + key[len(key)-4:]
	}
	writeJSON(w, http.StatusUnauthorized, openaiError("Incorrect API key provided: "+shown+".", "invalid_request_error", "invalid_api_key"), nil)
	return true
}

// openaiStatusFault answers a status fault the way OpenAI does. It reports
// whether it answered.
func openaiStatusFault(w http.ResponseWriter, sc Script, f Fault) bool {
	switch f {
	case Status5xxBeforeFirst:
		writeJSON(w, sc.status(500), openaiError(sc.errorMessage("The server had an error while processing your request."), "server_error", nil), nil)
	case Status429BeforeFirst:
		writeJSON(w, http.StatusTooManyRequests, openaiError(sc.errorMessage("Rate limit reached for requests."), "requests", "rate_limit_exceeded"),
			map[string]string{"Retry-After": retryAfter(sc)})
	case StatusError:
		status := sc.status(400)
		typ, code := "invalid_request_error", any(nil)
		if status == http.StatusNotFound {
			code = "model_not_found"
		}
		writeJSON(w, status, openaiError(sc.errorMessage("Invalid request."), typ, code), nil)
	default:
		return false
	}
	return true
}

// sse is one server-sent event carrying data.
func sse(data []byte) []byte {
	return append(append([]byte("data: "), data...), '\n', '\n')
}

func openaiChunk(model string, choices []map[string]any, usage map[string]any) []byte {
	m := map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": time.Now().Unix(), "model": model,
		"system_fingerprint": "fp_loopback", "choices": choices,
	}
	if usage != nil {
		m["usage"] = usage
	}
	b, _ := json.Marshal(m)
	return sse(b)
}

// openaiKeepAlive is the SSE comment sent for KeepAliveEvery.
var openaiKeepAlive = []byte(": keep-alive\n\n")

func openaiPlan(sc Script, model string, usage bool, toks []string) plan {
	var p plan
	p.roleChunk = openaiChunk(model, []map[string]any{{
		"index": 0, "delta": map[string]any{"role": "assistant", "content": ""}, "finish_reason": nil,
	}}, nil)
	p.prelude = [][]byte{p.roleChunk}
	p.keepAlive = openaiKeepAlive
	p.tokens = openaiReasoningLines(sc, model)
	for _, t := range toks {
		p.tokens = append(p.tokens, openaiChunk(model, []map[string]any{{
			"index": 0, "delta": map[string]any{"content": t}, "finish_reason": nil,
		}}, nil))
	}
	p.tokens = append(p.tokens, openaiToolCallLines(sc, model)...)
	finish := sc.finishReason()
	if len(sc.calls) > 0 {
		finish = "tool_calls"
	}
	p.final = [][]byte{openaiChunk(model, []map[string]any{{
		"index": 0, "delta": map[string]any{}, "finish_reason": finish,
	}}, nil)}
	if usage {
		p.final = append(p.final, openaiChunk(model, []map[string]any{}, usageObject(sc, len(toks))))
	}
	if !sc.OmitDone {
		p.final = append(p.final, []byte("data: [DONE]\n\n"))
	}
	errObj, _ := json.Marshal(openaiError(sc.errorMessage("an error occurred while generating"), "server_error", nil))
	p.errLine = sse(errObj)
	return p
}
