// Package exchange moves conversations between Brook's database and files:
// the export and import the window's Settings and the brook command both
// run, so both write the same bytes and accept the same files. The formats
// themselves are [transfer]'s.
package exchange

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"brook/backend/fsutil"
	"brook/backend/guard"
	"brook/backend/store"
	"brook/backend/transfer"
)

// ParseFormat returns the export format named name: "markdown" (or "md"),
// "json" or "html".
func ParseFormat(name string) (transfer.Format, error) {
	if strings.EqualFold(name, "md") {
		return transfer.FormatMarkdown, nil
	}
	f := transfer.Format(strings.ToLower(name))
	if !slices.Contains(transfer.Formats, f) {
		return "", fmt.Errorf("%w %q: choose md, json or html", transfer.ErrUnknownFormat, name)
	}
	return f, nil
}

// Export is one export: the list of its conversations, read up front, and
// the format and time it is written with.
type Export struct {
	// AllVersions writes every version of every message in Markdown and
	// HTML, not only the path each conversation shows.
	AllVersions bool

	list   *store.ExportList
	format transfer.Format
	now    time.Time
}

// BeginChecked is [Begin] for a caller that has not checked its input
// (the window): bad ids or an unknown format are refused with guard's
// error before anything is read.
func BeginChecked(ctx context.Context, st *store.Store, ids []int64, format string, now time.Time) (*Export, error) {
	formats := make([]string, len(transfer.Formats))
	for i, f := range transfer.Formats {
		formats[i] = string(f)
	}
	if err := guard.First(guard.IDs("conversation", ids), guard.OneOf("export format", format, formats...)); err != nil {
		return nil, err
	}
	return Begin(ctx, st, ids, transfer.Format(format), now)
}

// Begin starts an export of the conversations ids, in that order, or of
// every live conversation when ids is empty, in format, written as of now
// (pass a local time: the transcript shows times in now's location). An
// unknown or deleted id is [store.ErrNotFound].
func Begin(ctx context.Context, st *store.Store, ids []int64, format transfer.Format, now time.Time) (*Export, error) {
	if !slices.Contains(transfer.Formats, format) {
		return nil, fmt.Errorf("export: %w %q", transfer.ErrUnknownFormat, string(format))
	}
	if len(ids) == 0 {
		ids = nil
	}
	// The list (IDs and titles) is read first; the conversations are then
	// read and written one at a time, each in its own short read, so memory
	// stays that of one conversation and the WAL can be checkpointed.
	list, err := st.ListExport(ctx, ids)
	if err != nil {
		return nil, err
	}
	return &Export{list: list, format: format, now: now}, nil
}

// Conversations is how many conversations the export lists.
func (e *Export) Conversations() int { return len(e.list.Entries) }

// FileName is the name the export suggests for its file.
func (e *Export) FileName() string { return transfer.ExportFileName(e.format, e.list.Entries, e.now) }

// WriteTo writes the export to w. A Markdown export's images go to images
// (see [transfer.ImagesBeside]); with nil they are only named.
func (e *Export) WriteTo(ctx context.Context, w io.Writer, images transfer.ImageSink) error {
	return transfer.ExportSeqWith(w, e.format, e.list.Entries, e.list.Bundles(ctx), e.now,
		transfer.Options{Images: images, AllVersions: e.AllVersions})
}

// WriteFile writes the export to the file at path, readable only by the
// user, replacing it only once it is complete; a Markdown export's images go
// into a folder beside it.
func (e *Export) WriteFile(ctx context.Context, path string) error {
	return fsutil.WriteAtomically(path, 0o600, func(w io.Writer) error {
		return e.WriteTo(ctx, w, transfer.ImagesBeside(path))
	})
}

// Import reads the file at path ([Read]) and adds its conversations to st
// in one transaction: all of them, or none when anything is wrong. A
// conversation already in the database is skipped.
func Import(ctx context.Context, st *store.Store, path string) (store.ImportResult, transfer.Source, error) {
	res, report, err := ImportReport(ctx, st, path)
	return res, report.Source, err
}

// ImportReport is [Import] that also says what the file was and what was
// left out of it, for the closing summary.
func ImportReport(ctx context.Context, st *store.Store, path string) (store.ImportResult, Report, error) {
	report, err := ReadReport(path)
	if err != nil {
		return store.ImportResult{}, report, err
	}
	res, err := st.Import(ctx, report.Bundles)
	if err != nil {
		return res, report, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return res, report, nil
}
