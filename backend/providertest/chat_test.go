package providertest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var userOnly = []any{msg("user", "Say hello")}

// checkRecorded checks the server's record of its last chat request.
func checkRecorded(t *testing.T, s *Server, n int, answer, generated string, tokens int) {
	t.Helper()
	answers := s.Answers()
	if len(answers) != n || answers[n-1] != answer {
		t.Errorf("Answers() = %q, want %d with the last %q", answers, n, answer)
	}
	reqs := s.Requests()
	last := reqs[len(reqs)-1]
	if last.N != n || last.Generated != generated || last.GeneratedTokens != tokens {
		t.Errorf("request N=%d Generated=%q GeneratedTokens=%d, want %d, %q, %d", last.N, last.Generated, last.GeneratedTokens, n, generated, tokens)
	}
}

func TestSampling(t *testing.T) {
	cases := []struct {
		name   string
		script Script
		// answer is request n's answer and tokens its tokens.
		answer func(n int) string
		tokens func(n int) []string
	}{
		{"sampling", Script{Sampling: true},
			func(n int) string { return Variant(DefaultAnswer, n) },
			func(n int) []string { return SplitTokens(Variant(DefaultAnswer, n), 3) }},
		{"sampling a Markdown answer", Script{Sampling: true, Answer: DemoAnswer},
			func(n int) string { return Variant(DemoAnswer, n) },
			func(n int) []string { return SplitTokens(Variant(DemoAnswer, n), 3) }},
		{"no sampling", Script{},
			func(int) string { return DefaultAnswer },
			func(int) []string { return SplitTokens(DefaultAnswer, 3) }},
		{"tokens set: sampling varies nothing", Script{Sampling: true, Tokens: []string{"ab", "", "cé"}},
			func(int) string { return "abcé" },
			func(int) []string { return []string{"ab", "", "cé"} }},
	}
	for _, ep := range chatEndpoints {
		for _, tc := range cases {
			t.Run(ep.name+"/"+tc.name, func(t *testing.T) {
				s := ep.new(tc.script)
				defer s.Close()
				var want []string
				for n := 1; n <= 4; n++ {
					stream := n%2 == 1
					e := chat(t, s, ep.path, stream, userOnly, nil)
					if e.status != 200 || e.readErr != nil {
						t.Fatalf("request %d: status %d, err %v", n, e.status, e.readErr)
					}
					wantPieces := tc.tokens(n)
					if !stream {
						wantPieces = []string{tc.answer(n)}
					}
					if !slices.Equal(e.pieces, wantPieces) {
						t.Errorf("request %d: pieces %q, want %q", n, e.pieces, wantPieces)
					}
					want = append(want, tc.answer(n))
					checkRecorded(t, s, n, tc.answer(n), tc.answer(n), len(tc.tokens(n)))
				}
				if tc.script.Sampling && tc.script.Tokens == nil && (want[0] == want[1] || want[1] == want[2]) {
					t.Errorf("sampled answers repeat: %q", want)
				}
				if got := s.Answers(); !slices.Equal(got, want) {
					t.Errorf("Answers() = %q, want %q", got, want)
				}
			})
		}
	}
}

// TestSamplingRecords checks what is recorded when faults cut an answer or
// keep it from being generated.
func TestSamplingRecords(t *testing.T) {
	v := func(n int) string { return Variant(DefaultAnswer, n) }
	ntoks := func(n int) int { return len(SplitTokens(v(n), 3)) }
	cases := []struct {
		name      string
		script    Script
		stream    bool
		wantText  func(n int) string // what the client receives
		answer    func(n int) string // Answers() and Generated
		tokens    func(n int) int
		status    int
		cleanRead bool
	}{
		{"stream cut after 2 tokens", Script{Sampling: true, Fault: DropBetweenLines, FaultAfterTokens: 2}, true,
			func(n int) string { return strings.Join(SplitTokens(v(n), 3)[:2], "") }, v, ntoks, 200, false},
		{"stream stopped by an error", Script{Sampling: true, Fault: ErrorFirstChunk}, true,
			func(int) string { return "" }, v, ntoks, 200, true},
		{"non-streaming body cut", Script{Sampling: true, NonStreamFault: DropMidLine}, false,
			func(int) string { return "" }, v, ntoks, 200, false},
		{"status before the answer", Script{Sampling: true, Fault: Status5xxBeforeFirst}, true,
			func(int) string { return "" }, func(int) string { return "" }, func(int) int { return 0 }, 500, true},
		{"non-streaming failure", Script{Sampling: true, NonStreamFailures: 5}, false,
			func(int) string { return "" }, func(int) string { return "" }, func(int) int { return 0 }, 500, true},
	}
	for _, ep := range chatEndpoints {
		for _, tc := range cases {
			t.Run(ep.name+"/"+tc.name, func(t *testing.T) {
				s := ep.new(tc.script)
				defer s.Close()
				for n := 1; n <= 2; n++ {
					e := chat(t, s, ep.path, tc.stream, userOnly, nil)
					if e.status != tc.status {
						t.Fatalf("status %d, want %d", e.status, tc.status)
					}
					if tc.cleanRead != (e.readErr == nil) {
						t.Errorf("read error %v, want a clean read: %v", e.readErr, tc.cleanRead)
					}
					if !tc.cleanRead && !errors.Is(e.readErr, io.ErrUnexpectedEOF) {
						t.Errorf("read error %v, want io.ErrUnexpectedEOF", e.readErr)
					}
					if e.text() != tc.wantText(n) {
						t.Errorf("received %q, want %q", e.text(), tc.wantText(n))
					}
					checkRecorded(t, s, n, tc.answer(n), tc.answer(n), tc.tokens(n))
				}
				// A later request still has its own number.
				s.SetScript(Script{Sampling: true})
				e := chat(t, s, ep.path, true, userOnly, nil)
				if e.text() != v(3) {
					t.Errorf("third request: %q, want %q", e.text(), v(3))
				}
			})
		}
	}
}

