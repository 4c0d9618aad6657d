package httprec

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"brook/backend/provider"
)

// Classify turns the outcome of one call into the error classes both
// protocols share, checked in this order: the caller's cancelled context, an
// HTTP error status (even when the library returned nil), a failure to
// connect, and a transport error while reading the body. It reports false when
// none applies, leaving protocol-specific cases to the adapter.
//
// op prefixes the returned errors. reason extracts the server's own message
// from an error body; when it finds none, the body text is used.
func Classify(ctx context.Context, op string, err error, snap Snapshot, reason func([]byte) string) (error, bool) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		// Only the caller's own cancellation, never a BrokenError: the caller
		// knows why it cancelled and must not retry because of it.
		if err != nil && !errors.Is(err, ctxErr) {
			return fmt.Errorf("%s: %w (%v)", op, ctxErr, err), true
		}
		return fmt.Errorf("%s: %w", op, ctxErr), true
	}
	var redirect *provider.RedirectError
	if errors.As(err, &redirect) {
		// Brook refused to carry the endpoint's secrets elsewhere: asking
		// again would be refused the same way.
		return &provider.RequestError{Status: snap.Status, Message: redirect.Error(), Err: redirect}, true
	}
	switch {
	case snap.Status >= 500:
		return &provider.BrokenError{Reason: provider.BrokenServerError, Status: snap.Status,
			RetryAfter: snap.RetryAfter, Err: statusErr(op, snap, err)}, true
	case snap.Status == http.StatusTooManyRequests:
		return &provider.BrokenError{Reason: provider.BrokenRateLimited, Status: snap.Status,
			RetryAfter: snap.RetryAfter, Err: statusErr(op, snap, err)}, true
	case snap.Status >= 400:
		return &provider.RequestError{Status: snap.Status, Message: message(snap.ErrorBody, reason)}, true
	}
	if err == nil {
		return nil, false
	}
	if snap.Status == 0 {
		var urlErr *url.Error
		if !errors.As(err, &urlErr) {
			return nil, false // Never reached the transport.
		}
		if IsUnreachable(err) {
			return &provider.BrokenError{Reason: provider.BrokenUnreachable, Err: fmt.Errorf("%s: %w", op, err)}, true
		}
		// Connected, but the exchange broke before any response arrived.
		return &provider.BrokenError{Reason: provider.BrokenDropped, Err: fmt.Errorf("%s: %w", op, err)}, true
	}
	if snap.BodyReadErr != nil {
		// The library may have turned the cut-off line into an error of its
		// own; the record says the body really broke.
		return &provider.BrokenError{Reason: provider.BrokenDropped,
			Err: fmt.Errorf("%s: %w", op, snap.BodyReadErr)}, true
	}
	return nil, false
}

func statusErr(op string, snap Snapshot, err error) error {
	prefix := fmt.Sprintf("%s: HTTP %d", op, snap.Status)
	if msg := message(snap.ErrorBody, nil); msg != "" {
		prefix += ": " + msg
	}
	if err != nil {
		return fmt.Errorf("%s: %w", prefix, err)
	}
	return errors.New(prefix)
}

// message is the server's reason for an error status: the protocol's own
// field when reason finds it, else the body as text, else the status text.
func message(body []byte, reason func([]byte) string) string {
	if reason != nil {
		if m := strings.TrimSpace(reason(body)); m != "" {
			return m
		}
	}
	if text := strings.TrimSpace(string(body)); text != "" && utf8.ValidString(text) {
		const limit = 500
		if len(text) > limit {
			text = strings.ToValidUTF8(text[:limit], "") + "…"
		}
		return text
	}
	return ""
}
