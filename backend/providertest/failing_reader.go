package providertest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
)

// FailingReader returns Data, then Err instead of io.EOF: a body whose
// connection broke after those bytes, at exactly the point a test chooses.
type FailingReader struct {
	Data string
	Err  error
}

func (r *FailingReader) Read(p []byte) (int, error) {
	if r.Data == "" {
		return 0, r.Err
	}
	n := copy(p, r.Data)
	r.Data = r.Data[n:]
	return n, nil
}

// FailingBody is a transport whose every response is a 200 of contentType
// with a body that reads data and then fails with err: a stream broken at
// exactly the point a test chooses, without a server.
func FailingBody(contentType, data string, err error) http.RoundTripper {
	return failingBody{contentType: contentType, data: data, err: err}
}

type failingBody struct {
	contentType, data string
	err               error
}

func (f failingBody) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {f.contentType}},
		Body: io.NopCloser(&FailingReader{Data: f.data, Err: f.err}), Request: req}, nil
}

// RedirectElsewhere starts two servers for t (a *testing.T), closed when it ends: origin redirects every request
// with status to the same path on elsewhere, another loopback port, which
// records whether any of the headers named arrived there.
func RedirectElsewhere(t interface{ Cleanup(func()) }, status int, headers ...string) (origin, elsewhere string, leaked func() bool) {
	var got atomic.Bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, h := range headers {
			if r.Header.Get(h) != "" {
				got.Store(true)
			}
		}
	}))
	t.Cleanup(other.Close)
	redirecting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, status)
	}))
	t.Cleanup(redirecting.Close)
	return redirecting.URL, other.URL, got.Load
}
