package app

import (
	"errors"
	"strings"
	"testing"

	"brook/backend/i18n"
	"brook/backend/store"
)

// TestTheLanguageSettingRewordsGoWords: saving a language makes the errors
// of bound calls and the reason words speak it at once; a bad tag is
// refused in plain words and changes nothing.
func TestTheLanguageSettingRewordsGoWords(t *testing.T) {
	ta := newTestApp(t)
	t.Cleanup(func() { _ = i18n.SetLanguage(i18n.English) })
	st, err := ta.sets.Get()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ta.chat.Send(0, "   ", "ollama", "alpha:latest"); err == nil || err.Error() != "the message is empty" {
		t.Fatalf("in English: %v", err)
	}

	st.Language = "de"
	if err := ta.sets.Save(st); err != nil {
		t.Fatal(err)
	}
	if _, err := ta.chat.Send(0, "   ", "ollama", "alpha:latest"); err == nil || err.Error() != "die Nachricht ist leer" {
		t.Errorf("in German: %v", err)
	}
	if got := ta.sys.ReasonTexts().Reasons["dropped"]; got != "Die Verbindung ist mitten in der Antwort abgebrochen" {
		t.Errorf("the reason words in German: %q", got)
	}

	bad := st
	bad.Language, bad.Theme = "xx-!!", "dark"
	err = ta.sets.Save(bad)
	if !errors.Is(err, store.ErrInvalid) || !errors.Is(err, i18n.ErrLanguage) || !strings.Contains(err.Error(), "xx-!!") {
		t.Errorf("a bad tag: %v", err)
	}
	if got, _ := ta.sets.Get(); got.Language != "de" || got.Theme == "dark" {
		t.Errorf("a refused save changed the settings: %+v", got)
	}
	if i18n.Current() != "de" {
		t.Errorf("a refused save changed the language to %s", i18n.Current())
	}
}
