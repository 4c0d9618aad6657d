package documents

import (
	"errors"

	"brook/backend/guard"
	"brook/backend/i18n"
)

// The kinds of refusal, matched with errors.Is. Every error Read returns
// for bad input is an [*Error] that matches exactly one of them.
var (
	// ErrTooLarge is a file over [MaxFileBytes].
	ErrTooLarge = errors.New("document too large")
	// ErrEncrypted is a PDF that needs a password to open.
	ErrEncrypted = errors.New("document is password-protected")
	// ErrNoText is a PDF with no text layer: scanned pages.
	ErrNoText = errors.New("document has no text layer")
	// ErrCorrupt is a PDF, DOCX or ODT whose structure cannot be read.
	ErrCorrupt = errors.New("document is damaged")
	// ErrBinary is a file that is neither text nor a document kind Brook reads.
	ErrBinary = errors.New("document is a binary file")
	// ErrUnsupported is a known kind of file Brook does not read (a
	// spreadsheet, a presentation, an old .doc, a picture).
	ErrUnsupported = errors.New("document type is not supported")
	// ErrEmpty is a file with no text at all.
	ErrEmpty = errors.New("document is empty")
)

// Error is a refusal to read a document, in words for the user.
type Error struct {
	// Name is the file's name as the user gave it.
	Name string
	// Kind is one of the Err* values of this package.
	Kind error
	// Detail, when set, is the message id of what more there is to say
	// (the type of an unsupported file, what is damaged), said with
	// DetailArgs.
	Detail     string
	DetailArgs i18n.Args
}

// refusalWords names the message of each kind of refusal.
var refusalWords = map[error]string{
	ErrTooLarge:    "Documents.tooLarge",
	ErrEncrypted:   "Documents.encrypted",
	ErrNoText:      "Documents.noText",
	ErrCorrupt:     "Documents.corrupt",
	ErrBinary:      "Documents.binary",
	ErrUnsupported: "Documents.unsupported",
	ErrEmpty:       "Documents.empty",
}

// Error says the refusal in the current language.
func (e *Error) Error() string {
	name := e.Name
	if name == "" {
		name = i18n.T("Documents.thatFile", nil)
	}
	id, ok := refusalWords[e.Kind]
	if !ok {
		id = "Documents.unreadable"
	}
	detail := ""
	if e.Detail != "" {
		detail = i18n.T(e.Detail, e.DetailArgs)
	}
	return i18n.T(id, i18n.Args{"Name": name, "Detail": detail, "Max": guard.Size(MaxFileBytes)})
}

// Unwrap lets errors.Is match the kind.
func (e *Error) Unwrap() error { return e.Kind }

func refuse(name string, kind error, detail string, args i18n.Args) error {
	return &Error{Name: name, Kind: kind, Detail: detail, DetailArgs: args}
}
