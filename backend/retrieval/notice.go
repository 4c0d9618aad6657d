package retrieval

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
		return Notice{kind, "No embedding model is set, so Brook searched the documents by their words only (BM25). Set one in Settings → Retrieval to search by meaning too."}
	case NoticeModelFailed:
		return Notice{kind, "The embedding model did not answer (" + detail + "), so Brook searched the documents by their words only (BM25) this time."}
	case NoticeIndexing:
		return Notice{kind, "Some documents are still being indexed, so Brook searched them by their words only (BM25) this time."}
	}
	return Notice{}
}
