package transfer

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"strings"
	"sync"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"

	"brook/backend/i18n"
	"brook/backend/store"
)

// contentSecurityPolicy forbids the page everything but its own inline
// styles and data: images: no script can run and nothing is fetched, even if
// some message slipped markup past the renderer.
const contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

// renderers holds the Markdown renderers, built on first use.
// markdownRenderers render answers and, with hard line breaks, what people typed.
type markdownRenderers struct{ answer, user goldmark.Markdown }

var renderers = sync.OnceValue(func() (r markdownRenderers) {
	r.answer = newMarkdown(false)
	// People type line breaks and expect to see them; models write Markdown.
	// System prompts are typed by people too.
	r.user = newMarkdown(true)
	return r
})

// newMarkdown returns a GitHub-flavoured Markdown renderer that is safe for
// untrusted text: raw HTML is shown as text, dangerous link destinations
// such as javascript: are dropped (goldmark does that unless told to be
// unsafe), and code is highlighted with CSS classes, not inline styles
// (see codehl.go).
func newMarkdown(hardWraps bool) goldmark.Markdown {
	ropts := []renderer.Option{
		renderer.WithNodeRenderers(
			util.Prioritized(rawHTMLEscaper{}, 100),
			util.Prioritized(codeBlockRenderer{}, 100),
		),
	}
	if hardWraps {
		ropts = append(ropts, html.WithHardWraps())
	}
	return goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithRendererOptions(ropts...),
	)
}

// rawHTMLEscaper renders raw HTML in Markdown as the text it is. goldmark's
// safe default would drop it, but a message that shows HTML code must still
// show it.
type rawHTMLEscaper struct{}

func (rawHTMLEscaper) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHTMLBlock, renderHTMLBlock)
	reg.Register(ast.KindRawHTML, renderRawHTML)
}

func renderHTMLBlock(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.HTMLBlock)
	w.WriteString(`<pre class="raw-html"><code>`)
	for i := range n.Lines().Len() {
		line := n.Lines().At(i)
		w.Write(util.EscapeHTML(line.Value(source)))
	}
	if n.HasClosure() {
		w.Write(util.EscapeHTML(n.ClosureLine.Value(source)))
	}
	w.WriteString("</code></pre>\n")
	return ast.WalkContinue, nil
}

func renderRawHTML(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*ast.RawHTML)
	for i := range n.Segments.Len() {
		seg := n.Segments.At(i)
		w.Write(util.EscapeHTML(seg.Value(source)))
	}
	return ast.WalkSkipChildren, nil
}

// htmlPage is what the "head" and "foot" templates show.
type htmlPage struct {
	// Lang is the page's language tag; "" for English (see words.lang).
	Lang       string
	Title      string
	ExportedAt string
	// Heading, Summary and Footer are the table of contents' heading and
	// line under it, and the line at the foot of the page.
	Heading, Summary, Footer string
	// Contents lists every conversation, for the table of contents, which
	// is shown when there are several.
	Contents []htmlEntry
}

type htmlEntry struct {
	Anchor string
	Title  string
}

type htmlConversation struct {
	Anchor       string
	Title        string
	Meta         []string
	SystemPrompt template.HTML
	// SystemPromptLabel folds the system prompt.
	SystemPromptLabel string
	Messages          []htmlMessage
}

type htmlMessage struct {
	Class string
	Role  string
	Time  string
	// ThinkingLabel introduces the reasoning ("Thought for 42 s"); it is
	// shown alone when only the thinking time is known.
	ThinkingLabel string
	// Reasoning is the rendered reasoning, shown folded before the answer.
	Reasoning template.HTML
	HTML      template.HTML
	// Images are the message's images, inlined as data URLs.
	Images []htmlImage
	// Documents are the message's documents, their text inline and folded.
	Documents []htmlDocument
	// ToolCalls are the tools an answer called, each folded.
	ToolCalls []htmlToolCall
	Notes     []note
	Stats     []string
	// Version says where the message stands among its versions, when it
	// has several; Others are the other versions, written folded when
	// every version is exported.
	Version string
	Others  []htmlVersion
}

