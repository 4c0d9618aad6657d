package documents

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"

	"brook/backend/i18n"
)

// maxUnpackedXML bounds the XML read from a DOCX or ODT, so a small zip
// that unpacks to gigabytes is refused rather than read.
const maxUnpackedXML = 256 << 20

// readDOCX reads the body of a Word document (word/document.xml): its
// paragraphs (w:p) of runs of text (w:t), with tabs (w:tab), line breaks
// (w:br, w:cr) and table cells (w:tc) kept. Deleted text and field codes
// are left out.
func readDOCX(name string, data []byte) (string, error) {
	return readZipXML(name, data, "word/document.xml", docxText)
}

// readODT reads the body of an OpenDocument text (content.xml): headings
// (text:h) and paragraphs (text:p), with runs of spaces (text:s), tabs
// (text:tab) and line breaks (text:line-break) kept.
func readODT(name string, data []byte) (string, error) {
	return readZipXML(name, data, "content.xml", odtText)
}

// readZipXML opens entry of the zip data and hands its XML to walk.
func readZipXML(name string, data []byte, entry string, walk func(*xml.Decoder, *textBuffer) error) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", refuse(name, ErrCorrupt, "Documents.detail.zipUnopenable", nil)
	}
	var file *zip.File
	for _, f := range zr.File {
		if f.Name == entry {
			file = f
			break
		}
	}
	if file == nil {
		return "", refuse(name, ErrCorrupt, "Documents.detail.noEntry", i18n.Args{"Entry": entry})
	}
	rc, err := file.Open()
	if err != nil {
		return "", refuse(name, ErrCorrupt, "Documents.detail.unpackFailed", i18n.Args{"Entry": entry})
	}
	defer rc.Close()
	limited := &io.LimitedReader{R: rc, N: maxUnpackedXML + 1}
	var b textBuffer
	err = walk(xml.NewDecoder(limited), &b)
	if limited.N <= 0 {
		return "", refuse(name, ErrCorrupt, "Documents.detail.unpackTooBig", i18n.Args{"Entry": entry, "Max": maxUnpackedXML >> 20})
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return "", refuse(name, ErrCorrupt, "Documents.detail.badXML", i18n.Args{"Entry": entry})
	}
	return strings.TrimSpace(b.String()), nil
}

func docxText(d *xml.Decoder, b *textBuffer) error {
	inText := false
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "tc":
				b.cells++
			case "t":
				inText = true
			case "tab":
				b.WriteByte('\t')
			case "br", "cr":
				b.WriteByte('\n')
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				b.endParagraph()
			case "tc":
				b.endCell()
			case "tr":
				b.endRow()
			}
		case xml.CharData:
			if inText {
				b.Write(t)
			}
		}
	}
}

func odtText(d *xml.Decoder, b *textBuffer) error {
	paragraphs := 0 // open text:p and text:h elements, which hold the text
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "p", "h":
				paragraphs++
			case "table-cell":
				b.cells++
			case "s":
				n := 1
				for _, a := range t.Attr {
					if a.Name.Local == "c" {
						if c, err := strconv.Atoi(a.Value); err == nil && c > 0 && c < 1000 {
							n = c
						}
					}
				}
				b.WriteString(strings.Repeat(" ", n))
			case "tab":
				b.WriteByte('\t')
			case "line-break":
				b.WriteByte('\n')
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "p", "h":
				paragraphs--
				b.endParagraph()
			case "table-cell":
				b.endCell()
			case "table-row":
				b.endRow()
			}
		case xml.CharData:
			if paragraphs > 0 {
				b.Write(t)
			}
		}
	}
}

// textBuffer collects a document's text: paragraphs on their own lines,
// and a table's rows on lines of their own with cells separated by tabs.
type textBuffer struct {
	bytes.Buffer
	cells int // table cells open
}

func (b *textBuffer) trimRight(cut string) {
	trimmed := bytes.TrimRight(b.Bytes(), cut)
	b.Truncate(len(trimmed))
}

func (b *textBuffer) endParagraph() {
	if b.cells > 0 {
		b.trimRight(" ")
		b.WriteByte(' ')
		return
	}
	b.WriteByte('\n')
}

func (b *textBuffer) endCell() {
	b.cells = max(b.cells-1, 0)
	b.trimRight(" ")
	b.WriteByte('\t')
}

func (b *textBuffer) endRow() {
	b.trimRight("\t")
	b.WriteByte('\n')
}
