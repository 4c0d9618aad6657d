package transfer

import (
	"bytes"
	"strings"
	"sync"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// A small code highlighter for the HTML export. It knows the look of the
// common language families well enough to colour comments, strings, numbers,
// keywords and markup tags, and nothing more: no lexer library, so the
// binary does not carry hundreds of grammars for a page that is read once.
//
// Code is untrusted model output. Every byte of it goes through
// writeEscaped; the only markup added is <span class="X"> with X one of the
// constants below, and the language name in the class of <code> is either
// one of ours or a name made only of [a-z0-9+#._-].

// Token classes. The export's stylesheet colours them under pre.hl.
const (
	clsComment = "c"
	clsString  = "s"
	clsNumber  = "n" // numbers and constants such as true, nil, None
	clsKeyword = "k"
	clsTag     = "t" // markup tag names
	clsAttr    = "a" // markup attribute names, JSON and YAML keys
)

// lang describes how one family of languages writes comments, strings,
// numbers and keywords.
type lang struct {
	name string
	// lineComments run to the end of the line; blockComments to their closer.
	lineComments  []string
	blockComments [][2]string
	// commentAfterSpace: a comment starts only at the start of a line or
	// after white space, as # in shell (where $# and a#b are not comments).
	commentAfterSpace bool
	// strict: used for languages we do not know, where guessing wrong must
	// cost little: block comments must be closed and start a word.
	strict bool
	// quotes open strings with backslash escapes that end at the line's end;
	// rawQuotes have no escapes; multiQuotes may span lines.
	quotes, rawQuotes, multiQuotes string
	// doubledQuotes: a quote is escaped by doubling it, as in SQL.
	doubledQuotes bool
	// triple: """ and ''' strings that span lines.
	triple bool
	// charQuote: ' only makes a character literal such as 'x' or '\n', so
	// that Rust lifetimes and the like are not taken for strings.
	charQuote bool
	// prefixes are identifiers that may start a string, as in f"…" or L"…".
	prefixes map[string]bool
	// rustRaw: r#"…"# strings. verbatim: C# @"…" strings.
	rustRaw, verbatim bool
	// preproc: # directives at the start of a line, as in C.
	preproc bool
	// identStart and identPart are the bytes besides letters, digits and _
	// that identifiers may start with or contain.
	identStart, identPart string
	// words maps keywords and constants to their classes; fold makes the
	// lookup case-insensitive.
	words map[string]string
	fold  bool
	// keys: a string followed by a colon is a key, as in JSON.
	keys bool
}

// words builds a word table from space-separated keywords and constants.
func words(keywords, constants string) map[string]string {
	m := make(map[string]string)
	for _, w := range strings.Fields(keywords) {
		m[w] = clsKeyword
	}
	for _, w := range strings.Fields(constants) {
		m[w] = clsNumber
	}
	return m
}

func set(list string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(list) {
		m[w] = true
	}
	return m
}

var (
	cComments    = []string{"//"}
	cBlock       = [][2]string{{"/*", "*/"}}
	cConstants   = "true false NULL nullptr"
	cKeywords    = "auto break case char const continue default do double else enum extern float for goto if inline int long register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while bool _Bool size_t"
	cppKeywords  = cKeywords + " alignas alignof and asm catch class concept constexpr consteval constinit const_cast co_await co_return co_yield decltype delete dynamic_cast explicit export final friend mutable namespace new noexcept not operator or override private protected public reinterpret_cast requires static_assert static_cast template this thread_local throw try typeid typename using virtual wchar_t std string"
	javaKeywords = "abstract assert boolean break byte case catch char class const continue default do double else enum extends final finally float for goto if implements import instanceof int interface long native new non-sealed package permits private protected public record return sealed short static strictfp super switch synchronized this throw throws transient try var void volatile while yield String"
	jsKeywords   = "async await break case catch class const continue debugger default delete do else export extends finally for from function get if import in instanceof let new of return set static super switch this throw try typeof var void while with yield"
	tsKeywords   = jsKeywords + " abstract any as asserts bigint boolean declare enum implements infer interface is keyof module namespace never number object override private protected public readonly satisfies string symbol type unique unknown"
	jsConstants  = "true false null undefined NaN Infinity"
)

// langs returns the language table and the names that lead to it, built on
// first use.
var langs = sync.OnceValue(func() map[string]*lang {
	clike := func(name, keywords, constants string) *lang {
		return &lang{
			name: name, lineComments: cComments, blockComments: cBlock,
			quotes: `"'`, charQuote: true, words: words(keywords, constants),
		}
	}
	goLang := clike("go",
		"break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var "+
			"any bool byte comparable complex64 complex128 error float32 float64 int int8 int16 int32 int64 rune string uint uint8 uint16 uint32 uint64 uintptr",
		"true false nil iota")
	goLang.rawQuotes = "`"
	goLang.multiQuotes = "`"

	c := clike("c", cKeywords, cConstants)
	c.preproc = true
	c.prefixes = set("L u U u8")
	cpp := clike("cpp", cppKeywords, cConstants)
	cpp.preproc = true
	cpp.prefixes = set("L u U u8 R LR uR UR u8R")

	java := clike("java", javaKeywords, "true false null")
	java.triple = true

	js := clike("js", jsKeywords, jsConstants)
	js.charQuote = false
	js.multiQuotes = "`"
	js.identStart, js.identPart = "$", "$"
	ts := clike("ts", tsKeywords, jsConstants)
	ts.charQuote, ts.multiQuotes, ts.identStart, ts.identPart = false, "`", "$", "$"

	rust := clike("rust",
		"as async await break const continue crate dyn else enum extern fn for if impl in let loop match mod move mut pub ref return self Self static struct super trait type union unsafe use where while "+
			"bool char str i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize f32 f64 String Vec Box Option Result",
		"true false None Some Ok Err")
	rust.rustRaw = true
	rust.prefixes = set("b")

	csharp := clike("csharp",
		"abstract as async await base bool break byte case catch char checked class const continue decimal default delegate do double dynamic else enum event explicit extern finally fixed float for foreach get goto if implicit in init int interface internal is lock long nameof namespace new object operator out override params partial private protected public readonly record ref return sbyte sealed set short sizeof stackalloc static string struct switch this throw try typeof uint ulong unchecked unsafe ushort using var virtual void volatile when where while yield",
		"true false null")
	csharp.preproc, csharp.verbatim, csharp.triple = true, true, true

	kotlin := clike("kotlin",
		"abstract as break by catch class companion const constructor continue data do else enum finally for fun get if import in init inline interface internal is lateinit object open operator out override package private protected public return sealed set super suspend this throw try typealias val var vararg when where while "+
			"Any Boolean Char Double Float Int Long Short String Unit",
		"true false null")
	kotlin.triple = true

	swift := clike("swift",
		"actor any as associatedtype async await break case catch class continue default defer deinit do else enum extension fallthrough fileprivate final for func guard if import in init inout internal is lazy let mutating open operator override private protocol public repeat rethrows return self Self some static struct subscript super switch throw throws try typealias var where while "+
			"Any Bool Character Double Float Int String Void",
		"true false nil")
	swift.charQuote = false
	swift.quotes = `"`
	swift.triple = true

	python := &lang{
		name: "python", lineComments: []string{"#"}, quotes: `"'`, triple: true,
		prefixes: set("r u b f R U B F br rb fr rf Br bR BR Rb rB RB Fr fR FR Rf rF RF"),
		words: words("and as assert async await break case class continue def del elif else except finally for from global if import in is lambda match nonlocal not or pass raise return try while with yield self cls",
			"True False None"),
	}

	shell := &lang{
		name: "shell", lineComments: []string{"#"}, commentAfterSpace: true,
		quotes: `"`, rawQuotes: "'", identStart: "-", identPart: "-",
		words: words("if then else elif fi case esac for select while until do done in function time return exit export local readonly declare unset shift break continue source alias echo printf cd set read eval exec trap test sudo", ""),
	}

	sql := &lang{
		name: "sql", lineComments: []string{"--"}, blockComments: cBlock,
		quotes: `"'`, rawQuotes: `'"`, doubledQuotes: true, fold: true,
		words: words("add all alter and any as asc begin between by cascade case check column commit constraint create cross database default delete desc distinct drop else end escape except exists explain foreign from full grant group having if in index inner insert intersect into is join key left like limit not null offset on or order outer over partition primary references rename replace returning revoke right rollback row rows schema select set table then to transaction trigger truncate union unique update using values view when where window with "+
			"bigint blob boolean char date datetime decimal double float int integer interval json numeric real serial smallint text time timestamp varchar "+
			"avg coalesce count max min sum",
			"true false"),
	}

	json := &lang{
		name: "json", lineComments: cComments, blockComments: cBlock, quotes: `"`, keys: true,
		words: words("", "true false null"),
	}

	css := &lang{
		name: "css", blockComments: cBlock, quotes: `"'`, identStart: "-", identPart: "-",
		words: words("@media @import @font-face @keyframes @supports !important", ""),
	}
	css.identStart += "@!"

	// yaml's values are scanned with this; keys and block scalars by highlightYAML.
	yaml := &lang{
		name: "yaml", lineComments: []string{"#"}, commentAfterSpace: true,
		quotes: `"'`, rawQuotes: "'", doubledQuotes: true, identPart: "-",
		words: words("", "true false null yes no on off True False Null Yes No TRUE FALSE NULL ~"),
	}

	generic := &lang{
		name: "", lineComments: []string{"//", "#"}, blockComments: cBlock,
		commentAfterSpace: true, strict: true, quotes: `"'`,
	}

	m := map[string]*lang{"": generic}
	for _, l := range []*lang{goLang, c, cpp, java, js, ts, rust, csharp, kotlin, swift, python, shell, sql, json, css, yaml} {
		m[l.name] = l
	}
	// Markup has its own scanner; these only carry the name.
	m["html"] = &lang{name: "html"}
	m["xml"] = &lang{name: "xml"}
	for alias, name := range map[string]string{
		"golang": "go", "h": "c", "c++": "cpp", "cxx": "cpp", "cc": "cpp", "hpp": "cpp", "hh": "cpp",
		"javascript": "js", "jsx": "js", "mjs": "js", "cjs": "js", "node": "js", "typescript": "ts", "tsx": "ts", "mts": "ts",
		"rs": "rust", "cs": "csharp", "c#": "csharp", "kt": "kotlin", "kts": "kotlin",
		"py": "python", "python3": "python", "py3": "python", "sh": "shell", "bash": "shell", "zsh": "shell", "ksh": "shell",
		"console": "shell", "shellsession": "shell", "sql": "sql", "mysql": "sql", "postgresql": "sql", "postgres": "sql",
		"psql": "sql", "sqlite": "sql", "plsql": "sql", "tsql": "sql", "jsonc": "json", "json5": "json", "geojson": "json",
		"yml": "yaml", "htm": "html", "xhtml": "html", "vue": "html", "svelte": "html", "svg": "xml", "xsd": "xml",
		"xsl": "xml", "plist": "xml", "scss": "css", "less": "css",
	} {
		m[alias] = m[name]
	}
	return m
})

// plainLanguages are shown as they are, without highlighting.
var plainLanguages = set("text txt plain plaintext output log none nohighlight markdown md diff patch")

// codeBlockRenderer renders fenced code blocks with highlighting.
type codeBlockRenderer struct{}

func (codeBlockRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, renderFencedCode)
}

