package contextwindow

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// maxBody bounds what is read of a server's answer: /api/show of a large
// model carries its whole template and license.
const maxBody = 8 << 20

// server is one server's root address and the HTTP client to ask it with.
type server struct {
	root *url.URL
	hc   *http.Client
}

// newServer takes baseURL without the OpenAI API's /v1, so both APIs'
// addresses reach the server's own endpoints. A nil hc is a plain client.
func newServer(baseURL string, hc *http.Client) (server, error) {
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(baseURL), "/"))
	if err != nil || u.Host == "" {
		return server{}, fmt.Errorf("contextwindow: bad server address %q", baseURL)
	}
	u.Path = strings.TrimSuffix(strings.TrimRight(u.Path, "/"), "/v1")
	u.RawQuery, u.Fragment = "", ""
	if hc == nil {
		hc = http.DefaultClient
	}
	return server{root: u, hc: hc}, nil
}

// call sends body (GET when nil) to path and decodes the JSON answer into out.
func (s server) call(ctx context.Context, path string, body, out any) error {
	method, reader := http.MethodGet, io.Reader(nil)
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		method, reader = http.MethodPost, bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.root.JoinPath(path).String(), reader)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return &StatusError{Path: path, Status: resp.StatusCode}
	}
	return json.NewDecoder(io.LimitReader(resp.Body, maxBody)).Decode(out)
}

// StatusError is a server's refusal of one of the requests this package makes.
type StatusError struct {
	Path   string
	Status int
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("contextwindow: %s answered HTTP %d", e.Path, e.Status)
}
