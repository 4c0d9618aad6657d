package endpoints

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"brook/backend/endpoints/kind"
	"brook/backend/i18n"
	"brook/backend/provider"
	"brook/backend/store"
)

// Failure names what went wrong when an endpoint was tested. The values
// reach the UI, so they never change.
type Failure string

const (
	FailBadURL       Failure = "bad_url"      // not an http(s) URL with a host; nothing was sent
	FailDNS          Failure = "dns"          // the host name could not be looked up
	FailRefused      Failure = "refused"      // nothing listens at the address
	FailTimeout      Failure = "timeout"      // no answer in time
	FailTLS          Failure = "tls"          // the certificate is not trusted, or TLS failed
	FailNetwork      Failure = "network"      // another transport error (reset, unreachable network)
	FailUnauthorized Failure = "unauthorized" // HTTP 401
	FailForbidden    Failure = "forbidden"    // HTTP 403
	FailNotFound     Failure = "not_found"    // HTTP 404: the path is wrong
	FailHTTP         Failure = "http_status"  // another 4xx
	FailServerError  Failure = "server_error" // HTTP 5xx
	FailRedirect     Failure = "redirect"     // redirected elsewhere with the key or extra headers; not followed
	// A server that answered, but not like the API, fails with its kind's
	// own value ([kind.Kind.NotShaped]): "not_ollama", "not_openai".
)

// ProbeResult is the outcome of testing an endpoint: whether it works and,
// if not, what failed, in words that say what to do.
type ProbeResult struct {
	OK      bool    `json:"ok"`
	Failure Failure `json:"failure,omitempty"`
	// Message says what was found or what failed, as the UI shows it.
	Message string `json:"message"`
	// URL is the last address asked, "" when nothing was sent.
	URL string `json:"url,omitempty"`
	// ServerKind is what serves the endpoint, when it answered.
	ServerKind provider.ServerKind `json:"serverKind,omitempty"`
	// Version is the server's version, when it says (Ollama).
	Version string `json:"version,omitempty"`
	Models  int    `json:"models"`
	Millis  int64  `json:"millis"`
}

// ProbeTimeout bounds a whole test of an endpoint.
const ProbeTimeout = 10 * time.Second

// Probe tests the endpoint of kind at baseURL the way Brook uses it, with
// the kind's own test ([kind.Kind.Probe]): for Ollama GET /api/version and
// /api/tags, for an OpenAI-compatible API GET {baseURL}/models with apiKey.
// A nil client means a plain one. Whatever the client, the key and extra
// headers never follow a redirect to another host ([provider.WithHeaders]).
// It never takes longer than [ProbeTimeout] or ctx allows.
func Probe(ctx context.Context, kindID store.EndpointKind, baseURL, apiKey string, client *http.Client) ProbeResult {
	start := time.Now()
	r := probe(ctx, kindID, baseURL, apiKey, client)
	r.Millis = time.Since(start).Milliseconds()
	if r.OK {
		r.Message = connected(r)
	}
	return r
}

