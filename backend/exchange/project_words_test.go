package exchange

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"brook/backend/i18n"
	"brook/backend/transfer"
)

// TestAProjectIsExportedInTheLanguage: a project's folder, its index and
// its chats, is worded in the language current when it is exported.
func TestAProjectIsExportedInTheLanguage(t *testing.T) {
	t.Cleanup(func() { _ = i18n.SetLanguage(i18n.English) })
	if err := i18n.SetLanguage("de"); err != nil {
		t.Fatal(err)
	}
	st, p := projectStore(t)
	ctx := context.Background()
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.Local)
	for _, tc := range []struct {
		format transfer.Format
		index  []string
		chat   []string
	}{
		{transfer.FormatMarkdown, []string{"Anweisungen:\n\n> Answer in French."}, []string{"## Benutzer\n", "Exportiert: 2026-12-06 10:00"}},
		{transfer.FormatHTML, []string{`<html lang="de">`, "<p>Anweisungen:</p>"}, []string{`<html lang="de">`, "Aus Brook exportiert am 2026-12-06 10:00"}},
	} {
		e, err := BeginProject(ctx, st, p.ID, string(tc.format), now)
		if err != nil {
			t.Fatal(err)
		}
		dir, err := e.Write(ctx, st, filepath.Join(t.TempDir(), e.FileName()))
		if err != nil {
			t.Fatal(err)
		}
		for name, wants := range map[string][]string{"index" + tc.format.Ext(): tc.index, "001-first-chat" + tc.format.Ext(): tc.chat} {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range wants {
				if !strings.Contains(string(b), want) {
					t.Errorf("%s lacks %q:\n%s", name, want, b)
				}
			}
			if strings.Contains(string(b), "Instructions:") {
				t.Errorf("%s still says Instructions:", name)
			}
		}
	}
}
