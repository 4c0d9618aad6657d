package transfer

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"

	"brook/backend/i18n"
	"brook/backend/store"
)

// hostileReasoning is reasoning that tries to get out of its folded block,
// hide the answer after it, or smuggle markup into the page.
var hostileReasoning = []string{
	"</details>\n\nI am the answer now.",
	"done </details> <details><summary>Answer</summary>",
	"<!-- everything after this is a comment",
	"<pre>\nnever closed",
	"<script>alert(1)</script>",
	"x <img src=x onerror=alert(1)> y",
	"<iframe src=\"https://example.com\">",
	"\t<div>tab-indented</div>",
	"    <div>indented code</div>",
	"```\nan unclosed fence",
	"~~~~\nunclosed tildes\n```",
	"<div>\n```\n</div>\n\n```\n<b>was code</b>\n```\n<i>x</i>",
	"`code <b>` and <b>bold</b>",
	"<https://example.com/?a=<b>>",
	"- item\n  <details open><summary>x</summary>\n- more",
	"| a |\n|---|\n| <details> |",
	"[x](<javascript:alert(1)>)",
	"<![CDATA[ x",
	"<?php echo 1; ?>",
	"\\<b>escaped</b>",
	"&lt;ok&gt; then <",
}

// reasoningBundle is one conversation whose answer has the given reasoning.
func reasoningBundle(reasoning string, thinkingMs int64) []store.Bundle {
	return []store.Bundle{{
		Conversation: store.Conversation{UID: "c", Title: "t", CreatedAt: ms(0), Model: "qwen3"},
		Messages: []store.Message{
			{UID: "u", Role: store.RoleUser, State: store.StateComplete, Content: "question", CreatedAt: ms(1)},
			{UID: "a", Role: store.RoleAssistant, State: store.StateComplete, Content: "THE ANSWER", CreatedAt: ms(2),
				Reasoning: reasoning, ThinkingMs: thinkingMs},
		},
	}}
}

// TestMarkdownReasoningStaysFolded renders the Markdown export with a
// renderer that lets raw HTML through, the worst case, and checks that the
// reasoning stays inside its one <details> block, the answer comes after it,
// and no markup from the reasoning reaches the page.
func TestMarkdownReasoningStaysFolded(t *testing.T) {
	unsafe := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(html.WithUnsafe()))
	allowed := map[string]bool{
		"details": true, "summary": true, "blockquote": true, "p": true, "pre": true, "code": true,
		"ul": true, "ol": true, "li": true, "a": true, "em": true, "strong": true, "h1": true, "h2": true,
		"table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true, "br": true,
	}
	tag := regexp.MustCompile(`<(/?)([a-zA-Z][a-zA-Z0-9]*)`)
	for _, reasoning := range hostileReasoning {
		md := string(export(t, FormatMarkdown, reasoningBundle(reasoning, 42000)))
		// In the file itself, for renderers that pass on anything like HTML.
		if n := strings.Count(md, "</details>"); n != 1 {
			t.Errorf("%q: the Markdown has %d </details>:\n%s", reasoning, n, md)
		}
		for _, bad := range []string{"<!--", "<![CDATA[", "<?php", "<script", "<iframe", "<img"} {
			if strings.Contains(md, bad) && !strings.Contains(reasoning, "`") && !strings.HasPrefix(reasoning, "    ") {
				t.Errorf("%q: the Markdown holds %q:\n%s", reasoning, bad, md)
			}
		}

		var buf bytes.Buffer
		if err := unsafe.Convert([]byte(md), &buf); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		opened, closed := strings.Index(out, "<details>"), strings.Index(out, "</details>")
		answer := strings.Index(out, "THE ANSWER")
		if strings.Count(out, "<details") != 1 || strings.Count(out, "</details>") != 1 || opened < 0 || closed < opened || answer < closed {
			t.Errorf("%q: the reasoning left its block or the answer moved:\n%s", reasoning, out)
		}
		for _, m := range tag.FindAllStringSubmatch(out, -1) {
			if !allowed[strings.ToLower(m[2])] {
				t.Errorf("%q: rendered a <%s%s> tag:\n%s", reasoning, m[1], m[2], out)
			}
		}
		if strings.Contains(out, "<!--") || strings.Contains(out, "<?") {
			t.Errorf("%q: rendered a comment or instruction:\n%s", reasoning, out)
		}
	}
}

// TestMarkdownReasoningKeepsCode checks that escaping leaves code and plain
// Markdown as they were written.
func TestMarkdownReasoningKeepsCode(t *testing.T) {
	reasoning := "Compare with `a < b`:\n\n```go\nif a < b {\n\treturn <-ch\n}\n```\n\n    x <- y\n\n**Bold** and a > b."
	md := string(export(t, FormatMarkdown, reasoningBundle(reasoning, 0)))
	want := "<details><summary>Thinking</summary>\n\n" +
		"> Compare with `a < b`:\n>\n> ```go\n> if a < b {\n> \treturn <-ch\n> }\n> ```\n>\n>     x <- y\n>\n> **Bold** and a > b.\n\n" +
		"</details>\n\nTHE ANSWER\n"
	if !strings.Contains(md, want) {
		t.Fatalf("Markdown export:\n%s\nwant it to contain:\n%s", md, want)
	}
}

func TestEscapeAnglesGivesUpSafely(t *testing.T) {
	// Whatever the passes find, the result has no "<" outside code; a
	// long run of nested cases must not loop forever.
	src := strings.Repeat("<div>\n```\n</div>\n\n", 50) + "<b>"
	out := escapeAngles(src)
	if strings.Contains(out, "<b>") {
		t.Fatalf("escapeAngles left a tag: %q", out)
	}
}

