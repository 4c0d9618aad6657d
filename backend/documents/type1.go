package documents

import (
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/ledongthuc/pdf"
)

// Some fonts, TeX's math and typewriter fonts among them, say what their
// codes are only in the encoding built into the embedded Type 1 program
// ("dup 58 /period put"), and have no ToUnicode map. The library then reads
// their codes as PDFDocEncoding, so a period in cmmi10 comes out as a
// colon. Reading the program's encoding and the glyphs' names fixes that.

var type1Encoding = regexp.MustCompile(`dup (\d{1,3}) ?/([A-Za-z0-9._]+) put`)

// maxType1Head is how much of a Type 1 program is read for its encoding:
// it is in the clear text part, before the encrypted glyphs.
const maxType1Head = 64 << 10

// builtinEncoding reads the code-to-text map of an embedded Type 1 font's
// own encoding, or nil when there is none or it names no glyph Brook knows.
func builtinEncoding(descriptor pdf.Value) map[string]string {
	program := descriptor.Key("FontFile")
	if program.Kind() != pdf.Stream {
		return nil
	}
	rc := program.Reader()
	defer rc.Close()
	head, _ := io.ReadAll(io.LimitReader(rc, maxType1Head))
	text := string(head)
	if i := strings.Index(text, "eexec"); i >= 0 {
		text = text[:i]
	}
	m := map[string]string{}
	for _, match := range type1Encoding.FindAllStringSubmatch(text, -1) {
		code, err := strconv.Atoi(match[1])
		if err != nil || code > 255 {
			continue
		}
		if s, ok := glyphText(match[2]); ok {
			m[string([]byte{byte(code)})] = s
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// glyphNames are the names of glyphs other than letters and "uniXXXX"
// that TeX's and other common Type 1 fonts use.
var glyphNames = map[string]string{
	"space": " ", "exclam": "!", "quotedbl": `"`, "numbersign": "#", "dollar": "$", "percent": "%",
	"ampersand": "&", "quotesingle": "'", "quoteright": "’", "quoteleft": "‘", "parenleft": "(",
	"parenright": ")", "asterisk": "*", "plus": "+", "comma": ",", "hyphen": "-", "period": ".",
	"slash": "/", "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
	"six": "6", "seven": "7", "eight": "8", "nine": "9", "colon": ":", "semicolon": ";", "less": "<",
	"equal": "=", "greater": ">", "question": "?", "at": "@", "bracketleft": "[", "backslash": `\`,
	"bracketright": "]", "asciicircum": "^", "underscore": "_", "grave": "`", "braceleft": "{",
	"bar": "|", "braceright": "}", "asciitilde": "~", "quotedblleft": "“", "quotedblright": "”",
	"endash": "–", "emdash": "—", "bullet": "•", "ellipsis": "…", "fi": "fi", "fl": "fl", "ff": "ff",
	"ffi": "ffi", "ffl": "ffl", "dotlessi": "ı", "germandbls": "ß", "exclamdown": "¡",
	"questiondown": "¿", "minus": "−", "multiply": "×", "divide": "÷", "periodcentered": "·",
	"section": "§", "paragraph": "¶", "dagger": "†", "daggerdbl": "‡", "copyright": "©",
	"registered": "®", "degree": "°", "visiblespace": "␣", "arrowright": "→", "arrowleft": "←",
	"infinity": "∞", "lessequal": "≤", "greaterequal": "≥", "notequal": "≠", "similar": "∼",
	"element": "∈", "backslashmath": `\`,
}

// glyphText is the text of a glyph name: a letter's own name, a known
// name, or a "uniXXXX" name.
func glyphText(name string) (string, bool) {
	if len(name) == 1 && (('a' <= name[0] && name[0] <= 'z') || ('A' <= name[0] && name[0] <= 'Z')) {
		return name, true
	}
	if s, ok := glyphNames[name]; ok {
		return s, true
	}
	if hex, ok := strings.CutPrefix(name, "uni"); ok && len(hex) == 4 {
		if r, err := strconv.ParseUint(hex, 16, 32); err == nil {
			return string(rune(r)), true
		}
	}
	return "", false
}
