// Package cutproxy is a loopback HTTP proxy that breaks a real server's
// streamed answer the way a flaky network does: it forwards the response
// and, after a set number of body bytes, drops the connection, so the client
// reads an incomplete chunked body ("unexpected EOF").
package cutproxy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
)

// Proxy forwards everything to its target. While armed, the next streaming
// chat request's response is cut after CutAfter body bytes; other requests
// (the model list, /api/ps, the recovery's non-streaming request) pass whole.
type Proxy struct {
	// URL is the proxy's base URL.
	URL string

	srv *httptest.Server

	mu       sync.Mutex
	cutAfter int
	armed    bool
	cut      []byte // what was forwarded of the cut response's body
	cuts     int
}

// New starts a proxy in front of target, such as http://127.0.0.1:11434.
func New(target string) (*Proxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	p := &Proxy{}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.FlushInterval = -1 // forward every write at once, as a stream
	rp.ModifyResponse = func(resp *http.Response) error {
		if resp.Request.Context().Value(cutKey{}) != nil {
			resp.Body = &cuttingBody{rc: resp.Body, p: p}
		}
		return nil
	}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.takeCut(r) {
			r = r.WithContext(context.WithValue(r.Context(), cutKey{}, true))
		}
		rp.ServeHTTP(w, r)
	}))
	p.URL = p.srv.URL
	return p, nil
}

// Arm makes the next streaming chat response break after n body bytes.
func (p *Proxy) Arm(n int) {
	p.mu.Lock()
	p.cutAfter, p.armed, p.cut = n, true, nil
	p.mu.Unlock()
}

// Cut returns the body bytes forwarded before the last cut, and how many cuts were made.
func (p *Proxy) Cut() ([]byte, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return bytes.Clone(p.cut), p.cuts
}

// Close stops the proxy.
func (p *Proxy) Close() {
	p.srv.CloseClientConnections()
	p.srv.Close()
}

// takeCut reports whether r is the streaming chat request to cut, disarming.
func (p *Proxy) takeCut(r *http.Request) bool {
	if r.Method != http.MethodPost || (r.URL.Path != "/api/chat" && r.URL.Path != "/v1/chat/completions") {
		return false
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	var req struct {
		Stream *bool `json:"stream"`
	}
	_ = json.Unmarshal(body, &req)
	streaming := req.Stream == nil && r.URL.Path == "/api/chat" || req.Stream != nil && *req.Stream
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.armed || !streaming {
		return false
	}
	p.armed = false
	p.cuts++
	return true
}

type cutKey struct{}

// errCut aborts the proxied response: the reverse proxy then drops the
// client's connection without ending the chunked body.
var errCut = errors.New("cutproxy: connection cut")

// cuttingBody passes the first cutAfter bytes of a body, then fails.
type cuttingBody struct {
	rc   io.ReadCloser
	p    *Proxy
	sent int
}

func (b *cuttingBody) Read(buf []byte) (int, error) {
	b.p.mu.Lock()
	left := b.p.cutAfter - b.sent
	b.p.mu.Unlock()
	if left <= 0 {
		return 0, errCut
	}
	n, err := b.rc.Read(buf[:min(len(buf), left)])
	b.sent += n
	b.p.mu.Lock()
	b.p.cut = append(b.p.cut, buf[:n]...)
	b.p.mu.Unlock()
	return n, err
}

func (b *cuttingBody) Close() error { return b.rc.Close() }
