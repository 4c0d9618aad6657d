// Package httprec records, per call, what an adapter's HTTP exchange looked
// like on the wire: the status, the Retry-After header, the body of an error
// response, and whether reading the body ended in a transport error.
//
// The client libraries hide headers and flatten body-read failures into plain
// errors, so the adapters classify from this record rather than from error
// text. A call puts a [*Record] into its context with [With]; the [Transport]
// fills it in for every request made with that context.
package httprec

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"brook/backend/provider"
)

// maxErrorBody caps how much of an error response is kept for its message.
const maxErrorBody = 64 << 10

// Record is what the transport saw for one call. It is safe for concurrent
// use; read it with [Record.Snapshot].
type Record struct {
	mu   sync.Mutex
	snap Snapshot
}

// Snapshot is a copy of a [Record] at one moment.
type Snapshot struct {
	// Status is the HTTP status of the last response, or 0 when none arrived.
	Status int
	// RetryAfter is the parsed Retry-After header; HasRetryAfter says whether one was sent.
	RetryAfter    time.Duration
	HasRetryAfter bool
	// ErrorBody is the start of the body of a response with status >= 400.
	ErrorBody []byte
	// BodyReadErr is the first error other than io.EOF met while reading the body.
	BodyReadErr error
}

// Snapshot returns a copy of what has been recorded so far.
func (r *Record) Snapshot() Snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.snap
}

type recordKey struct{}

// With returns a context that carries a fresh [*Record], and that record.
func With(ctx context.Context) (context.Context, *Record) {
	rec := &Record{}
	return context.WithValue(ctx, recordKey{}, rec), rec
}

func from(ctx context.Context) *Record {
	rec, _ := ctx.Value(recordKey{}).(*Record)
	return rec
}

// Transport is an [http.RoundTripper] that fills in the [*Record] found in
// each request's context. Requests without one pass through untouched.
type Transport struct {
	Base http.RoundTripper
	// Now is the clock used to turn a Retry-After date into a duration; nil means time.Now.
	Now func() time.Time
}

// CloseIdleConnections closes Base's idle connections, so that
// [http.Client.CloseIdleConnections] reaches them through this wrapper.
func (t *Transport) CloseIdleConnections() { closeIdle(t.Base) }

// closeIdle closes the idle connections of rt, or of the default
// transport when rt is nil, if it keeps any.
func closeIdle(rt http.RoundTripper) {
	if rt == nil {
		rt = http.DefaultTransport
	}
	if c, ok := rt.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// RoundTrip implements [http.RoundTripper].
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.Base.RoundTrip(req)
	rec := from(req.Context())
	signs := provider.LifeSignsOf(req.Context())
	if err != nil {
		return resp, err
	}
	if signs != nil {
		signs(provider.SignHeaders)
		resp.Body = &signallingBody{ReadCloser: resp.Body, signs: signs}
	}
	if rec == nil {
		return resp, nil
	}
	now := time.Now
	if t.Now != nil {
		now = t.Now
	}
	retryAfter, hasRetryAfter := ParseRetryAfter(resp.Header.Get("Retry-After"), now())

	rec.mu.Lock()
	rec.snap = Snapshot{Status: resp.StatusCode, RetryAfter: retryAfter, HasRetryAfter: hasRetryAfter}
	rec.mu.Unlock()

	body := &recordingBody{rc: resp.Body, rec: rec}
	resp.Body = body
	if resp.StatusCode >= http.StatusBadRequest {
		// Keep the error body for its message: the libraries drop it for some
		// statuses (ollama's 401) and never expose it with the status.
		b, _ := io.ReadAll(io.LimitReader(body, maxErrorBody))
		rec.mu.Lock()
		rec.snap.ErrorBody = b
		rec.mu.Unlock()
		resp.Body = &replayBody{Reader: io.MultiReader(bytes.NewReader(b), body), c: body}
	}
	return resp, nil
}

// signallingBody reports every read that brings bytes as a sign of life.
type signallingBody struct {
	io.ReadCloser
	signs provider.LifeSigns
}

func (b *signallingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.signs(provider.SignBytes)
	}
	return n, err
}

// recordingBody notes the first transport error met while reading a body.
type recordingBody struct {
	rc  io.ReadCloser
	rec *Record
}

func (b *recordingBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		b.rec.mu.Lock()
		if b.rec.snap.BodyReadErr == nil {
			b.rec.snap.BodyReadErr = err
		}
		b.rec.mu.Unlock()
	}
	return n, err
}

func (b *recordingBody) Close() error { return b.rc.Close() }

type replayBody struct {
	io.Reader
	c io.Closer
}

func (b *replayBody) Close() error { return b.c.Close() }

// ParseRetryAfter reads a Retry-After value, either delay-seconds or an HTTP
// date, relative to now. A date in the past gives 0. It reports false when v
// is empty or malformed.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(secs) * time.Second, true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(at.Sub(now), 0), true
}

// NewHTTPClient returns a client for streaming: no overall timeout, because
// a long answer may stream for minutes and the caller's context and watchdog
// bound it, but a bounded dial so a dead host fails fast. Its transport
// records into the per-call [*Record].
func NewHTTPClient() *http.Client {
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	base.ResponseHeaderTimeout = 0
	// Answers to one endpoint run several at once; keep a connection for each.
	base.MaxIdleConnsPerHost = 16
	return &http.Client{Transport: &Transport{Base: base}}
}

// IsUnreachable reports whether err is a failure to connect at all: a refused
// or timed-out dial, or a name that does not resolve.
func IsUnreachable(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr)
}
