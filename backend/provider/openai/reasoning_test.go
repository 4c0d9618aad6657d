package openai

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"brook/backend/provider"
	"brook/backend/providertest"
)

func TestPrefillContent(t *testing.T) {
	cases := []struct {
		m    provider.Message
		want string
	}{
		{provider.Message{Role: "assistant", Content: "Hel"}, "Hel"},
		{provider.Message{Role: "assistant", Thinking: "Hmm, hello"}, "<think>\nHmm, hello"},
		{provider.Message{Role: "assistant", Thinking: "Hmm.", Content: "Hel"}, "<think>\nHmm.\n</think>\n\nHel"},
	}
	for _, tc := range cases {
		if got := prefillContent(tc.m); got != tc.want {
			t.Errorf("prefillContent(%+v) = %q, want %q", tc.m, got, tc.want)
		}
	}
}

func TestChatRequestThinkAndPrefill(t *testing.T) {
	msgs := []provider.Message{
		{Role: "user", Content: "Hi"},
		{Role: "assistant", Content: "Hello", Thinking: "greet"},
		{Role: "user", Content: "Again"},
		{Role: "assistant", Thinking: "once more"},
	}
	for _, tc := range []struct {
		think, effort string
	}{{"", ""}, {"on", ""}, {"off", ""}, {"low", "low"}, {"medium", "medium"}, {"high", "high"}} {
		wire, err := chatRequest(provider.Request{Model: "deepseek-r1", Messages: msgs, Think: tc.think, Prefill: provider.PrefillImplicit})
		if err != nil || wire.ReasoningEffort != tc.effort {
			t.Errorf("think %q: reasoning_effort %q, err %v; want %q", tc.think, wire.ReasoningEffort, err, tc.effort)
		}
		if got := wire.Messages[1].Content; got != "Hello" {
			t.Errorf("finished assistant turn sent as %q", got)
		}
		if got := wire.Messages[3].Content; got != "<think>\nonce more" {
			t.Errorf("prefill sent as %q", got)
		}
		for _, m := range wire.Messages {
			if m.ReasoningContent != "" {
				t.Errorf("reasoning_content sent: %+v", m)
			}
		}
	}
	// A reasoning model of OpenAI's own takes the levels too.
	if wire, err := chatRequest(provider.Request{Model: "o3-mini", Think: "high", MaxTokens: 10}); err != nil || wire.ReasoningEffort != "high" {
		t.Errorf("o3-mini: %+v, %v", wire, err)
	}
	if _, err := chatRequest(provider.Request{Model: "m", Think: "max"}); err == nil {
		t.Error("unknown think value accepted")
	}
	// Without Prefill the last assistant message is a finished turn.
	wire, _ := chatRequest(provider.Request{Model: "m", Messages: msgs})
	if got := wire.Messages[3].Content; got != "" {
		t.Errorf("finished turn carries its thinking: %q", got)
	}
}

func TestReasoningJSON(t *testing.T) {
	cases := []struct {
		name, in string
		want     string // "" when unchanged
	}{
		{"delta reasoning", `{"choices":[{"index":0,"delta":{"reasoning":"hm <ok>"}}]}`,
			`{"choices":[{"delta":{"reasoning":"hm \u003cok\u003e","reasoning_content":"hm \u003cok\u003e"},"index":0}]}`},
		{"message reasoning", `{"id":"x","choices":[{"message":{"role":"assistant","content":"A","reasoning":"R"}}],"usage":{"prompt_tokens":12345678901}}`,
			`{"choices":[{"message":{"content":"A","reasoning":"R","reasoning_content":"R","role":"assistant"}}],"id":"x","usage":{"prompt_tokens":12345678901}}`},
		{"both fields", `{"choices":[{"delta":{"reasoning":"a","reasoning_content":"b"}}]}`, ""},
		{"null reasoning", `{"choices":[{"delta":{"reasoning":null,"content":"x"}}]}`, ""},
		{"empty reasoning", `{"choices":[{"delta":{"reasoning":""}}]}`, ""},
		{"reasoning object", `{"choices":[{"delta":{"reasoning":{"effort":"low"}}}]}`, ""},
		{"reasoning in content", `{"choices":[{"delta":{"content":"\"reasoning\""}}]}`, ""},
		{"no choices", `{"usage":{"reasoning":"x"}}`, ""},
		{"not JSON", `{"choices":[{"delta":{"reasoning":"x"`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, ok := reasoningJSON([]byte(tc.in))
			if tc.want == "" {
				if ok {
					t.Fatalf("changed to %s", out)
				}
				return
			}
			if !ok || string(out) != tc.want {
				t.Fatalf("got %s (%v), want %s", out, ok, tc.want)
			}
		})
	}
}