func TestThinkingLabel(t *testing.T) {
	for _, tc := range []struct {
		reasoning string
		ms        int64
		want      string
	}{
		{"", 0, ""},
		{"  \n", 0, ""},
		{"hmm", 0, "Thinking"},
		{"hmm", 400, "Thought for 0.4 s"},
		{"hmm", 4200, "Thought for 4.2 s"},
		{"hmm", 9960, "Thought for 10 s"},
		{"hmm", 42000, "Thought for 42 s"},
		{"", 12000, "Thought for 12 s"},
		{"hmm", 59600, "Thought for 1 min"},
		{"hmm", 137000, "Thought for 2 min 17 s"},
	} {
		m := store.Message{Reasoning: tc.reasoning, ThinkingMs: tc.ms}
		if got := thinkingLabel(wording(i18n.English), m); got != tc.want {
			t.Errorf("thinkingLabel(%q, %d ms) = %q, want %q", tc.reasoning, tc.ms, got, tc.want)
		}
	}
}

// TestHTMLReasoningIsFoldedAndSafe checks the HTML export: the reasoning is
// rendered like the answer, in its own <details>, and hostile reasoning is
// shown as text.
func TestHTMLReasoningIsFoldedAndSafe(t *testing.T) {
	for _, reasoning := range hostileReasoning {
		out := string(export(t, FormatHTML, reasoningBundle(reasoning, 42000)))
		start := strings.Index(out, `<details class="reasoning"><summary>Thought for 42 s</summary>`)
		end := strings.Index(out, "</details>")
		answer := strings.Index(out, "<p>THE ANSWER</p>")
		if start < 0 || end < start || answer < end || strings.Count(out, "<details") != 1 {
			t.Errorf("%q: reasoning not folded before the answer:\n%s", reasoning, out)
		}
		lower := strings.ToLower(out)
		for _, bad := range []string{"<script", "<iframe", "<img", "<!--", "<b>", "<i>", "<div>", "javascript:"} {
			if strings.Contains(lower, bad) {
				t.Errorf("%q: HTML export contains %q", reasoning, bad)
			}
		}
	}
	out := string(export(t, FormatHTML, reasoningBundle("", 3400)))
	if !strings.Contains(out, `<p class="reasoning">Thought for 3.4 s</p>`) || strings.Contains(out, "<details") {
		t.Errorf("a thinking time alone is not shown as a line:\n%s", out)
	}
	if out := string(export(t, FormatHTML, reasoningBundle("", 0))); strings.Contains(out, `class="reasoning"`) {
		t.Errorf("an answer without reasoning shows a reasoning block")
	}
}

// TestReasoningRoundTripsThroughImport exports the fixture to JSON, parses
// the file, imports it into a new database and exports that: the reasoning,
// thinking times and "think" parameter come back unchanged, and the second
// export equals the first but for database IDs.
func TestReasoningRoundTripsThroughImport(t *testing.T) {
	ctx := context.Background()
	first := export(t, FormatJSON, fixtureBundles())
	bundles, _, err := Parse(bytes.NewReader(first), int64(len(first)))
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(filepath.Join(t.TempDir(), "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The fixture's tools are on a server called "Go docs": with one of
	// that name here, the import enables them again.
	if _, err := db.SaveToolServer(ctx, store.ToolServer{Name: "Go docs", Kind: store.ToolServerStdio, Command: "godoc-mcp", Enabled: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Import(ctx, bundles); err != nil {
		t.Fatal(err)
	}
	imported, err := db.Bundles(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := fixtureBundles()
	byUID := map[string]store.Message{}
	for _, b := range imported {
		for _, m := range b.Messages {
			byUID[m.UID] = m
		}
		if b.Conversation.UID == want[0].Conversation.UID && b.Conversation.Params.Think != "high" {
			t.Errorf("params.think = %q after import", b.Conversation.Params.Think)
		}
	}
	for _, b := range want {
		for _, m := range b.Messages {
			got, ok := byUID[m.UID]
			if !ok || got.Reasoning != m.Reasoning || got.ThinkingMs != m.ThinkingMs {
				t.Errorf("message %s after import: reasoning %q, %d ms; want %q, %d ms",
					m.UID, got.Reasoning, got.ThinkingMs, m.Reasoning, m.ThinkingMs)
			}
		}
	}

	// The database orders conversations its own way; export in the
	// fixture's order and compare with IDs taken out.
	order := map[string]store.Bundle{}
	for _, b := range imported {
		order[b.Conversation.UID] = b
	}
	var again []store.Bundle
	for _, b := range want {
		again = append(again, order[b.Conversation.UID])
	}
	ids := regexp.MustCompile(`\n\s*"(?:id|conversationId|messageId|parentId|projectId|assistantId)": \d+,`)
	a, b := ids.ReplaceAll(first, nil), ids.ReplaceAll(export(t, FormatJSON, again), nil)
	// What the import never restores: a file grants no permission.
	allowed := regexp.MustCompile(`,\n\s*"alwaysAllowed": true`)
	if !allowed.Match(a) {
		t.Fatal("the fixture allows no tool always: the round trip shows nothing of it")
	}
	a = allowed.ReplaceAll(a, nil)
	if !bytes.Equal(a, b) {
		t.Errorf("export after import differs:\n%s\nwant:\n%s", b, a)
	}
}
