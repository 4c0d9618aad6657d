package providertest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

const keepAliveEvent = ": keep-alive"

// isRoleChunk reports whether an SSE event is a role-only chunk.
func isRoleChunk(event string) bool {
	d := sseDeltas([]byte(event + "\n\n"))
	return len(d) == 1 && d[0]["role"] == "assistant" && d[0]["content"] == ""
}

// isTextChunk reports whether an SSE event carries answer text.
func isTextChunk(event string) bool {
	d := sseDeltas([]byte(event + "\n\n"))
	return len(d) == 1 && d[0]["role"] == nil && d[0]["content"] != nil
}

// signsAround counts the keep-alives and role chunks of a stream's events
// before its first text chunk, between its text chunks, and after its last.
type signsAround struct {
	keepAlives, roles [3]int // before, between, after
}

func countSigns(events []string) signsAround {
	var c signsAround
	texts := 0
	for _, e := range events {
		if isTextChunk(e) {
			texts++
		}
	}
	seen := 0
	for _, e := range events {
		at := 1
		switch {
		case seen == 0:
			at = 0
		case seen == texts:
			at = 2
		}
		switch {
		case isTextChunk(e):
			seen++
		case e == keepAliveEvent:
			c.keepAlives[at]++
		case isRoleChunk(e):
			c.roles[at]++
		}
	}
	return c
}

func TestLifeSignsOpenAI(t *testing.T) {
	toks := []string{"ab", "cd"}
	cases := []struct {
		name   string
		script Script
		// min and max bound the counts of keep-alives and role chunks
		// before the first token, between tokens and after the last. The
		// minimums are 1 (2 for role chunks: more than the usual one), not
		// what the delays would give on an idle machine: a loaded one
		// fires fewer ticks, and what matters is where the signs go.
		minKeep, maxKeep, minRole, maxRole [3]int
	}{
		{"none by default", Script{FirstTokenDelay: 60 * time.Millisecond, TokenDelay: 60 * time.Millisecond},
			[3]int{}, [3]int{}, [3]int{1, 0, 0}, [3]int{1, 0, 0}},
		{"keep-alives before the first token", Script{FirstTokenDelay: 150 * time.Millisecond, KeepAliveEvery: 25 * time.Millisecond},
			[3]int{1, 0, 0}, [3]int{6, 0, 0}, [3]int{1, 0, 0}, [3]int{1, 0, 0}},
		{"keep-alives between tokens", Script{TokenDelay: 150 * time.Millisecond, KeepAliveEvery: 25 * time.Millisecond},
			[3]int{0, 1, 0}, [3]int{0, 6, 0}, [3]int{1, 0, 0}, [3]int{1, 0, 0}},
		{"role chunks before the first token only", Script{FirstTokenDelay: 150 * time.Millisecond, TokenDelay: 100 * time.Millisecond, RoleChunksEvery: 25 * time.Millisecond},
			[3]int{}, [3]int{}, [3]int{2, 0, 0}, [3]int{7, 0, 0}},
		{"both", Script{FirstTokenDelay: 150 * time.Millisecond, TokenDelay: 100 * time.Millisecond, RoleChunksEvery: 25 * time.Millisecond, KeepAliveEvery: 25 * time.Millisecond},
			[3]int{1, 1, 0}, [3]int{6, 4, 0}, [3]int{2, 0, 0}, [3]int{7, 0, 0}},
	}
	for _, tc := range cases {
		for _, ep := range chatEndpoints[1:] { // the OpenAI API, of Ollama and of OpenAI
			t.Run(ep.name+"/"+tc.name, func(t *testing.T) {
				sc := tc.script
				sc.Tokens = toks
				s := ep.new(sc)
				defer s.Close()
				e := chat(t, s, ep.path, true, userOnly, nil)
				if e.readErr != nil || e.text() != "abcd" {
					t.Fatalf("text %q, err %v", e.text(), e.readErr)
				}
				if bytes.Count(e.raw, []byte(keepAliveEvent)) != bytes.Count(e.raw, []byte(keepAliveEvent+"\n\n")) {
					t.Errorf("a keep-alive is not a whole event: %q", e.raw)
				}
				c := countSigns(sseEvents(e.raw))
				for i := range 3 {
					if c.keepAlives[i] < tc.minKeep[i] || c.keepAlives[i] > tc.maxKeep[i] || c.roles[i] < tc.minRole[i] || c.roles[i] > tc.maxRole[i] {
						t.Fatalf("keep-alives %v, role chunks %v (before, between, after the tokens); want keep-alives in %v..%v, role chunks in %v..%v",
							c.keepAlives, c.roles, tc.minKeep, tc.maxKeep, tc.minRole, tc.maxRole)
					}
				}
				// A non-streaming answer is plain JSON, whatever the signs.
				e = chat(t, s, ep.path, false, userOnly, nil)
				if e.readErr != nil || e.text() != "abcd" || bytes.Contains(e.raw, []byte(keepAliveEvent)) {
					t.Errorf("non-streaming body %q, err %v", e.raw, e.readErr)
				}
			})
		}
	}
}

