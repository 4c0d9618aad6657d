package transfer

import (
	"brook/backend/i18n"
	"brook/backend/store"
)

// Options choose what an export writes beyond the conversations' shown paths.
type Options struct {
	// AllVersions writes, in Markdown and HTML, every version of every
	// message, not only the path each conversation shows: after a message
	// with several versions come the others, each with what follows it, as
	// marked sections in Markdown and folded alternatives in HTML. JSON
	// always carries every version.
	AllVersions bool
	// Images is where a Markdown export's images go (see [ImagesBeside]);
	// nil names them only. The other formats carry them inline.
	Images ImageSink
	// Language is the tag of the language the Markdown and HTML documents
	// are worded in; "" is the current one ([i18n.Current]). JSON is data
	// and has no words of Brook's.
	Language string
}

// transcriptMessage is a message as a transcript shows it: where it stands
// among its versions and, when every version is written, the others.
type transcriptMessage struct {
	store.Message
	place, count int
	// others are the paths from each of the message's other versions down.
	others [][]transcriptMessage
}

// versionLabel says where a message stands among its versions, or "" when
// it has one.
func (m transcriptMessage) versionLabel(w wording) string {
	if m.count < 2 {
		return ""
	}
	return w.t("Export.version", i18n.Args{"N": m.place, "Total": m.count})
}

// transcript arranges a conversation's messages (every version, in creation
// order) as the path it shows, with the other versions when all is set.
func transcript(msgs []store.Message, all bool) []transcriptMessage {
	tree := store.NewMessageTree(msgs)
	return transcriptOf(tree, tree.Shown(), all, false)
}

// transcriptOf arranges path. An alternative path starts with a version of
// a message already written, whose other versions are listed there, so its
// first message lists none (alternative).
func transcriptOf(tree *store.MessageTree, path []store.Message, all, alternative bool) []transcriptMessage {
	out := make([]transcriptMessage, len(path))
	for i, m := range path {
		place, count := tree.VersionCount(m)
		out[i] = transcriptMessage{Message: m, place: place, count: count}
		if !all || (alternative && i == 0) {
			continue
		}
		for _, other := range tree.Alternatives(m) {
			out[i].others = append(out[i].others, transcriptOf(tree, other, all, true))
		}
	}
	return out
}
