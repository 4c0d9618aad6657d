package exchange

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"path/filepath"
	"slices"

	"brook/backend/i18n"
	"brook/backend/store"
)

// ErrNothingPicked is returned by [ImportPicked] when no conversation is picked.
var ErrNothingPicked = i18n.New("Exchange.nothingPicked")

// ErrChanged is returned by [ImportPicked] when what was picked no longer
// holds what its preview showed (the file was replaced or edited since).
var ErrChanged = errors.New("it changed since its preview: look at it again before importing")

// Preview is what an import would bring, shown before anything is written.
type Preview struct {
	// Token names this content: [ImportPicked] reads the file again and
	// refuses it when it no longer matches.
	Token string `json:"token"`
	// File is the name of what was picked, without its folder.
	File string `json:"file"`
	// Name names the kind of export for the user: "Open WebUI export".
	Name          string        `json:"name"`
	Conversations []PreviewItem `json:"conversations"`
	// Messages counts the messages of all conversations, every version.
	Messages int `json:"messages"`
	// First and Last bound the conversations' times (Unix ms); 0 when no
	// conversation has one.
	First int64 `json:"first"`
	Last  int64 `json:"last"`
	// Stored counts the conversations already in Brook as they are.
	Stored int `json:"stored"`
	// LeftOut says what the importer left out of the export and why.
	LeftOut []string `json:"leftOut"`
}

// PreviewItem is one conversation of a [Preview].
type PreviewItem struct {
	Title     string `json:"title"`
	CreatedAt int64  `json:"createdAt"`
	UpdatedAt int64  `json:"updatedAt"`
	Messages  int    `json:"messages"`
	// Status is what importing it would do: "new", "stored" (skipped, it is
	// already in Brook) or "changed" (it comes in as a copy beside the one
	// with its id, which differs).
	Status store.ImportStatus `json:"status"`
}

// Summary says what [ImportPicked] did, for the closing summary.
type Summary struct {
	Name     string `json:"name"`
	Imported int    `json:"imported"` // conversations added, copies included
	Copied   int    `json:"copied"`   // of those, copies beside a different one with the same id
	Skipped  int    `json:"skipped"`  // picked but already in Brook as they are
	Messages int    `json:"messages"` // messages added
	// Archived counts the picked conversations archived in the export: they
	// are under Archived, not in the sidebar's list.
	Archived int `json:"archived"`
	// NotPicked counts the conversations the user left unpicked.
	NotPicked int `json:"notPicked"`
	// LeftOut says what the importer left out of the export and why.
	LeftOut []string `json:"leftOut"`
}

// MakePreview reads what the user picked (a file, a folder or a ZIP, as
// [ReadReport] does) and says what importing it would bring, writing
// nothing. Nothing parsed is kept: a 500 MB export is not held in memory
// while the user reads the list; [ImportPicked] reads it again and checks
// it against the preview's token.
func MakePreview(ctx context.Context, st *store.Store, path string) (Preview, error) {
	report, err := ReadReport(path)
	if err != nil {
		return Preview{}, err
	}
	statuses, err := st.ImportStatuses(ctx, report.Bundles)
	if err != nil {
		return Preview{}, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	p := Preview{
		Token:         token(report),
		File:          filepath.Base(path),
		Name:          report.Name,
		Conversations: make([]PreviewItem, len(report.Bundles)),
		LeftOut:       slices.Clip(append([]string{}, report.Skipped...)),
	}
	for i, b := range report.Bundles {
		c := b.Conversation
		p.Conversations[i] = PreviewItem{Title: c.Title, CreatedAt: c.CreatedAt, UpdatedAt: max(c.UpdatedAt, c.CreatedAt), Messages: len(b.Messages), Status: statuses[i]}
		p.Messages += len(b.Messages)
		if statuses[i] == store.ImportStored {
			p.Stored++
		}
		if c.CreatedAt > 0 && (p.First == 0 || c.CreatedAt < p.First) {
			p.First = c.CreatedAt
		}
		p.Last = max(p.Last, c.CreatedAt, c.UpdatedAt)
	}
	return p, nil
}

// ImportPicked reads path again and imports the conversations at the
// indexes picked (into the preview's list) in one transaction: all of them
// or, when anything is wrong, none. It refuses an empty pick
// ([ErrNothingPicked]), an index out of range or given twice, and content
// that no longer matches the preview's token ([ErrChanged]), before
// anything is written. A picked conversation already in Brook is skipped.
func ImportPicked(ctx context.Context, st *store.Store, path, previewToken string, picked []int) (Summary, error) {
	if len(picked) == 0 {
		return Summary{}, ErrNothingPicked
	}
	report, err := ReadReport(path)
	if err != nil {
		return Summary{}, err
	}
	if token(report) != previewToken {
		return Summary{}, unreadable(path, ErrChanged)
	}
	picks := slices.Sorted(slices.Values(picked))
	bundles := make([]store.Bundle, 0, len(picks))
	for i, n := range picks {
		if n < 0 || n >= len(report.Bundles) {
			return Summary{}, i18n.Kind(errBadPick, "Exchange.pickNotIn", i18n.Args{"N": n + 1, "File": filepath.Base(path), "Total": len(report.Bundles)})
		}
		if i > 0 && picks[i-1] == n {
			return Summary{}, i18n.Kind(errBadPick, "Exchange.pickTwice", i18n.Args{"N": n + 1})
		}
		bundles = append(bundles, report.Bundles[n])
	}
	archived := 0
	for _, b := range bundles {
		if b.Conversation.Archived {
			archived++
		}
	}
	res, err := st.Import(ctx, bundles)
	if err != nil {
		return Summary{}, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return Summary{
		Name: report.Name, Imported: res.Imported, Copied: res.Copied, Skipped: res.Skipped, Messages: res.Messages, Archived: archived,
		NotPicked: len(report.Bundles) - len(picks), LeftOut: append([]string{}, report.Skipped...),
	}, nil
}

// errBadPick is a pick that names no conversation of the preview.
var errBadPick = errors.New("that pick is not in the preview")

// token digests everything an import of report would write, so a file that
// changed in any way that matters since its preview is caught.
func token(report Report) string {
	h := sha256.New()
	field := func(s string) {
		binary.Write(h, binary.LittleEndian, int64(len(s)))
		h.Write([]byte(s))
	}
	number := func(n int64) { binary.Write(h, binary.LittleEndian, n) }
	field(report.Name)
	number(int64(len(report.Bundles)))
	for _, b := range report.Bundles {
		c := b.Conversation
		field(c.UID)
		field(c.Title)
		number(c.CreatedAt)
		number(c.UpdatedAt)
		number(int64(len(b.Messages)))
		for _, m := range b.Messages {
			digestMessage(h, field, number, m)
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func digestMessage(h hash.Hash, field func(string), number func(int64), m store.Message) {
	field(m.UID)
	field(m.ParentUID)
	field(string(m.Role))
	field(m.Content)
	field(m.Reasoning)
	number(m.CreatedAt)
	number(int64(len(m.Images)))
	for _, img := range m.Images {
		field(img.MIME)
		h.Write(img.Data)
		number(int64(len(img.Data)))
	}
	number(int64(len(m.Documents)))
	for _, d := range m.Documents {
		field(d.Name)
		number(int64(len(d.Data)))
		h.Write(d.Data)
	}
}
