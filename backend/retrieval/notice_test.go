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
	// A failed model's notice is worded again around the detail it was
	// stored with, whatever language it was stored in.
	want := i18n.In("de", "Retrieval.noticeModelFailed", i18n.Args{"Detail": "timeout"})
	if got := Worded(failed).NoticeText; got != want {
		t.Fatalf("a failed model's notice read in German: %q, want %q", got, want)
	}
	inRussian := store.AnswerRetrieval{NoticeKind: string(NoticeModelFailed), NoticeText: i18n.In("ru", "Retrieval.noticeModelFailed", i18n.Args{"Detail": "таймаут (HTTP 500)"})}
	if got, want := Worded(inRussian).NoticeText, i18n.In("de", "Retrieval.noticeModelFailed", i18n.Args{"Detail": "таймаут (HTTP 500)"}); got != want {
		t.Fatalf("a notice stored in Russian, read in German: %q, want %q", got, want)
	}
	// Words no language has (an older catalogue's) are shown as stored.
	old := store.AnswerRetrieval{NoticeKind: string(NoticeModelFailed), NoticeText: "The embedder was down, words only."}
	if got := Worded(old).NoticeText; got != old.NoticeText {
		t.Fatalf("unknown stored words: %q, want them kept", got)
	}
}
