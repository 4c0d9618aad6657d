package transfer

import (
	"bufio"
	"fmt"
	"io"
	"iter"
	"time"

	"brook/backend/store"
)

// ExportSeq writes to w in format the conversations of an export, one at a
// time as bundles yields them, so that only one conversation is in memory at
// once however many there are; the output is the same as [Export]'s for the
// same conversations. entries lists them all, in order, before any is read
// (see [store.Store.ListExport]): the HTML format writes its table of
// contents from it, and a bundle whose ID is not in entries is written
// where the next one was expected. A conversation in entries that bundles
// leaves out (deleted meanwhile) is only listed. The first error bundles
// yields ends the export with that error.
func ExportSeq(w io.Writer, format Format, entries []store.ExportEntry, bundles iter.Seq2[store.Bundle, error], now time.Time) error {
	return ExportSeqImages(w, format, entries, bundles, now, nil)
}

// ExportSeqImages is [ExportSeq] with a place for a Markdown export's images
// (see [ImagesBeside]); the other formats carry them inline and ignore it.
func ExportSeqImages(w io.Writer, format Format, entries []store.ExportEntry, bundles iter.Seq2[store.Bundle, error], now time.Time, images ImageSink) error {
	return ExportSeqWith(w, format, entries, bundles, now, Options{Images: images})
}

// ExportSeqWith is [ExportSeq] with [Options].
func ExportSeqWith(w io.Writer, format Format, entries []store.ExportEntry, bundles iter.Seq2[store.Bundle, error], now time.Time, opts Options) error {
	ew, err := newExportWriter(w, format, entries, now)
	if err != nil {
		return err
	}
	switch ew := ew.(type) {
	case *markdownWriter:
		ew.images, ew.allVersions, ew.words = opts.Images, opts.AllVersions, wordsFor(opts.Language)
	case *htmlWriter:
		ew.allVersions, ew.words = opts.AllVersions, wordsFor(opts.Language)
	}
	if err := ew.begin(); err != nil {
		return err
	}
	for b, err := range bundles {
		if err != nil {
			return err
		}
		if err := ew.add(b); err != nil {
			return err
		}
	}
	return ew.end()
}

// Export writes bundles to w in format. now is the export time written into
// the file; the times of conversations and messages are shown in now's
// location, so pass a local time to get local times in the transcript.
func Export(w io.Writer, format Format, bundles []store.Bundle, now time.Time) error {
	entries := make([]store.ExportEntry, len(bundles))
	for i, b := range bundles {
		entries[i] = store.ExportEntry{ID: b.Conversation.ID, Title: b.Conversation.Title}
	}
	seq := func(yield func(store.Bundle, error) bool) {
		for _, b := range bundles {
			if !yield(b, nil) {
				return
			}
		}
	}
	return ExportSeq(w, format, entries, seq, now)
}

// ExportFileName is [FileName] for an export listed by entries.
func ExportFileName(format Format, entries []store.ExportEntry, now time.Time) string {
	title := ""
	if len(entries) == 1 {
		title = entries[0].Title
	}
	return fileName(format, len(entries), title, now)
}

// exportWriter writes one export file: begin, add for each conversation in
// order, then end. Writers buffer their output and flush it after every
// conversation.
type exportWriter interface {
	begin() error
	add(b store.Bundle) error
	end() error
}

func newExportWriter(w io.Writer, format Format, entries []store.ExportEntry, now time.Time) (exportWriter, error) {
	bw := bufio.NewWriter(w)
	switch format {
	case FormatMarkdown:
		return &markdownWriter{w: bw, now: now}, nil
	case FormatJSON:
		return &jsonWriter{w: bw, now: now}, nil
	case FormatHTML:
		return &htmlWriter{w: bw, now: now, entries: entries}, nil
	}
	return nil, fmt.Errorf("export: %w %q", ErrUnknownFormat, string(format))
}
