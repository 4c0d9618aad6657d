package documents

import (
	"errors"
	"fmt"

	"brook/backend/guard"
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
	// Detail says more where there is more to say (the type of an
	// unsupported file, what is damaged), or is empty.
	Detail string
}

func (e *Error) Error() string {
	name := e.Name
	if name == "" {
		name = "That file"
	}
	var why string
	switch e.Kind {
	case ErrTooLarge:
		why = fmt.Sprintf("is %s; Brook reads documents of at most %s.", e.Detail, guard.Size(MaxFileBytes))
	case ErrEncrypted:
		why = "cannot be read: This PDF is password-protected. Save a copy without the password and attach that."
	case ErrNoText:
		why = "cannot be read: This PDF is images of pages; there is no text to read."
	case ErrCorrupt:
		why = "is damaged: " + e.Detail + "."
	case ErrBinary:
		why = "is a binary file, not text or a document Brook can read."
	case ErrUnsupported:
		why = "is " + e.Detail + ", which Brook cannot read. Brook reads text (plain, Markdown, code, logs), CSV, JSON, HTML, PDF, DOCX and ODT."
	case ErrEmpty:
		why = "has no text in it."
	default:
		why = "cannot be read."
	}
	return name + " " + why
}

// Unwrap lets errors.Is match the kind.
func (e *Error) Unwrap() error { return e.Kind }

func refuse(name string, kind error, detail string) error {
	return &Error{Name: name, Kind: kind, Detail: detail}
}
