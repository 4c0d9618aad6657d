package app

import (
	"runtime"
	"strings"
	"testing"

	"brook/backend/applog"
	"brook/backend/endpoints/kind/openaikind"
	"brook/backend/store"
)

// TestDiagnosticsHoldNoKeys: Copy diagnostics, with a key in the keyring.
func TestDiagnosticsHoldNoKeys(t *testing.T) {
	ta := newTestApp(t)
	const key = "sk-app-diag-SECRET-55"
	e, err := ta.sets.SaveEndpoint(store.Endpoint{Name: "Cloud", Kind: openaikind.ID, BaseURL: "http://127.0.0.1:1/v1", Enabled: true}, key, false)
	if err != nil {
		t.Fatal(err)
	}
	ta.a.log.Error("a careless line", "err", "refused "+key)
	text := ta.sys.Diagnostics()
	if strings.Contains(text, key) {
		t.Fatalf("the diagnostics hold the key:\n%s", text)
	}
	for _, want := range []string{"Brook: ", "Endpoints (2)", "Cloud (id " + e.ID + ")", "API key: stored (not shown)", "Logs: " + ta.a.layout.Logs} {
		if !strings.Contains(text, want) {
			t.Errorf("the diagnostics lack %q:\n%s", want, text)
		}
	}
}

// TestReturnStartupHeap: the freed start-up heap goes back to the system,
// and the log says how much, in a line the bench waits for.
func TestReturnStartupHeap(t *testing.T) {
	var out strings.Builder
	s := &SystemService{a: &App{log: applog.New(&out, nil, applog.Options{})}}
	allocateAndDrop(4 << 20)
	before := heapReleased()
	s.returnStartupHeap()
	if heapReleased() <= before {
		t.Errorf("released heap went from %d to %d bytes; want more", before, heapReleased())
	}
	if !strings.Contains(out.String(), "start-up heap returned") || !strings.Contains(out.String(), "kib=") {
		t.Errorf("the log says %q; want the start-up heap line with its size", out.String())
	}
}

// allocateAndDrop allocates n bytes in 64 KiB pieces that are garbage once
// it returns.
func allocateAndDrop(n int) {
	pieces := make([][]byte, n/(64<<10))
	for i := range pieces {
		pieces[i] = make([]byte, 64<<10)
	}
	runtime.KeepAlive(pieces)
}
