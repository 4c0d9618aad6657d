package mcp

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"

	"brook/backend/i18n"
)

// protocolWatch remembers why a server's connection broke, in words for
// the user: the SDK reports only that it closed.
type protocolWatch struct {
	mu  sync.Mutex
	err error
}

func (w *protocolWatch) set(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err == nil {
		w.err = err
	}
}

func (w *protocolWatch) get() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// lineWatch reads a stdio server's output. It stops a line longer than
// limit (one JSON-RPC message, so a huge result) before the SDK buffers it,
// and notes the start of a line that is not JSON, to say what the server
// sent when the SDK's decoder gives up on it.
type lineWatch struct {
	r       io.ReadCloser
	limit   int
	watch   *protocolWatch
	inLine  int    // bytes of the current line so far
	started bool   // the current line has a non-space byte
	head    []byte // the first bytes of the current line
}

func (l *lineWatch) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for i := 0; i < n; i++ {
		c := p[i]
		if c == '\n' {
			l.inLine, l.started, l.head = 0, false, l.head[:0]
			continue
		}
		l.inLine++
		if !l.started && c != ' ' && c != '\t' && c != '\r' {
			l.started = true
			if c != '{' && c != '[' {
				l.watch.set(i18n.Errorf("MCP.notJSONRPCOutput", nil))
			}
		}
		if len(l.head) < 120 {
			l.head = append(l.head, c)
		}
		if l.inLine > l.limit {
			l.watch.set(replyTooLarge(l.limit))
			return i, errReplyTooLarge
		}
	}
	return n, err
}

func (l *lineWatch) Close() error { return l.r.Close() }

// Head is the start of the line being read, for an error message.
func (l *lineWatch) Head() string { return string(bytes.TrimSpace(l.head)) }

var errReplyTooLarge = errors.New("reply too large")

// replyTooLarge says in words that a reply passed limit bytes.
func replyTooLarge(limit int) error {
	return &sizeError{limit: limit}
}

type sizeError struct{ limit int }

func (e *sizeError) Error() string {
	return i18n.T("MCP.replyLarger", i18n.Args{"Size": sizeWords(e.limit)})
}

func (e *sizeError) Unwrap() error { return ErrReplyTooLarge }

// sizeWords says a size in MiB or KiB.
func sizeWords(n int) string {
	if n >= 1<<20 {
		return strconv.Itoa(n>>20) + " MiB"
	}
	return strconv.Itoa(n>>10) + " KiB"
}

// httpLimits sends a server's extra headers with every request and stops
// reading a response body past limit bytes.
type httpLimits struct {
	base    http.RoundTripper
	headers http.Header
	limit   int
	watch   *protocolWatch
}

func (h *httpLimits) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	for name, values := range h.headers {
		req.Header[name] = values
	}
	resp, err := h.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &bodyLimit{r: resp.Body, left: h.limit, limit: h.limit, watch: h.watch}
	return resp, nil
}

// bodyLimit fails a body once it passes its limit.
type bodyLimit struct {
	r     io.ReadCloser
	left  int
	limit int
	watch *protocolWatch
}

func (b *bodyLimit) Read(p []byte) (int, error) {
	if b.left <= 0 {
		b.watch.set(replyTooLarge(b.limit))
		return 0, replyTooLarge(b.limit)
	}
	if len(p) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= n
	return n, err
}

func (b *bodyLimit) Close() error { return b.r.Close() }