func probe(ctx context.Context, kindID store.EndpointKind, baseURL, apiKey string, client *http.Client) ProbeResult {
	k, ok := kind.Lookup(string(kindID))
	if !ok {
		return ProbeResult{Failure: FailBadURL, Message: i18n.T("Probe.unknownKind", i18n.Args{"Kind": string(kindID)})}
	}
	base, err := probeBase(baseURL)
	if err != nil {
		return ProbeResult{Failure: FailBadURL, Message: err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
	defer cancel()
	p := &prober{kind: k, client: provider.WithHeaders(client, nil), base: base, apiKey: strings.TrimSpace(apiKey)}
	found, ok := k.Probe(ctx, p)
	if !ok {
		if p.result.Failure == "" {
			p.NotShaped()
		}
		return p.result
	}
	r := p.result
	r.OK, r.ServerKind, r.Version, r.Models = true, found.Server, found.Version, found.Models
	return r
}

// prober is the [kind.Prober] of one test: it keeps the last address asked
// and what failed.
type prober struct {
	kind        kind.Kind
	client      *http.Client
	base        *url.URL
	apiKey      string
	result      ProbeResult
	contentType string
}

func (p *prober) Get(ctx context.Context, path string, withKey bool, into any) bool {
	key := ""
	if withKey {
		key = p.apiKey
	}
	var ok bool
	p.result, p.contentType, ok = getJSON(ctx, p.client, p.base.JoinPath(path), key, p.kind, into)
	return ok
}

func (p *prober) NotShaped() { p.result = notShaped(p.result, p.kind, p.contentType) }

func (p *prober) Client() *http.Client { return p.client }

func (p *prober) BaseURL() string { return p.base.String() }

// probeBase checks baseURL as the store does, without sending anything.
func probeBase(baseURL string) (*url.URL, error) {
	raw := strings.TrimSpace(baseURL)
	if raw == "" {
		return nil, i18n.New("Probe.noURL")
	}
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, i18n.Errorf("Probe.badURL", i18n.Args{"URL": raw})
	}
	if u.User != nil {
		return nil, i18n.New("Probe.userInURL")
	}
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}

// getJSON GETs u and decodes a 200 JSON answer into into. It reports false,
// with the failure filled in, when the request failed or the answer was not
// JSON (in the words of k's API), and returns the answer's content type.
func getJSON(ctx context.Context, client *http.Client, u *url.URL, apiKey string, k kind.Kind, into any) (ProbeResult, string, bool) {
	r := ProbeResult{URL: u.String()}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return ProbeResult{Failure: FailBadURL, Message: i18n.T("Probe.notAskable", i18n.Args{"URL": u.String()})}, "", false
	}
	req.Header.Set("Accept", "application/json")
	if apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+apiKey)
	}
	resp, err := client.Do(req)
	if err != nil {
		r.Failure, r.Message = transportFailure(ctx, u, err)
		return r, "", false
	}
	defer resp.Body.Close()
	contentType := resp.Header.Get("Content-Type")
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		r.Failure, r.Message = transportFailure(ctx, u, err)
		return r, contentType, false
	}
	if resp.StatusCode != http.StatusOK {
		r.Failure, r.Message = statusFailure(resp, body, u, apiKey, k)
		return r, contentType, false
	}
	if err := json.Unmarshal(body, into); err != nil {
		return notShaped(r, k, contentType), contentType, false
	}
	return r, contentType, true
}

// transportFailure says why a request got no answer. It goes by the
// errors' types, never their text.
func transportFailure(ctx context.Context, u *url.URL, err error) (Failure, string) {
	var (
		dnsErr    *net.DNSError
		unknownCA x509.UnknownAuthorityError
		hostErr   x509.HostnameError
		invalid   x509.CertificateInvalidError
		verifyErr *tls.CertificateVerificationError
		netErr    net.Error
		redirect  *provider.RedirectError
	)
	switch {
	case errors.As(err, &redirect):
		return FailRedirect, provider.Explain(redirect)
	case errors.As(err, &dnsErr):
		return FailDNS, i18n.T("Probe.dns", i18n.Args{"Host": u.Hostname()})
	case errors.Is(err, syscall.ECONNREFUSED):
		return FailRefused, i18n.T("Probe.refused", i18n.Args{"Host": hostPort(u)})
	case errors.As(err, &unknownCA), errors.As(err, &hostErr), errors.As(err, &invalid):
		return FailTLS, i18n.T("Probe.tls", i18n.Args{"Err": certErr(err)})
	case errors.As(err, &verifyErr):
		return FailTLS, i18n.T("Probe.tls", i18n.Args{"Err": verifyErr.Err})
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return FailTimeout, i18n.T("Probe.timeout", i18n.Args{"Host": hostPort(u)})
	case errors.Is(err, context.Canceled) || ctx.Err() != nil:
		return FailTimeout, i18n.T("Probe.stopped", nil)
	}
	return FailNetwork, i18n.T("Probe.network", i18n.Args{"Host": hostPort(u), "Err": innermost(err)})
}

