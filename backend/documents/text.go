package documents

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"unicode"
	"unicode/utf16"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

var errEntryTooLarge = errors.New("entry too large")

// readText reads text of any kind: UTF-8 (its byte-order mark dropped) or
// UTF-16 with a byte-order mark, line ends made "\n". HTML is read as the
// text a browser shows.
func readText(name string, kind Kind, data []byte) (string, error) {
	var text string
	if isUTF16(data) {
		text = decodeUTF16(data)
	} else {
		text = string(bytes.TrimPrefix(data, utf8BOM))
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	if kind == KindHTML {
		return htmlText(text), nil
	}
	return text, nil
}

func isUTF16(data []byte) bool {
	return len(data) >= 2 && len(data)%2 == 0 &&
		(bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}))
}

func decodeUTF16(data []byte) string {
	var order binary.ByteOrder = binary.LittleEndian
	if data[0] == 0xfe {
		order = binary.BigEndian
	}
	units := make([]uint16, 0, len(data)/2-1)
	for i := 2; i+1 < len(data); i += 2 {
		units = append(units, order.Uint16(data[i:]))
	}
	return string(utf16.Decode(units))
}

// blockElements start a new line in the text of an HTML page.
var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Br: true, atom.Li: true, atom.Tr: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Pre: true, atom.Blockquote: true, atom.Section: true, atom.Article: true,
	atom.Header: true, atom.Footer: true, atom.Table: true, atom.Ul: true, atom.Ol: true,
	atom.Dt: true, atom.Dd: true, atom.Hr: true, atom.Title: true,
}

// htmlText is the text of an HTML page: what is between its tags, without
// scripts and styles, a line for each block.
func htmlText(page string) string {
	z := html.NewTokenizer(strings.NewReader(page))
	var b strings.Builder
	skip := 0
	space := false // whitespace seen since the last word
	newline := func() {
		space = false
		if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
			b.WriteByte('\n')
		}
	}
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.TrimSpace(b.String())
		case html.StartTagToken, html.SelfClosingTagToken:
			tag, _ := z.TagName()
			a := atom.Lookup(tag)
			if a == atom.Script || a == atom.Style || a == atom.Noscript || a == atom.Template {
				skip++
			} else if blockElements[a] {
				newline()
			}
		case html.EndTagToken:
			tag, _ := z.TagName()
			a := atom.Lookup(tag)
			if a == atom.Script || a == atom.Style || a == atom.Noscript || a == atom.Template {
				skip = max(skip-1, 0)
			} else if blockElements[a] {
				newline()
			}
		case html.TextToken:
			if skip > 0 {
				continue
			}
			raw := string(z.Text())
			words := strings.Fields(raw)
			if len(words) == 0 {
				space = space || raw != ""
				continue
			}
			atLineStart := b.Len() == 0 || strings.HasSuffix(b.String(), "\n")
			if !atLineStart && (space || startsWithSpace(raw)) {
				b.WriteByte(' ')
			}
			b.WriteString(strings.Join(words, " "))
			space = endsWithSpace(raw)
		}
	}
}

func startsWithSpace(s string) bool {
	return s != "" && strings.TrimLeftFunc(s[:1], unicode.IsSpace) == ""
}

func endsWithSpace(s string) bool {
	return s != "" && strings.TrimRightFunc(s[len(s)-1:], unicode.IsSpace) == ""
}