func renderFencedCode(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.FencedCodeBlock)
	var code []byte
	for i := range n.Lines().Len() {
		line := n.Lines().At(i)
		code = append(code, line.Value(source)...)
	}
	writeCodeBlock(w, string(n.Language(source)), code)
	return ast.WalkContinue, nil
}

// writeCodeBlock writes code as a <pre> block, highlighted if it has a
// language other than plain text.
func writeCodeBlock(w util.BufWriter, language string, code []byte) {
	name := strings.ToLower(language)
	if name == "" {
		w.WriteString("<pre><code>")
		writeEscaped(w, code)
		w.WriteString("</code></pre>\n")
		return
	}
	l, known := langs()[name]
	if known {
		name = l.name
	} else {
		l = langs()[""]
		if !safeClassName(name) {
			name = ""
		}
	}
	if plainLanguages[name] {
		w.WriteString(`<pre><code class="language-`)
		writeEscaped(w, []byte(name))
		w.WriteString(`">`)
		writeEscaped(w, code)
		w.WriteString("</code></pre>\n")
		return
	}
	w.WriteString(`<pre class="hl"><code`)
	if name != "" {
		w.WriteString(` class="language-`)
		writeEscaped(w, []byte(name))
		w.WriteString(`"`)
	}
	w.WriteString(">")
	highlight(w, l, code)
	w.WriteString("</code></pre>\n")
}

