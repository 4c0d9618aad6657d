package ollama

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"

	"brook/backend/provider"
	"brook/backend/provider/internal/httprec"
	"brook/backend/providertest"
)

func TestInjectedReadErrorIsDropped(t *testing.T) {
	const lines = `{"message":{"role":"assistant","content":"Gr"},"done":false}` + "\n" +
		`{"message":{"role":"assistant","content":"üß"},"done":false}` + "\n"
	cases := []struct {
		name, body string
		err        error
	}{
		{"between lines", lines, io.ErrUnexpectedEOF},
		{"mid-line", lines + `{"message":{"role":"assis`, io.ErrUnexpectedEOF},
		// The cut falls inside a two-byte character: the library turns the partial line into
		// an error of its own, which must not be taken for a server error.
		{"inside a rune", lines + `{"message":{"role":"assistant","content":"` + "\xc3", io.ErrUnexpectedEOF},
		{"other transport error", lines, errors.New("connection reset by peer")},
	}
	u, _ := url.Parse("http://ollama.invalid")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hc := &http.Client{Transport: &httprec.Transport{Base: providertest.FailingBody("application/x-ndjson", tc.body, tc.err)}}
			comp, err := newClient(u, hc).Stream(t.Context(), provider.Request{Model: "m"}, nil)
			var broken *provider.BrokenError
			if !errors.As(err, &broken) || broken.Reason != provider.BrokenDropped || !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want dropped wrapping %v", err, tc.err)
			}
			if comp.Text != "Grüß" {
				t.Errorf("text = %q, want %q", comp.Text, "Grüß")
			}
		})
	}
}

func TestNewBaseURL(t *testing.T) {
	if c := New(""); c.urlErr != nil {
		t.Errorf("empty base URL: %v", c.urlErr)
	}
	if c := New("localhost:11434"); c.urlErr != nil {
		t.Errorf("no scheme: %v", c.urlErr)
	}
	c := New("http://%zz")
	if c.urlErr == nil {
		t.Fatal("malformed URL accepted")
	}
	if _, err := c.Stream(t.Context(), provider.Request{}, nil); !errors.Is(err, c.urlErr) {
		t.Errorf("Stream with a bad URL = %v", err)
	}
}
