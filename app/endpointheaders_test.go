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

	"brook/backend/endpoints/kind/openaikind"
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

	ep, err := ta.sets.SaveEndpointWithHeaders(store.Endpoint{Name: "Gateway", Kind: openaikind.ID, BaseURL: srv.URL + "/v1", Enabled: true,
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
