package transfer

import (
	"bufio"
	"bytes"
	"html"
	"regexp"
	"strings"
	"testing"
)

// hl highlights code as a fenced block in language would be.
func hl(language, code string) string {
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	writeCodeBlock(w, language, []byte(code))
	w.Flush()
	return buf.String()
}

var (
	wrapper = regexp.MustCompile(`^<pre(?: class="hl")?><code(?: class="language-[a-z0-9+#._-]+")?>((?s).*)</code></pre>\n$`)
	span    = regexp.MustCompile(`<span class="([a-z]+)">([^<]*)</span>`)
)

// checkHighlighted checks that out is code in a <pre> with nothing but
// spans of our classes around escaped text, and that the text is the code.
func checkHighlighted(t testing.TB, language, code, out string) {
	t.Helper()
	m := wrapper.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("%s %q: not a code block: %q", language, code, out)
	}
	for _, s := range span.FindAllStringSubmatch(m[1], -1) {
		switch s[1] {
		case clsComment, clsString, clsNumber, clsKeyword, clsTag, clsAttr:
		default:
			t.Fatalf("%s %q: unknown class %q in %q", language, code, s[1], out)
		}
	}
	text := span.ReplaceAllString(m[1], "$2")
	if i := strings.IndexAny(text, `<>"'`); i >= 0 {
		t.Fatalf("%s %q: unescaped %q in %q", language, code, text[i], out)
	}
	if got, want := html.UnescapeString(text), strings.ReplaceAll(code, "\x00", "\uFFFD"); got != want {
		t.Fatalf("%s %q: the text of the block is %q", language, code, got)
	}
}

