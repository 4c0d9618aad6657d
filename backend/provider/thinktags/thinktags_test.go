package thinktags

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// reference splits content all at once, straight from the rules in the
// Splitter's documentation, with no streaming in it.
func reference(content string) (text, reasoning string) {
	rest := strings.TrimLeft(content, space)
	for _, t := range tags {
		inner, ok := strings.CutPrefix(rest, t.open)
		if !ok {
			continue
		}
		r, after, closed := strings.Cut(inner, t.close)
		if !closed {
			return "", strings.Trim(inner, space)
		}
		return strings.TrimLeft(after, space), strings.Trim(r, space)
	}
	return content, ""
}

// feed runs pieces through a new Splitter, checking that no output ends
// inside a character when the input is valid UTF-8.
func feed(t testing.TB, pieces []string) (text, reasoning string) {
	t.Helper()
	var s Splitter
	var tb, rb strings.Builder
	valid := utf8.ValidString(strings.Join(pieces, ""))
	out := func(tx, r string) {
		if valid && (!utf8.ValidString(tx) || !utf8.ValidString(r)) {
			t.Fatalf("pieces %q: output not valid UTF-8: text %q, reasoning %q", pieces, tx, r)
		}
		tb.WriteString(tx)
		rb.WriteString(r)
	}
	for _, p := range pieces {
		out(s.Feed(p))
	}
	out(s.End())
	return tb.String(), rb.String()
}

// checkEveryCut splits content at every byte offset, into two pieces and
// into three around each offset, and into single bytes, and checks that
// each way gives the unsplit result, which must be the reference's.
func checkEveryCut(t testing.TB, content string) {
	t.Helper()
	wantText, wantReasoning := reference(content)
	check := func(pieces []string) {
		t.Helper()
		text, reasoning := feed(t, pieces)
		if text != wantText || reasoning != wantReasoning {
			t.Fatalf("pieces %q:\ngot  text %q reasoning %q\nwant text %q reasoning %q", pieces, text, reasoning, wantText, wantReasoning)
		}
	}
	check([]string{content})
	check([]string{"", content, ""})
	for i := 0; i <= len(content); i++ {
		check([]string{content[:i], content[i:]})
		j := min(i+(i%5)+1, len(content))
		check([]string{content[:i], content[i:j], content[j:]})
	}
	bytes := make([]string, len(content))
	for i := range len(content) {
		bytes[i] = content[i : i+1]
	}
	check(bytes)
}

func TestSplitter(t *testing.T) {
	cases := []struct {
		name, in, text, reasoning string
	}{
		{"plain text", "Hello, wörld ✓", "Hello, wörld ✓", ""},
		{"empty", "", "", ""},
		{"only white space", " \n\t", " \n\t", ""},
		{"leading white space kept without a tag", "\n\n  Hi", "\n\n  Hi", ""},
		{"a block", "<think>\nLet me see…\n</think>\n\nThe answer is 42.", "The answer is 42.", "Let me see…"},
		{"white space before the block", " \n<think>why</think>ok", "ok", "why"},
		{"thinking tags", "<thinking>\nhmm ✓\n</thinking>\n\nDone.", "Done.", "hmm ✓"},
		{"mismatched close is reasoning", "<thinking>a</think>b", "", "a</think>b"},
		{"unterminated block", "<think>\nStill thinking about ü  \n", "", "Still thinking about ü"},
		{"only an open tag", "<think>", "", ""},
		{"empty block", "<think></think>x", "x", ""},
		{"block with only white space", "<think>\n\n</think>\n\n", "", ""},
		{"tag not at the start", "Answer: <think>no</think>", "Answer: <think>no</think>", ""},
		{"second block is text", "<think>a</think>b<think>c</think>", "b<think>c</think>", "a"},
		{"almost a tag", "<thin", "<thin", ""},
		{"almost a tag then text", "<thinx>", "<thinx>", ""},
		{"other tag", "<div>hi</div>", "<div>hi</div>", ""},
		{"almost a close tag inside", "<think>a </thin b</think>c", "c", "a </thin b"},
		{"less-than inside", "<think>1 < 2 <<</think>\n3", "3", "1 < 2 <<"},
		{"white space inside kept", "<think>a \n b</think>  c \n", "c \n", "a \n b"},
		{"multi-byte everywhere", "\u00a0<think>é</think>x", "\u00a0<think>é</think>x", ""},
		{"emoji", "<think>🤔💭</think>\n\n🎉 yes", "🎉 yes", "🤔💭"},
		{"close tag alone", "</think>text", "</think>text", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			text, reasoning := Split(tc.in)
			if text != tc.text || reasoning != tc.reasoning {
				t.Fatalf("Split(%q) = text %q reasoning %q; want text %q reasoning %q", tc.in, text, reasoning, tc.text, tc.reasoning)
			}
			checkEveryCut(t, tc.in)
		})
	}
}

