package documents

import (
	"math"
	"regexp"
	"strings"
	"unicode/utf16"

	"github.com/ledongthuc/pdf"
)

// The PDF library parses files and content streams; the text of a page is
// put together here, from the library's operators, because the library's
// own text functions read a font's widths from the file again for every
// glyph (minutes for a long manual), take a glyph's width from the wrong
// byte after a ligature, prefer a font's encoding to its ToUnicode map, and
// skip text drawn inside form XObjects.

// glyph is one character code drawn on a page, with where it is drawn, in
// points from the page's lower left corner.
type glyph struct {
	text     string
	x, y     float64
	width    float64
	fontSize float64
}

// matrix is a PDF transformation matrix [a b 0; c d 0; e f 1].
type matrix [3][3]float64

var identity = matrix{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}

func (m matrix) mul(n matrix) matrix {
	var out matrix
	for i := range 3 {
		for j := range 3 {
			for k := range 3 {
				out[i][j] += m[i][k] * n[k][j]
			}
		}
	}
	return out
}

func translate(x, y float64) matrix { return matrix{{1, 0, 0}, {0, 1, 0}, {x, y, 1}} }

func matrixOf(v pdf.Value) (matrix, bool) {
	if v.Kind() != pdf.Array || v.Len() != 6 {
		return identity, false
	}
	m := identity
	for i := range 6 {
		m[i/2][i%2] = v.Index(i).Float64()
	}
	return m, true
}

// textState is the part of the graphics state that places text.
type textState struct {
	ctm, tm, tlm          matrix
	tc, tw, th, tl, trise float64
	fontSize              float64
	font                  *font
}

// font is what placing and decoding a font's codes needs, read once a page.
type font struct {
	codeLen   int               // bytes per character code
	toUnicode map[string]string // code bytes to text, from the ToUnicode map
	fallback  pdf.TextEncoding  // the library's decoding, for codes without
	widths    map[int]float64   // glyph widths, in thousandths of the size
	missing   float64           // the width of codes not listed
	scale     float64           // glyph space to text space (Type 3 fonts)
}

func (f *font) decode(code string) string {
	if s, ok := f.toUnicode[code]; ok {
		return s
	}
	if f.fallback != nil {
		return f.fallback.Decode(code)
	}
	return ""
}

func (f *font) width(code string) float64 {
	c := 0
	for i := 0; i < len(code); i++ {
		c = c<<8 | int(code[i])
	}
	if w, ok := f.widths[c]; ok {
		return w * f.scale
	}
	return f.missing * f.scale
}

// maxCMapEntries bounds how many codes one ToUnicode map may define.
const maxCMapEntries = 1 << 16

func loadFont(v pdf.Value) *font {
	f := &font{codeLen: 1, widths: map[int]float64{}, scale: 1}
	subtype := v.Key("Subtype").Name()
	if subtype == "Type0" {
		f.codeLen = 2
		descendant := v.Key("DescendantFonts").Index(0)
		f.missing = 1000
		if dw := descendant.Key("DW"); dw.Kind() != pdf.Null {
			f.missing = dw.Float64()
		}
		readCIDWidths(descendant.Key("W"), f.widths)
	} else {
		first := int(v.Key("FirstChar").Int64())
		ws := v.Key("Widths")
		for i := 0; i < ws.Len() && i < 1<<16; i++ {
			f.widths[first+i] = ws.Index(i).Float64()
		}
		f.missing = v.Key("FontDescriptor").Key("MissingWidth").Float64()
		if subtype == "Type3" {
			if m, ok := matrixOf(v.Key("FontMatrix")); ok {
				f.scale = m[0][0] * 1000
			}
		}
	}
	if tu := v.Key("ToUnicode"); tu.Kind() == pdf.Stream {
		f.toUnicode, f.codeLen = readToUnicode(tu, v, f.codeLen)
	} else if subtype == "Type1" && v.Key("Encoding").Kind() == pdf.Null {
		f.toUnicode = builtinEncoding(v.Key("FontDescriptor"))
	}
	if f.toUnicode == nil || subtype != "Type0" {
		lib := pdf.Font{V: v}
		f.fallback = lib.Encoder()
	}
	return f
}

// readCIDWidths reads a CID font's W array: "c [w1 w2 …]" or "first last w".
func readCIDWidths(w pdf.Value, into map[int]float64) {
	for i := 0; i < w.Len() && len(into) < maxCMapEntries; {
		first := int(w.Index(i).Int64())
		if next := w.Index(i + 1); next.Kind() == pdf.Array {
			for j := 0; j < next.Len() && j < maxCMapEntries; j++ {
				into[first+j] = next.Index(j).Float64()
			}
			i += 2
			continue
		}
		last, width := int(w.Index(i+1).Int64()), w.Index(i+2).Float64()
		for c := first; c <= last && c-first < maxCMapEntries; c++ {
			into[c] = width
		}
		i += 3
	}
}

