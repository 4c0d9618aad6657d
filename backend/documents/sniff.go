package documents

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"brook/backend/i18n"
)

// magic is the start of a kind of file that is not a document, with what to
// call it, and whether Brook says it is binary rather than unsupported.
type magic struct {
	prefix string
	what   string // the message id of the kind's name
}

// unsupportedMagic are kinds of file people attach that Brook does not read.
var unsupportedMagic = []magic{
	{"\x89PNG\r\n\x1a\n", "Documents.detail.png"},
	{"\xff\xd8\xff", "Documents.detail.jpeg"},
	{"GIF87a", "Documents.detail.gif"},
	{"GIF89a", "Documents.detail.gif"},
	{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Documents.detail.oldOffice"},
	{"{\\rtf", "Documents.detail.rtf"},
	{"%!PS", "Documents.detail.postscript"},
}

// zipKinds names the Office and OpenDocument formats that are zips, by the
// entry that tells them apart, other than the two Brook reads.
var zipKinds = []struct{ entry, what string }{
	{"xl/workbook.xml", "Documents.detail.excel"},
	{"ppt/presentation.xml", "Documents.detail.powerpoint"},
}

// sniff tells what data is from its bytes: the name only tells CSV from
// other text. It refuses what Brook cannot read.
func sniff(name string, data []byte) (Kind, error) {
	head := data[:min(len(data), 1024)]
	// A PDF's header may follow up to 1,024 bytes of junk.
	if bytes.Contains(head, []byte("%PDF-")) {
		return KindPDF, nil
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("PK\x05\x06")) {
		return sniffZip(name, data)
	}
	for _, m := range unsupportedMagic {
		if bytes.HasPrefix(data, []byte(m.prefix)) {
			return "", refuse(name, ErrUnsupported, m.what, nil)
		}
	}
	if !looksLikeText(data) {
		return "", refuse(name, ErrBinary, "", nil)
	}
	text := bytes.TrimSpace(bytes.TrimPrefix(data, utf8BOM))
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case ext == ".csv" || ext == ".tsv":
		return KindCSV, nil
	case (bytes.HasPrefix(text, []byte("{")) || bytes.HasPrefix(text, []byte("["))) && json.Valid(text):
		return KindJSON, nil
	case looksLikeHTML(text, ext):
		return KindHTML, nil
	}
	return KindText, nil
}

// sniffZip tells a DOCX from an ODT from other zips by their entries.
func sniffZip(name string, data []byte) (Kind, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", refuse(name, ErrCorrupt, "Documents.detail.zipUnopenable", nil)
	}
	entries := map[string]*zip.File{}
	for _, f := range zr.File {
		entries[f.Name] = f
	}
	if _, ok := entries["word/document.xml"]; ok {
		return KindDOCX, nil
	}
	if f, ok := entries["mimetype"]; ok {
		mime, err := readEntry(f, 200)
		if err != nil {
			return "", refuse(name, ErrCorrupt, "Documents.detail.zipUnreadable", nil)
		}
		switch m := strings.TrimSpace(string(mime)); {
		case m == KindODT.MIME():
			return KindODT, nil
		case strings.HasPrefix(m, "application/vnd.oasis.opendocument."):
			return "", refuse(name, ErrUnsupported, "Documents.detail.otherODF", i18n.Args{"Kind": strings.TrimPrefix(m, "application/vnd.oasis.opendocument.")})
		}
	}
	for _, k := range zipKinds {
		if _, ok := entries[k.entry]; ok {
			return "", refuse(name, ErrUnsupported, k.what, nil)
		}
	}
	return "", refuse(name, ErrUnsupported, "Documents.detail.zip", nil)
}

// readEntry reads at most limit bytes of a zip entry, refusing a longer one.
func readEntry(f *zip.File, limit int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, errEntryTooLarge
	}
	return data, nil
}

var utf8BOM = []byte("\xef\xbb\xbf")

// looksLikeText is true for UTF-8 (or UTF-16 with a byte-order mark)
// without NUL bytes and with few control characters other than the usual
// whitespace and the escape of coloured logs.
func looksLikeText(data []byte) bool {
	if isUTF16(data) {
		return true
	}
	if !utf8.Valid(data) {
		return false
	}
	controls := 0
	for _, b := range data {
		switch {
		case b == 0:
			return false
		case b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != '\f' && b != 0x1b:
			controls++
		}
	}
	return controls*100 <= len(data)
}

func looksLikeHTML(text []byte, ext string) bool {
	head := strings.ToLower(string(text[:min(len(text), 512)]))
	if strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html") {
		return true
	}
	return (ext == ".html" || ext == ".htm" || ext == ".xhtml") && strings.HasPrefix(head, "<")
}
