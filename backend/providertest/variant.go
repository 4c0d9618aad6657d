package providertest

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Variant rewords answer the way sampling number n would: the same n always
// gives the same text, different n (from 1) give texts that differ within
// their first words, and the Markdown structure is kept.
//
// The first line, when it is prose, gets an opening phrase picked by n
// after its block markers ("Sure! ", "# Okay! ", "- Well! ", ...; past the
// dozen openers, n picks several: "Sure, okay! "). When the first line is
// not prose (a code fence, a table row, display math, indented code, HTML
// or a rule), the phrase comes first as a paragraph of its own ("Sure!\n\n").
// Elsewhere, words outside code (fenced, indented or inline), math ($...$
// and $$...$$), link destinations, autolinks and URLs are swapped for
// synonyms from a small table, chosen by n, keeping their capitalization.
// Newlines, pipes, fences, markers and every other character are untouched.
// For n < 1, Variant returns answer unchanged.
func Variant(answer string, n int) string {
	if n < 1 {
		return answer
	}
	phrase := opening(n)
	lines := strings.SplitAfter(answer, "\n")
	first, at := openerPlace(lines)
	var b strings.Builder
	if first < 0 {
		if answer == "" {
			return phrase + "!"
		}
		b.WriteString(phrase + "!\n\n")
	}
	fence := ""   // the open code fence, such as "```"
	math := false // inside $$ display math
	for i, line := range lines {
		trimmed := strings.TrimLeft(line, " ")
		indent := len(line) - len(trimmed)
		switch {
		case fence != "":
			b.WriteString(line)
			if indent <= 3 && strings.HasPrefix(trimmed, fence) && strings.TrimSpace(strings.TrimLeft(trimmed, fence[:1])) == "" {
				fence = ""
			}
		case math:
			end := strings.Index(line, "$$")
			if end < 0 {
				b.WriteString(line)
				continue
			}
			b.WriteString(line[:end+2])
			math = swapWords(&b, line[end+2:], n)
		case indent <= 3 && (strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~")):
			fence = trimmed[:len(trimmed)-len(strings.TrimLeft(trimmed, trimmed[:1]))]
			b.WriteString(line)
		case indent >= 4 || strings.HasPrefix(line, "\t"):
			b.WriteString(line) // indented code
		case i == first:
			b.WriteString(line[:at] + phrase + "! ")
			math = swapWords(&b, line[at:], n)
		default:
			math = swapWords(&b, line, n)
		}
	}
	return b.String()
}

// openers are the opening words of variants.
var openers = []string{"Sure", "Okay", "Well", "Right", "Alright", "Certainly", "Absolutely", "Gladly", "Indeed", "So", "Great", "Fine"}

// opening is n's opening phrase: n's digits in bijective base len(openers),
// one opener each, so every n has its own phrase.
func opening(n int) string {
	var words []string
	for ; n > 0; n = (n - 1) / len(openers) {
		words = append(words, strings.ToLower(openers[(n-1)%len(openers)]))
	}
	slices.Reverse(words)
	r, size := utf8.DecodeRuneInString(words[0])
	words[0] = string(unicode.ToUpper(r)) + words[0][size:]
	return strings.Join(words, ", ")
}

// openerPlace finds where the opening phrase goes: the first non-blank
// line's index and the byte offset after its block markers, or -1 when
// that line is not prose.
func openerPlace(lines []string) (int, int) {
	for i, line := range lines {
		if strings.TrimSpace(line) == "" {
			continue
		}
		trimmed := strings.TrimLeft(line, " ")
		indent := len(line) - len(trimmed)
		if indent >= 4 || strings.HasPrefix(line, "\t") {
			return -1, 0
		}
		at := indent + blockMarkers(trimmed)
		rest := line[at:]
		if strings.TrimSpace(rest) == "" || strings.Trim(strings.TrimSpace(line), "-*_= ") == "" {
			return -1, 0 // a rule or setext underline, or markers only
		}
		for _, p := range []string{"```", "~~~", "|", "$$", "<"} {
			if strings.HasPrefix(rest, p) {
				return -1, 0
			}
		}
		return i, at
	}
	return -1, 0
}

// blockMarkers is the length of the Markdown block markers s starts with:
// headings, quotes, list bullets and numbers, task boxes.
func blockMarkers(s string) int {
	i := 0
	for {
		rest := s[i:]
		hashes := len(rest) - len(strings.TrimLeft(rest, "#"))
		digits := len(rest) - len(strings.TrimLeft(rest, "0123456789"))
		switch {
		case hashes >= 1 && hashes <= 6 && strings.HasPrefix(rest[hashes:], " "):
			i += hashes + 1
		case strings.HasPrefix(rest, "> "):
			i += 2
		case len(rest) >= 2 && strings.ContainsRune("-*+", rune(rest[0])) && rest[1] == ' ':
			i += 2
		case digits >= 1 && digits <= 9 && (strings.HasPrefix(rest[digits:], ". ") || strings.HasPrefix(rest[digits:], ") ")):
			i += digits + 2
		case strings.HasPrefix(rest, "[ ] ") || strings.HasPrefix(rest, "[x] ") || strings.HasPrefix(rest, "[X] "):
			i += 4
		default:
			return i
		}
	}
}

// synonyms are groups of words a variant swaps for each other. Words of a
// group fit the same places, articles included.
var synonyms = [][]string{
	{"hello", "hi", "hey"},
	{"quick", "short", "brief"},
	{"fast", "rapid", "speedy"},
	{"example", "instance", "illustration"},
	{"simple", "basic", "plain"},
	{"great", "good", "nice"},
	{"big", "large", "huge"},
	{"happens", "occurs"},
	{"streams", "sends", "delivers"},
	{"broken", "cut", "failed"},
	{"recovered", "restored", "resumed"},
	{"answers", "replies", "responses"},
	{"checkpointed", "saved", "stored"},
	{"done", "finished", "complete"},
	{"shows", "displays"},
	{"whole", "full"},
}

// synonymOf maps a lower-case word to its group in synonyms.
var synonymOf = func() map[string]int {
	m := map[string]int{}
	for g, words := range synonyms {
		for _, w := range words {
			m[w] = g
		}
	}
	return m
}()

// swapWords writes s (part of one line) with its words swapped, leaving
// code, math, link destinations, autolinks and URLs as they are. It reports
// whether s opens display math ($$) that the line does not close.
func swapWords(b *strings.Builder, s string, n int) bool {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			_, size := utf8.DecodeRuneInString(s[i+1:])
			b.WriteString(s[i : i+1+size])
			i += 1 + size
		case c == '`':
			run := len(s[i:]) - len(strings.TrimLeft(s[i:], "`"))
			end := strings.Index(s[i+run:], s[i:i+run])
			if end < 0 {
				b.WriteString(s[i : i+run])
				i += run
				continue
			}
			end += i + 2*run
			b.WriteString(s[i:end])
			i = end
		case strings.HasPrefix(s[i:], "$$"):
			end := strings.Index(s[i+2:], "$$")
			if end < 0 {
				b.WriteString(s[i:])
				return true
			}
			end += i + 4
			b.WriteString(s[i:end])
			i = end
		case c == '$', c == '<', c == ']' && strings.HasPrefix(s[i:], "]("):
			// Inline math, an autolink or tag, a link destination: kept up
			// to the closing character when the line has one.
			open, closing := 1, "$"
			if c == '<' {
				closing = ">"
			} else if c == ']' {
				open, closing = 2, ")"
			}
			end := strings.Index(s[i+open:], closing)
			if end < 0 {
				b.WriteString(s[i : i+open])
				i += open
				continue
			}
			end += i + open + 1
			b.WriteString(s[i:end])
			i = end
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if !isWordRune(r) {
				b.WriteString(s[i : i+size])
				i += size
				continue
			}
			j := i
			for j < len(s) {
				r, size := utf8.DecodeRuneInString(s[j:])
				if !isWordRune(r) {
					break
				}
				j += size
			}
			if strings.HasPrefix(s[j:], "://") { // a URL, kept to the next space
				j += strings.IndexFunc(s[j:]+" ", unicode.IsSpace)
				b.WriteString(s[i:j])
			} else {
				b.WriteString(swapWord(s[i:j], n))
			}
			i = j
		}
	}
	return false
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_'
}

// swapWord returns n's synonym of word, in word's case; word itself when
// it has none.
func swapWord(word string, n int) string {
	lower := strings.ToLower(word)
	g, ok := synonymOf[lower]
	if !ok {
		return word
	}
	group := synonyms[g]
	w := group[(n+g)%len(group)]
	switch {
	case len(word) > 1 && word == strings.ToUpper(word):
		return strings.ToUpper(w)
	case word != lower:
		r, size := utf8.DecodeRuneInString(w)
		return string(unicode.ToUpper(r)) + w[size:]
	}
	return w
}