// TestNoDelay checks that Feed holds back only what could still be a tag.
func TestNoDelay(t *testing.T) {
	steps := []struct {
		piece, text, reasoning string
	}{
		{"<", "", ""},
		{"thi", "", ""},
		{"nk>\n", "", ""},
		{"I ", "", "I"}, // The space might end the block.
		{"wonder", "", " wonder"},
		{"<", "", ""},
		{"/", "", ""},
		{"thinker", "", "</thinker"},
		{".\n</thi", "", "."},
		{"nk>", "", ""},
		{"\n\n", "", ""},
		{"Yes", "Yes", ""},
		{" <think>", " <think>", ""},
		{"é"[:1], "", ""},
		{"é"[1:], "é", ""},
	}
	var s Splitter
	for i, st := range steps {
		text, reasoning := s.Feed(st.piece)
		if text != st.text || reasoning != st.reasoning {
			t.Fatalf("step %d Feed(%q) = %q, %q; want %q, %q", i, st.piece, text, reasoning, st.text, st.reasoning)
		}
	}
	if text, reasoning := s.End(); text != "" || reasoning != "" {
		t.Fatalf("End = %q, %q; want nothing", text, reasoning)
	}

	var plain Splitter
	if text, _ := plain.Feed("Hello"); text != "Hello" {
		t.Fatalf("plain text held back: %q", text)
	}
}

func TestResume(t *testing.T) {
	var s Splitter
	s.Resume()
	var text, reasoning string
	for _, p := range []string{" and", " so on.", "\n</th", "ink>\n\n", "Answer."} {
		tx, r := s.Feed(p)
		text, reasoning = text+tx, reasoning+r
	}
	tx, r := s.End()
	text, reasoning = text+tx, reasoning+r
	if text != "Answer." || reasoning != " and so on." {
		t.Fatalf("text %q reasoning %q", text, reasoning)
	}
}

func FuzzSplitter(f *testing.F) {
	for _, seed := range []string{
		"", "plain", "  <think>\nabc\n</think>\n\ntext", "<thinking>x</thinking>y", "<think>unterminated",
		"<thi", "<think></think>", "<think>a</thinkb</think>c", "\n<think>🤔 é</think>\n ✓", "<think>a</thinking>",
		"<thinking>a</think>b", "\xe2\x9c", "<think>\xe2</think>\x93", " \t\r\n", "x<think>y</think>",
	} {
		f.Add(seed, uint64(0x9e3779b97f4a7c15))
	}
	f.Fuzz(func(t *testing.T, content string, cuts uint64) {
		if len(content) > 256 {
			content = content[:256]
		}
		wantText, wantReasoning := reference(content)
		// The reference itself: what is left out is only tags and white space.
		if !strings.Contains(content, wantText) || !strings.Contains(content, wantReasoning) {
			t.Fatalf("reference(%q) = %q, %q: not parts of the input", content, wantText, wantReasoning)
		}
		checkEveryCut(t, content)
		// Pieces cut at pseudo-random offsets chosen by cuts.
		var pieces []string
		rest := content
		for x := cuts; rest != ""; x = x*6364136223846793005 + 1442695040888963407 {
			n := min(int(x>>59)+1, len(rest)) // 1 to 32 bytes
			pieces = append(pieces, rest[:n])
			rest = rest[n:]
		}
		if text, reasoning := feed(t, pieces); text != wantText || reasoning != wantReasoning {
			t.Fatalf("pieces %q: got %q, %q; want %q, %q", pieces, text, reasoning, wantText, wantReasoning)
		}
		if wantReasoning != "" || hasOpenTag(content) {
			// text + reasoning is the input less the tags and trimmed white space.
			var tg tag
			for _, x := range tags {
				if strings.HasPrefix(strings.TrimLeft(content, space), x.open) {
					tg = x
				}
			}
			rebuilt := strings.TrimLeft(content, space)
			rebuilt = strings.TrimPrefix(rebuilt, tg.open)
			inner, after, closed := strings.Cut(rebuilt, tg.close)
			want := strings.Trim(inner, space)
			if closed {
				want += strings.TrimLeft(after, space)
			}
			if wantReasoning+wantText != want {
				t.Fatalf("reasoning+text = %q, want %q", wantReasoning+wantText, want)
			}
		} else if wantText != content {
			t.Fatalf("text = %q, want the input unchanged", wantText)
		}
	})
}

func hasOpenTag(content string) bool {
	_, ok := openTag(strings.TrimLeft(content, space))
	return ok
}