// safeClassName reports whether a language name from a code fence may be
// shown in a class attribute as it is.
func safeClassName(s string) bool {
	if len(s) == 0 || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("+#._-", c) >= 0) {
			return false
		}
	}
	return true
}

// writeEscaped writes b as HTML text that is also safe inside a quoted
// attribute. NUL becomes U+FFFD, as HTML parsers would make it anyway.
func writeEscaped(w util.BufWriter, b []byte) {
	last := 0
	for i, c := range b {
		var rep string
		switch c {
		case '<':
			rep = "&lt;"
		case '>':
			rep = "&gt;"
		case '&':
			rep = "&amp;"
		case '"':
			rep = "&quot;"
		case '\'':
			rep = "&#39;"
		case 0:
			rep = "\uFFFD"
		default:
			continue
		}
		w.Write(b[last:i])
		w.WriteString(rep)
		last = i + 1
	}
	w.Write(b[last:])
}

// highlight writes code with its tokens in spans.
func highlight(w util.BufWriter, l *lang, code []byte) {
	s := &scanner{w: w, src: code}
	switch l.name {
	case "html", "xml":
		s.markup(0, len(code))
	case "yaml":
		s.yaml(l)
	default:
		s.code(l, 0, len(code))
	}
	s.flush(len(code))
}

