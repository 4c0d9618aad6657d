package exchange

import (
	"errors"
	"path/filepath"
	"strings"

	"brook/backend/i18n"
	"brook/backend/transfer"
	"brook/backend/transfer/importers"
)

// readFailures are the kinds of failure to read an export, most specific
// first, each with its message id. The window shows the message; the
// technical detail after the kind (a JSON key, a byte offset, a name) is
// the file's own words and stays as the reader wrote it.
var readFailures = []struct {
	kind error
	id   string
}{
	{transfer.ErrInvalidUTF8, "Exchange.notUTF8"},
	{importers.ErrHostile, "Exchange.refused"},
	{transfer.ErrTooLarge, "Exchange.tooLarge"},
	{transfer.ErrEmpty, "Exchange.empty"},
	{transfer.ErrTruncated, "Exchange.cutShort"},
	{transfer.ErrMalformed, "Exchange.notJSON"},
	{transfer.ErrUnsupportedVersion, "Exchange.newerBrook"},
	{transfer.ErrNoConversations, "Exchange.noConversations"},
	{ErrNoConversationsFile, "Exchange.noExport"},
	{importers.ErrSeveral, "Exchange.several"},
	{ErrChanged, "Exchange.changed"},
	{transfer.ErrUnknownFormat, "Exchange.unknownFormat"},
	{transfer.ErrInvalid, "Exchange.invalid"},
}

// unreadable is err, the failure to read the export at path, in the
// catalogue's words: one sentence naming the file and the kind of failure,
// with the reader's detail when there is one, or the reader's own words
// when it said the failure whole from the catalogue. errors.Is and errors.As
// still see err. A failure of none of the kinds (the disk's, the ZIP
// library's) keeps its own words after the file's name.
func unreadable(path string, err error) error {
	file := filepath.Base(path)
	// A lone file's checks name it too; it is said once.
	msg := strings.TrimPrefix(err.Error(), file+": ")
	for _, f := range readFailures {
		if !errors.Is(err, f.kind) {
			continue
		}
		if !strings.Contains(msg, f.kind.Error()) && i18n.IsLocalized(err) {
			// The reader said it whole, in the catalogue's words.
			return i18n.Wrap("Exchange.other", err, i18n.Args{"File": file, "Err": strings.TrimPrefix(msg, "import: ")})
		}
		args := i18n.Args{"File": file, "Max": int64(transfer.MaxImportSize >> 20)}
		id := f.id
		if detail := detailOf(msg, f.kind.Error()); detail != "" {
			id += "Detail"
			args["Detail"] = detail
		}
		return i18n.Wrap(id, err, args)
	}
	return i18n.Wrap("Exchange.other", err, i18n.Args{"File": file})
}

// detailOf is what msg says besides kind: where in the file, and what.
func detailOf(msg, kind string) string {
	i := strings.Index(msg, kind)
	if i < 0 {
		return strings.TrimPrefix(msg, "import: ")
	}
	before := strings.TrimSuffix(strings.TrimPrefix(msg[:i], "import: "), ": ")
	before = strings.TrimSuffix(before, "import")
	after := strings.TrimSpace(strings.TrimPrefix(msg[i+len(kind):], ":"))
	if strings.HasPrefix(after, "(") && strings.HasSuffix(after, ")") {
		after = after[1 : len(after)-1]
	}
	switch {
	case before == "":
		return after
	case after == "":
		return before
	}
	return before + ": " + after
}