// cutBack is s from byte i, moved back to the start of the character i is in.
func cutBack(s string, i int) string {
	i = min(i, len(s))
	for i > 0 && i < len(s) && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[i:]
}

func TestPrefill(t *testing.T) {
	v1, v2 := Variant(DefaultAnswer, 1), Variant(DefaultAnswer, 2)
	p := strings.Join(SplitTokens(v1, 3)[:4], "") // ends inside the first word after "Sure! Hi! "
	const unknown = "Nothing like i"              // 14 bytes: v2's 14th byte is inside "ü"
	if utf8.RuneStart(v2[len(unknown)]) {
		t.Fatalf("%q: byte %d starts a character; the case needs one inside", v2, len(unknown))
	}
	flags := map[string]any{"continue_final_message": true, "add_generation_prompt": false}
	withAssistant := func(content any) []any { return []any{msg("user", "Say hello"), msg("assistant", content)} }

	type want struct {
		status int
		errMsg string
		reply  string // Generated and what the client receives
		answer string // Answers()[1]
	}
	cases := []struct {
		name     string
		script   Script
		messages []any
		extra    map[string]any
		want     want
	}{
		{"continue: an earlier answer's start", Script{}, withAssistant(p), nil, want{reply: v1[len(p):], answer: v1}},
		{"continue: the zero value continues", Script{Prefill: 0}, withAssistant(p), nil, want{reply: v1[len(p):], answer: v1}},
		{"continue: the whole earlier answer", Script{}, withAssistant(v1), nil, want{reply: "", answer: v1}},
		{"continue: unknown text, cut back to a character", Script{}, withAssistant(unknown), nil,
			want{reply: cutBack(v2, len(unknown)), answer: unknown + cutBack(v2, len(unknown))}},
		{"continue: empty prefill is a fresh answer", Script{}, withAssistant(""), nil, want{reply: v2, answer: v2}},
		{"continue: content as text parts", Script{}, withAssistant([]any{map[string]any{"type": "text", "text": p[:5]}, map[string]any{"type": "text", "text": p[5:]}}), nil,
			want{reply: v1[len(p):], answer: v1}},
		{"continue: trailing space kept", Script{}, withAssistant("Sure! Hi! "), nil, want{reply: v1[len("Sure! Hi! "):], answer: v1}},
		{"continue: trailing space trimmed", Script{TrimsTrailingWhitespace: true}, withAssistant("Sure! Hi! \n"), nil,
			want{reply: v1[len("Sure! Hi!"):], answer: v1}},
		{"continue: no trailing assistant", Script{}, []any{msg("assistant", p), msg("user", "Again")}, nil, want{reply: v2, answer: v2}},
		{"echo", Script{Prefill: PrefillEcho}, withAssistant(p), nil, want{reply: v1, answer: v1}},
		{"echo: trimmed", Script{Prefill: PrefillEcho, TrimsTrailingWhitespace: true}, withAssistant("Sure! Hi! "), nil,
			want{reply: "Sure! Hi! " + v1[len("Sure! Hi!"):], answer: v1}},
		{"needs flag: without it a fresh answer", Script{Prefill: PrefillNeedsFlag}, withAssistant(p), nil, want{reply: v2, answer: v2}},
		{"needs flag: with it", Script{Prefill: PrefillNeedsFlag}, withAssistant(p), flags, want{reply: v1[len(p):], answer: v1}},
		{"needs flag: with it, no trailing assistant", Script{Prefill: PrefillNeedsFlag}, userOnly, flags, want{reply: v2, answer: v2}},
		{"needs flag: add_generation_prompt missing", Script{Prefill: PrefillNeedsFlag}, withAssistant(p),
			map[string]any{"continue_final_message": true}, want{status: 400, errMsg: msgVLLMBothTrue}},
		{"needs flag: add_generation_prompt true", Script{Prefill: PrefillNeedsFlag}, withAssistant(p),
			map[string]any{"continue_final_message": true, "add_generation_prompt": true}, want{status: 400, errMsg: msgVLLMBothTrue}},
		{"refused", Script{Prefill: PrefillRefused}, withAssistant(p), nil, want{status: 400, errMsg: msgPrefillUnsupported}},
		{"refused: no trailing assistant", Script{Prefill: PrefillRefused}, userOnly, nil, want{reply: v2, answer: v2}},
		{"ignored", Script{Prefill: PrefillIgnored}, withAssistant(p), nil, want{reply: v2, answer: v2}},
	}
	for _, ep := range chatEndpoints {
		for _, tc := range cases {
			for _, stream := range []bool{true, false} {
				t.Run(ep.name+"/"+tc.name+map[bool]string{true: "/stream", false: "/complete"}[stream], func(t *testing.T) {
					sc := tc.script
					sc.Sampling = true
					s := ep.new(sc)
					defer s.Close()
					if e := chat(t, s, ep.path, true, userOnly, nil); e.text() != v1 {
						t.Fatalf("first answer %q, want %q", e.text(), v1)
					}
					e := chat(t, s, ep.path, stream, tc.messages, tc.extra)
					w := tc.want
					if w.status == 0 {
						w.status = 200
					}
					if e.status != w.status || e.errMsg != w.errMsg || e.readErr != nil {
						t.Fatalf("status %d, error %q, read error %v; want %d, %q", e.status, e.errMsg, e.readErr, w.status, w.errMsg)
					}
					if e.text() != w.reply {
						t.Errorf("reply %q, want %q", e.text(), w.reply)
					}
					if !utf8.ValidString(e.text()) {
						t.Errorf("reply %q is not UTF-8", e.text())
					}
					if stream && !slices.Equal(e.pieces, SplitTokens(w.reply, 3)) {
						t.Errorf("pieces %q, want %q", e.pieces, SplitTokens(w.reply, 3))
					}
					checkRecorded(t, s, 2, w.answer, w.reply, len(SplitTokens(w.reply, 3)))
				})
			}
		}
	}
}

