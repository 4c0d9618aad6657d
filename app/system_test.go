package app

import (
	"strings"
	"testing"

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
