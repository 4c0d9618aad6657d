package retrieval

import (
	"strings"

	"brook/backend/i18n"
	"brook/backend/store"
)

// NoticeKind says why a search was not the usual one (words and meaning).
type NoticeKind string

const (
	// NoticeNone: words and vectors were both used.
	NoticeNone NoticeKind = ""
	// NoticeNoModel: no embedding model is set, so only words were searched.
	NoticeNoModel NoticeKind = "no_embedding_model"
	// NoticeModelFailed: the embedding model could not be reached or
	// failed, so only words were searched this time.
	NoticeModelFailed NoticeKind = "embedding_failed"
	// NoticeIndexing: some documents are still being embedded; those were
	// searched by their words only.
	NoticeIndexing NoticeKind = "still_indexing"
)

// Notice is what the UI shows beside the sources of an answer when the
// search fell back to words only.
type Notice struct {
	Kind NoticeKind `json:"kind"`
	Text string     `json:"text"`
}

func noticeOf(kind NoticeKind, detail string) Notice {
	switch kind {
	case NoticeNoModel:
		return Notice{kind, i18n.T("Retrieval.noticeNoModel", nil)}
	case NoticeModelFailed:
		return Notice{kind, i18n.T("Retrieval.noticeModelFailed", i18n.Args{"Detail": detail})}
	case NoticeIndexing:
		return Notice{kind, i18n.T("Retrieval.noticeIndexing", nil)}
	}
	return Notice{}
}

// Worded returns r with its notice in the language current now. The
// notices are stored in the words of the language current when the answer
// was written: those without a detail are worded again from their kind; a
// failed model's notice is worded again around its detail (the cause, as
// provider.Explain said it then), found by matching the stored words
// against the notice in each language Brook speaks. A notice stored in
// words no language has now (the catalogue changed since) is shown as it
// was stored.
func Worded(r store.AnswerRetrieval) store.AnswerRetrieval {
	switch kind := NoticeKind(r.NoticeKind); kind {
	case NoticeNoModel, NoticeIndexing:
		r.NoticeText = noticeOf(kind, "").Text
	case NoticeModelFailed:
		if detail, ok := failedDetail(r.NoticeText); ok {
			r.NoticeText = noticeOf(kind, detail).Text
		}
	}
	return r
}

// failedDetail finds the detail in text, a failed model's notice in any of
// Brook's languages.
func failedDetail(text string) (string, bool) {
	const mark = "\x00"
	for _, tag := range i18n.Languages {
		before, after, ok := strings.Cut(i18n.In(tag, "Retrieval.noticeModelFailed", i18n.Args{"Detail": mark}), mark)
		if ok && len(text) >= len(before)+len(after) && strings.HasPrefix(text, before) && strings.HasSuffix(text, after) {
			return text[len(before) : len(text)-len(after)], true
		}
	}
	return "", false
}