// TestPrefillEchoRepeatsTheContentAsSent: a server that echoes the prefill
// repeats the continued message's content exactly as it came, a <think>
// block that carries the reasoning included, before the continuation.
func TestPrefillEchoRepeatsTheContentAsSent(t *testing.T) {
	v1 := Variant(DefaultAnswer, 1)
	p := strings.Join(SplitTokens(v1, 3)[:4], "")
	const block = "<think>\nGreet.\n</think>\n\n"
	sent := []any{msg("user", "Say hello"), msg("assistant", block+p)}
	for _, ep := range chatEndpoints {
		for _, stream := range []bool{true, false} {
			t.Run(ep.name+map[bool]string{true: "/stream", false: "/complete"}[stream], func(t *testing.T) {
				s := ep.new(Script{Prefill: PrefillEcho, Sampling: true})
				defer s.Close()
				chat(t, s, ep.path, true, userOnly, nil)
				e := chat(t, s, ep.path, stream, sent, nil)
				if e.status != 200 || e.readErr != nil {
					t.Fatalf("status %d, read error %v", e.status, e.readErr)
				}
				if e.text() != block+v1 {
					t.Fatalf("reply %q, want %q", e.text(), block+v1)
				}
				// The block is a repeat, like reasoning: the answer is the text alone.
				checkRecorded(t, s, 2, v1, v1, len(SplitTokens(v1, 3)))
			})
		}
	}
}