// oneByteReader returns its data a byte at a time, then err.
type oneByteReader struct {
	data string
	err  error
}

func (r *oneByteReader) Read(p []byte) (int, error) {
	if r.data == "" {
		return 0, r.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	p[0] = r.data[0]
	r.data = r.data[1:]
	return 1, nil
}

// readAllSmall reads r with a small buffer, as a line reader may.
func readAllSmall(r io.Reader) (string, error) {
	var out bytes.Buffer
	buf := make([]byte, 3)
	for {
		n, err := r.Read(buf)
		out.Write(buf[:n])
		if err != nil {
			return out.String(), err
		}
	}
}

func TestSSEBodyRewritesWholeLinesOnly(t *testing.T) {
	const (
		plain = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Grü\"}}]}\n\n"
		in    = "data:{\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"ü\"}}]}\r\n\r\n"
		out   = "data: {\"choices\":[{\"delta\":{\"reasoning\":\"ü\",\"reasoning_content\":\"ü\"},\"index\":0}]}\r\n\r\n"
		cut   = "data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"\xc3"
	)
	cases := []struct {
		name, body, want string
		err              error
	}{
		{"clean", ": keep-alive\n\n" + plain + in + "data: [DONE]\n\n", ": keep-alive\n\n" + plain + out + "data: [DONE]\n\n", io.EOF},
		{"cut mid-line", plain + in + cut, plain + out + cut, io.ErrUnexpectedEOF},
		{"cut after a whole line without newline", plain + `data: {"choices":[{"delta":{"reasoning":"x"}}]}`,
			plain + `data: {"choices":[{"delta":{"reasoning":"x"}}]}`, io.ErrUnexpectedEOF},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, small := range []bool{false, true} {
				var r io.Reader = &providertest.FailingReader{Data: tc.body, Err: tc.err}
				if small {
					r = &oneByteReader{data: tc.body, err: tc.err}
				}
				b := &sseBody{rc: io.NopCloser(r), br: bufio.NewReader(r)}
				got, err := readAllSmall(b)
				if got != tc.want {
					t.Errorf("body:\n%q\nwant\n%q", got, tc.want)
				}
				if !errors.Is(err, tc.err) {
					t.Errorf("err = %v, want %v", err, tc.err)
				}
			}
		})
	}
}

