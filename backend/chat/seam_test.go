package chat

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSeamJoinsAContinuationExactly(t *testing.T) {
	tests := []struct {
		name, partial, reply, want string
	}{
		{"cut inside a word", "The answer is exam", "ple.", "The answer is example."},
		{"the server echoes the partial", "The answer is exam", "The answer is example.", "The answer is example."},
		{"a trailing space the template strips", "Hello ", " world", "Hello world"},
		{"a trailing space the model does not repeat", "Hello ", "world", "Hello world"},
		{"paragraph break kept exactly", "One.\n\n", "\n\nTwo.", "One.\n\nTwo."},
		{"part of the break repeated", "One.\n\n", "\nTwo.", "One.\n\nTwo."},
		{"echo with the white space", "Hello ", "Hello world", "Hello world"},
		{"echo of the whole partial", "Hello ", "Hello  world", "Hello  world"},
		{"multi-byte characters at the cut", "Grüße aus Tōk", "yō ✓", "Grüße aus Tōkyō ✓"},
		{"inside a code fence", "```go\nfmt.Pri", "ntln(1)\n```\n", "```go\nfmt.Println(1)\n```\n"},
		{"inside math", "Area $A = \\pi r", "^2$.", "Area $A = \\pi r^2$."},
		{"an empty reply", "Half an answ", "", "Half an answ"},
		{"white space only partial", "\n", "\nHi", "\nHi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sm, sent := newSeam(tt.partial)
			if !strings.HasPrefix(tt.partial, sent) || strings.TrimSpace(tt.partial[len(sent):]) != "" {
				t.Fatalf("sent %q is not the partial without its trailing white space", sent)
			}
			if got := tt.partial + sm.join(tt.reply); got != tt.want {
				t.Fatalf("joined %q, want %q", got, tt.want)
			}
			// Streamed in pieces cut at every character, the join is the same.
			for cut := 0; cut <= len(tt.reply); cut++ {
				if cut < len(tt.reply) && !utf8.RuneStart(tt.reply[cut]) {
					continue // pieces arrive as whole characters
				}
				sm, _ := newSeam(tt.partial)
				got := tt.partial + sm.feed(tt.reply[:cut]) + sm.feed(tt.reply[cut:]) + sm.end()
				if got != tt.want {
					t.Fatalf("cut at %d: joined %q, want %q", cut, got, tt.want)
				}
			}
		})
	}
}

func TestSeamFedOneByteAtATimeNeverSplitsACharacter(t *testing.T) {
	sm, _ := newSeam("Grüße ")
	reply := "Grüße — ünïcödé ✓"
	var out strings.Builder
	for _, r := range reply {
		piece := string(r)
		got := sm.feed(piece)
		if !utf8.ValidString(got) {
			t.Fatalf("feed gave invalid UTF-8 %q", got)
		}
		out.WriteString(got)
	}
	out.WriteString(sm.end())
	if want := "— ünïcödé ✓"; out.String() != want {
		t.Fatalf("got %q, want %q", out.String(), want)
	}
}
