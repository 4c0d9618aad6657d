package providertest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// post sends body to url and reads the whole response body, returning what
// arrived and the read error.
func post(t *testing.T, url, body string) (*http.Response, []byte, error) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func ndjsonLines(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n")) {
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

func TestOllamaWire(t *testing.T) {
	s := NewOllama(Script{Answer: "abcdef", Tokens: []string{"ab", "cd", "ef"}, PromptTokens: 4})
	defer s.Close()
	resp, b, err := post(t, s.URL+"/api/chat", `{"model":"m","messages":[]}`)
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/x-ndjson" {
		t.Fatalf("status %d, type %q, err %v", resp.StatusCode, resp.Header.Get("Content-Type"), err)
	}
	lines := ndjsonLines(t, b)
	if len(lines) != 4 {
		t.Fatalf("got %d lines, want 3 tokens and done: %s", len(lines), b)
	}
	for i, want := range []string{"ab", "cd", "ef", ""} {
		msg := lines[i]["message"].(map[string]any)
		if msg["content"] != want || msg["role"] != "assistant" || lines[i]["model"] != "m" || lines[i]["done"] != (i == 3) {
			t.Errorf("line %d = %v", i, lines[i])
		}
	}
	last := lines[3]
	if last["done_reason"] != "stop" || last["prompt_eval_count"] != 4.0 || last["eval_count"] != 3.0 || last["eval_duration"] == nil {
		t.Errorf("done line = %v", last)
	}

	// stream:false is one object without a trailing newline.
	_, b, err = post(t, s.URL+"/api/chat", `{"model":"m","messages":[],"stream":false}`)
	var whole map[string]any
	if err != nil || json.Unmarshal(b, &whole) != nil || whole["done"] != true || bytes.HasSuffix(b, []byte("\n")) {
		t.Fatalf("non-streaming body %q, err %v", b, err)
	}
	if whole["message"].(map[string]any)["content"] != "abcdef" {
		t.Errorf("non-streaming content = %v", whole["message"])
	}

	if got := s.ChatRequests(true); len(got) != 1 || got[0].Body["model"] != "m" {
		t.Errorf("streaming requests = %+v (a missing stream field means streaming)", got)
	}
	if got := s.ChatRequests(false); len(got) != 1 {
		t.Errorf("non-streaming requests = %d, want 1", len(got))
	}

	for _, path := range []string{"/api/tags", "/api/version"} {
		r, err := http.Get(s.URL + path)
		if err != nil || r.StatusCode != 200 {
			t.Fatalf("GET %s: %v", path, err)
		}
		r.Body.Close()
	}
}

func TestOpenAIWire(t *testing.T) {
	s := NewOpenAI(Script{Tokens: []string{"ab", "cd"}})
	defer s.Close()
	resp, b, err := post(t, s.URL+"/v1/chat/completions", `{"model":"m","messages":[],"stream":true,"stream_options":{"include_usage":true}}`)
	if err != nil || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("type %q, err %v", resp.Header.Get("Content-Type"), err)
	}
	events := strings.Split(string(b), "\n\n")
	// role, 2 tokens, finish, usage, [DONE], and the empty rest after the last separator.
	if len(events) != 7 || events[5] != "data: [DONE]" || events[6] != "" {
		t.Fatalf("events = %q", events)
	}
	var chunks []map[string]any
	for _, e := range events[:5] {
		var m map[string]any
		if !strings.HasPrefix(e, "data: ") || json.Unmarshal([]byte(strings.TrimPrefix(e, "data: ")), &m) != nil || m["object"] != "chat.completion.chunk" {
			t.Fatalf("event %q", e)
		}
		chunks = append(chunks, m)
	}
	delta := func(i int) map[string]any {
		return chunks[i]["choices"].([]any)[0].(map[string]any)["delta"].(map[string]any)
	}
	if delta(0)["role"] != "assistant" || delta(1)["content"] != "ab" || delta(2)["content"] != "cd" {
		t.Errorf("deltas: %v %v %v", delta(0), delta(1), delta(2))
	}
	if chunks[3]["choices"].([]any)[0].(map[string]any)["finish_reason"] != "stop" {
		t.Errorf("finish chunk = %v", chunks[3])
	}
	if len(chunks[4]["choices"].([]any)) != 0 || chunks[4]["usage"].(map[string]any)["completion_tokens"] != 2.0 {
		t.Errorf("usage chunk = %v", chunks[4])
	}

	_, b, err = post(t, s.URL+"/v1/chat/completions", `{"model":"m","messages":[]}`)
	var whole struct {
		Object  string
		Choices []struct {
			Message      struct{ Content string }
			FinishReason string `json:"finish_reason"`
		}
		Usage struct {
			PromptTokens int `json:"prompt_tokens"`
		}
	}
	if err != nil || json.Unmarshal(b, &whole) != nil || whole.Object != "chat.completion" || whole.Choices[0].Message.Content != "abcd" ||
		whole.Choices[0].FinishReason != "stop" || whole.Usage.PromptTokens != 10 {
		t.Fatalf("non-streaming body %s, err %v", b, err)
	}
}

