package providertest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Tool calls on the wire, as real servers send them (see
// testdata/TOOLCALLS.md for where each shape was taken from):
//   - OpenAI-compatible streams open a call with a chunk carrying its index,
//     id, type and name with empty arguments, then send the arguments in
//     pieces, each chunk naming only the index; the last chunk says
//     finish_reason "tool_calls". A whole answer has message.tool_calls with
//     the arguments as one JSON string.
//   - Ollama's /api/chat sends each call whole, its arguments an object, in
//     message.tool_calls of a line with done:false, and ends with done:true
//     and done_reason "stop".

// ScriptToolCall is a tool call a scripted model makes.
type ScriptToolCall struct {
	ID   string
	Name string
	// Arguments is the call's arguments, a JSON object as text.
	Arguments string
	// Pieces is how many chunks an OpenAI stream splits the arguments
	// into; 0 or 1 sends them in one.
	Pieces int
}

// msgNoTools is Ollama's refusal of tools for a model without the
// capability (server/routes.go: "%s does not support tools").
const msgNoTools = "registry.ollama.ai/library/%s does not support tools"

// toolCallsFor returns the calls the script makes to body: its ToolCalls,
// unless ToolCallsOnce is set and the last message that is not the model's
// own is a tool's result, which gets the text answer instead.
func (sc Script) toolCallsFor(body map[string]any) []ScriptToolCall {
	if len(sc.ToolCalls) == 0 {
		return nil
	}
	if !sc.ToolCallsOnce {
		return sc.ToolCalls
	}
	msgs, _ := body["messages"].([]any)
	for i := len(msgs) - 1; i >= 0; i-- {
		m, _ := msgs[i].(map[string]any)
		if m["role"] == "assistant" {
			continue
		}
		if m["role"] == "tool" {
			return nil
		}
		break
	}
	return sc.ToolCalls
}

// offersTools reports whether body offers any tool.
func offersTools(body map[string]any) bool {
	t, _ := body["tools"].([]any)
	return len(t) > 0
}

// refuseTools answers a request that offers tools to a script whose model
// takes none, as Ollama does, and reports whether it did.
func refuseTools(w http.ResponseWriter, wi *wire, sc Script, body map[string]any) bool {
	if !sc.ToolsUnsupported || !offersTools(body) {
		return false
	}
	model, _ := body["model"].(string)
	writeJSON(w, http.StatusBadRequest, wi.errorBody(fmt.Sprintf(msgNoTools, model), "invalid_request_error", nil), nil)
	return true
}

// toolCallReply is the reply of a turn that calls tools: the script's
// ToolCallText, or the rest of it after a trailing assistant message being
// continued.
func (sc Script) toolCallReply(body map[string]any) reply {
	text := sc.ToolCallText
	if prefill, ok := trailingAssistant(body); ok {
		text = strings.TrimPrefix(text, prefill)
		if !strings.HasPrefix(sc.ToolCallText, prefill) {
			text = ""
		}
	}
	return reply{answer: sc.ToolCallText, text: text, tokens: SplitTokens(text, 3)}
}

func splitPieces(s string, n int) []string {
	if n <= 1 || len(s) <= 1 {
		return []string{s}
	}
	size := (len(s) + n - 1) / n
	var out []string
	for len(s) > size {
		out = append(out, s[:size])
		s = s[size:]
	}
	return append(out, s)
}

// openaiToolCallLines are the chunks of the script's calls.
func openaiToolCallLines(sc Script, model string) [][]byte {
	var lines [][]byte
	for i, c := range sc.calls {
		lines = append(lines, openaiChunk(model, []map[string]any{{
			"index": 0, "delta": map[string]any{"tool_calls": []map[string]any{{
				"index": i, "id": c.ID, "type": "function", "function": map[string]any{"name": c.Name, "arguments": ""},
			}}}, "finish_reason": nil,
		}}, nil))
		for _, piece := range splitPieces(c.Arguments, c.Pieces) {
			lines = append(lines, openaiChunk(model, []map[string]any{{
				"index": 0, "delta": map[string]any{"tool_calls": []map[string]any{{
					"index": i, "function": map[string]any{"arguments": piece},
				}}}, "finish_reason": nil,
			}}, nil))
		}
	}
	return lines
}

// openaiWholeToolCalls adds the script's calls to a whole answer's body.
func openaiWholeToolCalls(sc Script, body []byte) []byte {
	if len(sc.calls) == 0 {
		return body
	}
	return patchJSON(body, func(m map[string]any) {
		choices, _ := m["choices"].([]any)
		if len(choices) == 0 {
			return
		}
		choice, _ := choices[0].(map[string]any)
		msg, _ := choice["message"].(map[string]any)
		var calls []map[string]any
		for _, c := range sc.calls {
			calls = append(calls, map[string]any{"id": c.ID, "type": "function",
				"function": map[string]any{"name": c.Name, "arguments": c.Arguments}})
		}
		msg["tool_calls"] = calls
		if msg["content"] == "" {
			msg["content"] = nil
		}
		choice["finish_reason"] = "tool_calls"
	})
}

// ollamaToolCallLines are the NDJSON lines of the script's calls, one a line.
func ollamaToolCallLines(sc Script, model string) [][]byte {
	var lines [][]byte
	for i, c := range sc.calls {
		lines = append(lines, ollamaCallLine(model, []map[string]any{ollamaCall(i, c)}))
	}
	return lines
}

func ollamaCall(i int, c ScriptToolCall) map[string]any {
	return map[string]any{"id": c.ID, "function": map[string]any{"index": i, "name": c.Name, "arguments": json.RawMessage(c.Arguments)}}
}

func ollamaCallLine(model string, calls []map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{
		"model": model, "created_at": time.Now().UTC().Format(time.RFC3339Nano),
		"message": map[string]any{"role": "assistant", "content": "", "tool_calls": calls},
		"done":    false,
	})
	return append(b, '\n')
}