// htmlVersion is another version of a message, with what follows it.
type htmlVersion struct {
	Label    string
	Messages []htmlMessage
}

// htmlImage is one image of a message: its data URL and its name as alt text.
type htmlImage struct {
	Src template.URL
	Alt string
}

// htmlImages inlines a message's images. Only the image types Brook
// accepts become data URLs: the template trusts Src as it is.
func htmlImages(images []store.Image) []htmlImage {
	var out []htmlImage
	for _, img := range images {
		switch img.MIME {
		case "image/png", "image/jpeg", "image/webp", "image/gif":
		default:
			continue
		}
		src := "data:" + img.MIME + ";base64," + base64.StdEncoding.EncodeToString(img.Data)
		out = append(out, htmlImage{Src: template.URL(src), Alt: img.Name})
	}
	return out
}

// htmlWriter writes one HTML page that shows the same in any browser,
// offline: styles are inline, Markdown is rendered here, and the page has no
// scripts and refers to nothing outside itself. The head and the table of
// contents come from the export's entries; each conversation is rendered
// and written as it is added.
type htmlWriter struct {
	w           *bufio.Writer
	now         time.Time
	entries     []store.ExportEntry
	next        int     // the position in entries of the conversation expected next
	allVersions bool    // every version, not only the shown path
	words       wording // the language it is written in
}

func anchor(i int) string { return fmt.Sprintf("c%d", i+1) }

func (hw *htmlWriter) page() htmlPage {
	w := hw.words
	exportedAt := hw.now.Format("2006-01-02 15:04")
	page := htmlPage{
		Lang:       w.lang(),
		Title:      w.t("Export.pageTitle", nil),
		ExportedAt: exportedAt,
		Heading:    w.t("Export.pageTitle", nil),
		Summary:    w.t("Export.conversations", i18n.Args{"Count": len(hw.entries)}) + " · " + w.t("Export.exportedOn", i18n.Args{"Time": exportedAt}),
		Footer:     w.t("Export.footer", i18n.Args{"Time": exportedAt}),
	}
	if len(hw.entries) == 1 {
		page.Title = titleOf(w, store.Conversation{Title: hw.entries[0].Title})
	}
	return page
}

func (hw *htmlWriter) begin() error {
	page := hw.page()
	page.Contents = make([]htmlEntry, len(hw.entries))
	for i, e := range hw.entries {
		page.Contents[i] = htmlEntry{Anchor: anchor(i), Title: titleOf(hw.words, store.Conversation{Title: e.Title})}
	}
	return pageTemplate.ExecuteTemplate(hw.w, "head", page)
}

func (hw *htmlWriter) add(b store.Bundle) error {
	// The anchor is the one the table of contents links to; conversations
	// left out of the export are skipped over.
	pos := hw.next
	for i := hw.next; i < len(hw.entries); i++ {
		if hw.entries[i].ID == b.Conversation.ID {
			pos = i
			break
		}
	}
	hw.next = pos + 1

	r := renderers()
	loc := hw.now.Location()
	w := hw.words
	c := b.Conversation
	hc := htmlConversation{Anchor: anchor(pos), Title: titleOf(w, c), SystemPromptLabel: w.t("Export.systemPrompt", nil)}
	if c.Model != "" {
		hc.Meta = append(hc.Meta, w.t("Export.model", i18n.Args{"Model": c.Model}))
	}
	if t := formatTime(c.CreatedAt, loc); t != "" {
		hc.Meta = append(hc.Meta, w.t("Export.created", i18n.Args{"Time": t}))
	}
	hc.Meta = append(hc.Meta, "")
	if sp := strings.TrimSpace(c.SystemPrompt); sp != "" {
		h, err := renderMarkdown(r.user, sp)
		if err != nil {
			return err
		}
		hc.SystemPrompt = h
	}
	shown := transcript(b.Messages, hw.allVersions)
	hc.Meta[len(hc.Meta)-1] = w.t("Export.messages", i18n.Args{"Count": len(shown)})
	var err error
	if hc.Messages, err = htmlMessages(r, w, shown, loc); err != nil {
		return err
	}
	if err := pageTemplate.ExecuteTemplate(hw.w, "article", hc); err != nil {
		return err
	}
	return hw.w.Flush()
}

