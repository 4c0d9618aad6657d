package documents

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/ledongthuc/pdf"
)

// maxPDFPages bounds the pages read from one PDF; a 50 MB PDF has far fewer.
const maxPDFPages = 20000

// readPDF reads the text layer of a PDF page by page, each page after a
// line "--- Page N ---". The PDF library gives each glyph with its place on
// the page; the words and lines are put back together from those places
// (see pageText), as pdftotext does.
func readPDF(name string, data []byte) (text string, pages int, err error) {
	r, err := openPDF(data)
	if err != nil {
		if errors.Is(err, pdf.ErrInvalidPassword) || hasEncryptDict(data) {
			return "", 0, refuse(name, ErrEncrypted, "", nil)
		}
		return "", 0, refuse(name, ErrCorrupt, "Documents.detail.notPDF", nil)
	}
	pages, err = numPages(r)
	if err != nil || pages <= 0 {
		return "", 0, refuse(name, ErrCorrupt, "Documents.detail.noPageList", nil)
	}
	pages = min(pages, maxPDFPages)
	var b strings.Builder
	unreadable := 0
	for i := 1; i <= pages; i++ {
		// A page that cannot be read is left empty, as pdftotext does;
		// the others are still worth having.
		page, err := pageText(r, i)
		if err != nil {
			unreadable++
			page = ""
		}
		fmt.Fprintf(&b, "--- Page %d ---\n", i)
		b.WriteString(page)
		b.WriteString("\n\n")
	}
	if unreadable == pages {
		return "", 0, refuse(name, ErrCorrupt, "Documents.detail.noPages", nil)
	}
	if !hasLetters(b.String(), pages) {
		return "", pages, refuse(name, ErrNoText, "", nil)
	}
	return strings.TrimSpace(b.String()), pages, nil
}

// openPDF opens a PDF, turning the library's panics on malformed input
// into errors. A PDF whose owner password only restricts printing or
// copying opens: the library tries the empty user password.
func openPDF(data []byte) (r *pdf.Reader, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, fmt.Errorf("malformed PDF: %v", p)
		}
	}()
	return pdf.NewReader(bytes.NewReader(data), int64(len(data)))
}

func numPages(r *pdf.Reader) (n int, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("malformed PDF: %v", p)
		}
	}()
	return r.NumPage(), nil
}

// hasEncryptDict is true when the PDF's trailer names an encryption
// dictionary: it needs a password, or uses encryption the library does not
// know; either way it cannot be read.
func hasEncryptDict(data []byte) bool {
	return bytes.Contains(data, []byte("/Encrypt"))
}

// hasLetters is true when the text of a PDF of pages pages has more than a
// few letters or digits beside the page markers: a scanned PDF has none, or
// only a stray page number.
func hasLetters(text string, pages int) bool {
	n := 0
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "--- Page ") {
			continue
		}
		for _, r := range line {
			if r > ' ' && r != 0xfffd {
				n++
			}
		}
	}
	return n > 4*pages
}

// pageText is the text of page i, its glyphs put back into lines and words.
func pageText(r *pdf.Reader, i int) (text string, err error) {
	defer func() {
		if p := recover(); p != nil {
			text, err = "", fmt.Errorf("malformed page %d: %v", i, p)
		}
	}()
	page := r.Page(i)
	if page.V.IsNull() {
		return "", nil
	}
	return layout(pageGlyphs(page)), nil
}
