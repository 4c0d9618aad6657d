package importers

import (
	"slices"
	"testing"

	"brook/backend/i18n"
)

// TestNotesSayWhatWasLeftOutInTheLanguageWithItsCount: what an importer
// left out is one line per kind, in the language current when it was
// noted, with the count written the language's way.
func TestNotesSayWhatWasLeftOutInTheLanguageWithItsCount(t *testing.T) {
	t.Cleanup(func() { _ = i18n.SetLanguage(i18n.English) })
	if err := i18n.SetLanguage("de"); err != nil {
		t.Fatal(err)
	}
	var n Notes
	for range 1200 {
		n.Add(i18n.T("Import.noteToolCall", nil))
	}
	n.Add(i18n.T("Import.noteEmptyMessage", nil))
	want := []string{"1.200 × ein Werkzeugaufruf als Text behalten", "eine leere Nachricht ausgelassen"}
	if got := n.Lines(); !slices.Equal(got, want) {
		t.Errorf("Lines = %q, want %q", got, want)
	}
	if missing := i18n.Missing(); len(missing) > 0 {
		t.Errorf("messages missing: %v", missing)
	}
}
