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
