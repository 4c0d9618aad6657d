// Package documents reads the files a user attaches to a message: text of
// any kind (plain, Markdown, source code, logs, CSV, JSON), HTML as text,
// PDF by its text layer page by page, DOCX and ODT. The kind is told from
// the bytes (magic numbers, the entries of a zip), the name only breaks ties
// between kinds of text. Everything is pure Go, so one binary still builds
// for Linux and Windows.
//
// Bad input gets an [*Error] that says why in plain words and matches one
// of the Err* kinds (errors.Is): too large, password-protected, no text
// layer, damaged, binary, unsupported or empty.
package documents

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"brook/backend/i18n"
)

// MaxFileBytes is the largest file Brook reads as a document.
const MaxFileBytes = 50 << 20

// Kind is what a document was read as.
type Kind string

// The kinds of document.
const (
	KindText Kind = "text"
	KindCSV  Kind = "csv"
	KindJSON Kind = "json"
	KindHTML Kind = "html"
	KindPDF  Kind = "pdf"
	KindDOCX Kind = "docx"
	KindODT  Kind = "odt"
)

// MIME is the media type a document of kind k is stored and exported with.
func (k Kind) MIME() string {
	switch k {
	case KindCSV:
		return "text/csv"
	case KindJSON:
		return "application/json"
	case KindHTML:
		return "text/html"
	case KindPDF:
		return "application/pdf"
	case KindDOCX:
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case KindODT:
		return "application/vnd.oasis.opendocument.text"
	}
	return "text/plain"
}

// Document is a file read as text.
type Document struct {
	// Name is the file's name, without its folder.
	Name string
	// Kind is what it was read as.
	Kind Kind
	// Hash is the SHA-256 of its bytes, in hex: the same file attached
	// twice is stored once.
	Hash string
	// Size is the number of bytes of the file.
	Size int64
	// Pages is the number of pages of a PDF, 0 for other kinds.
	Pages int
	// Text is what the model is given to read. A PDF's pages are marked
	// with a line "--- Page N ---" before each.
	Text string
	// Data is the file's bytes.
	Data []byte
}

// Tokens estimates how many tokens the document's text takes: about four
// characters a token, as for English text with common tokenizers.
func (d Document) Tokens() int { return EstimateTokens(d.Text) }

// EstimateTokens estimates the tokens of text at about four characters each.
func EstimateTokens(text string) int {
	return (utf8.RuneCountInString(text) + 3) / 4
}

// ReadFile reads the file at path as a document. Its size is checked before
// it is read, so a file of a gigabyte is refused without reading it.
func ReadFile(path string) (Document, error) {
	name := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		return Document{}, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return Document{}, err
	}
	if info.IsDir() {
		return Document{}, refuse(name, ErrUnsupported, "Documents.detail.folder", nil)
	}
	return ReadFrom(name, f, info.Size())
}

// ReadFrom reads a document of the given size from r. It refuses a size
// over [MaxFileBytes] before reading anything, and never reads more than
// MaxFileBytes+1 bytes whatever size says.
func ReadFrom(name string, r io.Reader, size int64) (Document, error) {
	if size > MaxFileBytes {
		return Document{}, tooLarge(name, size)
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return Document{}, fmt.Errorf("reading %s: %w", name, err)
	}
	return Read(name, data)
}

func tooLarge(name string, size int64) error {
	return refuse(name, ErrTooLarge, "Documents.detail.size", i18n.Args{"Size": sizeWords(size)})
}

// Read reads data, the bytes of a file called name, as a document.
func Read(name string, data []byte) (Document, error) {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	if name == "." || name == "/" {
		name = ""
	}
	if int64(len(data)) > MaxFileBytes {
		return Document{}, tooLarge(name, int64(len(data)))
	}
	if len(data) == 0 {
		return Document{}, refuse(name, ErrEmpty, "", nil)
	}
	doc := Document{Name: name, Size: int64(len(data)), Data: data}
	sum := sha256.Sum256(data)
	doc.Hash = hex.EncodeToString(sum[:])
	kind, err := sniff(name, data)
	if err != nil {
		return Document{}, err
	}
	switch kind {
	case KindPDF:
		doc.Kind = KindPDF
		doc.Text, doc.Pages, err = readPDF(name, data)
	case KindDOCX:
		doc.Kind = KindDOCX
		doc.Text, err = readDOCX(name, data)
	case KindODT:
		doc.Kind = KindODT
		doc.Text, err = readODT(name, data)
	default:
		doc.Kind = kind
		doc.Text, err = readText(name, kind, data)
	}
	if err != nil {
		return Document{}, err
	}
	if strings.TrimSpace(doc.Text) == "" {
		if doc.Kind == KindPDF {
			return Document{}, refuse(name, ErrNoText, "", nil)
		}
		return Document{}, refuse(name, ErrEmpty, "", nil)
	}
	return doc, nil
}

func sizeWords(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KB", n>>10)
}
