package app

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"brook/backend/guard"
	"brook/backend/store"
	"brook/backend/transfer"
)

// TestHeaderValuesStayInTheKeyring: the values of an endpoint's extra
// headers go to the keyring and with every request, never into the
// database file, a backup, an export, the log or the diagnostics; the
// names are kept with the endpoint.
func TestHeaderValuesStayInTheKeyring(t *testing.T) {
	ta := newTestApp(t)
	const gwSecret = "gw-SECRET-value-7781"
	const referer = "https://referer.example/SECRET-ref-4410"
	var mu sync.Mutex
	var seen []http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		mu.Unlock()
		if r.URL.Path == "/v1/models" {
			http.NotFound(w, r) // a server that does not list its models
			return
		}
		if r.URL.Path == "/v1/chat/completions" {
			w.Header().Set("Content-Type", "text/event-stream")
			w.Write([]byte("data: {\"id\":\"1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"an answer\"}}]}\n\n" +
				"data: {\"id\":\"1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"))
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()

	ep, err := ta.sets.SaveEndpointWithHeaders(store.Endpoint{Name: "Gateway", Kind: store.KindOpenAI, BaseURL: srv.URL + "/v1", Enabled: true,
		ExtraModels: []string{"hidden-model"}, HeaderNames: []string{"x-api-key", "HTTP-Referer"}},
		"", false, map[string]string{"x-api-key": gwSecret, "HTTP-Referer": referer})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := ta.a.keys.Get(store.HeaderSecretID(ep.ID, "X-Api-Key")); v != gwSecret {
		t.Fatalf("keyring holds %q", v)
	}
	views, err := ta.sets.Endpoints()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range views {
		if v.ID == ep.ID && strings.Join(v.HeaderNames, ",") != "X-Api-Key,Http-Referer" {
			t.Fatalf("header names = %q", v.HeaderNames)
		}
	}

	// The model added by hand is offered, and a chat with it sends the headers.
	res := ta.sendAndWait(t, 0, "hello", ep.ID, "hidden-model")
	msgs, err := ta.a.store.Messages(context.Background(), res.Conversation.ID)
	if err != nil || len(msgs) != 2 || msgs[1].Content != "an answer" {
		t.Fatalf("messages = %+v, %v", msgs, err)
	}
	mu.Lock()
	for _, h := range seen {
		if h.Get("X-Api-Key") != gwSecret || h.Get("Http-Referer") != referer {
			t.Errorf("a request went without the headers: %v", h)
		}
	}
	if len(seen) < 2 {
		t.Errorf("only %d requests", len(seen))
	}
	mu.Unlock()

	// A value with a line break is refused, saying so without the value; nothing changes.
	before := ta.snapshot(t)
	_, err = ta.sets.SaveEndpointWithHeaders(ep, "", false, map[string]string{"X-Api-Key": gwSecret + "\r\nX-Evil: 1"})
	if !errors.Is(err, guard.ErrInvalid) || strings.Contains(err.Error(), gwSecret) {
		t.Fatalf("CR/LF value: %v", err)
	}
	if after := ta.snapshot(t); after != before {
		t.Fatalf("a refused save changed things:\n%s\n%s", before, after)
	}
	if v, _ := ta.a.keys.Get(store.HeaderSecretID(ep.ID, "X-Api-Key")); v != gwSecret {
		t.Fatalf("a refused save changed the value: %q", v)
	}

	// Not in any export.
	ctx := context.Background()
	for _, f := range transfer.Formats {
		list, err := ta.a.store.ListExport(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := transfer.ExportSeq(&buf, f, list.Entries, list.Bundles(ctx), time.Now()); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(buf.Bytes(), []byte(gwSecret)) || bytes.Contains(buf.Bytes(), []byte(referer)) {
			t.Fatalf("the %s export holds a header value", f)
		}
	}
	// Not in a backup, nor in the database files.
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := ta.a.store.BackupTo(ctx, backup); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(ta.a.layout.Database + "*")
	files = append(files, backup)
	files2, _ := filepath.Glob(filepath.Join(filepath.Dir(ta.a.layout.Logs), "logs", "*"))
	files = append(files, files2...)
	logs, _ := filepath.Glob(filepath.Join(ta.a.layout.Logs, "*"))
	files = append(files, logs...)
	sawNames := false
	for _, path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			continue // a directory
		}
		if bytes.Contains(b, []byte(gwSecret)) || bytes.Contains(b, []byte(referer)) {
			t.Fatalf("%s holds a header value", path)
		}
		sawNames = sawNames || bytes.Contains(b, []byte("Http-Referer"))
	}
	if !sawNames {
		t.Fatalf("the header names are in none of %v", files)
	}

	// Not in the diagnostics, though the header names are, even when a
	// careless log line held a value.
	ta.a.log.Error("a careless line", "err", "refused "+gwSecret)
	diag := ta.sys.Diagnostics()
	if strings.Contains(diag, gwSecret) || strings.Contains(diag, referer) || !strings.Contains(diag, "Extra headers: X-Api-Key, Http-Referer (values not shown)") {
		t.Fatalf("diagnostics:\n%s", diag)
	}

	// Removing a header removes its value; deleting the endpoint removes the rest.
	ep.HeaderNames = []string{"X-Api-Key"}
	if _, err := ta.sets.SaveEndpointWithHeaders(ep, "", false, nil); err != nil {
		t.Fatal(err)
	}
	if v, _ := ta.a.keys.Get(store.HeaderSecretID(ep.ID, "Http-Referer")); v != "" {
		t.Fatalf("a removed header kept its value %q", v)
	}
	if err := ta.sets.DeleteEndpoint(ep.ID); err != nil {
		t.Fatal(err)
	}
	if v, _ := ta.a.keys.Get(store.HeaderSecretID(ep.ID, "X-Api-Key")); v != "" {
		t.Fatalf("a deleted endpoint kept its header value %q", v)
	}
}

