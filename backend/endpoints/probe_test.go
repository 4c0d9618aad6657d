package endpoints

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"brook/backend/endpoints/kind/ollamakind"
	"brook/backend/endpoints/kind/openaikind"
	"brook/backend/provider"
	"brook/backend/providertest"
	"brook/backend/store"
)

func TestProbeSaysWhatFailed(t *testing.T) {
	ollamaSrv := providertest.NewOllama(providertest.Script{Models: []string{"a", "b", "c"}})
	defer ollamaSrv.Close()
	openaiSrv := providertest.NewOpenAI(providertest.Script{Kind: "vllm", Models: []string{"m"}, APIKey: "sk-right"})
	defer openaiSrv.Close()
	status := func(code int, body string) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(code)
			_, _ = w.Write([]byte(body))
		}))
	}
	unauthorized := status(401, `{"error":{"message":"Incorrect API key provided"}}`)
	defer unauthorized.Close()
	forbidden := status(403, `{"error":"not allowed"}`)
	defer forbidden.Close()
	failing := status(502, `{"error":"upstream down"}`)
	defer failing.Close()
	wrongShape := status(200, `{"models":["x"]}`)
	defer wrongShape.Close()
	notFound := httptest.NewServer(http.NotFoundHandler())
	defer notFound.Close()
	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<!doctype html><title>Router</title>"))
	}))
	defer html.Close()
	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"data":[]}`))
	}))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake
	tlsSrv.StartTLS()
	defer tlsSrv.Close()
	release := make(chan struct{})
	hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hanging.Close()
	defer close(release)
	redirecting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, openaiSrv.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer redirecting.Close()

	tests := []struct {
		name     string
		kind     store.EndpointKind
		base     string
		key      string
		timeout  time.Duration
		want     Failure
		message  string // a part of the message
		wantKind provider.ServerKind
		models   int
	}{
		{name: "Ollama", kind: ollamakind.ID, base: ollamaSrv.URL, message: "Connected: Ollama 0.17.4, 3 models", wantKind: provider.ServerOllama, models: 3},
		{name: "OpenAI-shaped, with the key", kind: openaikind.ID, base: openaiSrv.URL + "/v1/", key: "sk-right", message: "Connected: vLLM, 1 model", wantKind: provider.ServerVLLM, models: 1},
		{name: "the wrong key", kind: openaikind.ID, base: openaiSrv.URL + "/v1", key: "sk-wrong", want: FailUnauthorized, message: "401 Unauthorized: the API key was refused"},
		{name: "no key", kind: openaikind.ID, base: openaiSrv.URL + "/v1", want: FailUnauthorized, message: "none was given"},
		{name: "401 with the server's reason", kind: openaikind.ID, base: unauthorized.URL, key: "k", want: FailUnauthorized, message: "The server said: Incorrect API key provided"},
		{name: "403", kind: openaikind.ID, base: forbidden.URL, key: "k", want: FailForbidden, message: "403 Forbidden"},
		{name: "404 on the path", kind: openaikind.ID, base: openaiSrv.URL, key: "sk-right", want: FailNotFound, message: "404 at /models: the path is wrong; OpenAI-compatible servers usually end in /v1."},
		{name: "404 for Ollama", kind: ollamakind.ID, base: notFound.URL, want: FailNotFound, message: "404 at /api/version"},
		{name: "5xx", kind: openaikind.ID, base: failing.URL, want: FailServerError, message: "502 Bad Gateway at /models"},
		{name: "an HTML page", kind: openaikind.ID, base: html.URL, want: Failure(openaikind.Kind.NotShaped()), message: "not like an OpenAI-compatible API. It sent a web page"},
		{name: "JSON of another shape", kind: openaikind.ID, base: wrongShape.URL, want: Failure(openaikind.Kind.NotShaped()), message: "not like an OpenAI-compatible API"},
		{name: "an OpenAI server taken for Ollama", kind: ollamakind.ID, base: openaiSrv.URL, want: FailNotFound, message: "404 at /api/version"},
		{name: "an HTML page taken for Ollama", kind: ollamakind.ID, base: html.URL, want: Failure(ollamakind.Kind.NotShaped()), message: "not like Ollama's API"},
		{name: "a self-signed certificate", kind: openaikind.ID, base: tlsSrv.URL, want: FailTLS, message: "The server's TLS certificate is not trusted: x509:"},
		{name: "a closed port", kind: ollamakind.ID, base: providertest.DownURL(), want: FailRefused, message: "Connection refused at 127.0.0.1:"},
		{name: "a name that does not exist", kind: ollamakind.ID, base: "http://brook-probe.invalid:11434", want: FailDNS, message: "The name brook-probe.invalid could not be found (DNS). Check the address."},
		{name: "a server that hangs", kind: openaikind.ID, base: hanging.URL, timeout: 200 * time.Millisecond, want: FailTimeout, message: "did not answer in time"},
		{name: "a redirect to another port, with the key", kind: openaikind.ID, base: redirecting.URL + "/v1", key: "sk-right", want: FailRedirect, message: "redirected Brook to " + openaiSrv.URL},
		{name: "an empty URL", kind: ollamakind.ID, base: " ", want: FailBadURL, message: "no base URL"},
		{name: "not http", kind: openaikind.ID, base: "ftp://example.com", want: FailBadURL, message: "not an http:// or https:// URL"},
		{name: "no host", kind: openaikind.ID, base: "http://", want: FailBadURL, message: "not an http:// or https:// URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			timeout := tt.timeout
			if timeout == 0 {
				timeout = 5 * time.Second
			}
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			got := Probe(ctx, tt.kind, tt.base, tt.key, &http.Client{})
			if got.OK != (tt.want == "") || got.Failure != tt.want {
				t.Fatalf("got ok=%v failure %q (%s), want failure %q", got.OK, got.Failure, got.Message, tt.want)
			}
			if !strings.Contains(got.Message, tt.message) {
				t.Errorf("message %q does not say %q", got.Message, tt.message)
			}
			if got.OK && (got.ServerKind != tt.wantKind || got.Models != tt.models) {
				t.Errorf("found %s with %d models, want %s with %d", got.ServerKind, got.Models, tt.wantKind, tt.models)
			}
			if tt.want == FailBadURL && got.URL != "" {
				t.Errorf("a bad URL was asked: %s", got.URL)
			}
		})
	}
	if n := len(ollamaSrv.Requests()); n != 0 && n != 2 { // 0 when -run leaves that case out
		t.Errorf("Ollama was asked %d times, want 2 (/api/version, /api/tags)", n)
	}
}

func TestProbeTimesTheTest(t *testing.T) {
	srv := providertest.NewOllama(providertest.Script{Models: []string{"one"}})
	defer srv.Close()
	got := Probe(context.Background(), ollamakind.ID, srv.URL, "", nil)
	if !got.OK || got.Millis < 0 || !strings.HasSuffix(got.Message, " ms.") || !strings.Contains(got.Message, "1 model,") {
		t.Errorf("got %+v", got)
	}
}
