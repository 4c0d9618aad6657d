// Package thinktags splits a reasoning block that a model writes inline in
// its answer, <think>…</think>, from the answer that follows it, while the
// answer streams.
//
// Some servers hand a reasoning model's output over as it was generated, so
// the reasoning arrives inside the content: DeepSeek-R1 and Qwen3 on older
// Ollama versions or templates, llama-server and vLLM without a reasoning
// parser. A [Splitter] turns that content back into reasoning and text.
package thinktags

import (
	"strings"
	"unicode/utf8"
)

// space is the white space dropped around a block: ASCII only, so that a
// cut next to it never falls inside a multi-byte character.
const space = " \t\r\n"

// tag is one pair of block tags.
type tag struct{ open, close string }

// tags are the blocks recognised. <thinking> costs nothing beyond <think>:
// both share the prefix "<think", and neither open tag is a prefix of the
// other, so the first byte after "<think" decides.
var tags = [...]tag{{"<think>", "</think>"}, {"<thinking>", "</thinking>"}}

type state uint8

const (
	// stStart: nothing decided yet; leading white space and a possible
	// beginning of an open tag are held.
	stStart state = iota
	// stInside is inside the block: what arrives is reasoning.
	stInside
	// stAfter is after the close tag: white space is dropped until the
	// text begins.
	stAfter
	// stText: everything is answer text.
	stText
)

// Splitter separates a leading reasoning block from the text of one
// streamed answer. The zero value is ready for the start of an answer; a
// Splitter is not safe for concurrent use.
//
// A block is recognised only at the very start of the content, after any
// white space (spaces, tabs, carriage returns and newlines), and opens with
// <think> or <thinking> and closes with the matching </think> or
// </thinking>. What is inside is reasoning, with the white space at both
// of its ends dropped; the white space between the close tag and the text
// is dropped too. Content that does not start with an open tag is text,
// passed through unchanged, and so is everything after the block,
// including any later tags.
//
// Feed holds back only what cannot be told yet: leading white space and
// the beginning of an open tag at the start, the beginning of a close tag
// and the white space before it inside the block, and, anywhere, the first
// bytes of a multi-byte character cut at the end of a piece. So the outputs
// never hold part of a character (when the input is valid UTF-8), and
// however the content is cut into pieces, the concatenated outputs are the
// same.
type Splitter struct {
	st state
	// close is the close tag of the open block.
	close string
	// lead says the white space after the open tag is still being dropped.
	lead bool
	// held is input not yet decided on.
	held string
}

// Resume makes s continue a block that was already open before the content
// it will be fed, as when a model continues a partial reasoning sent to it
// as "<think>\n" and the reasoning so far. The content is reasoning up to
// </think>, its leading white space included (it continues a word or a
// sentence), and text after. Call it before the first Feed.
func (s *Splitter) Resume() {
	*s = Splitter{st: stInside, close: tags[0].close}
}

// TextOnly makes s pass all the content it will be fed through as text, as
// when a model continues an answer whose text has begun: any block is
// behind it, and a "<think>" now would be part of the answer. Call it
// before the first Feed.
func (s *Splitter) TextOnly() {
	*s = Splitter{st: stText}
}

// Feed takes the next piece of the content and returns what of it, with
// what was held back before, is now known to be text and reasoning. When
// both are non-empty, the reasoning comes first in the answer.
func (s *Splitter) Feed(piece string) (text, reasoning string) {
	buf := s.held + piece
	s.held = ""
	return s.run(buf, false)
}

// End returns what is still held back once the content has ended: a
// beginning that did not become a tag is text; an unterminated block is
// all reasoning (less its trailing white space). Use a new Splitter for
// another answer.
func (s *Splitter) End() (text, reasoning string) {
	buf := s.held
	s.held = ""
	return s.run(buf, true)
}

// run decides on buf, the held input and the new piece; end says no more
// input follows.
func (s *Splitter) run(buf string, end bool) (txt, reasoning string) {
	for {
		switch s.st {
		case stStart:
			rest := strings.TrimLeft(buf, space)
			if rest == "" && !end {
				s.held = buf
				return txt, reasoning
			}
			if t, ok := openTag(rest); ok {
				s.st, s.close, s.lead = stInside, t.close, true
				buf = rest[len(t.open):]
				continue
			}
			if !end && mayOpen(rest) {
				s.held = buf
				return txt, reasoning
			}
			s.st = stText
		case stInside:
			if s.lead {
				buf = strings.TrimLeft(buf, space)
				if buf == "" {
					return txt, reasoning
				}
				s.lead = false
			}
			if i := strings.Index(buf, s.close); i >= 0 {
				reasoning += strings.TrimRight(buf[:i], space)
				buf = buf[i+len(s.close):]
				s.st = stAfter
				continue
			}
			if end {
				return txt, reasoning + strings.TrimRight(buf, space)
			}
			keep := len(buf) - partialSuffix(buf, s.close)
			keep = len(strings.TrimRight(buf[:keep], space))
			if keep == len(buf) {
				keep = wholeRunes(buf)
			}
			s.held = buf[keep:]
			return txt, reasoning + buf[:keep]
		case stAfter:
			buf = strings.TrimLeft(buf, space)
			if buf == "" {
				return txt, reasoning
			}
			s.st = stText
		case stText:
			keep := len(buf)
			if !end {
				keep = wholeRunes(buf)
			}
			s.held = buf[keep:]
			return txt + buf[:keep], reasoning
		}
	}
}

// openTag returns the tag whose open tag s starts with.
func openTag(s string) (tag, bool) {
	for _, t := range tags {
		if strings.HasPrefix(s, t.open) {
			return t, true
		}
	}
	return tag{}, false
}

// mayOpen reports whether s, not empty, could still grow into an open tag.
func mayOpen(s string) bool {
	for _, t := range tags {
		if len(s) < len(t.open) && strings.HasPrefix(t.open, s) {
			return true
		}
	}
	return false
}

// partialSuffix returns the length of the longest end of s that is a
// beginning of tag but not all of it.
func partialSuffix(s, tag string) int {
	for k := min(len(tag)-1, len(s)); k > 0; k-- {
		if strings.HasSuffix(s, tag[:k]) {
			return k
		}
	}
	return 0
}

// wholeRunes returns the length of s without a multi-byte character cut
// at its end: the first bytes of one that more bytes could still complete.
func wholeRunes(s string) int {
	for i := len(s) - 1; i >= 0 && i > len(s)-utf8.UTFMax; i-- {
		if utf8.RuneStart(s[i]) {
			if utf8.FullRuneInString(s[i:]) {
				return len(s)
			}
			return i
		}
	}
	return len(s)
}

// Split splits whole content at once, as a [Splitter] fed all of it would.
func Split(content string) (text, reasoning string) {
	var s Splitter
	t1, r1 := s.Feed(content)
	t2, r2 := s.End()
	return t1 + t2, r1 + r2
}
