package transfer

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"brook/backend/store"
)

// exportMarkdown writes bundles as one Markdown document. Message contents
// are already Markdown and are written verbatim; only the text Brook adds
// around them (titles, model names, notes) is escaped.
func exportMarkdown(w io.Writer, bundles []store.Bundle, now time.Time) error {
	bw := bufio.NewWriter(w)
	loc := now.Location()
	for i, b := range bundles {
		if i > 0 {
			bw.WriteString("---\n\n")
		}
		c := b.Conversation
		fmt.Fprintf(bw, "# %s\n\n", mdEscape(titleOf(c)))
		var meta []string
		if c.Model != "" {
			meta = append(meta, "Model: "+mdEscape(c.Model))
		}
		if t := formatTime(c.CreatedAt, loc); t != "" {
			meta = append(meta, "Created: "+t)
		}
		meta = append(meta, "Exported: "+now.Format("2006-01-02 15:04"))
		fmt.Fprintf(bw, "*%s*\n\n", strings.Join(meta, " · "))
		if sp := strings.TrimSpace(c.SystemPrompt); sp != "" {
			bw.WriteString("## System prompt\n\n")
			writeQuoted(bw, sp)
			bw.WriteString("\n")
		}
		for _, m := range b.Messages {
			heading := roleName(m.Role)
			if m.Role == store.RoleAssistant && m.Model != "" && m.Model != c.Model {
				heading += " (" + mdEscape(m.Model) + ")"
			}
			fmt.Fprintf(bw, "## %s\n\n", heading)
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
			for _, n := range messageNotes(m) {
				fmt.Fprintf(bw, "> **%s**\n\n", mdEscape(n.Text))
			}
		}
	}
	return bw.Flush()
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
