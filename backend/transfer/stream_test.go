package transfer

import (
	"bytes"
	"encoding/json"
	"errors"
	"iter"
	"strings"
	"testing"
	"time"

	"brook/backend/store"
)

// wholeDocument is how the JSON export was written before it was streamed:
// the whole brookDocument through one encoder.
func wholeDocument(t *testing.T, bundles []store.Bundle, now time.Time) []byte {
	t.Helper()
	doc := brookDocument{Format: brookFormat, Version: brookVersion, ExportedAt: now.UTC().Format(time.RFC3339), Conversations: []store.Bundle{}}
	for _, b := range bundles {
		if b.Messages == nil {
			b.Messages = []store.Message{}
		}
		doc.Conversations = append(doc.Conversations, b)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestJSONStreamIsTheWholeDocument: written a conversation at a time, the
// JSON export is byte for byte the document encoded at once, including
// the awkward cases: no conversations, no messages, characters encoding/json
// escapes or, with HTML escaping off, does not.
func TestJSONStreamIsTheWholeDocument(t *testing.T) {
	odd := store.Bundle{Conversation: store.Conversation{
		ID: 9, UID: "odd", Title: "<b>&</b> \u2028 \u2029 \"q\" \\ \t \x01 é 東京", SystemPrompt: "line\nline",
		CreatedAt: 1, UpdatedAt: 2, Draft: "</script>",
	}}
	for name, bundles := range map[string][]store.Bundle{
		"none":         nil,
		"fixture":      fixtureBundles(),
		"one":          fixtureBundles()[1:],
		"odd":          {odd},
		"odd and more": append(fixtureBundles(), odd, store.Bundle{Messages: []store.Message{}}),
	} {
		t.Run(name, func(t *testing.T) {
			want := wholeDocument(t, bundles, exportTime)
			if got := export(t, FormatJSON, bundles); !bytes.Equal(got, want) {
				t.Fatalf("streamed JSON differs from the whole document:\n got %s\nwant %s", got, want)
			}
		})
	}
}

func seqOf(bundles []store.Bundle) iter.Seq2[store.Bundle, error] {
	return func(yield func(store.Bundle, error) bool) {
		for _, b := range bundles {
			if !yield(b, nil) {
				return
			}
		}
	}
}

func entriesOf(bundles []store.Bundle) []store.ExportEntry {
	entries := make([]store.ExportEntry, len(bundles))
	for i, b := range bundles {
		entries[i] = store.ExportEntry{ID: b.Conversation.ID, Title: b.Conversation.Title}
	}
	return entries
}

// TestExportSeqMatchesExport: streaming gives every format's usual output.
func TestExportSeqMatchesExport(t *testing.T) {
	bundles := fixtureBundles()
	for _, f := range Formats {
		var buf bytes.Buffer
		if err := ExportSeq(&buf, f, entriesOf(bundles), seqOf(bundles), exportTime); err != nil {
			t.Fatal(err)
		}
		if want := export(t, f, bundles); !bytes.Equal(buf.Bytes(), want) {
			t.Fatalf("%s: ExportSeq differs from Export", f)
		}
	}
}

// TestExportSeqStopsAtAnError: the iterator's error is the export's.
func TestExportSeqStopsAtAnError(t *testing.T) {
	boom := errors.New("boom")
	bundles := fixtureBundles()
	seq := func(yield func(store.Bundle, error) bool) {
		if yield(bundles[0], nil) {
			yield(store.Bundle{}, boom)
		}
	}
	for _, f := range Formats {
		if err := ExportSeq(&bytes.Buffer{}, f, entriesOf(bundles), seq, exportTime); !errors.Is(err, boom) {
			t.Fatalf("%s: ExportSeq = %v, want the iterator's error", f, err)
		}
	}
	if err := ExportSeq(&bytes.Buffer{}, "pdf", nil, seqOf(nil), exportTime); !errors.Is(err, ErrUnknownFormat) {
		t.Fatalf("ExportSeq(pdf) = %v, want ErrUnknownFormat", err)
	}
}

// TestHTMLStreamSkipsLeftOutConversations: when a listed conversation is
// left out (deleted during the export), the others keep the anchors the
// table of contents links them with.
func TestHTMLStreamSkipsLeftOutConversations(t *testing.T) {
	bundles := fixtureBundles()
	third := bundles[0]
	third.Conversation.ID, third.Conversation.Title = 99, "Third"
	all := append(bundles, third)
	var buf bytes.Buffer
	// The middle one is listed but never comes.
	if err := ExportSeq(&buf, FormatHTML, entriesOf(all), seqOf([]store.Bundle{all[0], all[2]}), exportTime); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{
		`<li><a href="#c3">Third</a></li>`, `<article id="c1">`, `<article id="c3">`, `3 conversations`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(page, `<article id="c2">`) {
		t.Error("page has an article for the conversation left out")
	}
}

func TestExportFileName(t *testing.T) {
	local := time.Date(2026, 11, 21, 23, 30, 0, 0, time.FixedZone("UTC+9", 9*3600))
	one := []store.ExportEntry{{ID: 1, Title: "Sorting a slice in Go / 排序"}}
	if got, want := ExportFileName(FormatMarkdown, one, local), "brook-sorting-a-slice-in-go-排序-2026-11-21.md"; got != want {
		t.Errorf("ExportFileName(one) = %q, want %q", got, want)
	}
	if got, want := ExportFileName(FormatJSON, entriesOf(fixtureBundles()), local), "brook-all-2026-11-21.json"; got != want {
		t.Errorf("ExportFileName(all) = %q, want %q", got, want)
	}
}