// readToUnicode reads a ToUnicode CMap: its code length (from the first
// code space range) and what each code says.
func readToUnicode(stream, fontDict pdf.Value, codeLen int) (map[string]string, int) {
	m := map[string]string{}
	n := 0
	pdf.Interpret(stream, func(stk *pdf.Stack, op string) {
		switch op {
		case "findresource":
			stk.Pop()
			stk.Pop()
			stk.Push(fontDict) // any dictionary will do for "begin"
		case "begincmap":
			stk.Push(fontDict)
		case "endcmap":
			stk.Pop()
		case "begincodespacerange", "beginbfchar", "beginbfrange":
			n = int(stk.Pop().Int64())
		case "endcodespacerange":
			for i := 0; i < n; i++ {
				stk.Pop()
				if lo := stk.Pop().RawString(); lo != "" {
					codeLen = len(lo)
				}
			}
		case "endbfchar":
			for i := 0; i < n; i++ {
				dst, src := stk.Pop().RawString(), stk.Pop().RawString()
				m[src] = utf16Text(dst)
			}
		case "endbfrange":
			for i := 0; i < n; i++ {
				dst, hi, lo := stk.Pop(), stk.Pop().RawString(), stk.Pop().RawString()
				addRange(m, lo, hi, dst)
			}
		case "defineresource":
			stk.Pop()
			value := stk.Pop()
			stk.Pop()
			stk.Push(value)
		}
	})
	return m, codeLen
}

// addRange adds the codes lo…hi of a bfrange, whose text is dst plus the
// code's offset in the range, or dst's entries one by one.
func addRange(m map[string]string, lo, hi string, dst pdf.Value) {
	if lo == "" || len(lo) != len(hi) {
		return
	}
	from, to := codeInt(lo), codeInt(hi)
	for c := from; c <= to && len(m) < maxCMapEntries; c++ {
		code := codeString(c, len(lo))
		if dst.Kind() == pdf.Array {
			m[code] = utf16Text(dst.Index(c - from).RawString())
			continue
		}
		base := []byte(dst.RawString())
		if len(base) == 0 {
			return
		}
		base[len(base)-1] += byte(c - from)
		m[code] = utf16Text(string(base))
	}
}

func codeInt(s string) int {
	c := 0
	for i := 0; i < len(s); i++ {
		c = c<<8 | int(s[i])
	}
	return c
}

func codeString(c, n int) string {
	b := make([]byte, n)
	for i := n - 1; i >= 0; i-- {
		b[i] = byte(c)
		c >>= 8
	}
	return string(b)
}

// utf16Text decodes the UTF-16BE text of a ToUnicode map.
func utf16Text(s string) string {
	units := make([]uint16, 0, len(s)/2)
	for i := 0; i+1 < len(s); i += 2 {
		units = append(units, uint16(s[i])<<8|uint16(s[i+1]))
	}
	return string(utf16.Decode(units))
}

// maxFormDepth bounds form XObjects drawn inside form XObjects.
const maxFormDepth = 8

// pageGlyphs returns the glyphs a page draws, in the order it draws them.
func pageGlyphs(page pdf.Page) []glyph {
	var glyphs []glyph
	st := textState{ctm: identity, tm: identity, tlm: identity, th: 1}
	drawStream(page.V.Key("Contents"), page.Resources(), &st, &glyphs, 0)
	return glyphs
}