// TestLifeSignsWhileHanging reads a hanging stream until enough signs of
// life have come, then goes away.
func TestLifeSignsWhileHanging(t *testing.T) {
	cases := []struct {
		name            string
		script          Script
		wantKeep        int // keep-alives to wait for
		wantRole        int // role chunks to wait for, the first included
		wantText        string
		roleAfterTokens bool // whether role chunks may follow text
	}{
		{"no first token", Script{Fault: NoFirstToken, KeepAliveEvery: 10 * time.Millisecond, RoleChunksEvery: 10 * time.Millisecond}, 3, 4, "", false},
		{"stall after the first token", Script{Fault: StallAfterFirstToken, FaultAfterTokens: 1, KeepAliveEvery: 10 * time.Millisecond, RoleChunksEvery: 10 * time.Millisecond}, 3, 1, "ab", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sc := tc.script
			sc.Tokens = []string{"ab", "cd"}
			s := NewOpenAI(sc)
			defer s.Close()
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, "POST", s.URL+"/v1/chat/completions", strings.NewReader(`{"model":"m","stream":true}`))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			br := bufio.NewReader(resp.Body)
			keep, role := 0, 0
			var text strings.Builder
			for keep < tc.wantKeep || role < tc.wantRole {
				event, err := readEvent(br)
				if err != nil {
					t.Fatalf("after %d keep-alives and %d role chunks, text %q: %v", keep, role, text.String(), err)
				}
				switch {
				case event == keepAliveEvent:
					keep++
				case isRoleChunk(event):
					if text.Len() > 0 {
						t.Fatalf("a role chunk after text: %q", event)
					}
					role++
				case isTextChunk(event):
					d := sseDeltas([]byte(event + "\n\n"))
					text.WriteString(d[0]["content"].(string))
				default:
					t.Fatalf("unexpected event %q", event)
				}
			}
			if text.String() != tc.wantText {
				t.Errorf("text %q, want %q", text.String(), tc.wantText)
			}
		})
	}
}

// readEvent reads one SSE event, without its ending blank line.
func readEvent(br *bufio.Reader) (string, error) {
	var b strings.Builder
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return "", err
		}
		if line == "\n" {
			return strings.TrimSuffix(b.String(), "\n"), nil
		}
		b.WriteString(line)
	}
}

// TestLifeSignsOllama checks that Ollama's NDJSON carries no signs of life:
// it has no comments, and Ollama sends nothing while it waits.
func TestLifeSignsOllama(t *testing.T) {
	s := NewOllama(Script{Tokens: []string{"ab", "cd"}, FirstTokenDelay: 60 * time.Millisecond, TokenDelay: 30 * time.Millisecond,
		KeepAliveEvery: 5 * time.Millisecond, RoleChunksEvery: 5 * time.Millisecond})
	defer s.Close()
	e := chat(t, s, "/api/chat", true, userOnly, nil)
	lines := strings.Split(strings.TrimSuffix(string(e.raw), "\n"), "\n")
	if e.readErr != nil || len(lines) != 3 || e.text() != "abcd" {
		t.Fatalf("body %q, err %v; want 2 token lines and the done line", e.raw, e.readErr)
	}
	for _, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Errorf("line %q is not JSON", l)
		}
	}
}
