package contextwindow

import (
	"math"
	"unicode"
	"unicode/utf8"

	"brook/backend/provider"
)

// Weights of the estimate, in tokens per character, from how BPE
// vocabularies of current models split text: a word of Latin letters is a
// token or two, punctuation (dense in code) is mostly a token each, and a
// CJK character about one token. The estimate is then corrected by what the
// server counted ([Ratio]); bench-results/context.md measures both.
const (
	letterWeight      = 0.25
	punctuationWeight = 0.7
	newlineWeight     = 0.5
	cjkWeight         = 1.0
	otherWeight       = 0.5
	// messageOverhead is what a chat template adds around each message
	// (role markers, separators).
	messageOverhead = 4
	// replyOverhead is the template's opening of the answer.
	replyOverhead = 3
	// imageTokens is what Ollama counts for an image in the prompt
	// (server/prompt.go: 768 per image for CLIP projectors).
	imageTokens = 768
)

// EstimateText estimates the tokens of text without a tokenizer.
func EstimateText(text string) float64 {
	var n float64
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		switch {
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			n += letterWeight
		case r == '\n':
			n += newlineWeight
		case r < utf8.RuneSelf && unicode.IsSpace(r):
			// Spaces ride with the word that follows.
		case r < utf8.RuneSelf:
			n += punctuationWeight
		case isCJK(r):
			n += cjkWeight
		default:
			n += otherWeight
		}
	}
	return n
}

func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		(r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF) // CJK punctuation, full-width forms
}

// EstimateMessage estimates the tokens one message takes in a request,
// with its template overhead and images.
func EstimateMessage(m provider.Message) float64 {
	return EstimateText(m.Content) + messageOverhead + float64(imageTokens*len(m.Images))
}

// EstimateRequest estimates the tokens of a whole request's messages.
func EstimateRequest(msgs []provider.Message) float64 {
	n := float64(replyOverhead)
	for _, m := range msgs {
		n += EstimateMessage(m)
	}
	return n
}

// Ratio corrects estimates by the server's own counts: it is what the
// server counted for a request over what Brook estimated for it. The zero
// Ratio means no count has arrived yet, and leaves estimates as they are.
type Ratio float64

// Learn returns the ratio of counted to estimated tokens, within limits
// that keep one odd count from making the meter absurd; the zero Ratio when
// either is missing. The limits are wide: a byte-level vocabulary (the tiny
// test model's) counts seven times the estimate.
func Learn(counted int, estimated float64) Ratio {
	if counted <= 0 || estimated <= 0 {
		return 0
	}
	return Ratio(min(max(float64(counted)/estimated, 0.05), 20))
}

// Apply corrects an estimate and rounds it up to whole tokens.
func (r Ratio) Apply(estimate float64) int {
	if r > 0 {
		estimate *= float64(r)
	}
	return int(math.Ceil(estimate))
}
