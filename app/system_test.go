package app

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"brook/backend/applog"
	"brook/backend/endpoints/kind/openaikind"
	"brook/backend/store"
	"brook/backend/webkitenv"
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

// TestOpenURLLeavesWebKitSettingsBehind: the browser a link starts gets
// Brook's environment without what webkitenv set for WebKit's processes.
func TestOpenURLLeavesWebKitSettingsBehind(t *testing.T) {
	ta := newTestApp(t)
	applied, err := webkitenv.Apply(false, os.LookupEnv, func(k, v string) error { t.Setenv(k, v); return nil })
	if err != nil {
		t.Fatal(err)
	}
	ta.a.webkit = applied
	dir := t.TempDir()
	out := filepath.Join(dir, "opened")
	script := "#!/bin/sh\n{ echo \"$1\"; /usr/bin/env; } > " + out + ".tmp && /bin/mv " + out + ".tmp " + out + "\n"
	if err := os.WriteFile(filepath.Join(dir, "xdg-open"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	t.Setenv("BROOK_TEST_KEPT", "yes")
	if err := ta.sys.OpenURL("https://example.com/docs"); err != nil {
		t.Fatal(err)
	}
	var got string
	for deadline := time.Now().Add(10 * time.Second); got == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		data, _ := os.ReadFile(out)
		got = string(data)
	}
	if !strings.HasPrefix(got, "https://example.com/docs\n") || !strings.Contains(got, "BROOK_TEST_KEPT=yes") {
		t.Fatalf("the opener got:\n%s\nwant the link and Brook's own environment", got)
	}
	for _, name := range []string{"Malloc=", "JSC_threshold", "WEBKIT_DISABLE_DMABUF_RENDERER="} {
		if strings.Contains(got, name) {
			t.Errorf("the opener inherited %s, meant for WebKit's processes only:\n%s", name, got)
		}
	}
}