// htmlMessages renders a path of messages, each with its other versions.
func htmlMessages(r markdownRenderers, w wording, path []transcriptMessage, loc *time.Location) ([]htmlMessage, error) {
	out := make([]htmlMessage, 0, len(path))
	for _, m := range path {
		md := r.user
		if m.Role == store.RoleAssistant {
			md = r.answer
		}
		h, err := renderMarkdown(md, m.Content)
		if err != nil {
			return nil, err
		}
		hm := htmlMessage{
			Class:         roleClass(m.Role),
			Role:          roleName(w, m.Role),
			Time:          formatTime(m.CreatedAt, loc),
			ThinkingLabel: thinkingLabel(w, m.Message),
			HTML:          h,
			Images:        htmlImages(m.Images),
			Documents:     htmlDocuments(w, m.Documents),
			ToolCalls:     htmlToolCalls(w, m.ToolCalls),
			Notes:         messageNotes(w, m.Message),
			Stats:         messageStats(w, m.Message),
			Version:       m.versionLabel(w),
		}
		if strings.TrimSpace(m.Reasoning) != "" {
			// Rendered like the answer, through the same safe renderer.
			if hm.Reasoning, err = renderMarkdown(md, m.Reasoning); err != nil {
				return nil, err
			}
		}
		for _, other := range m.others {
			msgs, err := htmlMessages(r, w, other, loc)
			if err != nil {
				return nil, err
			}
			label := other[0].versionLabel(w) + " " + w.t("Export.notShown", nil)
			hm.Others = append(hm.Others, htmlVersion{Label: label, Messages: msgs})
		}
		out = append(out, hm)
	}
	return out, nil
}

func (hw *htmlWriter) end() error {
	if err := pageTemplate.ExecuteTemplate(hw.w, "foot", hw.page()); err != nil {
		return err
	}
	return hw.w.Flush()
}

// renderMarkdown renders untrusted Markdown to HTML that is safe to insert.
func renderMarkdown(md goldmark.Markdown, src string) (template.HTML, error) {
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		return "", fmt.Errorf("export: render markdown: %w", err)
	}
	// The renderer escapes the text and drops raw HTML and unsafe links,
	// which is what makes this conversion sound.
	return template.HTML(buf.String()), nil
}

// roleClass is the CSS class of a role; unknown roles get a neutral one
// rather than whatever string the data held.
func roleClass(r store.Role) string {
	switch r {
	case store.RoleUser, store.RoleAssistant, store.RoleSystem:
		return string(r)
	}
	return "other"
}

// messageStats lists an answer's model and speed, for the line under it.
func messageStats(w wording, m store.Message) []string {
	if m.Role != store.RoleAssistant {
		return nil
	}
	var s []string
	if m.Model != "" {
		s = append(s, m.Model)
	}
	if m.FirstTokenMs > 0 {
		s = append(s, w.t("Export.firstToken", i18n.Args{"Seconds": w.fixed(float64(m.FirstTokenMs)/1000, 1)}))
	}
	if m.TokensPerSecond > 0 {
		s = append(s, w.t("Export.tokensPerSecond", i18n.Args{"N": w.fixed(m.TokensPerSecond, 1)}))
	}
	if m.CompletionTokens > 0 {
		s = append(s, w.t("Export.tokens", i18n.Args{"Count": m.CompletionTokens}))
	}
	return s
}

// pageTemplate has the policy written in literally, where a template action
// would escape its quotes into entities. It is three templates, executed in
// turn: "head" with the table of contents, "article" for each conversation,
// and "foot".
var pageTemplate = template.Must(template.New("page").Parse(strings.Replace(pageHTML,
	"CONTENT_SECURITY_POLICY", contentSecurityPolicy, 1)))

