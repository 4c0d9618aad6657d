package provider

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"

	"brook/backend/i18n"
)

// Limits of an endpoint's extra HTTP headers.
const (
	// MaxHeaders is the most extra headers one endpoint may send.
	MaxHeaders = 20
	// MaxHeaderNameBytes is the longest header name.
	MaxHeaderNameBytes = 100
	// MaxHeaderValueBytes is the longest header value.
	MaxHeaderValueBytes = 8 << 10
)

// reservedHeaders are the headers Brook or Go's HTTP client set themselves:
// an extra header of these names would break the request (a wrong length,
// a body Go cannot decompress) or go unsent. Authorization is refused only
// while the endpoint has an API key ([CheckHeaderName]).
var reservedHeaders = map[string]bool{
	"Host":              true,
	"Content-Type":      true,
	"Content-Length":    true,
	"Transfer-Encoding": true,
	"Accept-Encoding":   true,
	"Connection":        true,
	"Keep-Alive":        true,
	"Proxy-Connection":  true,
	"Te":                true,
	"Trailer":           true,
	"Upgrade":           true,
}

// CheckHeaderName says why name cannot be an endpoint's extra header, or
// returns nil. A name is an HTTP token (RFC 9110: letters, digits and
// !#$%&'*+-.^_`|~), not one Brook sets itself, and not Authorization while
// the endpoint has an API key, which Brook sends as "Authorization: Bearer".
// Without a key, Authorization may be set by hand (for example Basic).
func CheckHeaderName(name string, hasAPIKey bool) error {
	if name == "" {
		return i18n.New("Headers.noName")
	}
	if len(name) > MaxHeaderNameBytes {
		return i18n.Errorf("Headers.nameTooLong", i18n.Args{"Max": MaxHeaderNameBytes})
	}
	for i := 0; i < len(name); i++ {
		if !isTokenByte(name[i]) {
			return i18n.Errorf("Headers.badName", i18n.Args{"Name": name})
		}
	}
	canonical := http.CanonicalHeaderKey(name)
	if reservedHeaders[canonical] {
		return i18n.Errorf("Headers.reserved", i18n.Args{"Name": canonical})
	}
	if canonical == "Authorization" && hasAPIKey {
		return i18n.New("Headers.authorization")
	}
	return nil
}

// CheckHeaderValue says why value cannot be sent as a header, or returns
// nil: no line breaks or other control characters but tab, at most
// [MaxHeaderValueBytes].
func CheckHeaderValue(name, value string) error {
	if len(value) > MaxHeaderValueBytes {
		return i18n.Errorf("Headers.valueTooLong", i18n.Args{"Name": name, "Max": MaxHeaderValueBytes})
	}
	for i := 0; i < len(value); i++ {
		if b := value[i]; (b < 0x20 && b != '\t') || b == 0x7f {
			return i18n.Errorf("Headers.controlChar", i18n.Args{"Name": name})
		}
	}
	if strings.TrimSpace(value) == "" {
		return i18n.Errorf("Headers.noValue", i18n.Args{"Name": name})
	}
	return nil
}

// isTokenByte reports whether b may appear in an HTTP token (RFC 9110 tchar).
func isTokenByte(b byte) bool {
	switch {
	case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", b) >= 0
}

// HeaderTransport sends Headers with every request, over Base (nil means
// [http.DefaultTransport]). The request is cloned, never changed.
type HeaderTransport struct {
	Base    http.RoundTripper
	Headers http.Header
}

// CloseIdleConnections closes Base's idle connections (see [http.Client.CloseIdleConnections]).
func (t *HeaderTransport) CloseIdleConnections() {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	if c, ok := base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

func (t *HeaderTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	if len(t.Headers) == 0 {
		return base.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	for name, values := range t.Headers {
		r.Header[name] = append([]string(nil), values...)
	}
	return base.RoundTrip(r)
}

// WithHeaders returns a copy of hc (nil means a plain client) that sends
// headers on every request to the endpoint and keeps them, and the API key,
// on the endpoint's host: it refuses a redirect to another origin with a
// [*RedirectError] when the request carries either. Go's client strips
// Authorization only when the host name changes (another port keeps it), and
// the extra headers, added in the transport, would go again on every hop.
func WithHeaders(hc *http.Client, headers http.Header) *http.Client {
	if hc == nil {
		hc = &http.Client{}
	}
	c := *hc
	if len(headers) > 0 {
		c.Transport = &HeaderTransport{Base: hc.Transport, Headers: headers.Clone()}
	}
	next := hc.CheckRedirect
	hasHeaders := len(headers) > 0
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		first := via[0]
		if (hasHeaders || first.Header.Get("Authorization") != "") && !sameOrigin(first.URL, req.URL) {
			return &RedirectError{From: origin(first.URL), To: origin(req.URL)}
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &c
}

// RedirectError means a server redirected a request that carried the
// endpoint's API key or extra headers to another origin (scheme, host or
// port), and Brook did not follow: those secrets never leave the endpoint's
// host.
type RedirectError struct {
	// From and To are the origins, such as "http://127.0.0.1:8080".
	From, To string
}

func (e *RedirectError) Error() string {
	return i18n.T("Provider.redirect", i18n.Args{"From": e.From, "To": e.To})
}

// sameOrigin reports whether to is on the same host and port as from, or
// the same host moved from http to https on the default ports.
func sameOrigin(from, to *url.URL) bool {
	if !strings.EqualFold(from.Hostname(), to.Hostname()) {
		return false
	}
	if from.Scheme == to.Scheme {
		return port(from) == port(to)
	}
	return from.Scheme == "http" && to.Scheme == "https" && port(from) == "80" && port(to) == "443"
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "https" {
		return "443"
	}
	return "80"
}

func origin(u *url.URL) string {
	return u.Scheme + "://" + net.JoinHostPort(u.Hostname(), port(u))
}