func TestHighlight(t *testing.T) {
	k := func(s string) string { return `<span class="k">` + s + `</span>` }
	str := func(s string) string { return `<span class="s">` + s + `</span>` }
	num := func(s string) string { return `<span class="n">` + s + `</span>` }
	com := func(s string) string { return `<span class="c">` + s + `</span>` }
	for _, tc := range []struct {
		lang, code string
		want, not  []string
	}{
		{"go", "// hi\nfunc f() string { return `a\"b` + \"c\\\"d\" + 'x' } /* e\nf */ x := 0x1F + 1.5e-3 + nil",
			[]string{com("// hi"), k("func"), k("string"), k("return"), str("`a&quot;b`"), str(`&quot;c\&quot;d&quot;`), str("&#39;x&#39;"),
				com("/* e\nf */"), num("0x1F"), num("1.5e-3"), num("nil")}, nil},
		{"Go", "x.type", nil, []string{k("type")}}, // a field, not the keyword; language names ignore case
		{"c", "#include <stdio.h>\nint main(void) { char c = '\\n'; return L\"w\"[0]; }",
			[]string{k("#include"), k("int"), k("void"), k("char"), str("&#39;\\n&#39;"), str("L&quot;w&quot;"), num("0")}, nil},
		{"c++", "template <typename T> auto f() -> std::string { return R\"(x)\"; }", []string{k("template"), k("typename"), k("auto"), str("R&quot;(x)&quot;")}, nil},
		{"java", "public class A { String s = \"\"\"\n  text\n  \"\"\"; }", []string{k("public"), k("class"), str("&quot;&quot;&quot;\n  text\n  &quot;&quot;&quot;")}, nil},
		{"javascript", "const $x = `a ${b}\n c`; // done\nlet y = 'q' ?? null;",
			[]string{k("const"), str("`a ${b}\n c`"), com("// done"), k("let"), str("&#39;q&#39;"), num("null")}, []string{k("$x")}},
		{"tsx", "interface P { n: number }\ntype Q = keyof P", []string{k("interface"), k("number"), k("type"), k("keyof")}, nil},
		{"rust", "fn f<'a>(x: &'a str) -> char { let r = r#\"raw \"quoted\"\"#; 'c' }",
			[]string{k("fn"), k("str"), k("char"), k("let"), str("r#&quot;raw &quot;quoted&quot;&quot;#"), str("&#39;c&#39;")},
			[]string{str("&#39;a&gt;")}},
		{"cs", "var p = @\"C:\\dir\\\"; // path\nstring s = $\"{p}\";", []string{k("var"), str("&quot;C:\\dir\\&quot;"), com("// path"), k("string")}, nil},
		{"kotlin", "fun main() { val s = \"x\"; println(s) }", []string{k("fun"), k("val"), str("&quot;x&quot;")}, nil},
		{"swift", "let x: Int = 42 // answer", []string{k("let"), k("Int"), num("42"), com("// answer")}, nil},
		{"py", "def f(x):\n    \"\"\"Doc\n    string\"\"\"\n    return f'{x}' if x is not None else b\"\" # why\n",
			[]string{k("def"), str("&quot;&quot;&quot;Doc\n    string&quot;&quot;&quot;"), k("return"), str("f&#39;{x}&#39;"),
				k("is"), k("not"), num("None"), str("b&quot;&quot;"), com("# why")}, nil},
		{"bash", "# setup\nif [ \"$#\" -gt 0 ]; then echo 'it''s' $HOME/a#b; fi --done",
			[]string{com("# setup"), k("if"), str("&quot;$#&quot;"), k("then"), k("echo"), str("&#39;it&#39;"), k("fi")},
			[]string{com("#b; fi --done"), k("done")}},
		{"sql", "SELECT name, 'O''Brien' FROM t -- who\nWHERE id = 1 /* one */", []string{k("SELECT"), str("&#39;O&#39;&#39;Brien&#39;"), k("FROM"), com("-- who"), k("WHERE"), num("1"), com("/* one */")}, nil},
		{"json", `{"a": [1, -2.5e3, true, null], "b": "c:d"}`, []string{`<span class="a">&quot;a&quot;</span>`, num("1"), num("2.5e3"), num("true"), num("null"), str("&quot;c:d&quot;")}, nil},
		{"yaml", "# config\nname: \"x\" # note\nport: 8080\non: [push]\nrun: | # script\n  echo \"a: b\"\n  ls\nlist:\n  - enabled: yes\n---\n",
			[]string{com("# config"), `<span class="a">name</span>`, str("&quot;x&quot;"), com("# note"), `<span class="a">port</span>`, num("8080"),
				`<span class="a">on</span>`, str("echo &quot;a: b&quot;"), str("ls"), `<span class="a">enabled</span>`, num("yes"), k("---")},
			[]string{`<span class="a">echo`}},
		{"html", "<!-- c -->\n<a href=\"x\" data-y='z' w=v>t</a><script>if (a < b) alert(\"</b>\")</script><style>p { color: red } /* s */</style>",
			[]string{com("&lt;!-- c --&gt;"), `&lt;<span class="t">a</span> <span class="a">href</span>=` + str("&quot;x&quot;"), `<span class="a">data-y</span>=` + str("&#39;z&#39;"),
				str("v"), `&lt;/<span class="t">a</span>&gt;`, k("if"), str("&quot;&lt;/b&gt;&quot;"), com("/* s */")}, nil},
		{"xml", "<?xml version=\"1.0\"?><r:x a=\"1\"/>", []string{`<span class="t">xml</span>`, `<span class="t">r:x</span>`}, nil},
		{"ruby", "# comment\nputs \"hi\" if x == 1 // 2", []string{com("# comment"), str("&quot;hi&quot;"), num("1")}, []string{k("if")}},
		{"unknownlang", "don't stop, it's 'fine' at http://x/*.go # note", []string{str("&#39;fine&#39;"), com("# note")}, []string{com("//x"), com("/*.go")}},
	} {
		out := hl(tc.lang, tc.code)
		checkHighlighted(t, tc.lang, tc.code, out)
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: %q lacks %q:\n%s", tc.lang, tc.code, w, out)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(out, w) {
				t.Errorf("%s: %q has %q:\n%s", tc.lang, tc.code, w, out)
			}
		}
	}
}

