package providertest

import (
	"strings"
	"testing"
	"time"
)

// TestGenerationDelay: with a generation pace, a non-streaming reply takes
// at least as long as generating its tokens (only the continuation's, when
// a trailing assistant message is continued), and a stream is paced by it
// when TokenDelay is unset. Only lower bounds are checked: they hold on any
// machine.
func TestGenerationDelay(t *testing.T) {
	const d = 15 * time.Millisecond
	tokens := strings.Split("a b c d e f g h i j", " ")
	for _, ep := range chatEndpoints {
		t.Run(ep.name, func(t *testing.T) {
			t.Parallel()
			s := ep.new(Script{Tokens: tokens, GenerationDelay: d})
			defer s.Close()
			for _, tc := range []struct {
				name     string
				stream   bool
				messages []any
				text     string
				least    time.Duration
			}{
				{"whole, not streaming", false, userOnly, "abcdefghij", 10 * d},
				{"continued, not streaming", false, []any{msg("user", "Say hello"), msg("assistant", "abcdef")}, "ghij", 4 * d},
				{"streaming", true, userOnly, "abcdefghij", 9 * d},
			} {
				start := time.Now()
				e := chat(t, s, ep.path, tc.stream, tc.messages, nil)
				took := time.Since(start)
				if e.status != 200 || e.text() != tc.text {
					t.Fatalf("%s: status %d, text %q, want %q", tc.name, e.status, e.text(), tc.text)
				}
				if took < tc.least {
					t.Errorf("%s took %v, less than generating its tokens: %v", tc.name, took, tc.least)
				}
			}
			reqs := s.ChatRequests(false)
			if len(reqs) != 2 || reqs[0].GeneratedTokens != 10 || reqs[1].GeneratedTokens != 4 {
				t.Fatalf("non-streaming requests %+v, want 10 and 4 tokens generated", reqs)
			}
		})
	}
}