// TestFaultsOnTheWire checks what a plain HTTP client sees for each body fault.
func TestFaultsOnTheWire(t *testing.T) {
	toks := []string{"ab", "cé", "ü!"}
	cases := []struct {
		fault    Fault
		k        int
		cleanEnd bool
		check    func(t *testing.T, b []byte)
	}{
		{DropBetweenLines, 1, false, func(t *testing.T, b []byte) {
			if !bytes.HasSuffix(b, []byte("\n")) {
				t.Errorf("body does not end at a line: %q", b)
			}
		}},
		{DropMidLine, 1, false, func(t *testing.T, b []byte) {
			if bytes.HasSuffix(b, []byte("\n")) {
				t.Errorf("body ends at a line: %q", b)
			}
		}},
		{DropInsideRune, 1, false, func(t *testing.T, b []byte) {
			if utf8.Valid(b) || !utf8.Valid(b[:len(b)-1]) {
				t.Errorf("body does not end inside a character: %q", b)
			}
		}},
		{CleanEndNoMarker, 2, true, func(t *testing.T, b []byte) {
			if bytes.Contains(b, []byte(`"done":true`)) || bytes.Contains(b, []byte("finish_reason\":\"")) || bytes.Contains(b, []byte("[DONE]")) {
				t.Errorf("end marker sent: %q", b)
			}
		}},
		{ErrorLater, 1, true, func(t *testing.T, b []byte) {
			if !bytes.Contains(b, []byte(`"error":`)) {
				t.Errorf("no error object: %q", b)
			}
		}},
	}
	for _, p := range []struct {
		name string
		new  func(Script) *Server
		path string
	}{{"ollama", NewOllama, "/api/chat"}, {"openai", NewOpenAI, "/v1/chat/completions"}} {
		s := p.new(Script{})
		defer s.Close()
		for _, tc := range cases {
			t.Run(p.name+"/"+tc.fault.String(), func(t *testing.T) {
				s.SetScript(Script{Tokens: toks, Fault: tc.fault, FaultAfterTokens: tc.k})
				_, b, err := post(t, s.URL+p.path, `{"model":"m","messages":[],"stream":true}`)
				if tc.cleanEnd && err != nil {
					t.Fatalf("read error %v, want a clean end", err)
				}
				if !tc.cleanEnd && !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("read error %v, want io.ErrUnexpectedEOF", err)
				}
				tc.check(t, b)
			})
		}
	}
}

func TestCloseDoesNotHang(t *testing.T) {
	for _, fault := range []Fault{NoFirstToken, StallAfterFirstToken} {
		s := NewOpenAI(Script{Fault: fault, NonStreamFault: NoFirstToken})
		errs := make(chan error, 2)
		for _, body := range []string{`{"stream":true}`, `{"stream":false}`} {
			go func() {
				resp, err := http.Post(s.URL+"/v1/chat/completions", "application/json", strings.NewReader(body))
				if err == nil {
					_, err = io.ReadAll(resp.Body)
					resp.Body.Close()
				}
				errs <- err
			}()
		}
		deadline := time.Now().Add(5 * time.Second)
		for len(s.Requests()) < 2 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		closed := make(chan struct{})
		go func() { s.Close(); close(closed) }()
		select {
		case <-closed:
		case <-time.After(5 * time.Second):
			t.Fatalf("%v: Close hangs", fault)
		}
		for range 2 {
			if err := <-errs; err == nil {
				t.Errorf("%v: a hung request ended cleanly when the server closed", fault)
			}
		}
	}
}

func TestNonStreamFailuresResetOnSetScript(t *testing.T) {
	s := NewOllama(Script{NonStreamFailures: 1})
	defer s.Close()
	status := func() int {
		resp, _, _ := post(t, s.URL+"/api/chat", `{"model":"m","stream":false}`)
		return resp.StatusCode
	}
	if a, b := status(), status(); a != 500 || b != 200 {
		t.Fatalf("statuses %d, %d; want 500, 200", a, b)
	}
	s.SetScript(Script{NonStreamFailures: 1})
	if a := status(); a != 500 {
		t.Fatalf("after SetScript: %d, want 500", a)
	}
}

func TestDownURLRefuses(t *testing.T) {
	u := DownURL()
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(u, "http://"), 2*time.Second)
	if err == nil {
		conn.Close()
		t.Fatalf("%s accepted a connection", u)
	}
}

func TestSplitTokens(t *testing.T) {
	got := SplitTokens("aüb✓cd", 2)
	want := []string{"aü", "b✓", "cd"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("SplitTokens = %q, want %q", got, want)
	}
	if (Script{Fault: DropMidLine, FaultAfterTokens: 2, Tokens: want}).PartialText() != "aüb✓" {
		t.Error("PartialText")
	}
}

// TestDownAfterStreams: after the given streams, every chat request fails
// before any response, as on a server that stopped.
func TestDownAfterStreams(t *testing.T) {
	s := NewOllama(Script{DownAfterStreams: 1})
	defer s.Close()
	post := func(stream bool) error {
		body := fmt.Sprintf(`{"model":"m","stream":%v,"messages":[{"role":"user","content":"hi"}]}`, stream)
		resp, err := http.Post(s.URL+"/api/chat", "application/json", strings.NewReader(body))
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		return err
	}
	if err := post(true); err != nil {
		t.Fatalf("first stream: %v", err)
	}
	for _, stream := range []bool{true, false} {
		if err := post(stream); err == nil {
			t.Fatalf("a request (stream %v) after the server went down was answered", stream)
		}
	}
}