// scanner walks the code and writes it out: text between tokens as it is
// (escaped), tokens in spans. done is how far the output has got.
type scanner struct {
	w    util.BufWriter
	src  []byte
	done int
	// misses remembers searches that found no closer, so that text full of
	// openers (a model repeating "/*" or a quote) costs linear time, not
	// quadratic: a search of the same kind that starts inside a missed
	// region would only repeat the part of the scan that failed.
	misses map[missKey]region
}

type missKey struct {
	what string
	end  int // the end of the range scanned
}

type region struct{ from, to int }

// missed reports whether a search for what from i up to end is known to
// fail.
func (s *scanner) missed(what string, i, end int) bool {
	r, ok := s.misses[missKey{what, end}]
	return ok && i >= r.from && i < r.to
}

// miss records that a search for what failed from i to `to`.
func (s *scanner) miss(what string, i, to, end int) {
	if s.misses == nil {
		s.misses = make(map[missKey]region)
	}
	s.misses[missKey{what, end}] = region{i, to}
}

// flush writes the plain text up to end.
func (s *scanner) flush(end int) {
	if end > s.done {
		writeEscaped(s.w, s.src[s.done:end])
		s.done = end
	}
}

// token writes src[start:end] in a span of class cls.
func (s *scanner) token(cls string, start, end int) {
	if end <= start {
		return
	}
	s.flush(start)
	s.w.WriteString(`<span class="`)
	s.w.WriteString(cls)
	s.w.WriteString(`">`)
	writeEscaped(s.w, s.src[start:end])
	s.w.WriteString("</span>")
	s.done = end
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isLetter(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func (l *lang) isIdentStart(c byte) bool {
	return isLetter(c) || strings.IndexByte(l.identStart, c) >= 0
}

func (l *lang) isIdentPart(c byte) bool {
	return isLetter(c) || isDigit(c) || strings.IndexByte(l.identPart, c) >= 0
}

// lineEnd returns the index of the newline at or after i, or end.
func lineEnd(src []byte, i, end int) int {
	if j := bytes.IndexByte(src[i:end], '\n'); j >= 0 {
		return i + j
	}
	return end
}

// code scans src[start:end] as code in language l.
func (s *scanner) code(l *lang, start, end int) {
	src := s.src
	lineStart := true // only white space since the last newline
	for i := start; i < end; {
		c := src[i]
		afterSpace := i == start || isSpace(src[i-1])
		afterWord := i > start && l.isIdentPart(src[i-1])
		if c == '\n' {
			lineStart = true
			i++
			continue
		}
		if isSpace(c) {
			i++
			continue
		}
		wasLineStart := lineStart
		lineStart = false

		if j, ok := s.comment(l, i, end, afterSpace); ok {
			s.token(clsComment, i, j)
			i = j
			continue
		}
		if l.preproc && c == '#' && wasLineStart {
			j := i + 1
			for j < end && (src[j] == ' ' || src[j] == '\t') {
				j++
			}
			k := j
			for k < end && isLetter(src[k]) {
				k++
			}
			if k > j {
				s.token(clsKeyword, i, k)
				i = k
				continue
			}
		}
		if strings.IndexByte(l.quotes+l.rawQuotes+l.multiQuotes, c) >= 0 && !afterWord {
			if j, ok := s.stringEnd(l, i, i, end); ok {
				s.token(s.stringClass(l, j, end), i, j)
				i = j
				continue
			}
			i++
			continue
		}
		if !afterWord && (isDigit(c) || c == '.' && i+1 < end && isDigit(src[i+1]) && (i == start || src[i-1] != '.')) {
			j := numberEnd(src, i, end)
			s.token(clsNumber, i, j)
			i = j
			continue
		}
		if l.isIdentStart(c) && !afterWord {
			j := i + 1
			for j < end && l.isIdentPart(src[j]) {
				j++
			}
			word := string(src[i:j])
			// A string prefix such as f in f"…" or r in r#"…"#.
			if j < end && (l.prefixes[word] || l.rustRaw && (word == "r" || word == "br")) {
				if k, ok := s.stringEnd(l, i, j, end); ok {
					s.token(s.stringClass(l, k, end), i, k)
					i = k
					continue
				}
			}
			if l.fold {
				word = strings.ToLower(word)
			}
			if cls, ok := l.words[word]; ok && (i == start || src[i-1] != '.') {
				s.token(cls, i, j)
			}
			i = j
			continue
		}
		i++
	}
}

// comment returns the end of the comment that starts at i, if one does.
func (s *scanner) comment(l *lang, i, end int, afterSpace bool) (int, bool) {
	src := s.src[:end]
	if l.commentAfterSpace && !afterSpace {
		return 0, false
	}
	for _, bc := range l.blockComments {
		if !bytes.HasPrefix(src[i:], []byte(bc[0])) {
			continue
		}
		if l.strict && s.missed(bc[1], i, end) {
			return 0, false
		}
		if k := bytes.Index(src[i+len(bc[0]):], []byte(bc[1])); k >= 0 {
			return i + len(bc[0]) + k + len(bc[1]), true
		}
		if l.strict {
			s.miss(bc[1], i, end, end)
			return 0, false
		}
		return end, true
	}
	for _, lc := range l.lineComments {
		if bytes.HasPrefix(src[i:], []byte(lc)) {
			return lineEnd(src, i, end), true
		}
	}
	return 0, false
}

// stringEnd returns the end of the string literal whose (optional) prefix
// starts at start and whose quote is at q, if there is a whole one.
func (s *scanner) stringEnd(l *lang, start, q, end int) (int, bool) {
	src := s.src[:end]
	// Rust raw strings: r"…", r#"…"#, br##"…"##.
	if l.rustRaw && q > start && src[q-1] == 'r' && (src[q] == '#' || src[q] == '"') {
		k := q
		for k < end && src[k] == '#' {
			k++
		}
		if k >= end || src[k] != '"' {
			return 0, false
		}
		closer := append([]byte{'"'}, bytes.Repeat([]byte{'#'}, k-q)...)
		if s.missed(string(closer), k, end) {
			return 0, false
		}
		if e := bytes.Index(src[k+1:], closer); e >= 0 {
			return k + 1 + e + len(closer), true
		}
		s.miss(string(closer), k, end, end)
		return 0, false
	}
	quote := src[q]
	if strings.IndexByte(l.quotes+l.rawQuotes+l.multiQuotes, quote) < 0 {
		return 0, false
	}
	// """ and ''' strings.
	if l.triple && q+2 < end && src[q+1] == quote && src[q+2] == quote {
		closer := []byte{quote, quote, quote}
		for k := q + 3; k < end; k++ {
			if src[k] == '\\' {
				k++
				continue
			}
			if bytes.HasPrefix(src[k:], closer) {
				return k + 3, true
			}
		}
		return end, true
	}
	if l.charQuote && quote == '\'' {
		return charEnd(src, q, end)
	}
	escapes := strings.IndexByte(l.rawQuotes, quote) < 0
	multi := strings.IndexByte(l.multiQuotes, quote) >= 0
	doubled := l.doubledQuotes
	// C# verbatim strings: @"…", $@"…", @$"…".
	if l.verbatim && quote == '"' && q > 0 && (src[q-1] == '@' || q > 1 && src[q-1] == '$' && src[q-2] == '@') {
		escapes, multi, doubled = false, true, true
	}
	// A scan from a later quote is a suffix of a failed one, unless quotes
	// escape by doubling, which is rare and only within a line.
	what := string([]byte{quote, '0' + b2i(escapes) + 2*b2i(multi)})
	if !doubled && s.missed(what, q, end) {
		return 0, false
	}
	k := q + 1
	for ; k < end; k++ {
		c := src[k]
		if c == '\\' && escapes {
			k++
		} else if c == '\n' && !multi {
			break
		} else if c == quote {
			if doubled && k+1 < end && src[k+1] == quote {
				k++
				continue
			}
			return k + 1, true
		}
	}
	if !doubled {
		s.miss(what, q, min(k, end), end)
	}
	return 0, false
}

func b2i(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// charEnd returns the end of the character literal at q: 'x', '\n',
// '\u{1F600}' or a single UTF-8 character.
func charEnd(src []byte, q, end int) (int, bool) {
	k := q + 1
	if k < end && src[k] == '\\' {
		for k += 2; k < end && k < q+14 && src[k] != '\'' && src[k] != '\n'; k++ {
		}
	} else if k < end && src[k] != '\'' && src[k] != '\n' {
		k++
		for k < end && src[k]&0xC0 == 0x80 { // UTF-8 continuation bytes
			k++
		}
	}
	if k < end && src[k] == '\'' && k > q+1 {
		return k + 1, true
	}
	return 0, false
}

// stringClass is the class of a string that ends at j: a key if the
// language has keys and a colon follows.
func (s *scanner) stringClass(l *lang, j, end int) string {
	if l.keys {
		for k := j; k < end; k++ {
			if s.src[k] == ':' {
				return clsAttr
			}
			if !isSpace(s.src[k]) {
				break
			}
		}
	}
	return clsString
}

// numberEnd returns the end of the number that starts at i: decimal, hex,
// octal or binary, with digit separators, fraction, exponent and suffix.
func numberEnd(src []byte, i, end int) int {
	j := i
	if src[j] == '0' && j+1 < end && strings.IndexByte("xXbBoO", src[j+1]) >= 0 {
		j += 2
	}
	for j < end {
		c := src[j]
		switch {
		case isDigit(c) || isLetter(c):
			if (c == 'e' || c == 'E' || c == 'p' || c == 'P') && j+1 < end && (src[j+1] == '+' || src[j+1] == '-') &&
				!(src[i] == '0' && i+1 < end && (src[i+1] == 'x' || src[i+1] == 'X') && (c == 'e' || c == 'E')) {
				j += 2
				continue
			}
			j++
		case c == '.' && j+1 < end && isDigit(src[j+1]):
			j++
		default:
			return j
		}
	}
	return j
}

// markup scans src[start:end] as HTML or XML: comments, tag names,
// attribute names and values. Script and style elements are scanned as
// JavaScript and CSS.
func (s *scanner) markup(start, end int) {
	src := s.src[:end]
	for i := start; i < end; {
		if bytes.HasPrefix(src[i:], []byte("<!--")) {
			j := end
			if k := bytes.Index(src[i+4:], []byte("-->")); k >= 0 {
				j = i + 4 + k + 3
			}
			s.token(clsComment, i, j)
			i = j
			continue
		}
		if src[i] != '<' || i+1 >= end {
			i++
			continue
		}
		n := i + 1
		closing := src[n] == '/'
		if src[n] == '/' || src[n] == '!' || src[n] == '?' {
			n++
		}
		if n >= end || !isLetter(src[n]) {
			i++
			continue
		}
		j := n
		for j < end && (isLetter(src[j]) || isDigit(src[j]) || strings.IndexByte(":.-", src[j]) >= 0) {
			j++
		}
		s.token(clsTag, n, j)
		tag := strings.ToLower(string(src[n:j]))
		i = s.attributes(j, end)
		if closing || i > end || src[i-1] != '>' || i >= 2 && src[i-2] == '/' {
			continue
		}
		if tag == "script" || tag == "style" {
			k := indexFold(src[i:], "</"+tag)
			if k < 0 {
				k = end - i
			}
			l := langs()["js"]
			if tag == "style" {
				l = langs()["css"]
			}
			s.code(l, i, i+k)
			i += k
		}
	}
}

// indexFold is bytes.Index for a lower-case ASCII needle, ignoring ASCII
// case in b. (bytes.ToLower could change lengths and so the offsets.)
func indexFold(b []byte, needle string) int {
	for i := 0; i+len(needle) <= len(b); i++ {
		j := 0
		for j < len(needle) && lowerASCII(b[i+j]) == needle[j] {
			j++
		}
		if j == len(needle) {
			return i
		}
	}
	return -1
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// attributes scans the attributes of a tag from i to its '>' and returns
// the index after it (or where the tag broke off).
func (s *scanner) attributes(i, end int) int {
	src := s.src[:end]
	for i < end {
		c := src[i]
		switch {
		case c == '>':
			return i + 1
		case c == '<':
			return i
		case isSpace(c) || c == '/' || c == '?':
			i++
		case c == '=':
			i++
			for i < end && isSpace(src[i]) {
				i++
			}
			if i >= end {
				return i
			}
			j := i
			if q := src[i]; q == '"' || q == '\'' {
				k := -1
				if !s.missed(string(q), i, end) {
					k = bytes.IndexByte(src[i+1:], q)
				}
				if k < 0 {
					s.miss(string(q), i, end, end)
					return i // a broken tag; the rest is text
				}
				j = i + 1 + k + 1
			} else {
				for j < end && !isSpace(src[j]) && src[j] != '>' && src[j] != '<' {
					j++
				}
			}
			s.token(clsString, i, j)
			i = j
		default:
			j := i
			for j < end && !isSpace(src[j]) && strings.IndexByte(`=>/<"'`, src[j]) < 0 {
				j++
			}
			if j == i {
				j++ // a stray quote
			} else {
				s.token(clsAttr, i, j)
			}
			i = j
		}
	}
	return i
}

// yaml scans YAML line by line: keys, then values as code, and block
// scalars (after | or >) as strings.
func (s *scanner) yaml(l *lang) {
	src := s.src
	end := len(src)
	blockIndent := -1 // indentation of the key that opened a block scalar
	for i := 0; i < end; {
		le := lineEnd(src, i, end)
		next := min(le+1, end)
		indent := 0
		for i+indent < le && src[i+indent] == ' ' {
			indent++
		}
		p := i + indent
		if blockIndent >= 0 {
			if p == le || indent > blockIndent {
				s.token(clsString, p, le)
				i = next
				continue
			}
			blockIndent = -1
		}
		if line := string(bytes.TrimRight(src[p:le], " \t\r")); line == "---" || line == "..." {
			s.token(clsKeyword, p, p+3)
			i = next
			continue
		}
		for p+1 < le && src[p] == '-' && (src[p+1] == ' ' || src[p+1] == '\t') { // sequence entries
			p += 2
			for p < le && src[p] == ' ' {
				p++
			}
		}
		if k, v, ok := yamlKey(src, p, le); ok {
			s.token(clsAttr, p, k)
			p = v
		}
		// A block scalar: the value is | or >, maybe with modifiers.
		v := src[p:le]
		if c := bytes.Index(v, []byte(" #")); c >= 0 {
			v = v[:c]
		}
		if v := bytes.Trim(v, " \t\r"); len(v) > 0 && (v[0] == '|' || v[0] == '>') &&
			len(bytes.Trim(v[1:], "+-0123456789")) == 0 {
			blockIndent = indent
		}
		s.code(l, p, le)
		i = next
	}
}

// yamlKey finds a mapping key at the start of src[p:le]: it returns the
// end of the key and where its value starts.
func yamlKey(src []byte, p, le int) (keyEnd, value int, ok bool) {
	if p >= le || strings.IndexByte("#[{|>&*!%@`", src[p]) >= 0 {
		return 0, 0, false
	}
	k := p
	if q := src[p]; q == '"' || q == '\'' {
		e := bytes.IndexByte(src[p+1:le], q)
		if e < 0 {
			return 0, 0, false
		}
		k = p + 1 + e + 1
		for k < le && src[k] == ' ' {
			k++
		}
		if k >= le || src[k] != ':' {
			return 0, 0, false
		}
	} else {
		for ; k < le; k++ {
			if src[k] == ':' && (k+1 == le || isSpace(src[k+1])) {
				break
			}
			if src[k] == '#' && isSpace(src[k-1]) {
				return 0, 0, false
			}
		}
		if k >= le {
			return 0, 0, false
		}
	}
	keyEnd = k
	for keyEnd > p && src[keyEnd-1] == ' ' {
		keyEnd--
	}
	return keyEnd, k + 1, true
}
