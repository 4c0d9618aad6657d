package providertest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// endpoint is one chat endpoint of one fake server.
type endpoint struct {
	name string
	new  func(Script) *Server
	path string
}

// chatEndpoints are every chat endpoint: Ollama's native one, Ollama's
// OpenAI-compatible one and OpenAI's.
var chatEndpoints = []endpoint{
	{"ollama", NewOllama, "/api/chat"},
	{"ollama-v1", NewOllama, "/v1/chat/completions"},
	{"openai", NewOpenAI, "/v1/chat/completions"},
}

// exchange is one chat request's outcome as a plain HTTP client sees it.
type exchange struct {
	status  int
	pieces  []string // the streamed text pieces in order; the whole text when not streaming
	errMsg  string   // the error body's message, for a status other than 200
	raw     []byte
	readErr error
}

func (e exchange) text() string { return strings.Join(e.pieces, "") }

// msg is one chat message.
func msg(role string, content any) map[string]any {
	return map[string]any{"role": role, "content": content}
}

// chat posts a chat request with messages and the extra top-level fields
// to path, and parses the reply by the path's protocol.
func chat(t *testing.T, s *Server, path string, stream bool, messages []any, extra map[string]any) exchange {
	t.Helper()
	body := map[string]any{"model": "m", "messages": messages, "stream": stream}
	for k, v := range extra {
		body[k] = v
	}
	b, _ := json.Marshal(body)
	resp, err := http.Post(s.URL+path, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, readErr := io.ReadAll(resp.Body)
	e := exchange{status: resp.StatusCode, raw: raw, readErr: readErr}
	ollama := path == "/api/chat"
	switch {
	case resp.StatusCode != http.StatusOK:
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("error body %q: %v", raw, err)
		}
		if ollama {
			e.errMsg, _ = m["error"].(string)
		} else if obj, ok := m["error"].(map[string]any); ok {
			e.errMsg, _ = obj["message"].(string)
		}
	case !stream:
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			if readErr == nil {
				t.Fatalf("body %q: %v", raw, err)
			}
			return e
		}
		var content any
		if ollama {
			content = m["message"].(map[string]any)["content"]
		} else {
			content = m["choices"].([]any)[0].(map[string]any)["message"].(map[string]any)["content"]
		}
		e.pieces = []string{content.(string)}
	case ollama:
		for _, line := range bytes.SplitAfter(raw, []byte("\n")) {
			var m map[string]any
			if !bytes.HasSuffix(line, []byte("\n")) || json.Unmarshal(line, &m) != nil {
				continue // a line cut short
			}
			if m["done"] == false {
				e.pieces = append(e.pieces, m["message"].(map[string]any)["content"].(string))
			}
		}
	default:
		for _, d := range sseDeltas(raw) {
			if c, ok := d["content"].(string); ok && d["role"] == nil {
				e.pieces = append(e.pieces, c)
			}
		}
	}
	return e
}

// sseEvents splits an SSE body into its whole events, without the blank
// line that ends each.
func sseEvents(raw []byte) []string {
	events := strings.Split(string(raw), "\n\n")
	return events[:len(events)-1]
}

// sseDeltas returns the deltas of the chat chunks of an SSE body, in order.
func sseDeltas(raw []byte) []map[string]any {
	var out []map[string]any
	for _, e := range sseEvents(raw) {
		data, ok := strings.CutPrefix(e, "data: ")
		var m map[string]any
		if !ok || json.Unmarshal([]byte(data), &m) != nil {
			continue
		}
		if choices, _ := m["choices"].([]any); len(choices) > 0 {
			out = append(out, choices[0].(map[string]any)["delta"].(map[string]any))
		}
	}
	return out
}

// getJSON GETs url and decodes a JSON object body (nil for another body).
func getJSON(t *testing.T, url string) (int, map[string]any, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return resp.StatusCode, m, raw
}
