package httprec

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"brook/backend/provider"
	"brook/backend/providertest"
)

// fakeRT answers every request with a fixed status, header and body.
type fakeRT struct {
	status int
	header http.Header
	body   io.Reader
}

func (f fakeRT) RoundTrip(req *http.Request) (*http.Response, error) {
	h := f.header
	if h == nil {
		h = http.Header{}
	}
	return &http.Response{StatusCode: f.status, Header: h, Body: io.NopCloser(f.body), Request: req}, nil
}

func get(t *testing.T, rt http.RoundTripper) (body string, readErr error, snap Snapshot) {
	t.Helper()
	ctx, rec := With(t.Context())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://example.invalid/", nil)
	resp, err := (&http.Client{Transport: rt}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, readErr := io.ReadAll(resp.Body)
	return string(b), readErr, rec.Snapshot()
}

func TestBodyReadErrorIsRecorded(t *testing.T) {
	rt := &Transport{Base: fakeRT{status: 200, body: &providertest.FailingReader{Data: `{"a":"Gr` + "\xc3", Err: io.ErrUnexpectedEOF}}}
	body, readErr, snap := get(t, rt)
	if body != `{"a":"Gr`+"\xc3" || !errors.Is(readErr, io.ErrUnexpectedEOF) {
		t.Fatalf("body %q, err %v", body, readErr)
	}
	if snap.Status != 200 || !errors.Is(snap.BodyReadErr, io.ErrUnexpectedEOF) {
		t.Fatalf("snapshot = %+v", snap)
	}
	// Whatever the library made of the cut line, the record says dropped.
	err, ok := Classify(context.Background(), "op", errors.New(`{"a":"Gr`), snap, nil)
	var broken *provider.BrokenError
	if !ok || !errors.As(err, &broken) || broken.Reason != provider.BrokenDropped || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("Classify = %v, %v; want dropped wrapping io.ErrUnexpectedEOF", err, ok)
	}
}

func TestCleanEOFIsNotAnError(t *testing.T) {
	rt := &Transport{Base: fakeRT{status: 200, body: strings.NewReader("whole")}}
	body, readErr, snap := get(t, rt)
	if body != "whole" || readErr != nil || snap.BodyReadErr != nil {
		t.Fatalf("body %q, err %v, snapshot %+v", body, readErr, snap)
	}
	if err, ok := Classify(context.Background(), "op", nil, snap, nil); ok || err != nil {
		t.Fatalf("Classify = %v, %v; want unhandled", err, ok)
	}
}

func TestErrorBodyIsKeptAndReplayed(t *testing.T) {
	rt := &Transport{Base: fakeRT{status: 429, header: http.Header{"Retry-After": {"12"}}, body: strings.NewReader(`{"error":"slow down"}`)}}
	body, readErr, snap := get(t, rt)
	if body != `{"error":"slow down"}` || readErr != nil {
		t.Fatalf("replayed body %q, err %v", body, readErr)
	}
	if string(snap.ErrorBody) != body || snap.RetryAfter != 12*time.Second || !snap.HasRetryAfter {
		t.Fatalf("snapshot = %+v", snap)
	}
	err, _ := Classify(context.Background(), "op", nil, snap, nil)
	var broken *provider.BrokenError
	if !errors.As(err, &broken) || broken.Reason != provider.BrokenRateLimited || broken.Status != 429 || broken.RetryAfter != 12*time.Second {
		t.Fatalf("Classify = %#v", err)
	}
}

func TestClassifyStatusAndMessage(t *testing.T) {
	reason := func(b []byte) string {
		if strings.HasPrefix(string(b), "reason:") {
			return strings.TrimPrefix(string(b), "reason:")
		}
		return ""
	}
	cases := []struct {
		body string
		want string
	}{
		{"reason:model not found", "model not found"},
		{"plain text body", "plain text body"},
		{"", ""},
	}
	for _, tc := range cases {
		err, ok := Classify(context.Background(), "op", nil, Snapshot{Status: 404, ErrorBody: []byte(tc.body)}, reason)
		var refused *provider.RequestError
		if !ok || !errors.As(err, &refused) || refused.Status != 404 || refused.Message != tc.want {
			t.Errorf("body %q: Classify = %#v, want RequestError{404, %q}", tc.body, err, tc.want)
		}
	}
}

func TestCancelledContextWins(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	// Even with a recorded 500 and a read error, the caller's cancel decides.
	err, ok := Classify(ctx, "op", errors.New("boom"), Snapshot{Status: 500, BodyReadErr: io.ErrUnexpectedEOF}, nil)
	var broken *provider.BrokenError
	if !ok || !errors.Is(err, context.Canceled) || errors.As(err, &broken) {
		t.Fatalf("Classify = %v; want context.Canceled and no BrokenError", err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{" 30 ", 30 * time.Second, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{now.Add(2 * time.Minute).Format(time.RFC850), 2 * time.Minute, true},
	}
	for _, tc := range cases {
		got, ok := ParseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
