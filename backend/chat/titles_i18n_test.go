package chat

import (
	"testing"

	"brook/backend/i18n"
	"brook/backend/store"
)

// TestThePlaceholderTitleSpeaksTheLanguageAndIsKnownInAnother: a new
// chat is titled in the language current when it starts, and its title is
// still replaced by the first question's words after the language changed.
func TestThePlaceholderTitleSpeaksTheLanguageAndIsKnownInAnother(t *testing.T) {
	t.Cleanup(func() { _ = i18n.SetLanguage(i18n.English) })
	if err := i18n.SetLanguage("fr"); err != nil {
		t.Fatal(err)
	}
	title := TitleFrom("   ")
	if title != "Nouvelle discussion" {
		t.Fatalf("an empty first line in French gives %q, want Nouvelle discussion", title)
	}
	if err := i18n.SetLanguage("zh-CN"); err != nil {
		t.Fatal(err)
	}
	for _, placeholder := range []string{title, NewChatTitle, store.DefaultTitle, i18n.In("ja", "Store.newConversation", nil)} {
		if !isPlaceholderTitle(placeholder) {
			t.Errorf("%q is not known as a placeholder", placeholder)
		}
	}
	if isPlaceholderTitle("Nouvelle recette de crêpes") {
		t.Error("a user's title is taken for a placeholder")
	}
}
