package transfer

import (
	"bufio"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"brook/backend/i18n"
	"brook/backend/store"
)

// markdownWriter writes one Markdown document, a conversation at a time.
// Message contents are already Markdown and are written verbatim; only the
// text Brook adds around them (titles, model names, notes) is escaped. A
// message's reasoning comes before its text, folded; see writeReasoning.
type markdownWriter struct {
	w           *bufio.Writer
	now         time.Time
	n           int       // conversations written
	images      ImageSink // where images go; nil names them only
	allVersions bool      // every version, not only the shown path
	words       wording   // the language it is written in
}

func (*markdownWriter) begin() error { return nil }

func (mw *markdownWriter) add(b store.Bundle) error {
	bw, now, w := mw.w, mw.now, mw.words
	loc := now.Location()
	if mw.n > 0 {
		bw.WriteString("---\n\n")
	}
	mw.n++
	c := b.Conversation
	fmt.Fprintf(bw, "# %s\n\n", mdEscape(titleOf(w, c)))
	var meta []string
	if c.Model != "" {
		meta = append(meta, w.t("Export.model", i18n.Args{"Model": mdEscape(c.Model)}))
	}
	if t := formatTime(c.CreatedAt, loc); t != "" {
		meta = append(meta, w.t("Export.created", i18n.Args{"Time": t}))
	}
	meta = append(meta, w.t("Export.exported", i18n.Args{"Time": now.Format("2006-01-02 15:04")}))
	fmt.Fprintf(bw, "*%s*\n\n", strings.Join(meta, " · "))
	if sp := strings.TrimSpace(c.SystemPrompt); sp != "" {
		fmt.Fprintf(bw, "## %s\n\n", w.t("Export.systemPrompt", nil))
		writeQuoted(bw, sp)
		bw.WriteString("\n")
	}
	for _, m := range transcript(b.Messages, mw.allVersions) {
		if err := mw.writeMessage(c, m); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// writeMessage writes one message and, when every version is written, its
// other versions after it, each as a marked section with what follows it.
func (mw *markdownWriter) writeMessage(c store.Conversation, m transcriptMessage) error {
	bw, w := mw.w, mw.words
	heading := roleName(w, m.Role)
	if m.Role == store.RoleAssistant && m.Model != "" && m.Model != c.Model {
		heading += " (" + mdEscape(m.Model) + ")"
	}
	if label := m.versionLabel(w); label != "" {
		heading += " · " + label
	}
	fmt.Fprintf(bw, "## %s\n\n", heading)
	writeReasoning(bw, w, m.Message)
	if content := strings.TrimRight(m.Content, "\n"); content != "" {
		bw.WriteString(content)
		bw.WriteString("\n")
		if fence := openFence(content); fence != "" {
			// A stopped answer can end inside a code fence; close it so
			// the rest of the transcript is not swallowed by it.
			bw.WriteString(fence + "\n")
		}
		bw.WriteString("\n")
	}
	writeToolCalls(bw, w, m.ToolCalls)
	if err := writeImages(bw, w, m.Images, mw.images); err != nil {
		return err
	}
	if err := writeDocuments(bw, w, m.Documents, mw.images); err != nil {
		return err
	}
	for _, n := range messageNotes(w, m.Message) {
		fmt.Fprintf(bw, "> **%s**\n\n", mdEscape(n.Text))
	}
	for _, other := range m.others {
		label := other[0].versionLabel(w)
		fmt.Fprintf(bw, "> **%s** %s\n\n", w.t("Export.begin", i18n.Args{"Version": label}), w.t("Export.notShown", nil))
		for _, om := range other {
			if err := mw.writeMessage(c, om); err != nil {
				return err
			}
		}
		fmt.Fprintf(bw, "> **%s**\n\n", w.t("Export.end", i18n.Args{"Version": label}))
	}
	return nil
}

func (mw *markdownWriter) end() error { return mw.w.Flush() }

// writeReasoning writes what the model thought before its answer as a
// folded block, a <details> element whose summary says how long it thought:
//
//	<details><summary>Thought for 42 s</summary>
//
//	> the reasoning, as Markdown
//
//	</details>
//
// Renderers that support <details> (GitHub, GitLab, most editors) show it
// folded, with the Markdown inside rendered; those that drop HTML still show
// the reasoning set apart as a quote.
//
// The reasoning is written as Markdown, like the answer, with one
// difference: every "<" outside code is escaped (see escapeAngles), so its
// raw HTML shows as text, where the answer's is passed through verbatim. The
// answer is the conversation itself, but the reasoning sits inside Brook's
// own <details> element, and untrusted text there could close it early (a
// "</details>") or swallow the answer after it (an unclosed "<!--" or
// "<pre>"), passing thoughts off as the answer or hiding it, in any renderer
// that lets HTML through. Being quoted, it also cannot leave a code fence or
// a list open past its end. Markdown formatting and code are kept as they
// are; ">" needs no escaping, as no tag can start without a "<".
func writeReasoning(w *bufio.Writer, words wording, m store.Message) {
	label := thinkingLabel(words, m)
	if label == "" {
		return
	}
	reasoning := strings.Trim(m.Reasoning, "\n")
	if strings.TrimSpace(reasoning) == "" {
		// Only the time is known, as with some ChatGPT exports.
		fmt.Fprintf(w, "*%s*\n\n", label)
		return
	}
	if fence := openFence(reasoning); fence != "" {
		reasoning += "\n" + fence
	}
	var quoted strings.Builder
	for line := range strings.SplitSeq(reasoning, "\n") {
		if line == "" {
			quoted.WriteString(">\n")
			continue
		}
		quoted.WriteString("> " + line + "\n")
	}
	// Escaped once quoted, so that code is found exactly as it will be read.
	fmt.Fprintf(w, "<details><summary>%s</summary>\n\n", label)
	w.WriteString(escapeAngles(quoted.String()))
	w.WriteString("\n</details>\n\n")
}

// writeQuoted writes s as a Markdown block quote.
func writeQuoted(w *bufio.Writer, s string) {
	for line := range strings.SplitSeq(s, "\n") {
		if line == "" {
			w.WriteString(">\n")
			continue
		}
		w.WriteString("> " + line + "\n")
	}
}

// mdEscaper backslash-escapes the characters that could start Markdown markup
// or raw HTML inside a line of text.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`,
	`<`, `\<`, `>`, `\>`, `#`, `\#`, `|`, `\|`, `~`, `\~`, `!`, `\!`,
)

// mdEscape makes s one line of literal Markdown text.
func mdEscape(s string) string {
	return mdEscaper.Replace(oneLine(s))
}

// maxEscapePasses bounds the passes of escapeAngles; text that still needs
// one after them has every "<" escaped, in code too.
const maxEscapePasses = 8

// escapeAngles returns Markdown src with every "<" outside code written as
// "&lt;", which renders as "<". No "<" is left to start a tag, a comment or
// a declaration, whether the renderer follows CommonMark (where an HTML
// block or inline tag would pass through) or is an older one that passes on
// anything looking like HTML, such as an unclosed "<!--". In code spans and
// code blocks "<" is only a character, in every renderer, and is left alone
// so code reads as it was written.
//
// Escaping can change how the text around it parses (an HTML block that
// held a "```" line becomes a paragraph, and a fence opens there), so the
// text is parsed again until every "<" outside code is escaped.
func escapeAngles(src string) string {
	parser := renderers().answer.Parser()
	for range maxEscapePasses {
		if !strings.Contains(src, "<") {
			return src
		}
		source := []byte(src)
		var code []text.Segment // where "<" is left alone
		doc := parser.Parse(text.NewReader(source))
		ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if !entering {
				return ast.WalkContinue, nil
			}
			switch n := n.(type) {
			case *ast.FencedCodeBlock, *ast.CodeBlock:
				for i := range n.Lines().Len() {
					code = append(code, n.Lines().At(i))
				}
				return ast.WalkSkipChildren, nil
			case *ast.CodeSpan:
				for c := n.FirstChild(); c != nil; c = c.NextSibling() {
					if t, ok := c.(*ast.Text); ok {
						code = append(code, t.Segment)
					}
				}
				return ast.WalkSkipChildren, nil
			}
			return ast.WalkContinue, nil
		})
		// Segments do not overlap; in order, one pass over src finds them.
		slices.SortFunc(code, func(a, b text.Segment) int { return a.Start - b.Start })
		next := 0 // the first segment that does not end before i
		inCode := func(i int) bool {
			for next < len(code) && code[next].Stop <= i {
				next++
			}
			return next < len(code) && code[next].Start <= i
		}
		var b strings.Builder
		escaped := false
		for i := range len(src) {
			if src[i] == '<' && !inCode(i) {
				b.WriteString("&lt;")
				escaped = true
				continue
			}
			b.WriteByte(src[i])
		}
		if !escaped {
			return src
		}
		src = b.String()
	}
	return strings.ReplaceAll(src, "<", "&lt;")
}

