package chat

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// seam joins a model's continuation to the partial answer it continues, so
// that the text the user has read stays exactly as it was and nothing is
// doubled at the join.
//
// The partial answer is sent without its trailing white space, because many
// chat templates strip it from the last message and the model would then
// start its continuation with white space of its own. The white space held
// back was already shown; the continuation's white space that repeats it is
// dropped. Some servers also echo the prefill before the continuation: that
// repeat is dropped too.
type seam struct {
	sent string // the partial answer as sent: its trailing white space trimmed
	held string // the trailing white space that was shown but not sent

	pending strings.Builder // the start of the reply, until it is known to be no repeat
	decided bool
}

// newSeam returns the seam for continuing partial, and the text to send as
// the trailing assistant message.
func newSeam(partial string) (*seam, string) {
	sent := strings.TrimRightFunc(partial, unicode.IsSpace)
	return &seam{sent: sent, held: partial[len(sent):]}, sent
}

// feed takes the next piece of the reply and returns the text to append to
// the partial answer; it holds back a start that may still turn out to be a
// repeat.
func (s *seam) feed(piece string) string {
	if s.decided {
		return piece
	}
	s.pending.WriteString(piece)
	buf := s.pending.String()
	rest, settled := s.trim(buf)
	if !settled {
		return ""
	}
	s.decided = true
	s.pending.Reset()
	return rest
}

// end returns what is still held back once the reply is over.
func (s *seam) end() string {
	if s.decided {
		return ""
	}
	s.decided = true
	rest, _ := s.trim(s.pending.String())
	s.pending.Reset()
	return rest
}

// join is the whole reply joined at once.
func (s *seam) join(reply string) string {
	out := s.feed(reply)
	return out + s.end()
}

// trim drops from the start of buf an echo of the sent text and white space
// that repeats what was held. It reports settled=false while buf is too short
// to tell.
func (s *seam) trim(buf string) (rest string, settled bool) {
	rest = buf
	if s.sent != "" {
		switch {
		case strings.HasPrefix(rest, s.sent):
			rest = rest[len(s.sent):]
		case strings.HasPrefix(s.sent, rest):
			return "", false // so far a repeat; it may go on
		}
	}
	// Drop the longest start of rest that the held white space already showed.
	n := 0
	for n < len(rest) && n < len(s.held) && rest[n] == s.held[n] {
		n++
	}
	if n == len(rest) && n < len(s.held) {
		return "", false // all of it repeats the held white space so far
	}
	// Never cut inside a character (white space is ASCII or whole runes
	// compared byte by byte, so n is on a boundary when the bytes matched).
	for n > 0 && n < len(rest) && !utf8.RuneStart(rest[n]) {
		n--
	}
	return rest[n:], true
}
