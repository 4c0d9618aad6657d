// Package importers holds what the importers of other apps' histories
// share: the [Input] they read (one file, or the files of a folder or a
// ZIP), the [Importer] each one is, the refusals of hostile input
// ([Check]) and the conversion of a tree of messages into a Brook bundle
// ([Conversation.Bundle]). Each app's importer is a package below this one;
// package registry lists them all, once.
package importers

import (
	"errors"
	"strings"

	"brook/backend/i18n"
	"brook/backend/store"
	"brook/backend/transfer"
)

// File is one file of an [Input]: its path inside the input, with slashes
// ("threads/01HX/thread.json", or just the base name of a lone file), and
// its bytes.
type File struct {
	Name string
	Data []byte
}

// Input is what the user picked: a lone file, or every file of a folder or
// a ZIP that could matter, each checked by [Check].
type Input struct {
	Files []File
	// Folder is true when the files came from a folder or a ZIP.
	Folder bool
	shapes []*Shape
}

// Shape returns the JSON shape of file i, or nil when it is not JSON.
func (in *Input) Shape(i int) *Shape {
	if in.shapes == nil {
		in.shapes = make([]*Shape, len(in.Files))
		for j := range in.shapes {
			in.shapes[j] = &Shape{}
		}
	}
	s := in.shapes[i]
	if !s.done {
		*s = shapeOf(in.Files[i].Data)
	}
	if s.Kind == 0 {
		return nil
	}
	return s
}

// Lone returns the only file of an input that is one file.
func (in *Input) Lone() (File, bool) {
	if in.Folder || len(in.Files) != 1 {
		return File{}, false
	}
	return in.Files[0], true
}

// Result is what an importer made of an input: the conversations, ready for
// the store, and what it left out and why, one line each.
type Result struct {
	Bundles []store.Bundle
	Skipped []string
}

// Add turns c into a bundle and adds it to r. A conversation left with no
// message is not added but noted, in the words of message id what ("a chat
// with no messages left out").
func (r *Result) Add(c *Conversation, notes *Notes, what string) error {
	b, err := c.Bundle(notes)
	if err != nil {
		return err
	}
	if len(b.Messages) == 0 {
		notes.Add(i18n.T(what, nil))
		return nil
	}
	r.Bundles = append(r.Bundles, b)
	return nil
}

// Importer reads one app's history. Detect looks at the content only, never
// at names, and must be cheap; Parse is called only on an input Detect
// accepted, and returns no bundles on any error: an import is all or
// nothing.
type Importer struct {
	Source transfer.Source
	// Name is the message id of what the user reads: "Open WebUI export".
	Name   string
	Detect func(in *Input) bool
	Parse  func(in *Input) (Result, error)
}

// Title is what the user reads for the importer, in the language current
// now: "Open WebUI export".
func (imp *Importer) Title() string { return i18n.T(imp.Name, nil) }

// Invalid is data that cannot be right, in the words of message id with
// args; it matches [ErrInvalid].
func Invalid(id string, args i18n.Args) error { return i18n.Kind(ErrInvalid, id, args) }

// At says where in the input err happened (where is words of the
// catalogue, or a file's name); errors.Is still sees err.
func At(where string, err error) error {
	return i18n.Wrap("Transfer.at", err, i18n.Args{"Where": where})
}

// Errors of the importers, each wrapped with specifics.
var (
	// ErrInvalid is a file of a known app with data that cannot be right.
	ErrInvalid = transfer.ErrInvalid
	// ErrHostile is input refused before it is read: too big, too deep,
	// too long a text, or not UTF-8.
	ErrHostile = errors.New("the input is refused")
	// ErrUnknownFormat is input no importer recognises.
	ErrUnknownFormat = transfer.ErrUnknownFormat
)

// Notes gathers what an importer leaves out, counting repeats, so that the
// closing summary says "3 × a tool call kept as text" rather than listing
// each.
type Notes struct {
	order  []string
	counts map[string]int
}

// Add notes one more of what.
func (n *Notes) Add(what string) {
	if n.counts == nil {
		n.counts = map[string]int{}
	}
	if n.counts[what] == 0 {
		n.order = append(n.order, what)
	}
	n.counts[what]++
}

// Lines returns the notes, in the order first met.
func (n *Notes) Lines() []string {
	out := make([]string, 0, len(n.order))
	for _, what := range n.order {
		if c := n.counts[what]; c > 1 {
			out = append(out, i18n.T("Import.noteRepeated", i18n.Args{"Count": c, "What": what}))
		} else {
			out = append(out, what)
		}
	}
	return out
}

// Placeholder is the text that stands in a message for content Brook
// cannot keep, so that nothing is dropped silently. It is plain text, not
// Markdown: a question shows as typed, and would show the asterisks.
func Placeholder(kind, detail string) string {
	detail = strings.TrimSpace(detail)
	if detail == "" {
		return "[" + kind + " not imported]"
	}
	return "[" + kind + " not imported: " + detail + "]"
}

// ErrSeveral is a folder or ZIP with more than one export of one kind in
// it: which to import is the user's choice.
var ErrSeveral = errors.New("it holds more than one export")

// FirstFile returns the index of the first file of in whose JSON shape
// fits, or -1.
func FirstFile(in *Input, fits func(*Shape) bool) int {
	for i := range in.Files {
		if s := in.Shape(i); s != nil && fits(s) {
			return i
		}
	}
	return -1
}

// OnlyFile returns the one file of in whose JSON shape fits; more than one
// is [ErrSeveral].
func OnlyFile(in *Input, fits func(*Shape) bool) (File, error) {
	found := -1
	for i := range in.Files {
		if s := in.Shape(i); s != nil && fits(s) {
			if found >= 0 {
				return File{}, i18n.Kind(ErrSeveral, "Import.several", i18n.Args{"First": in.Files[found].Name, "Second": in.Files[i].Name})
			}
			found = i
		}
	}
	if found < 0 {
		return File{}, i18n.Kind(ErrUnknownFormat, "Import.noExportIn", nil)
	}
	return in.Files[found], nil
}
