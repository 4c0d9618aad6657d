package providertest

import (
	"regexp"
	"strings"
	"testing"
)

// protectedSpans matches what Variant must leave untouched: fenced code
// blocks, display and inline math, inline code, link destinations and URLs.
var protectedSpans = regexp.MustCompile("(?s)```.*?\n```|\\$\\$.*?\\$\\$|\\$[^$\n]+\\$|`[^`\n]+`|\\]\\([^)\n]*\\)|https?://\\S+")

func TestVariant(t *testing.T) {
	cases := []struct {
		name   string
		answer string
		// start is how Variant(answer, 1) starts.
		start string
	}{
		{"default", DefaultAnswer, "Sure! Hi! Grüße"},
		{"demo", DemoAnswer, "Sure! Here is a "},
		{"heading", "# Quick start\n\nHello, this is done.", "# Sure! Brief start\n\nHi, this is complete."},
		{"list", "- quick\n- done `quick` $x$\n", "- Sure! brief\n- complete `quick` $x$\n"},
		{"quote", "> Hello there\n", "> Sure! Hi there\n"},
		{"code first", "```py\nprint('hello, quick example')\n```\nThat is a quick example.", "Sure!\n\n```py\nprint('hello, quick example')\n```\n"},
		{"table first", "| a | b |\n|---|---|\n| quick | done |\n", "Sure!\n\n| a | b |\n|---|---|\n| brief | complete |\n"},
		{"math first", "$$\nx = quick\n$$\nDone.", "Sure!\n\n$$\nx = quick\n$$\n"},
		{"indented code first", "    quick := 1\n\nQuick.", "Sure!\n\n    quick := 1\n\n"},
		{"link and URL", "See [the quick example](https://quick.example/done) or https://example.org/quick now.", "Sure! See [the brief instance](https://quick.example/done) or https://example.org/quick now."},
		{"empty", "", "Sure!"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Variant(tc.answer, 0); got != tc.answer {
				t.Errorf("Variant(answer, 0) = %q, want the answer", got)
			}
			if got := Variant(tc.answer, 1); !strings.HasPrefix(got, tc.start) {
				t.Errorf("Variant(answer, 1) = %q, want it to start with %q", got, tc.start)
			}
			openings := map[string]int{}
			for n := 1; n <= 200; n++ {
				v := Variant(tc.answer, n)
				if again := Variant(tc.answer, n); again != v {
					t.Fatalf("n=%d: %q, then %q", n, v, again)
				}
				words := strings.Fields(v)
				opening := strings.Join(words[:min(10, len(words))], " ")
				if m, dup := openings[opening]; dup {
					t.Fatalf("n=%d and n=%d both start %q", m, n, opening)
				}
				openings[opening] = n
				// The structure is kept: no newline, pipe, backtick or dollar
				// comes or goes (but for the opening paragraph's two
				// newlines), and code, math and links are untouched.
				paragraph := strings.HasPrefix(tc.start, "Sure!\n\n")
				for _, c := range []string{"\n", "|", "`", "$", "(", ")", "[", "]", "#", ">", "-"} {
					want := strings.Count(tc.answer, c)
					if c == "\n" && paragraph {
						want += 2
					}
					if got := strings.Count(v, c); got != want {
						t.Fatalf("n=%d: %d %q in %q, want %d", n, got, c, v, want)
					}
				}
				for _, span := range protectedSpans.FindAllString(tc.answer, -1) {
					if !strings.Contains(v, span) {
						t.Fatalf("n=%d: %q lost %q", n, v, span)
					}
				}
			}
		})
	}
}

func TestVariantOpenings(t *testing.T) {
	cases := []struct {
		n    int
		want string
	}{
		{1, "Sure! "}, {2, "Okay! "}, {12, "Fine! "}, {13, "Sure, sure! "}, {14, "Sure, okay! "}, {25, "Okay, sure! "},
		{12 + 144 + 1, "Sure, sure, sure! "},
	}
	for _, tc := range cases {
		if got := Variant("Hi.", tc.n); !strings.HasPrefix(got, tc.want) {
			t.Errorf("Variant(%q, %d) = %q, want it to start with %q", "Hi.", tc.n, got, tc.want)
		}
	}
}
