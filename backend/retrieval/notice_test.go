package retrieval

import (
	"testing"

	"brook/backend/i18n"
	"brook/backend/store"
)

// A stored notice without a detail speaks the language current when it is
// read, not the one of the search.
func TestWordedSpeaksTheLanguageOfTheReader(t *testing.T) {
	t.Cleanup(func() { _ = i18n.SetLanguage("en") })
	if err := i18n.SetLanguage("en"); err != nil {
		t.Fatal(err)
	}
	stored := store.AnswerRetrieval{NoticeKind: string(NoticeNoModel), NoticeText: noticeOf(NoticeNoModel, "").Text}
	failed := store.AnswerRetrieval{NoticeKind: string(NoticeModelFailed), NoticeText: noticeOf(NoticeModelFailed, "timeout").Text}
	if err := i18n.SetLanguage("de"); err != nil {
		t.Fatal(err)
	}
	if got, want := Worded(stored).NoticeText, i18n.In("de", "Retrieval.noticeNoModel", nil); got != want || got == stored.NoticeText {
		t.Fatalf("read in German: %q, want %q", got, want)
	}
	if got := Worded(failed).NoticeText; got != failed.NoticeText {
		t.Fatalf("a failed model's notice keeps its stored words, got %q", got)
	}
}
