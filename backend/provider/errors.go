package provider

import (
	"errors"
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"
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

// Describe says the reason in plain words.
func (r BrokenReason) Describe() string {
	switch r {
	case BrokenDropped:
		return "the connection dropped mid-answer"
	case BrokenNoEndMarker:
		return "the stream ended without its end marker"
	case BrokenErrorInStream:
		return "the server sent an error inside the stream"
	case BrokenFirstTokenTimeout:
		return "no first token arrived in time"
	case BrokenIdleTimeout:
		return "the stream stalled"
	case BrokenServerError:
		return "the server had an internal error"
	case BrokenRateLimited:
		return "the server asked to slow down (rate limited)"
	case BrokenUnreachable:
		return "the server could not be reached"
	case BrokenUserSkipped:
		return "you chose not to wait for the stream"
	}
	return string(r)
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
}

func (e *RequestError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("the server refused the request (HTTP %d)", e.Status)
	}
	return fmt.Sprintf("the server refused the request (HTTP %d): %s", e.Status, e.Message)
}

// Explain says err in plain words for the user.
func Explain(err error) string {
	var broken *BrokenError
	var refused *RequestError
	switch {
	case errors.As(err, &refused):
		switch refused.Status {
		case 401, 403:
			return "The server rejected the API key (HTTP " + fmt.Sprint(refused.Status) + "): " + refused.Message
		case 404:
			return "Not found (HTTP 404): " + refused.Message
		}
		return refused.Error()
	case errors.As(err, &broken):
		return capitalize(broken.Reason.Describe()) + "."
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
