package provider

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"brook/backend/i18n"
)

// BrokenReason names why a stream is not whole. The values are stored with
// answers and shown to users, so they never change.
type BrokenReason string

const (
	// BrokenDropped is a transport error at any byte: between lines, mid-line,
	// inside a multi-byte character ("incomplete chunked read", "unexpected EOF").
	BrokenDropped BrokenReason = "dropped"
	// BrokenNoEndMarker is a clean end of body without Ollama's done or OpenAI's finish_reason/[DONE].
	BrokenNoEndMarker BrokenReason = "no_end_marker"
	// BrokenErrorInStream is an error object inside a 200 stream, first chunk or later.
	BrokenErrorInStream BrokenReason = "error_in_stream"
	// BrokenFirstTokenTimeout is no first token within the first-token timeout.
	BrokenFirstTokenTimeout BrokenReason = "first_token_timeout"
	// BrokenIdleTimeout is no data for the idle timeout after the first token.
	BrokenIdleTimeout BrokenReason = "idle_timeout"
	// BrokenServerError is a 5xx before the first token.
	BrokenServerError BrokenReason = "server_error"
	// BrokenRateLimited is a 429 before the first token.
	BrokenRateLimited BrokenReason = "rate_limited"
	// BrokenUnreachable is a server that refused or never accepted the connection.
	BrokenUnreachable BrokenReason = "unreachable"
	// BrokenUserSkipped is the user choosing not to wait for the stream
	// ("ask without streaming now").
	BrokenUserSkipped BrokenReason = "user_skipped_wait"
)

// BrokenReasons lists every [BrokenReason].
var BrokenReasons = []BrokenReason{
	BrokenDropped, BrokenNoEndMarker, BrokenErrorInStream, BrokenFirstTokenTimeout, BrokenIdleTimeout,
	BrokenServerError, BrokenRateLimited, BrokenUnreachable, BrokenUserSkipped,
}

// Describe says the reason in plain words, as part of a sentence, in the
// current language ([i18n.SetLanguage]). These are the words the UI shows:
// it has none of its own.
func (r BrokenReason) Describe() string {
	if slices.Contains(BrokenReasons, r) {
		return i18n.T("Reason."+string(r)+".phrase", nil)
	}
	return string(r)
}

// Sentence says the reason as a sentence of its own, without the full stop.
func (r BrokenReason) Sentence() string {
	if slices.Contains(BrokenReasons, r) {
		return i18n.T("Reason."+string(r), nil)
	}
	return capitalize(string(r))
}

// breakArgs is the template data of a recovery's words: the reason as a
// phrase and as a sentence, or the words for a reason Brook does not know.
func breakArgs(code string) i18n.Args {
	if r := BrokenReason(code); slices.Contains(BrokenReasons, r) {
		return i18n.Args{"Reason": r.Describe(), "Sentence": r.Sentence()}
	}
	return i18n.Args{"Reason": i18n.T("Reason.unknown.phrase", nil), "Sentence": i18n.T("Reason.unknown", nil)}
}

// RecoveredByContinuing describes an answer whose stream broke for code and
// that was completed by asking the model to continue it.
func RecoveredByContinuing(code string) string {
	return i18n.T("Recovered.continued", breakArgs(code))
}

// RecoveredByAskingAgain describes an answer whose stream broke for code and
// that was completed by asking the whole question again without streaming.
func RecoveredByAskingAgain(code string) string {
	return i18n.T("Recovered.reasked", breakArgs(code))
}

// RecoveredByFetchingAgain describes an answer recovered before Brook
// recorded how: the whole answer was fetched again.
func RecoveredByFetchingAgain(code string) string {
	return i18n.T("Recovered.refetched", breakArgs(code))
}

// RecoveredByFetchingAgainLabel is the Recovered mark's name for such an
// answer: [RecoveredByFetchingAgain] said as a recovery.
func RecoveredByFetchingAgainLabel(code string) string {
	return i18n.T("Recovered.refetchedLabel", breakArgs(code))
}

// BrokenError means a request or stream failed in a way that the same request,
// sent again without streaming, may well succeed.
type BrokenError struct {
	Reason BrokenReason
	// Status is the HTTP status when one was received (5xx, 429), else 0.
	Status int
	// RetryAfter is the server's Retry-After, when it sent one.
	RetryAfter time.Duration
	// Err is the underlying error, kept for logs.
	Err error
}

func (e *BrokenError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Reason.Describe(), e.Err)
	}
	return e.Reason.Describe()
}

func (e *BrokenError) Unwrap() error { return e.Err }

// RequestError means the server refused the request (400, 401, 403, 404, ...).
// Repeating it will not help; Message is the server's own reason.
type RequestError struct {
	Status  int
	Message string
	// Err is the cause when Brook itself refused to go on, such as a
	// [*RedirectError]; nil when the server refused.
	Err error
}

func (e *RequestError) Unwrap() error { return e.Err }

func (e *RequestError) Error() string {
	if e.Message == "" {
		return i18n.T("Provider.refused", i18n.Args{"Status": strconv.Itoa(e.Status)})
	}
	return i18n.T("Provider.refusedWhy", i18n.Args{"Status": strconv.Itoa(e.Status), "Message": e.Message})
}

// Explain says err in plain words for the user.
func Explain(err error) string {
	var broken *BrokenError
	var refused *RequestError
	var redirect *RedirectError
	var noTools *ToolsUnsupportedError
	switch {
	case errors.As(err, &noTools):
		return capitalize(noTools.Error()) + "."
	case errors.As(err, &redirect):
		return capitalize(redirect.Error()) + "."
	case errors.As(err, &refused):
		switch refused.Status {
		case 401, 403:
			return i18n.T("Provider.badKey", i18n.Args{"Status": strconv.Itoa(refused.Status), "Message": refused.Message})
		case 404:
			return i18n.T("Provider.notFound", i18n.Args{"Message": refused.Message})
		}
		return refused.Error()
	case errors.As(err, &broken):
		return i18n.T("Provider.brokenSentence", i18n.Args{"Sentence": broken.Reason.Sentence()})
	}
	return capitalize(err.Error())
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

// ToolsUnsupportedError means the server refused a request because it
// offered tools that the model or the server does not take (Ollama's
// "... does not support tools", vLLM without --enable-auto-tool-choice,
// llama-server without --jinja). Sending it again will not help; the tools
// must be turned off for the conversation. It unwraps to the
// [*RequestError] the server gave, so it is a refusal to every caller.
type ToolsUnsupportedError struct {
	Refused *RequestError
}

func (e *ToolsUnsupportedError) Error() string {
	return i18n.T("Provider.toolsUnsupported", i18n.Args{"Reason": e.Refused.Message})
}

func (e *ToolsUnsupportedError) Unwrap() error { return e.Refused }

// ToolsRefusal turns err into a [*ToolsUnsupportedError] when it is the
// server refusing req's tools: a 400 or 422 to a request that offered tools,
// whose reason speaks of tools. Any other err is returned as it is.
func ToolsRefusal(req Request, err error) error {
	var refused *RequestError
	if len(req.Tools) == 0 || !errors.As(err, &refused) ||
		(refused.Status != 400 && refused.Status != 422) {
		return err
	}
	msg := strings.ToLower(refused.Message)
	if !strings.Contains(msg, "tool") && !strings.Contains(msg, "function") && !strings.Contains(msg, "jinja") {
		return err
	}
	return &ToolsUnsupportedError{Refused: refused}
}
