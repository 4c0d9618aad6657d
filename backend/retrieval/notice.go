package retrieval

import (
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
// notices without a detail are worded again from their kind; a failed
// model's notice keeps the words it was stored with, as its cause was
// worded then.
func Worded(r store.AnswerRetrieval) store.AnswerRetrieval {
	switch kind := NoticeKind(r.NoticeKind); kind {
	case NoticeNoModel, NoticeIndexing:
		r.NoticeText = noticeOf(kind, "").Text
	}
	return r
}