// TestBadHeadersAreRefusedAndChangeNothing: invalid names, names Brook sets
// itself, Authorization beside an API key, values with line breaks, a new
// header without a value and too many names or models are refused with
// words for the user; the endpoint and the keyring are unchanged.
func TestBadHeadersAreRefusedAndChangeNothing(t *testing.T) {
	ta := newTestApp(t)
	ep, err := ta.sets.SaveEndpointWithHeaders(store.Endpoint{Name: "Cloud", Kind: store.KindOpenAI, BaseURL: "http://127.0.0.1:1/v1", Enabled: true,
		HeaderNames: []string{"X-Kept"}}, "sk-the-key", false, map[string]string{"X-Kept": "kept-value"})
	if err != nil {
		t.Fatal(err)
	}
	with := func(names ...string) store.Endpoint {
		e := ep
		e.HeaderNames = names
		return e
	}
	many := make([]string, 101)
	for i := range many {
		many[i] = "m" + strings.Repeat("x", i%50) + string(rune('a'+i%26)) + strings.Repeat("y", i/26)
	}
	tooManyModels := ep
	tooManyModels.ExtraModels = many
	controlModel := ep
	controlModel.ExtraModels = []string{"a\tb"}
	longModel := ep
	longModel.ExtraModels = []string{strings.Repeat("m", 201)}
	tooManyHeaders := make([]string, 21)
	for i := range tooManyHeaders {
		tooManyHeaders[i] = "X-H" + strings.Repeat("h", i)
	}
	cases := []struct {
		name   string
		e      store.Endpoint
		apiKey string
		values map[string]string
		want   string
	}{
		{"name with a space", with("X Api"), "", map[string]string{"X Api": "v"}, "not a valid header name"},
		{"name with a colon", with("X-Api:"), "", map[string]string{"X-Api:": "v"}, "not a valid header name"},
		{"name with CR LF", with("X-A\r\nB"), "", map[string]string{"X-A\r\nB": "v"}, "not a valid header name"},
		{"Content-Type", with("content-type"), "", map[string]string{"content-type": "text/plain"}, "sets the header Content-Type itself"},
		{"Content-Length", with("Content-Length"), "", map[string]string{"Content-Length": "1"}, "itself"},
		{"Host", with("Host"), "", map[string]string{"Host": "evil.example"}, "itself"},
		{"Authorization beside a stored key", with("Authorization"), "", map[string]string{"Authorization": "Basic abc"}, "carries the API key"},
		{"Authorization beside a new key", with("Authorization"), "sk-new", map[string]string{"Authorization": "Basic abc"}, "carries the API key"},
		{"value with CR LF", with("X-Kept"), "", map[string]string{"X-Kept": "a\r\nX-Evil: 1"}, "line break"},
		{"value with LF", with("X-Kept"), "", map[string]string{"X-Kept": "a\nb"}, "line break"},
		{"new header without a value", with("X-Kept", "X-New"), "", nil, "has no value"},
		{"empty value", with("X-New"), "", map[string]string{"X-New": "  "}, "has no value"},
		{"value for an unlisted name", with("X-Kept"), "", map[string]string{"X-Other": "v"}, "not in the list"},
		{"name twice", with("X-Kept", "x-kept"), "", nil, "twice"},
		{"too many headers", with(tooManyHeaders...), "", nil, "at most 20"},
		{"too many models", tooManyModels, "", nil, "at most 100"},
		{"model with a tab", controlModel, "", nil, "one line"},
		{"model too long", longModel, "", nil, "at most 200"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := ta.snapshot(t)
			_, err := ta.sets.SaveEndpointWithHeaders(c.e, c.apiKey, false, c.values)
			if !errors.Is(err, guard.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v; want ErrInvalid saying %q", err, c.want)
			}
			if after := ta.snapshot(t); after != before {
				t.Fatalf("refused, yet changed:\n%s\n%s", before, after)
			}
			if v, _ := ta.a.keys.Get(store.HeaderSecretID(ep.ID, "X-Kept")); v != "kept-value" {
				t.Fatalf("the stored value is now %q", v)
			}
			if k, _ := ta.a.keys.Get(ep.ID); k != "sk-the-key" {
				t.Fatalf("the API key is now %q", k)
			}
		})
	}
	// Without an API key, Authorization may be set by hand.
	if _, err := ta.sets.SaveEndpointWithHeaders(with("Authorization"), "", true, map[string]string{"Authorization": "Basic dXNlcjpwdw=="}); err != nil {
		t.Fatalf("Authorization without a key: %v", err)
	}
}
