package chat

import (
	"slices"

	"brook/backend/i18n"
	"brook/backend/provider"
	"brook/backend/store"
)

// EndReason is how an answer ended. It is stored with the answer
// ([store.Message.EndReason]), exported with it and read by the window, so
// the values never change. An answer's stored end reason may also be the
// server's own finish reason ("content_filter", ...) or, for an answer whose
// stream broke and could not be recovered, a [provider.BrokenReason].
type EndReason string

const (
	// EndStop is a whole answer: the model finished it.
	EndStop EndReason = "stop"
	// EndLength is an answer the token limit cut off.
	EndLength EndReason = "length"
	// EndUserStop is an answer the user stopped ([Engine.Stop]).
	EndUserStop EndReason = "user_stop"
	// EndAppClosed is an answer Brook's closing cut short; the next start
	// finishes it. The store marks such answers too, at start-up.
	EndAppClosed EndReason = store.EndAppClosed
	// EndNoEndpoint is an answer whose endpoint was removed or turned off.
	EndNoEndpoint EndReason = "no_endpoint"
	// EndUnreadable is an answer whose conversation's images, documents or
	// project instructions could not be read. It is stored as "images", the
	// name it had when pictures were all it covered.
	EndUnreadable EndReason = "images"
	// EndRefused is an answer the server refused to give.
	EndRefused EndReason = "refused"
	// EndToolRounds is an answer whose tool calls Brook did not run: the
	// model had called tools the most rounds one answer may.
	EndToolRounds EndReason = "tool_rounds"
)

// finishedAs is the end reason of a whole answer: the server's finish
// reason, or [EndStop] when it gave none.
func finishedAs(finishReason string) string {
	if finishReason == "" {
		return string(EndStop)
	}
	return finishReason
}

// endWords names the message that says, as a sentence, how an answer that did not break ended, for
// the end reasons the window puts in words; the others come with an error
// of their own. A whole answer needs none.
var endWords = map[EndReason]string{
	EndStop:       "",
	EndLength:     "End.length",
	EndUserStop:   "End.user_stop",
	EndToolRounds: "End.tool_rounds",
}

// ReasonCodes lists every reason code [ReasonText] knows: the broken-stream
// reasons and the end reasons stored with answers.
func ReasonCodes() []string {
	codes := make([]string, 0, len(provider.BrokenReasons)+len(endWords))
	for _, r := range provider.BrokenReasons {
		codes = append(codes, string(r))
	}
	for code := range endWords {
		codes = append(codes, string(code))
	}
	slices.Sort(codes)
	return codes
}

// ReasonText says a reason code stored with an answer as a sentence, or ""
// when ok is false: a code Brook does not know.
func ReasonText(code string) (text string, ok bool) {
	if id, ok := endWords[EndReason(code)]; ok {
		if id == "" {
			return "", true
		}
		return i18n.T(id, i18n.Args{"Rounds": DefaultMaxToolRounds}), true
	}
	if r := provider.BrokenReason(code); slices.Contains(provider.BrokenReasons, r) {
		return r.Sentence(), true
	}
	return "", false
}
