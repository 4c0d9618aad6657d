package providertest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

const testReasoning = "Let me think… they say hello.\nGrüße back ✓"

// fields is what a chat reply carried, per message field, in order.
type fields map[string]string

// rawChat posts a chat request to path and collects the string fields of
// the reply's messages (Ollama's message, OpenAI's delta or message).
func rawChat(t *testing.T, s *Server, path string, stream bool, extra map[string]any) (int, fields) {
	t.Helper()
	body := map[string]any{"model": "tiny", "stream": stream, "messages": []any{map[string]any{"role": "user", "content": "hi"}}}
	for k, v := range extra {
		body[k] = v
	}
	b, _ := json.Marshal(body)
	resp, err := http.Post(s.URL+path, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got := fields{}
	add := func(msg map[string]any) {
		for k, v := range msg {
			if s, ok := v.(string); ok && k != "role" {
				got[k] += s
			}
		}
	}
	if resp.StatusCode != http.StatusOK {
		raw, _ := io.ReadAll(resp.Body)
		got["error"] = string(raw)
		return resp.StatusCode, got
	}
	if !stream {
		var obj struct {
			Message map[string]any `json:"message"`
			Choices []struct {
				Message map[string]any `json:"message"`
			} `json:"choices"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&obj); err != nil {
			t.Fatal(err)
		}
		add(obj.Message)
		for _, c := range obj.Choices {
			add(c.Message)
		}
		return resp.StatusCode, got
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := strings.TrimPrefix(sc.Text(), "data: ")
		if line == "" || line == "[DONE]" || strings.HasPrefix(line, ":") {
			continue
		}
		var obj struct {
			Message map[string]any `json:"message"`
			Choices []struct {
				Delta map[string]any `json:"delta"`
			} `json:"choices"`
		}
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		add(obj.Message)
		for _, c := range obj.Choices {
			add(c.Delta)
		}
	}
	return resp.StatusCode, got
}

// TestReasoningWire checks where each shape puts the reasoning, on each
// chat endpoint, streaming and not.
func TestReasoningWire(t *testing.T) {
	inline := "<think>\n" + testReasoning + "\n</think>\n\n" + DefaultAnswer
	for _, ep := range chatEndpoints {
		ollama := ep.path == "/api/chat"
		for _, shape := range []ReasoningShape{ReasoningDefault, ReasoningOllamaThinking, ReasoningContentField, ReasoningField, ReasoningInlineTags} {
			want := fields{"content": DefaultAnswer}
			switch {
			case shape == ReasoningInlineTags:
				want["content"] = inline
			case ollama:
				want["thinking"] = testReasoning
			case shape == ReasoningOllamaThinking || shape == ReasoningField:
				want["reasoning"] = testReasoning
			default:
				want["reasoning_content"] = testReasoning
			}
			s := ep.new(Script{Reasoning: testReasoning, ReasoningShape: shape})
			t.Cleanup(s.Close)
			for _, stream := range []bool{true, false} {
				status, got := rawChat(t, s, ep.path, stream, nil)
				if status != http.StatusOK || !equalFields(got, want) {
					t.Errorf("%s %v stream=%v: %d %q, want %q", ep.name, shape, stream, status, got, want)
				}
			}
		}
	}
}

func equalFields(a, b fields) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestThinkControls checks think, reasoning_effort and ThinkUnsupported.
func TestThinkControls(t *testing.T) {
	noThinking := `"tiny" does not support thinking`
	cases := []struct {
		name        string
		path        string
		unsupported bool
		extra       map[string]any
		status      int
		reasoning   bool
	}{
		{"ollama default", "/api/chat", false, nil, 200, true},
		{"ollama think true", "/api/chat", false, map[string]any{"think": true}, 200, true},
		{"ollama think high", "/api/chat", false, map[string]any{"think": "high"}, 200, true},
		{"ollama think false", "/api/chat", false, map[string]any{"think": false}, 200, false},
		{"ollama unsupported, think true", "/api/chat", true, map[string]any{"think": true}, 400, false},
		{"ollama unsupported, think low", "/api/chat", true, map[string]any{"think": "low"}, 400, false},
		{"ollama unsupported, think false", "/api/chat", true, map[string]any{"think": false}, 200, true},
		{"ollama unsupported, default", "/api/chat", true, nil, 200, true},
		{"openai effort high", "/v1/chat/completions", false, map[string]any{"reasoning_effort": "high"}, 200, true},
		{"openai effort none", "/v1/chat/completions", false, map[string]any{"reasoning_effort": "none"}, 200, false},
		{"openai unsupported, effort low", "/v1/chat/completions", true, map[string]any{"reasoning_effort": "low"}, 400, false},
		{"openai unsupported, default", "/v1/chat/completions", true, nil, 200, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := NewOllama(Script{Reasoning: testReasoning, ThinkUnsupported: tc.unsupported})
			defer s.Close()
			for _, stream := range []bool{true, false} {
				status, got := rawChat(t, s, tc.path, stream, tc.extra)
				if status != tc.status {
					t.Fatalf("stream=%v: status %d, want %d: %q", stream, status, tc.status, got)
				}
				if status != 200 {
					if !strings.Contains(got["error"], strings.ReplaceAll(noThinking, `"`, `\"`)) {
						t.Errorf("error body %s, want %s", got["error"], noThinking)
					}
					continue
				}
				r := got["thinking"] + got["reasoning"] + got["reasoning_content"]
				if (r != "") != tc.reasoning || got["content"] != DefaultAnswer {
					t.Errorf("stream=%v: %q; want reasoning %v", stream, got, tc.reasoning)
				}
			}
			if body := s.Requests()[0].Body; len(tc.extra) > 0 {
				for k, v := range tc.extra {
					if body[k] != v {
						t.Errorf("recorded %s = %v, want %v", k, body[k], v)
					}
				}
			}
		})
	}
}