func TestHighlightWrapper(t *testing.T) {
	for lang, want := range map[string]string{
		"":                           "<pre><code>x\n</code></pre>\n",
		"text":                       `<pre><code class="language-text">x` + "\n</code></pre>\n",
		"Golang":                     `<pre class="hl"><code class="language-go">x` + "\n</code></pre>\n",
		"c#":                         `<pre class="hl"><code class="language-csharp">x` + "\n</code></pre>\n",
		"zig":                        `<pre class="hl"><code class="language-zig">x` + "\n</code></pre>\n",
		`go"><script>`:               `<pre class="hl"><code>x` + "\n</code></pre>\n",
		`x"onmouseover="alert(1)`:    `<pre class="hl"><code>x` + "\n</code></pre>\n",
		strings.Repeat("a", 40):      `<pre class="hl"><code>x` + "\n</code></pre>\n",
		"java&#115;cript":            `<pre class="hl"><code>x` + "\n</code></pre>\n",
		"language-go class=\"evil\"": `<pre class="hl"><code>x` + "\n</code></pre>\n",
	} {
		if got := hl(lang, "x\n"); got != want {
			t.Errorf("language %q: got %q, want %q", lang, got, want)
		}
	}
}

// hostileCode tries to break out of the code block, the spans and their
// attributes, in every language.
var hostileCode = []string{
	"</code></pre><script>alert(1)</script>",
	"\"</span><script>alert(1)</script>",
	"'\"><img src=x onerror=alert(1)>",
	"/* </code> */ // <script>\n# <script>\n-- <iframe>",
	"`</code>${x}` \"\"\"</pre>\"\"\" r#\"</span>\"#",
	"<a href=\"javascript:alert(1)\" onclick='x()'>&lt;b&amp;</a>",
	"<script>\"</script><script>alert(1)</script>",
	"<style></style><script x=\"</script>\">",
	"key: \"</code>\"\nrun: |\n  <script>\n",
	"{\"</pre>\": '<b>'}",
	"<!-- <script> -->",
	"<a b=\"unterminated",
	"'\\",
	"\"\\",
	"0x",
	"1e+",
	"@\"",
	"r#",
	"'\xc3",
	"\xff\xfe<\x00>&",
	"\x00\"\x00'",
	"<İSCRİPT>x</İSCRİPT><script>İ</script>",
}

func TestHighlightEscapesHostileCode(t *testing.T) {
	names := []string{"", "text", "nosuchlang"}
	for name := range langs() {
		names = append(names, name)
	}
	for _, name := range names {
		for _, code := range hostileCode {
			checkHighlighted(t, name, code, hl(name, code))
		}
	}
}

func FuzzHighlight(f *testing.F) {
	for _, code := range hostileCode {
		f.Add("html", code)
		f.Add("go", code)
	}
	f.Add("yaml", "a: |\n  b\nc: 'd''e' # f\n- [1, 2]\n")
	f.Add("py", "'''x''' f\"y\" # z")
	f.Add("sh", "echo $# a#b 'c' \"d\\\"\" # e")
	f.Fuzz(func(t *testing.T, language, code string) {
		checkHighlighted(t, language, code, hl(language, code))
	})
}

// TestHighlightIsLinear feeds long runs of openers that never close. Were a
// search repeated for each of them, this would take hours, not milliseconds.
func TestHighlightIsLinear(t *testing.T) {
	for _, tc := range []struct{ lang, unit string }{
		{"nosuchlang", " /*"}, {"go", "`"}, {"js", "\"\\"}, {"c", "'"}, {"rust", `r#"`},
		{"html", `<a b="`}, {"html", "<script>"}, {"python", `"\`}, {"sql", "'"}, {"yaml", "a: '"},
		{"shell", " #'"}, {"json", `"`},
	} {
		code := strings.Repeat(tc.unit, 1<<20/len(tc.unit))
		if out := hl(tc.lang, code); len(out) < len(code) {
			t.Fatalf("%s: the output is shorter than the code", tc.lang)
		}
	}
}