const pageHTML = `{{define "head"}}<!DOCTYPE html>
<html{{with .Lang}} lang="{{.}}"{{end}}>
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="CONTENT_SECURITY_POLICY">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="Brook">
<title>{{.Title}}</title>
<style>
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --border: #d1d9e0;
  --user-bg: #f6f8fa; --code-bg: #f6f8fa; --link: #0969da;
  --warn-fg: #7d4e00; --warn-bg: #fff8c5; --fail-fg: #d1242f; --fail-bg: #ffebe9;
  --info-fg: #0550ae; --info-bg: #ddf4ff;
  --hl-comment: #59636e; --hl-keyword: #cf222e; --hl-string: #0a3069; --hl-constant: #0550ae; --hl-tag: #116329;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --border: #3d444d;
    --user-bg: #151b23; --code-bg: #151b23; --link: #4493f8;
    --warn-fg: #e3b341; --warn-bg: #2e2616; --fail-fg: #ff7b72; --fail-bg: #301a1f;
    --info-fg: #79c0ff; --info-bg: #121d2f;
    --hl-comment: #9198a1; --hl-keyword: #ff7b72; --hl-string: #a5d6ff; --hl-constant: #79c0ff; --hl-tag: #7ee787;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "PingFang SC", "Hiragino Sans", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans", sans-serif;
  overflow-wrap: break-word;
}
main { max-width: 52rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
a { color: var(--link); }
h1 { font-size: 1.6rem; line-height: 1.3; margin: 0 0 .25rem; }
.meta, .stats, .time, footer { color: var(--muted); font-size: .875rem; }
.meta { margin: 0 0 1.5rem; }
nav ol { padding-left: 1.5rem; }
article + article { margin-top: 3rem; padding-top: 2rem; border-top: 2px solid var(--border); }
.message { margin: 1rem 0; padding: .75rem 1rem; border: 1px solid var(--border); border-radius: 8px; }
.message.user { background: var(--user-bg); }
.role { font-size: .8rem; text-transform: uppercase; letter-spacing: .05em; margin: 0 0 .25rem; color: var(--muted); }
.role .time, .role .version { text-transform: none; letter-spacing: 0; font-weight: normal; margin-left: .5rem; }
details.versions { margin: 0 0 1rem 1rem; padding: 0 0 0 .75rem; border-left: 3px dashed var(--border); }
details.versions summary { color: var(--muted); font-size: .875rem; cursor: pointer; }
.content > :first-child { margin-top: 0; }
.content > :last-child { margin-bottom: 0; }
.content h1, .content h2, .content h3 { font-size: 1.15rem; }
.content h4, .content h5, .content h6 { font-size: 1rem; }
code, pre { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; font-size: .875em; }
:not(pre) > code { background: var(--code-bg); padding: .1em .3em; border-radius: 4px; }
pre { background: var(--code-bg); padding: .75rem 1rem; border-radius: 6px; overflow-x: auto; line-height: 1.45; }
pre.hl { border: 1px solid var(--border); }
.hl .c { color: var(--hl-comment); font-style: italic; }
.hl .k { color: var(--hl-keyword); }
.hl .s { color: var(--hl-string); }
.hl .n, .hl .a { color: var(--hl-constant); }
.hl .t { color: var(--hl-tag); }
table { border-collapse: collapse; display: block; overflow-x: auto; max-width: 100%; }
th, td { border: 1px solid var(--border); padding: .3rem .6rem; }
th { background: var(--code-bg); }
blockquote { margin: 0; padding: 0 1rem; color: var(--muted); border-left: 4px solid var(--border); }
img { max-width: 100%; }
.note { margin: .75rem 0 0; padding: .4rem .75rem; border-radius: 6px; font-size: .875rem; }
.note.interrupted, .note.stopped, .note.length { color: var(--warn-fg); background: var(--warn-bg); }
.note.failed { color: var(--fail-fg); background: var(--fail-bg); }
.note.recovered { color: var(--info-fg); background: var(--info-bg); }
.stats { margin: .5rem 0 0; }
details.system-prompt { margin: 0 0 1rem; padding: .5rem 1rem; border: 1px dashed var(--border); border-radius: 8px; }
details.system-prompt summary { color: var(--muted); cursor: pointer; }
details.reasoning { margin: 0 0 .75rem; padding: 0 .75rem; border-left: 3px solid var(--border); }
details.reasoning summary { color: var(--muted); font-size: .875rem; cursor: pointer; }
details.reasoning[open] summary { margin-bottom: .5rem; }
details.reasoning .content { color: var(--muted); font-size: .925rem; }
p.reasoning { margin: 0 0 .5rem; color: var(--muted); font-size: .875rem; }
footer { margin-top: 3rem; text-align: center; }
@media print {
  main { max-width: none; padding: 0; }
  .message { break-inside: avoid-page; }
  pre { white-space: pre-wrap; }
}
</style>
</head>
<body>
<main>
{{- if gt (len .Contents) 1}}
<nav>
<h1>{{.Heading}}</h1>
<p class="meta">{{.Summary}}</p>
<ol>
{{- range .Contents}}
<li><a href="#{{.Anchor}}">{{.Title}}</a></li>
{{- end}}
</ol>
</nav>
{{- end}}
{{- end}}

{{- define "article"}}
<article id="{{.Anchor}}">
<header>
<h1>{{.Title}}</h1>
<p class="meta">{{range $i, $m := .Meta}}{{if $i}} · {{end}}{{$m}}{{end}}</p>
</header>
{{- with .SystemPrompt}}
<details class="system-prompt"><summary>{{$.SystemPromptLabel}}</summary>
<div class="content">{{.}}</div>
</details>
{{- end}}
{{- template "messages" .Messages}}
</article>
{{- end}}

{{- define "messages"}}
{{- range .}}
<section class="message {{.Class}}">
<h2 class="role">{{.Role}}{{with .Version}}<span class="version">{{.}}</span>{{end}}{{with .Time}}<span class="time">{{.}}</span>{{end}}</h2>
{{- if .Reasoning}}
<details class="reasoning"><summary>{{.ThinkingLabel}}</summary>
<div class="content">
{{.Reasoning}}</div>
</details>
{{- else if .ThinkingLabel}}
<p class="reasoning">{{.ThinkingLabel}}</p>
{{- end}}
<div class="content">
{{.HTML}}</div>
{{- range .ToolCalls}}
<details class="tool-call"><summary>{{.Summary}}</summary>
<p class="stats">{{.ArgumentsLabel}}</p>
<pre style="white-space:pre-wrap">{{.Arguments}}</pre>
<p class="stats">{{.ResultLabel}}</p>
<pre style="white-space:pre-wrap">{{.Result}}</pre>
</details>
{{- end}}
{{- range .Documents}}
<details class="document"><summary>{{.Name}} <span class="stats">{{.Detail}}</span></summary>
<pre style="white-space:pre-wrap">{{.Text}}</pre>
</details>
{{- end}}
{{- if .Images}}
<div class="images">
{{- range .Images}}
<img src="{{.Src}}" alt="{{.Alt}}" style="max-width:100%;max-height:24em;margin:.25em">
{{- end}}
</div>
{{- end}}
{{- range .Notes}}
<p class="note {{.Kind}}">{{.Text}}</p>
{{- end}}
{{- with .Stats}}
<p class="stats">{{range $i, $s := .}}{{if $i}} · {{end}}{{$s}}{{end}}</p>
{{- end}}
</section>
{{- range .Others}}
<details class="versions"><summary>{{.Label}}</summary>
{{- template "messages" .Messages}}
</details>
{{- end}}
{{- end}}
{{- end}}

{{- define "foot"}}
<footer>{{.Footer}}</footer>
</main>
</body>
</html>
{{end}}`
