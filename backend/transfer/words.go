package transfer

import (
	"strconv"

	"brook/backend/i18n"
)

// invalidAt is a refusal of a Brook file's data at where (a place named by
// whereConversation and the like), in the catalogue's words: message id
// with args, {{.Where}} among them. It matches [ErrInvalid].
func invalidAt(where, id string, args i18n.Args) error {
	a := i18n.Args{"Where": where}
	for k, v := range args {
		a[k] = v
	}
	return i18n.Kind(ErrInvalid, id, a)
}

// whereConversation names the conversation at index (from 0) of a file,
// with its title when it has one.
func whereConversation(index int, title string) string {
	n := strconv.Itoa(index + 1)
	if title == "" {
		return i18n.T("Transfer.whereConversation", i18n.Args{"N": n})
	}
	return i18n.T("Transfer.whereConversationTitled", i18n.Args{"N": n, "Title": truncate(title, 40)})
}

// whereMessage names message j (from 0) of the conversation at where.
func whereMessage(where string, j int) string {
	return i18n.T("Transfer.whereMessage", i18n.Args{"Where": where, "N": strconv.Itoa(j + 1)})
}

// wording says the words an export document adds around the conversations
// (headings, labels, notes) in the language it is written in: a tag.
type wording string

// wordsFor is the language of an export: setting, or the current one.
func wordsFor(setting string) wording {
	if tag, err := i18n.Resolve(setting); setting != "" && err == nil {
		return wording(tag)
	}
	return wording(i18n.Current())
}

// t says message id in the export's language.
func (w wording) t(id string, args i18n.Args) string { return i18n.In(string(w), id, args) }

// fixed writes v with places decimals as the export's language does.
func (w wording) fixed(v float64, places int) string { return i18n.FixedIn(string(w), v, places) }

// lang is the value of the HTML page's lang attribute: "" for English,
// whose pages say nothing (they were written before exports had other
// languages, and the golden files pin them).
func (w wording) lang() string {
	if w == i18n.English {
		return ""
	}
	return string(w)
}
