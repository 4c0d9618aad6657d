package provider_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"brook/backend/provider"
)

// hostRecorder is a server that keeps the headers of every request it gets
// and answers 200.
type hostRecorder struct {
	*httptest.Server
	mu   sync.Mutex
	seen []http.Header
}

func newHostRecorder(t *testing.T) *hostRecorder {
	h := &hostRecorder{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.seen = append(h.seen, r.Header.Clone())
		h.mu.Unlock()
		fmt.Fprint(w, `{}`)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hostRecorder) requests() []http.Header {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]http.Header(nil), h.seen...)
}

// redirector answers every request with status and a Location at target.
func redirector(t *testing.T, status int, target string) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/same" {
			w.WriteHeader(http.StatusOK)
			return
		}
		http.Redirect(w, r, target, status)
	}))
	t.Cleanup(s.Close)
	return s
}

// TestSecretsNeverFollowARedirectToAnotherHost sends an endpoint's API key
// (Authorization, set on the request as the adapters do) and extra headers
// to a server that redirects to another loopback port. Go strips
// Authorization only when the host name changes, never for another port,
// and extra headers added in the transport would go again on every hop.
func TestSecretsNeverFollowARedirectToAnotherHost(t *testing.T) {
	secrets := []struct {
		name    string
		key     string
		headers http.Header
	}{
		{"api key", "sk-secret", nil},
		{"extra header", "", http.Header{"X-Gateway-Key": {"gw-secret"}}},
		{"both", "sk-secret", http.Header{"X-Gateway-Key": {"gw-secret"}}},
	}
	for _, status := range []int{http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		for _, s := range secrets {
			t.Run(fmt.Sprintf("%d %s", status, s.name), func(t *testing.T) {
				elsewhere := newHostRecorder(t)
				origin := redirector(t, status, elsewhere.URL+"/v1/models")
				req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, origin.URL+"/v1/chat/completions", http.NoBody)
				if err != nil {
					t.Fatal(err)
				}
				if s.key != "" {
					req.Header.Set("Authorization", "Bearer "+s.key)
				}
				resp, err := provider.WithHeaders(nil, s.headers).Do(req)
				if err == nil {
					resp.Body.Close()
				}
				for _, h := range elsewhere.requests() {
					if h.Get("Authorization") != "" || h.Get("X-Gateway-Key") != "" {
						t.Fatalf("the other host got the secrets: %v", h)
					}
				}
				var redirect *provider.RedirectError
				if !errors.As(err, &redirect) {
					t.Fatalf("err = %v, want a refused redirect", err)
				}
				if redirect.From != origin.URL || redirect.To != elsewhere.URL {
					t.Errorf("redirect from %q to %q, want %q to %q", redirect.From, redirect.To, origin.URL, elsewhere.URL)
				}
			})
		}
	}
}

// TestRedirectsWithoutSecretsOrOnTheSameHostAreFollowed checks the refusal
// is no wider than it must be.
func TestRedirectsWithoutSecretsOrOnTheSameHostAreFollowed(t *testing.T) {
	elsewhere := newHostRecorder(t)
	cases := []struct {
		name    string
		target  func(origin string) string
		headers http.Header
		wantAt  string // "origin" or "elsewhere"
	}{
		{"no secrets, another host", func(string) string { return elsewhere.URL + "/x" }, nil, "elsewhere"},
		{"secrets, same host", func(origin string) string { return origin + "/same" }, http.Header{"X-Gateway-Key": {"gw"}}, "origin"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var origin *httptest.Server
			var sameSeen http.Header
			origin = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/same" {
					sameSeen = r.Header.Clone()
					return
				}
				http.Redirect(w, r, tc.target(origin.URL), http.StatusTemporaryRedirect)
			}))
			defer origin.Close()
			before := len(elsewhere.requests())
			resp, err := provider.WithHeaders(nil, tc.headers).Get(origin.URL + "/start")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			switch tc.wantAt {
			case "origin":
				if sameSeen == nil || sameSeen.Get("X-Gateway-Key") != "gw" {
					t.Fatalf("same-host hop got %v, want the header", sameSeen)
				}
			case "elsewhere":
				if len(elsewhere.requests()) != before+1 {
					t.Fatal("the redirect was not followed")
				}
			}
		})
	}
}