func TestWholeBody(t *testing.T) {
	in := `{"choices":[{"message":{"role":"assistant","content":"A","reasoning":"R"}}]}`
	b := &wholeBody{rc: io.NopCloser(strings.NewReader(in))}
	var resp struct {
		Choices []struct {
			Message struct {
				ReasoningContent string `json:"reasoning_content"`
			} `json:"message"`
		} `json:"choices"`
	}
	if err := json.NewDecoder(b).Decode(&resp); err != nil || resp.Choices[0].Message.ReasoningContent != "R" {
		t.Fatalf("decoded %+v, %v", resp, err)
	}
	// A cut body reads as it was, error included.
	cut := in[:20]
	b = &wholeBody{rc: io.NopCloser(&providertest.FailingReader{Data: cut, Err: io.ErrUnexpectedEOF})}
	got, err := readAllSmall(b)
	if got != cut || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestReasoningBodyOnlyForChat(t *testing.T) {
	mk := func(method, path, accept string, status int) (*http.Request, *http.Response) {
		req, _ := http.NewRequest(method, "http://h/v1"+path, nil)
		req.Header.Set("Accept", accept)
		return req, &http.Response{StatusCode: status, Body: io.NopCloser(strings.NewReader("{}"))}
	}
	req, resp := mk("POST", "/chat/completions", "text/event-stream", 200)
	if reasoningBody(req, resp); func() bool { _, ok := resp.Body.(*sseBody); return !ok }() {
		t.Error("stream body not wrapped")
	}
	req, resp = mk("POST", "/chat/completions", "application/json", 200)
	if reasoningBody(req, resp); func() bool { _, ok := resp.Body.(*wholeBody); return !ok }() {
		t.Error("whole body not wrapped")
	}
	for _, c := range []struct {
		method, path string
		status       int
	}{{"GET", "/models", 200}, {"POST", "/chat/completions", 400}, {"POST", "/chat/completions", 500}} {
		req, resp = mk(c.method, c.path, "application/json", c.status)
		orig := resp.Body
		if reasoningBody(req, resp); resp.Body != orig {
			t.Errorf("%s %s %d wrapped", c.method, c.path, c.status)
		}
	}
}

// TestBlockEchoDropsOnlyTheEchoedBlock feeds a continuation's content in
// pieces of every size: an echo of the prefill's <think> block is dropped,
// and content that is no echo passes whole, a new paragraph included.
func TestBlockEchoDropsOnlyTheEchoedBlock(t *testing.T) {
	withText := provider.Request{Prefill: provider.PrefillImplicit, Messages: []provider.Message{
		{Role: "user", Content: "hi"}, {Role: "assistant", Thinking: "Greet.", Content: "Hel"}}}
	thinkingOnly := provider.Request{Prefill: provider.PrefillImplicit, Messages: []provider.Message{
		{Role: "user", Content: "hi"}, {Role: "assistant", Thinking: "Greet "}}}
	cases := []struct {
		name    string
		req     provider.Request
		content string
		want    string
	}{
		{"text: the echo", withText, "<think>\nGreet.\n</think>\n\nHello!", "Hello!"},
		{"text: no echo", withText, "lo!", "lo!"},
		{"text: a new paragraph, no echo", withText, "\n\nMore.", "\n\nMore."},
		{"text: a tag that is no echo", withText, "<think>\nOther.\n</think>\n\nHi", "<think>\nOther.\n</think>\n\nHi"},
		{"thinking: the echo", thinkingOnly, "<think>\nGreet the user.</think>Hi", "the user.</think>Hi"},
		{"thinking: the echo, trimmed by the template", thinkingOnly, "<think>\nGreetthe user.", "the user."},
		{"thinking: no echo", thinkingOnly, "the user.</think>Hi", "the user.</think>Hi"},
		{"only the start of an echo", thinkingOnly, "<think>\nGr", ""},
	}
	for _, tc := range cases {
		for size := 1; size <= len(tc.content); size++ {
			e := newBlockEcho(tc.req)
			var got strings.Builder
			for i := 0; i < len(tc.content); i += size {
				got.WriteString(e.feed(tc.content[i:min(i+size, len(tc.content))]))
			}
			got.WriteString(e.end())
			if got.String() != tc.want {
				t.Fatalf("%s, pieces of %d: %q, want %q", tc.name, size, got.String(), tc.want)
			}
		}
	}
	if newBlockEcho(provider.Request{Prefill: provider.PrefillImplicit, Messages: []provider.Message{{Role: "assistant", Content: "x"}}}) != nil {
		t.Fatal("a prefill without reasoning has a block to echo")
	}
}
