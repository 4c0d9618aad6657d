package store

import (
	"context"
	"testing"

	"brook/backend/i18n"
)

// TestANewConversationIsTitledInTheLanguageAndKnownInAnother: a
// conversation created without a title gets the placeholder in the
// language current then, and it is still known as the placeholder after
// the language changed.
func TestANewConversationIsTitledInTheLanguageAndKnownInAnother(t *testing.T) {
	t.Cleanup(func() { _ = i18n.SetLanguage(i18n.English) })
	s := openTestStore(t)
	if err := i18n.SetLanguage("de"); err != nil {
		t.Fatal(err)
	}
	c, err := s.CreateConversation(context.Background(), Conversation{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Title != "Neue Unterhaltung" || !c.TitleIsAuto {
		t.Fatalf("created in German: %q (auto %v), want Neue Unterhaltung, automatic", c.Title, c.TitleIsAuto)
	}
	if err := i18n.SetLanguage("ru"); err != nil {
		t.Fatal(err)
	}
	if !IsDefaultTitle(c.Title) || !IsDefaultTitle(DefaultTitle) || IsDefaultTitle("Neue Ideen") {
		t.Errorf("IsDefaultTitle: the German placeholder %v, the English %v, a user's title %v; want true, true, false",
			IsDefaultTitle(c.Title), IsDefaultTitle(DefaultTitle), IsDefaultTitle("Neue Ideen"))
	}
}
