// Package assistants writes and reads Brook's assistants file: the saved
// chat set-ups (instructions, model, parameters, first message) of
// [store.Assistant], as one small JSON document of their own, apart from
// the conversations' export:
//
//	{"format": "brook-assistants", "version": 1, "exportedAt": "…", "assistants": [ … ]}
//
// Like the conversations' export, a field added later is optional and left
// out when empty, and a reader refuses a field it does not know, naming it,
// rather than drop it.
package assistants

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"brook/backend/guard"
	"brook/backend/i18n"
	"brook/backend/store"
)

const (
	// Format is the "format" value that marks an assistants file.
	Format = "brook-assistants"
	// Version is the version of the format this package writes and the
	// newest it reads.
	Version = 1
	// MaxSize is the largest file [Parse] reads: a few hundred assistants
	// with long instructions fit many times over.
	MaxSize = 16 << 20
)

// Errors of [Parse], each wrapped with what and where; test with errors.Is.
var (
	// ErrNotAssistants is a file that is not an assistants file at all.
	ErrNotAssistants = errors.New("the file is not a Brook assistants file")
	// ErrUnsupportedVersion is a file of a later version than this Brook reads.
	ErrUnsupportedVersion = errors.New("the file was written by a newer Brook")
	// ErrInvalid is an assistants file with data Brook refuses.
	ErrInvalid = errors.New("the file has invalid data")
)

// file is the document.
type file struct {
	Format     string  `json:"format"`
	Version    int     `json:"version"`
	ExportedAt string  `json:"exportedAt,omitempty"`
	Assistants []entry `json:"assistants"`
}

// entry is one assistant: a [store.Assistant] without its database ID.
type entry struct {
	UID          string       `json:"uid"`
	Name         string       `json:"name"`
	Instructions string       `json:"instructions,omitempty"`
	EndpointID   string       `json:"endpointId,omitempty"`
	Model        string       `json:"model,omitempty"`
	Params       store.Params `json:"params"`
	FirstMessage string       `json:"firstMessage,omitempty"`
	CreatedAt    int64        `json:"createdAt,omitempty"`
	UpdatedAt    int64        `json:"updatedAt,omitempty"`
}

// Write writes list as an assistants file, exported at now, indented by
// two spaces, with <, > and & as they are.
func Write(w io.Writer, list []store.Assistant, now time.Time) error {
	doc := file{Format: Format, Version: Version, ExportedAt: now.UTC().Format(time.RFC3339), Assistants: []entry{}}
	for _, a := range list {
		doc.Assistants = append(doc.Assistants, entry{UID: a.UID, Name: a.Name, Instructions: a.Instructions,
			EndpointID: a.EndpointID, Model: a.Model, Params: a.Params, FirstMessage: a.FirstMessage,
			CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// Parse reads an assistants file and returns its assistants, without
// database IDs, ready for [store.Store.ImportAssistants]. It refuses, with
// the reason and the assistant named, a file that is not JSON, not an
// assistants file, of a later version, larger than [MaxSize], with a field
// it does not know, or with an assistant the store would refuse (no uid, a
// uid twice, no name or one too long, bad parameters). On error it returns
// no assistants.
func Parse(r io.Reader) ([]store.Assistant, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, i18n.Wrap("Transfer.readFailed", err, nil)
	}
	if len(data) > MaxSize {
		return nil, i18n.Kind(ErrInvalid, "AssistantsFile.tooLarge", i18n.Args{"Max": guard.Size(MaxSize)})
	}
	// The header first, leniently: a file of another kind or version is
	// named as such rather than for its first unknown field.
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&head); err != nil || head.Format != Format {
		return nil, i18n.Kind(ErrNotAssistants, "AssistantsFile.notAssistants", nil)
	}
	if head.Version < 1 {
		return nil, i18n.Kind(ErrInvalid, "AssistantsFile.badVersion", i18n.Args{"Version": strconv.Itoa(head.Version)})
	}
	if head.Version > Version {
		return nil, i18n.Kind(ErrUnsupportedVersion, "AssistantsFile.newerVersion", i18n.Args{"Version": strconv.Itoa(head.Version), "Max": strconv.Itoa(Version)})
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var doc file
	if err := dec.Decode(&doc); err != nil {
		// The decoder's words are Go's, kept as they are.
		return nil, i18n.Kind(ErrInvalid, "AssistantsFile.invalidDetail", i18n.Args{"Err": strings.TrimPrefix(err.Error(), "json: ")})
	}
	if dec.More() {
		return nil, i18n.Kind(ErrInvalid, "AssistantsFile.moreData", nil)
	}
	if doc.Assistants == nil {
		return nil, i18n.Kind(ErrInvalid, "AssistantsFile.missingKey", i18n.Args{"Key": "assistants"})
	}
	seen := make(map[string]bool, len(doc.Assistants))
	list := make([]store.Assistant, 0, len(doc.Assistants))
	for i, e := range doc.Assistants {
		where := i18n.T("AssistantsFile.where", i18n.Args{"N": strconv.Itoa(i + 1)})
		if e.Name != "" {
			where = i18n.T("AssistantsFile.whereNamed", i18n.Args{"N": strconv.Itoa(i + 1), "Name": e.Name})
		}
		if strings.TrimSpace(e.UID) == "" {
			return nil, i18n.Kind(ErrInvalid, "AssistantsFile.uidMissing", i18n.Args{"Where": where})
		}
		if seen[e.UID] {
			return nil, i18n.Kind(ErrInvalid, "AssistantsFile.uidTwice", i18n.Args{"Where": where, "UID": strconv.Quote(e.UID)})
		}
		seen[e.UID] = true
		if e.CreatedAt < 0 || e.UpdatedAt < 0 {
			return nil, i18n.Kind(ErrInvalid, "AssistantsFile.negativeTime", i18n.Args{"Where": where})
		}
		a := store.Assistant{UID: e.UID, Name: e.Name, Instructions: e.Instructions, EndpointID: e.EndpointID,
			Model: e.Model, Params: e.Params, FirstMessage: e.FirstMessage, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
		if err := store.CheckAssistant(a); err != nil {
			// The store's refusal is said, not wrapped: the file is what
			// is invalid, not a store call.
			return nil, i18n.Kind(ErrInvalid, "AssistantsFile.refused", i18n.Args{"Where": where, "Err": strings.TrimPrefix(err.Error(), "store: ")})
		}
		list = append(list, a)
	}
	return list, nil
}