// TestPrefillAcrossBreaks continues an answer twice, each time after a
// stream cut short, as a client recovering a broken stream does.
func TestPrefillAcrossBreaks(t *testing.T) {
	for _, ep := range chatEndpoints {
		t.Run(ep.name, func(t *testing.T) {
			s := ep.new(Script{Sampling: true, Fault: DropInsideRune, FaultAfterTokens: 2})
			defer s.Close()
			v1 := Variant(DefaultAnswer, 1)
			got := chat(t, s, ep.path, true, userOnly, nil).text()
			for n := 2; n <= 3; n++ {
				e := chat(t, s, ep.path, true, []any{msg("user", "Say hello"), msg("assistant", got)}, nil)
				if !errors.Is(e.readErr, io.ErrUnexpectedEOF) {
					t.Fatalf("request %d: read error %v, want a drop", n, e.readErr)
				}
				cont := v1[len(got):]
				if want := strings.Join(SplitTokens(cont, 3)[:2], ""); e.text() != want {
					t.Fatalf("request %d: received %q, want %q", n, e.text(), want)
				}
				checkRecorded(t, s, n, v1, cont, len(SplitTokens(cont, 3)))
				got += e.text()
			}
			s.SetScript(Script{Sampling: true})
			e := chat(t, s, ep.path, false, []any{msg("user", "Say hello"), msg("assistant", got)}, nil)
			if got+e.text() != v1 {
				t.Errorf("recovered %q + %q, want %q", got, e.text(), v1)
			}
		})
	}
}

// TestPrefillTokens checks the tokens of a continuation when Script.Tokens is set.
func TestPrefillTokens(t *testing.T) {
	cases := []struct {
		prefill string
		want    []string
	}{
		{"ab", []string{"cd", "ef"}},  // at a token boundary: the rest of the tokens
		{"abcdef", nil},               // nothing left
		{"a", []string{"bcd", "ef"}},  // inside a token: split afresh
		{"xyz", []string{"def"}},      // unknown: the rest after 3 bytes
		{"ab ", []string{"cd", "ef"}}, // trimmed
	}
	s := NewOllama(Script{Tokens: []string{"ab", "cd", "ef"}, TrimsTrailingWhitespace: true})
	defer s.Close()
	for _, tc := range cases {
		e := chat(t, s, "/api/chat", true, []any{msg("assistant", tc.prefill)}, nil)
		if !slices.Equal(e.pieces, tc.want) {
			t.Errorf("prefill %q: pieces %q, want %q", tc.prefill, e.pieces, tc.want)
		}
	}
}

func TestPeakConcurrentChats(t *testing.T) {
	t.Run("sequential", func(t *testing.T) {
		for _, ep := range chatEndpoints {
			s := ep.new(Script{})
			for _, stream := range []bool{true, false, true, false} {
				chat(t, s, ep.path, stream, userOnly, nil)
			}
			s.SetScript(Script{Fault: Status5xxBeforeFirst})
			chat(t, s, ep.path, true, userOnly, nil)
			if got := s.PeakConcurrentChats(); got != 1 {
				t.Errorf("%s: PeakConcurrentChats() = %d after sequential requests, want 1", ep.name, got)
			}
			s.Close()
		}
	})
	t.Run("overlapping", func(t *testing.T) {
		s := NewOllama(Script{Fault: NoFirstToken, NonStreamFault: NoFirstToken})
		defer s.Close()
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		bodies := []struct{ path, body string }{
			{"/api/chat", `{"model":"m"}`},
			{"/api/chat", `{"model":"m","stream":false}`},
			{"/v1/chat/completions", `{"model":"m","stream":true}`},
		}
		for _, b := range bodies {
			go func() {
				defer func() { done <- struct{}{} }()
				req, _ := http.NewRequestWithContext(ctx, "POST", s.URL+b.path, strings.NewReader(b.body))
				if resp, err := http.DefaultClient.Do(req); err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}()
		}
		deadline := time.Now().Add(5 * time.Second)
		for len(s.Answers()) < len(bodies) && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		getJSON(t, s.URL+"/api/tags") // not a chat
		if got := s.PeakConcurrentChats(); got != len(bodies) {
			t.Errorf("PeakConcurrentChats() = %d with %d hanging, want %d", got, len(bodies), len(bodies))
		}
		cancel()
		for range bodies {
			<-done
		}
		// The hung requests end when their clients go away; wait for that.
		for time.Now().Before(deadline) {
			s.mu.Lock()
			now := s.chatsNow
			s.mu.Unlock()
			if now == 0 {
				break
			}
			time.Sleep(time.Millisecond)
		}
		s.SetScript(Script{})
		chat(t, s, "/api/chat", true, userOnly, nil)
		if got := s.PeakConcurrentChats(); got != len(bodies) {
			t.Errorf("PeakConcurrentChats() = %d later, want still %d", got, len(bodies))
		}
		s.mu.Lock()
		now := s.chatsNow
		s.mu.Unlock()
		if now != 0 {
			t.Errorf("%d chats still counted after every response ended", now)
		}
	})
}
