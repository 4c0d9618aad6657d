package chat

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// seamWant is what joining reply to partial must append, worked out without
// the seam: an echo of the sent text is dropped, then the longest start, in
// whole characters, that repeats the white space held back; a reply that is
// only the start of an echo adds nothing.
func seamWant(partial, reply string) string {
	sent := strings.TrimRightFunc(partial, unicode.IsSpace)
	held := partial[len(sent):]
	rest := reply
	if sent != "" {
		switch {
		case strings.HasPrefix(rest, sent):
			rest = rest[len(sent):]
		case strings.HasPrefix(sent, rest):
			return ""
		}
	}
	for rest != "" && held != "" {
		r, n := utf8.DecodeRuneInString(rest)
		h, m := utf8.DecodeRuneInString(held)
		if r != h || n != m {
			break
		}
		rest, held = rest[n:], held[m:]
	}
	return rest
}

// cutPieces cuts s into pieces of 1 to 16 bytes chosen by cuts; with whole
// set, it never cuts inside a character.
func cutPieces(s string, cuts uint64, whole bool) []string {
	var pieces []string
	for x := cuts; s != ""; x = x*6364136223846793005 + 1442695040888963407 {
		n := min(int(x>>60)+1, len(s))
		for whole && n < len(s) && !utf8.RuneStart(s[n]) {
			n++
		}
		pieces = append(pieces, s[:n])
		s = s[n:]
	}
	return pieces
}

// FuzzSeam joins fuzzed continuations to fuzzed partial answers: fed in any
// pieces the seam gives what it gives for the whole reply at once, in whole
// characters, and drops exactly an echo and repeated white space.
func FuzzSeam(f *testing.F) {
	for _, s := range [][2]string{
		{"The answer is exam", "ple."},
		{"The answer is exam", "The answer is example."},
		{"Hello ", " world"},
		{"Hello ", "Hello  world"},
		{"One.\n\n", "\nTwo."},
		{"Grüße aus Tōk", "yō ✓"},
		{"x\u3000", "\u3001y"},
		{"x\u3000\u00a0", "\u3000\u00a0\u2003z"},
		{"\n", "\nHi"},
		{"", "anything"},
		{"Half an answ", ""},
		{"日本", "日"},
	} {
		f.Add(s[0], s[1], uint64(0x9e3779b97f4a7c15))
	}
	f.Fuzz(func(t *testing.T, partial, reply string, cuts uint64) {
		// Both are text a model and the database hand over: whole characters.
		partial = strings.ToValidUTF8(partial, "\uFFFD")
		reply = strings.ToValidUTF8(reply, "\uFFFD")

		_, sent := newSeam(partial)
		if sent != strings.TrimRightFunc(partial, unicode.IsSpace) {
			t.Fatalf("sent %q for partial %q", sent, partial)
		}
		// The reply as is, and the reply of a server that echoes the prefill.
		for _, reply := range []string{reply, sent + reply} {
			whole, _ := newSeam(partial)
			out := whole.join(reply)
			if want := seamWant(partial, reply); out != want {
				t.Fatalf("partial %q, reply %q: appended %q, want %q", partial, reply, out, want)
			}
			if !utf8.ValidString(out) {
				t.Fatalf("partial %q, reply %q: appended invalid UTF-8 %q", partial, reply, out)
			}
			if sent != "" && strings.HasPrefix(reply, sent) && partial == sent {
				// Nothing held back: the echo, and only it, is dropped.
				if out != reply[len(sent):] {
					t.Fatalf("partial %q, echoed reply %q: appended %q", partial, reply, out)
				}
			}
			for _, wholeChars := range []bool{true, false} {
				sm, _ := newSeam(partial)
				var got strings.Builder
				for _, p := range cutPieces(reply, cuts, wholeChars) {
					piece := sm.feed(p)
					if wholeChars && !utf8.ValidString(piece) {
						t.Fatalf("partial %q, reply %q: piece %q gave invalid UTF-8 %q", partial, reply, p, piece)
					}
					got.WriteString(piece)
				}
				got.WriteString(sm.end())
				if got.String() != out {
					t.Fatalf("partial %q, reply %q in pieces %q: appended %q, at once %q",
						partial, reply, cutPieces(reply, cuts, wholeChars), got.String(), out)
				}
				if sm.end() != "" || sm.feed("") != "" {
					t.Fatalf("the seam gives more after its end")
				}
			}
		}
	})
}
