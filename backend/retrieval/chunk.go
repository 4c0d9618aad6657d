// Package retrieval finds the parts of large documents that answer a
// question, on the user's machine. A document's extracted text is split
// into chunks that keep their page; the chunks are searched by their words
// (SQLite FTS5, BM25) and, when an Ollama embedding model is set, by the
// similarity of their vectors (/api/embed), and the two rankings are fused
// (reciprocal rank fusion). Without an embedding model the search is by
// words only, and a [Notice] says so.
//
// Each stored document (unique by content hash) is chunked once and
// embedded once per model. Chunking is quick and happens when a document
// is first needed; embedding runs in the background, one batch at a time,
// and waits whenever an answer is streaming, so it never slows one.
package retrieval

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Chunk sizes, in characters: about 250 tokens a chunk, so eight of them
// fit a 4k window beside a question and an answer.
const (
	chunkTarget = 1000
	chunkMax    = 1400
)

// Piece is a chunk of a document's text before it is stored.
type Piece struct {
	// Page is the PDF page the text is on, 0 for documents without pages.
	Page int
	Text string
}

// pageMarker starts each page of a PDF's extracted text (see
// backend/documents: "--- Page N ---").
const pageMarker = "--- Page "

// Split splits a document's extracted text into chunks of about
// chunkTarget characters. A chunk never spans two pages, so each keeps its
// page; paragraphs are kept whole where they fit, else sentences, else
// words.
func Split(text string) []Piece {
	var out []Piece
	for _, p := range pages(text) {
		for _, c := range splitPage(p.Text) {
			out = append(out, Piece{Page: p.Page, Text: c})
		}
	}
	return out
}

// pages cuts text at its page markers; text without markers is one page 0.
func pages(text string) []Piece {
	var (
		out  []Piece
		cur  = Piece{}
		body strings.Builder
	)
	flush := func() {
		if strings.TrimSpace(body.String()) != "" {
			cur.Text = body.String()
			out = append(out, cur)
		}
		body.Reset()
	}
	for line := range strings.Lines(text) {
		trimmed := strings.TrimSpace(line)
		if n, ok := pageNumber(trimmed); ok {
			flush()
			cur = Piece{Page: n}
			continue
		}
		body.WriteString(line)
	}
	flush()
	return out
}

func pageNumber(line string) (int, bool) {
	rest, ok := strings.CutPrefix(line, pageMarker)
	if !ok {
		return 0, false
	}
	num, ok := strings.CutSuffix(rest, " ---")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(num)
	return n, err == nil && n > 0
}

// splitPage packs a page's paragraphs into chunks.
func splitPage(text string) []string {
	var units []string
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		para = strings.Join(strings.Fields(para), " ")
		if para == "" {
			continue
		}
		if utf8.RuneCountInString(para) <= chunkMax {
			units = append(units, para)
			continue
		}
		units = append(units, splitLong(para)...)
	}
	var (
		out []string
		cur strings.Builder
	)
	for _, u := range units {
		if cur.Len() > 0 && utf8.RuneCountInString(cur.String())+1+utf8.RuneCountInString(u) > chunkTarget {
			out = append(out, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteString("\n")
		}
		cur.WriteString(u)
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// splitLong cuts a paragraph longer than chunkMax at sentence ends, and a
// sentence longer than that at spaces (or anywhere, for text without any).
func splitLong(para string) []string {
	var (
		out []string
		cur []rune
	)
	for _, r := range para {
		cur = append(cur, r)
		n := len(cur)
		endOfSentence := n >= chunkTarget && (r == ' ' && n > 1 && strings.ContainsRune(".!?。！？", cur[n-2]))
		if endOfSentence || n >= chunkMax {
			cut := n
			if !endOfSentence {
				if i := lastSpace(cur); i > chunkTarget/2 {
					cut = i + 1
				}
			}
			out = append(out, strings.TrimSpace(string(cur[:cut])))
			cur = append([]rune(nil), cur[cut:]...)
		}
	}
	if s := strings.TrimSpace(string(cur)); s != "" {
		out = append(out, s)
	}
	return out
}

func lastSpace(rs []rune) int {
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i] == ' ' {
			return i
		}
	}
	return -1
}
