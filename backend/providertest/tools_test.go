package providertest_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"brook/backend/provider"
	pt "brook/backend/providertest"
)

var readTool = provider.ToolSpec{Name: "read_text_file", Description: "Read a file",
	Parameters: json.RawMessage(`{"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}`)}

func toolRequest() provider.Request {
	return provider.Request{Model: "tiny:latest", Tools: []provider.ToolSpec{readTool},
		Messages: []provider.Message{{Role: "user", Content: "read /tmp/a.txt"}}}
}

// sameJSON reports whether a and b are the same JSON value, whatever their spacing.
func sameJSON(t *testing.T, a, b string) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		t.Fatalf("%q is not JSON: %v", a, err)
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		t.Fatalf("%q is not JSON: %v", b, err)
	}
	return reflect.DeepEqual(x, y)
}

func checkCalls(t *testing.T, got []provider.ToolCall, want []pt.ScriptToolCall) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("calls = %+v, want %d", got, len(want))
	}
	for i := range want {
		if got[i].ID != want[i].ID || got[i].Name != want[i].Name || !sameJSON(t, got[i].Arguments, want[i].Arguments) {
			t.Errorf("call %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestToolCallsStreamedAndWhole(t *testing.T) {
	one := []pt.ScriptToolCall{{ID: "call_1", Name: "read_text_file", Arguments: `{"path":"/tmp/a.txt"}`}}
	split := []pt.ScriptToolCall{{ID: "call_1", Name: "read_text_file", Arguments: `{"path":"/tmp/some/longer/name.txt"}`, Pieces: 7}}
	several := []pt.ScriptToolCall{
		{ID: "call_a", Name: "read_text_file", Arguments: `{"path":"/a"}`, Pieces: 2},
		{ID: "call_b", Name: "list_directory", Arguments: `{"path":"/b","depth":2}`, Pieces: 3},
	}
	for _, p := range protos {
		for _, c := range []struct {
			name  string
			calls []pt.ScriptToolCall
			text  string
		}{{"whole", one, ""}, {"split across chunks", split, "Let me look. "}, {"several in one turn", several, ""}} {
			t.Run(p.name+"/"+c.name, func(t *testing.T) {
				srv := p.newServer(pt.Script{ToolCalls: c.calls, ToolCallText: c.text, APIKey: keyFor(p)})
				defer srv.Close()
				client := p.newClient(srv.URL)
				var pieces int
				comp, err := client.Stream(context.Background(), toolRequest(), func(d provider.Delta) {
					if d.ToolCall != nil {
						pieces++
					}
				})
				if err != nil {
					t.Fatalf("stream: %v", err)
				}
				if comp.Text != c.text {
					t.Errorf("text = %q, want %q", comp.Text, c.text)
				}
				checkCalls(t, comp.ToolCalls, c.calls)
				if pieces == 0 {
					t.Error("no tool-call piece was passed on as a sign of life")
				}
				whole, err := client.Complete(context.Background(), toolRequest())
				if err != nil {
					t.Fatalf("complete: %v", err)
				}
				checkCalls(t, whole.ToolCalls, c.calls)
				// The tools went on the wire in the protocol's shape.
				reqs := srv.Requests()
				tools, _ := reqs[len(reqs)-1].Body["tools"].([]any)
				if len(tools) != 1 {
					t.Fatalf("tools sent = %v", reqs[len(reqs)-1].Body["tools"])
				}
				fn, _ := tools[0].(map[string]any)["function"].(map[string]any)
				if fn["name"] != "read_text_file" || fn["parameters"] == nil {
					t.Errorf("tool sent = %v", tools[0])
				}
			})
		}
	}
}

func keyFor(p proto) string {
	if p.name == "openai" {
		return testKey
	}
	return ""
}

// A stream cut in the middle of a call's arguments is broken, and what
// arrived of the call is cut short: it must never be taken as whole.
func TestToolCallBrokenMidArguments(t *testing.T) {
	calls := []pt.ScriptToolCall{{ID: "call_1", Name: "read_text_file", Arguments: `{"path":"/tmp/a/long/path.txt"}`, Pieces: 4}}
	for _, p := range protos {
		t.Run(p.name, func(t *testing.T) {
			// OpenAI: the opening chunk and two pieces arrive, then the
			// connection drops mid-line. Ollama sends a call on one line,
			// which the drop cuts in half.
			after := 3
			if p.name == "ollama" {
				after = 0
			}
			srv := p.newServer(pt.Script{ToolCalls: calls, APIKey: keyFor(p), Fault: pt.DropMidLine, FaultAfterTokens: after})
			defer srv.Close()
			comp, err := p.newClient(srv.URL).Stream(context.Background(), toolRequest(), nil)
			var broken *provider.BrokenError
			if !errors.As(err, &broken) {
				t.Fatalf("err = %v, want a BrokenError", err)
			}
			if p.name == "openai" && (len(comp.ToolCalls) != 1 || comp.ToolCalls[0].Arguments == "" || json.Valid([]byte(comp.ToolCalls[0].Arguments))) {
				t.Errorf("calls = %+v, want the call cut mid-arguments", comp.ToolCalls)
			}
			for _, c := range comp.ToolCalls {
				if json.Valid([]byte(c.Arguments)) && sameJSON(t, c.Arguments, calls[0].Arguments) {
					t.Errorf("a broken stream handed over the whole call %+v", c)
				}
			}
		})
	}
}

// A model that takes no tools refuses them with a 400; that is a typed
// error with a clear message, never a broken stream to retry.
func TestToolsUnsupportedIsTyped(t *testing.T) {
	for _, p := range protos {
		t.Run(p.name, func(t *testing.T) {
			srv := p.newServer(pt.Script{ToolsUnsupported: true, APIKey: keyFor(p)})
			defer srv.Close()
			client := p.newClient(srv.URL)
			_, err := client.Stream(context.Background(), toolRequest(), nil)
			var noTools *provider.ToolsUnsupportedError
			if !errors.As(err, &noTools) {
				t.Fatalf("stream err = %v, want a ToolsUnsupportedError", err)
			}
			var broken *provider.BrokenError
			if errors.As(err, &broken) {
				t.Errorf("a refusal of tools is a BrokenError too: %v", err)
			}
			if _, err := client.Complete(context.Background(), toolRequest()); !errors.As(err, &noTools) {
				t.Errorf("complete err = %v, want a ToolsUnsupportedError", err)
			}
			// Without tools the same model answers.
			req := toolRequest()
			req.Tools = nil
			if _, err := client.Stream(context.Background(), req, nil); err != nil {
				t.Errorf("without tools: %v", err)
			}
		})
	}
}

// Assistant calls and tool results go back to the model in each protocol's shape.
func TestToolTurnsSentBack(t *testing.T) {
	for _, p := range protos {
		t.Run(p.name, func(t *testing.T) {
			srv := p.newServer(pt.Script{APIKey: keyFor(p)})
			defer srv.Close()
			req := toolRequest()
			req.Messages = append(req.Messages,
				provider.Message{Role: "assistant", ToolCalls: []provider.ToolCall{{ID: "call_1", Name: "read_text_file", Arguments: `{"path":"/tmp/a.txt"}`}}},
				provider.Message{Role: provider.RoleTool, Content: "hello", ToolCallID: "call_1", ToolName: "read_text_file"})
			if _, err := p.newClient(srv.URL).Stream(context.Background(), req, nil); err != nil {
				t.Fatal(err)
			}
			msgs, _ := srv.Requests()[0].Body["messages"].([]any)
			if len(msgs) != 3 {
				t.Fatalf("messages = %v", msgs)
			}
			asst, _ := msgs[1].(map[string]any)
			calls, _ := asst["tool_calls"].([]any)
			if len(calls) != 1 {
				t.Fatalf("assistant message = %v", asst)
			}
			fn, _ := calls[0].(map[string]any)["function"].(map[string]any)
			switch p.name {
			case "openai":
				if args, _ := fn["arguments"].(string); !sameJSON(t, args, `{"path":"/tmp/a.txt"}`) {
					t.Errorf("arguments = %v, want a JSON string", fn["arguments"])
				}
			case "ollama":
				if args, _ := fn["arguments"].(map[string]any); args["path"] != "/tmp/a.txt" {
					t.Errorf("arguments = %v, want an object", fn["arguments"])
				}
			}
			result, _ := msgs[2].(map[string]any)
			if result["role"] != "tool" || result["content"] != "hello" {
				t.Errorf("tool message = %v", result)
			}
			if p.name == "openai" && result["tool_call_id"] != "call_1" {
				t.Errorf("tool message = %v, want tool_call_id", result)
			}
			if p.name == "ollama" && result["tool_name"] != "read_text_file" {
				t.Errorf("tool message = %v, want tool_name", result)
			}
		})
	}
}