// ollamaWholeToolCalls adds the script's calls to a whole answer's body.
func ollamaWholeToolCalls(sc Script, body []byte) []byte {
	if len(sc.calls) == 0 {
		return body
	}
	return patchJSON(body, func(m map[string]any) {
		msg, _ := m["message"].(map[string]any)
		var calls []map[string]any
		for i, c := range sc.calls {
			calls = append(calls, ollamaCall(i, c))
		}
		msg["tool_calls"] = calls
	})
}

// ReadFileAnswerPrefix begins the answer of a [Script.ReadFileTool] model
// to a tool's result; the result follows in quotes.
const ReadFileAnswerPrefix = "The file says: "

// readFileReply is the reply of a [Script.ReadFileTool] model to body: a
// call to read the path its user's last message names, or the quoted
// result of the call, or rep as it is.
func (sc Script) readFileReply(body map[string]any, rep reply) (Script, reply) {
	msgs, _ := body["messages"].([]any)
	for i := len(msgs) - 1; i >= 0; i-- {
		m, _ := msgs[i].(map[string]any)
		content, _ := m["content"].(string)
		switch m["role"] {
		case "assistant":
			continue
		case "tool":
			text := ReadFileAnswerPrefix + strconv.Quote(content)
			return sc, reply{answer: text, text: text, tokens: SplitTokens(text, 3)}
		case "user":
			path := absolutePath(content)
			if path == "" {
				return sc, rep
			}
			args, _ := json.Marshal(map[string]string{"path": path})
			sc.calls = []ScriptToolCall{{ID: "call_read_1", Name: sc.ReadFileTool, Arguments: string(args), Pieces: 2}}
			sc.ToolCallText = ""
			return sc, sc.toolCallReply(body)
		}
		break
	}
	return sc, rep
}

// absolutePath is the first word of text that is an absolute path, without
// the punctuation that may end a sentence after it.
func absolutePath(text string) string {
	for _, w := range strings.Fields(text) {
		w = strings.TrimRight(w, ".,;:!?\"')")
		w = strings.TrimLeft(w, "\"'(")
		if strings.HasPrefix(w, "/") && len(w) > 1 {
			return w
		}
	}
	return ""
}