func TestPartialReply(t *testing.T) {
	r := "abcdefg" // tokens abc, def, g
	cases := []struct {
		sc              Script
		text, reasoning string
	}{
		{Script{Reasoning: r, Answer: "xyz!"}, "xyz!", r},
		{Script{Reasoning: r, Answer: "xyz!", Fault: DropBetweenLines, FaultAfterTokens: 2}, "", "abcdef"},
		{Script{Reasoning: r, Answer: "xyz!", Fault: DropBetweenLines, FaultAfterTokens: 4}, "xyz", r},
		{Script{Reasoning: r, Answer: "xyz!", Fault: ErrorFirstChunk, FaultAfterTokens: 4}, "", ""},
		{Script{Reasoning: r, Answer: "xyz!", Fault: StallAfterFirstToken}, "", "abc"},
		// Inline tokens: "<th" "ink" ">\na" "bcd" "efg" "\n</" "thi" "nk>" "\n\n" "xyz" "!".
		{Script{Reasoning: r, Answer: "xyz!", ReasoningShape: ReasoningInlineTags, Fault: DropMidLine, FaultAfterTokens: 1}, "", ""},
		{Script{Reasoning: r, Answer: "xyz!", ReasoningShape: ReasoningInlineTags, Fault: DropMidLine, FaultAfterTokens: 4}, "", "abcd"},
		{Script{Reasoning: r, Answer: "xyz!", ReasoningShape: ReasoningInlineTags, Fault: DropMidLine, FaultAfterTokens: 7}, "", r},
		{Script{Reasoning: r, Answer: "xyz!", ReasoningShape: ReasoningInlineTags, Fault: DropMidLine, FaultAfterTokens: 9}, "", r},
		{Script{Reasoning: r, Answer: "xyz!", ReasoningShape: ReasoningInlineTags, Fault: DropMidLine, FaultAfterTokens: 10}, "xyz", r},
		{Script{Reasoning: r, Answer: "xyz!", ReasoningShape: ReasoningInlineTags}, "xyz!", r},
	}
	for i, tc := range cases {
		text, reasoning := tc.sc.PartialReply()
		if text != tc.text || reasoning != tc.reasoning {
			t.Errorf("case %d: PartialReply = %q, %q; want %q, %q", i, text, reasoning, tc.text, tc.reasoning)
		}
	}
}
