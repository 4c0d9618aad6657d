package exchange

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"brook/backend/i18n"
	"brook/backend/transfer"
)

// TestAFileBrookCannotReadIsRefusedInOneSentenceOfTheLanguage: a broken
// export is refused in words of the language current when the error is
// read, naming the file and the kind of failure, keeping the reader's
// detail (where in the file), and still matching its kind.
func TestAFileBrookCannotReadIsRefusedInOneSentenceOfTheLanguage(t *testing.T) {
	t.Cleanup(func() { _ = i18n.SetLanguage(i18n.English) })
	dir := t.TempDir()
	cut := filepath.Join(dir, "cut.json")
	if err := os.WriteFile(cut, []byte(`{"format": "brook", "version": 1, "conversations": [`), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.json")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path     string
		kind     error
		english  string
		german   string
		noDetail bool
	}{
		{cut, transfer.ErrTruncated, "cut.json: the file is cut short: ", "cut.json: Die Datei ist abgeschnitten: ", false},
		{empty, transfer.ErrEmpty, "empty.json: the file is empty", "empty.json: Die Datei ist leer", true},
	} {
		_, _, err := Read(tc.path)
		if !errors.Is(err, tc.kind) || !i18n.IsLocalized(err) {
			t.Fatalf("%s: Read = %v; want a worded %v", tc.path, err, tc.kind)
		}
		if got := err.Error(); !strings.HasPrefix(got, tc.english) || (tc.noDetail && got != tc.english) {
			t.Errorf("in English: %q, want it to start %q", got, tc.english)
		}
		if err := i18n.SetLanguage("de"); err != nil {
			t.Fatal(err)
		}
		if got := err.Error(); !strings.HasPrefix(got, tc.german) {
			t.Errorf("in German: %q, want it to start %q", got, tc.german)
		}
		if err := i18n.SetLanguage(i18n.English); err != nil {
			t.Fatal(err)
		}
	}
}

// TestARefusalsDetailSpeaksTheLanguageAndNamesTheFileOnce: the details of
// a refusal (where in the file, how deep, which byte) are the catalogue's
// words too, and a lone file checked under its own name is named once.
func TestARefusalsDetailSpeaksTheLanguageAndNamesTheFileOnce(t *testing.T) {
	t.Cleanup(func() { _ = i18n.SetLanguage(i18n.English) })
	dir := t.TempDir()
	deep := filepath.Join(dir, "deep.json")
	if err := os.WriteFile(deep, []byte(`{"x":`+strings.Repeat("[", 300)), 0o600); err != nil {
		t.Fatal(err)
	}
	badType := filepath.Join(dir, "type.json")
	if err := os.WriteFile(badType, []byte(`{"format":"brook","version":1,"conversations":[{"conversation":{"title":1}}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := i18n.SetLanguage("de"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path string
		want string
	}{
		{deep, "deep.json: Brook verweigert das Lesen dieser Eingabe: Sie ist tiefer als 200 Ebenen verschachtelt (bei Byte "},
		{badType, "type.json: Unterhaltung 1: Die Datei enthält ungültige Daten: conversation.title sollte ein JSON-string sein, kein number, endend bei Byte 73"},
	} {
		_, _, err := Read(tc.path)
		if err == nil {
			t.Fatalf("%s: read without an error", tc.path)
		}
		if got := err.Error(); !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s: %q, want it to start %q", tc.path, got, tc.want)
		}
	}
}