func drawStream(stream, resources pdf.Value, st *textState, glyphs *[]glyph, depth int) {
	fonts := map[string]*font{}
	var stack []textState
	show := func(s string) {
		f := st.font
		if f == nil {
			return
		}
		for i := 0; i+f.codeLen <= len(s); i += f.codeLen {
			code := s[i : i+f.codeLen]
			w0 := f.width(code) / 1000
			trm := matrix{{st.fontSize * st.th, 0, 0}, {0, st.fontSize, 0}, {0, st.trise, 1}}.mul(st.tm).mul(st.ctm)
			*glyphs = append(*glyphs, glyph{
				text: f.decode(code), x: trm[2][0], y: trm[2][1],
				width: w0 * trm[0][0], fontSize: math.Hypot(trm[1][0], trm[1][1]),
			})
			tx := w0*st.fontSize + st.tc
			if code == " " {
				tx += st.tw
			}
			st.tm = translate(tx*st.th, 0).mul(st.tm)
		}
	}
	nextLine := func() {
		st.tlm = translate(0, -st.tl).mul(st.tlm)
		st.tm = st.tlm
	}
	pdf.Interpret(stream, func(stk *pdf.Stack, op string) {
		args := make([]pdf.Value, stk.Len())
		for i := len(args) - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		arg := func(i int) pdf.Value {
			if i < len(args) {
				return args[i]
			}
			return pdf.Value{}
		}
		switch op {
		case "q":
			stack = append(stack, *st)
		case "Q":
			if n := len(stack); n > 0 {
				*st, stack = stack[n-1], stack[:n-1]
			}
		case "cm":
			if len(args) == 6 {
				var m matrix
				for i := range 6 {
					m[i/2][i%2] = args[i].Float64()
				}
				m[2][2] = 1
				st.ctm = m.mul(st.ctm)
			}
		case "BT":
			st.tm, st.tlm = identity, identity
		case "Tc":
			st.tc = arg(0).Float64()
		case "Tw":
			st.tw = arg(0).Float64()
		case "Tz":
			st.th = arg(0).Float64() / 100
		case "TL":
			st.tl = arg(0).Float64()
		case "Ts":
			st.trise = arg(0).Float64()
		case "Tf":
			name := arg(0).Name()
			f, ok := fonts[name]
			if !ok {
				f = loadFont(resources.Key("Font").Key(name))
				fonts[name] = f
			}
			st.font, st.fontSize = f, arg(1).Float64()
		case "TD":
			st.tl = -arg(1).Float64()
			fallthrough
		case "Td":
			st.tlm = translate(arg(0).Float64(), arg(1).Float64()).mul(st.tlm)
			st.tm = st.tlm
		case "Tm":
			if len(args) == 6 {
				var m matrix
				for i := range 6 {
					m[i/2][i%2] = args[i].Float64()
				}
				m[2][2] = 1
				st.tm, st.tlm = m, m
			}
		case "T*":
			nextLine()
		case "Tj":
			show(arg(0).RawString())
		case "'":
			nextLine()
			show(arg(0).RawString())
		case "\"":
			st.tw, st.tc = arg(0).Float64(), arg(1).Float64()
			nextLine()
			show(arg(2).RawString())
		case "TJ":
			v := arg(0)
			for i := 0; i < v.Len(); i++ {
				x := v.Index(i)
				if x.Kind() == pdf.String {
					show(x.RawString())
					continue
				}
				tx := -x.Float64() / 1000 * st.fontSize * st.th
				st.tm = translate(tx, 0).mul(st.tm)
			}
		case "Do":
			xobj := resources.Key("XObject").Key(arg(0).Name())
			if depth >= maxFormDepth || xobj.Key("Subtype").Name() != "Form" {
				return
			}
			saved := *st
			if m, ok := matrixOf(xobj.Key("Matrix")); ok {
				st.ctm = m.mul(st.ctm)
			}
			formResources := xobj.Key("Resources")
			if formResources.Kind() == pdf.Null {
				formResources = resources
			}
			drawStream(xobj, formResources, st, glyphs, depth+1)
			*st = saved
		}
	})
}

// Word and line breaks, in units of the font size.
const (
	wordGap   = 0.12
	lineShift = 0.5
)

// layout joins glyphs, in the order the page draws them, into text: a glyph
// further from the one before than a fraction of the font size starts a new
// word, and one on another baseline starts a new line.
func layout(glyphs []glyph) string {
	var b strings.Builder
	var prev glyph
	started, spaced := false, true
	for _, g := range glyphs {
		if g.text == "" {
			continue
		}
		if started {
			size := math.Max(math.Max(prev.fontSize, g.fontSize), 1)
			gap := g.x - (prev.x + prev.width)
			isSpace := strings.TrimSpace(g.text) == ""
			switch {
			case math.Abs(g.y-prev.y) > lineShift*size:
				if !isSpace {
					b.WriteByte('\n')
					spaced = true
				}
			case !spaced && !isSpace && (gap > wordGap*size || gap < -2*size):
				b.WriteByte(' ')
			}
		}
		if strings.TrimSpace(g.text) == "" {
			if !spaced {
				b.WriteByte(' ')
				spaced = true
			}
		} else {
			b.WriteString(g.text)
			spaced = false
		}
		prev, started = g, true
	}
	return hyphenated.ReplaceAllString(b.String(), "$1$2")
}

// hyphenated is a word broken at the end of a line with a hyphen, as
// pdftotext joins it: a letter, "-", the line end, a lowercase letter.
var hyphenated = regexp.MustCompile(`(\pL)-\n(\p{Ll})`)