// certErr is the x509 error inside err, which says what is wrong with the certificate.
func certErr(err error) error {
	var (
		unknownCA x509.UnknownAuthorityError
		hostErr   x509.HostnameError
		invalid   x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &unknownCA):
		return unknownCA
	case errors.As(err, &hostErr):
		return hostErr
	case errors.As(err, &invalid):
		return invalid
	}
	return err
}

// innermost drops the "Get URL:" and "dial tcp" wrappers, which repeat the address.
func innermost(err error) error {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		return opErr.Err
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return urlErr.Err
	}
	return err
}

func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	port := "80"
	if u.Scheme == "https" {
		port = "443"
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// statusFailure says what an answer other than 200 means.
func statusFailure(resp *http.Response, body []byte, u *url.URL, apiKey string, k kind.Kind) (Failure, string) {
	status := fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	path := "/" + strings.TrimPrefix(u.Path, "/")
	reason := ""
	if said := serverSaid(body); said != "" {
		reason = " " + i18n.T("Probe.serverSaid", i18n.Args{"Said": said})
	}
	switch code := resp.StatusCode; {
	case code == http.StatusUnauthorized && apiKey == "":
		return FailUnauthorized, i18n.T("Probe.noKey", i18n.Args{"Status": status, "Said": reason})
	case code == http.StatusUnauthorized:
		return FailUnauthorized, i18n.T("Probe.keyRefused", i18n.Args{"Status": status, "Said": reason})
	case code == http.StatusForbidden:
		return FailForbidden, i18n.T("Probe.forbidden", i18n.Args{"Status": status, "Said": reason})
	case code == http.StatusNotFound && k.Words.WrongPath != "":
		return FailNotFound, i18n.T("Probe.notFoundAt", i18n.Args{"Path": path, "Hint": i18n.T(k.Words.WrongPath, nil)})
	case code == http.StatusNotFound:
		return FailNotFound, i18n.T("Probe.wrongPath", i18n.Args{"Path": path})
	case code >= 500:
		return FailServerError, i18n.T("Probe.serverFailed", i18n.Args{"Status": status, "Path": path, "Said": reason})
	}
	return FailHTTP, i18n.T("Probe.httpRefused", i18n.Args{"Status": status, "Path": path, "Said": reason})
}

// serverSaid is the error message in a body: OpenAI's error.message,
// Ollama's error, else short plain text.
func serverSaid(body []byte) string {
	var e struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && len(e.Error) > 0 {
		var text string
		var obj struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(e.Error, &text) == nil && text != "" {
			return clipText(text)
		}
		if json.Unmarshal(e.Error, &obj) == nil && obj.Message != "" {
			return clipText(obj.Message)
		}
	}
	return ""
}

func clipText(s string) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > 200 {
		return string(r[:200]) + "…"
	}
	return s
}

// notShaped is the failure of a server that answered 200 with something
// other than what k's API sends.
func notShaped(r ProbeResult, k kind.Kind, contentType string) ProbeResult {
	api := i18n.T("Kind.api", i18n.Args{"Kind": k.Name()})
	if k.Words.API != "" {
		api = i18n.T(k.Words.API, nil)
	}
	what := ""
	if mt, _, err := mime.ParseMediaType(contentType); err == nil && mt == "text/html" {
		what = " " + i18n.T("Probe.webPage", nil)
	}
	r.Failure = Failure(k.NotShaped())
	r.Message = i18n.T("Probe.notShaped", i18n.Args{"API": api, "WebPage": what})
	if k.Words.CheckPath != "" {
		r.Message += " " + i18n.T(k.Words.CheckPath, nil)
	}
	return r
}

// connected says what a test that worked found.
func connected(r ProbeResult) string {
	server := r.ServerKind.Label()
	if r.Version != "" {
		server += " " + r.Version
	}
	return i18n.T("Probe.connected", i18n.Args{"Server": server, "Count": r.Models, "Millis": r.Millis})
}