// openFence returns the fence that closes a fenced code block left open at the
// end of content, or "" when every block is closed.
func openFence(content string) string {
	var open string // the opening fence's run of ` or ~, while inside a block
	for line := range strings.SplitSeq(content, "\n") {
		t := strings.TrimLeft(line, " ")
		if len(line)-len(t) > 3 || len(t) < 3 || (t[0] != '`' && t[0] != '~') {
			continue
		}
		run := t[:len(t)-len(strings.TrimLeft(t, t[:1]))]
		if len(run) < 3 {
			continue
		}
		switch {
		case open == "":
			open = run
		case run[0] == open[0] && len(run) >= len(open) && strings.TrimSpace(t[len(run):]) == "":
			open = ""
		}
	}
	return open
}

// writeImages links a message's images, kept by sink, or names them when
// there is no sink (a Markdown export written to a stream has no place for
// files beside it; the JSON and HTML exports carry images whole).
func writeImages(w *bufio.Writer, words wording, images []store.Image, sink ImageSink) error {
	for _, img := range images {
		name := img.Name
		if name == "" {
			name = "image"
		}
		if sink != nil && len(img.Data) > 0 {
			link, err := sink(img)
			if err != nil {
				return i18n.Wrap("Transfer.writeImage", err, i18n.Args{"Name": name})
			}
			fmt.Fprintf(w, "![%s](%s)\n\n", mdEscape(oneLine(name)), link)
			continue
		}
		detail := img.MIME
		if img.Width > 0 && img.Height > 0 {
			detail += fmt.Sprintf(", %d×%d", img.Width, img.Height)
		}
		fmt.Fprintf(w, "*[%s]*\n\n", words.t("Export.imageLeftOut", i18n.Args{"Name": mdEscape(oneLine(name)), "Detail": detail}))
	}
	return nil
}
