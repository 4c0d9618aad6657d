// Package transfer exports conversations to Markdown, JSON and HTML files and
// imports them back from Brook's own JSON format or from a ChatGPT data export.
//
// It works on [store.Bundle] values only, so whatever it writes is exactly the
// conversations it is given: endpoints, API keys and settings never reach a
// file because they are not part of a bundle.
package transfer

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"

	"brook/backend/chat"
	"brook/backend/i18n"
	"brook/backend/store"
)

// Format is a file format that [Export] writes.
type Format string

const (
	// FormatMarkdown is a readable Markdown transcript.
	FormatMarkdown Format = "markdown"
	// FormatJSON is Brook's lossless format, the one [Parse] reads back.
	FormatJSON Format = "json"
	// FormatHTML is one self-contained HTML page that needs no network.
	FormatHTML Format = "html"
)

// Formats lists every [Format] that [Export] supports, in the order to offer them.
var Formats = []Format{FormatMarkdown, FormatJSON, FormatHTML}

// Ext returns the file name extension of f, with its leading dot, or "" when f
// is not a known [Format].
func (f Format) Ext() string {
	switch f {
	case FormatMarkdown:
		return ".md"
	case FormatJSON:
		return ".json"
	case FormatHTML:
		return ".html"
	}
	return ""
}

// ErrUnknownFormat is returned by [Export] for a [Format] it does not know,
// and by [Parse] for a file it does not recognise.
var ErrUnknownFormat = errors.New("unknown format")

// FileName suggests a file name for exporting bundles in format on the day of
// now: "brook-<title>-2026-11-21.md" for one conversation and
// "brook-all-2026-11-21.md" for several. The title part keeps letters and
// digits of any script, so a Chinese title stays readable, and drops
// everything a file system could object to.
func FileName(format Format, bundles []store.Bundle, now time.Time) string {
	title := ""
	if len(bundles) == 1 {
		title = bundles[0].Conversation.Title
	}
	return fileName(format, len(bundles), title, now)
}

// fileName is FileName for n conversations, title being the only one's.
func fileName(format Format, n int, title string, now time.Time) string {
	name := "all"
	if n == 1 {
		name = slug(title)
	}
	return "brook-" + name + "-" + now.Format("2006-01-02") + format.Ext()
}

// maxSlugRunes keeps file names short enough for every file system once the
// prefix, date and extension are added, even with three-byte CJK runes.
const maxSlugRunes = 48

// slug makes a file-name-safe, lower-case form of title.
func slug(title string) string {
	var b strings.Builder
	n := 0
	dash := false
	for _, r := range strings.ToLower(title) {
		if n == maxSlugRunes {
			break
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
				n++
			}
			dash = false
			b.WriteRune(r)
			n++
			continue
		}
		dash = true
	}
	s := strings.Trim(b.String(), "-")
	if s == "" {
		return "conversation"
	}
	return s
}

// formatTime shows a Unix-millisecond time in loc, or "" for zero.
func formatTime(ms int64, loc *time.Location) string {
	if ms == 0 {
		return ""
	}
	return time.UnixMilli(ms).In(loc).Format("2006-01-02 15:04")
}

// note is what a reader should be told about a message beyond its text:
// that it is incomplete, failed, or was recovered. Kind is a short CSS-friendly
// word; Text is plain text.
type note struct {
	Kind string
	Text string
}

// messageNotes returns the notes for m, in the order to show them.
func messageNotes(w wording, m store.Message) []note {
	var notes []note
	// withReason says id, or idBecause with the reason when there is one.
	withReason := func(id, reason string) string {
		if reason = oneLine(reason); reason != "" {
			return w.t(id+"Because", i18n.Args{"Reason": reason})
		}
		return w.t(id, nil)
	}
	switch m.State {
	case store.StateInterrupted:
		notes = append(notes, note{"interrupted", withReason("Export.interrupted", m.Error)})
	case store.StateStopped:
		notes = append(notes, note{"stopped", w.t("Export.stopped", nil)})
	case store.StateFailed:
		notes = append(notes, note{"failed", withReason("Export.failed", m.Error)})
	case store.StateStreaming:
		notes = append(notes, note{"interrupted", w.t("Export.streaming", nil)})
	}
	switch {
	case m.Recovered && m.RecoveryMethod == store.RecoveryContinued:
		notes = append(notes, note{"recovered", withReason("Export.continued", m.RecoveryReason)})
	case m.Recovered && m.RecoveryMethod == store.RecoveryReasked:
		notes = append(notes, note{"recovered", withReason("Export.reasked", m.RecoveryReason)})
	case m.Recovered:
		notes = append(notes, note{"recovered", withReason("Export.recovered", m.RecoveryReason)})
	}
	if m.Resumed {
		notes = append(notes, note{"recovered", w.t("Export.resumed", nil)})
	}
	if m.State == store.StateComplete && m.EndReason == string(chat.EndLength) {
		notes = append(notes, note{"length", w.t("Export.length", nil)})
	}
	return notes
}

// thinkingLabel is the line that introduces a message's reasoning: "Thought
// for 42 s" when the thinking time is known, "Thinking" when it is not, and
// "" when the message has neither reasoning nor a thinking time.
func thinkingLabel(w wording, m store.Message) string {
	if m.ThinkingMs <= 0 {
		if strings.TrimSpace(m.Reasoning) == "" {
			return ""
		}
		return w.t("Export.thinking", nil)
	}
	return w.t("Export.thoughtFor", i18n.Args{"Time": formatDuration(w, m.ThinkingMs)})
}

// formatDuration shows milliseconds as "4.2 s", "42 s" or "2 min 17 s".
func formatDuration(w wording, ms int64) string {
	switch {
	case ms < 9950: // below 10 s once rounded to a tenth
		return w.t("Export.seconds", i18n.Args{"N": w.fixed(float64(ms)/1000, 1)})
	case ms < 59500:
		return w.t("Export.seconds", i18n.Args{"N": strconv.FormatInt((ms+500)/1000, 10)})
	}
	s := (ms + 500) / 1000
	if s%60 == 0 {
		return w.t("Export.minutes", i18n.Args{"N": strconv.FormatInt(s/60, 10)})
	}
	return w.t("Export.minutesSeconds", i18n.Args{"M": strconv.FormatInt(s/60, 10), "S": strconv.FormatInt(s%60, 10)})
}

// roleName is the heading of a message by role.
func roleName(w wording, r store.Role) string {
	switch r {
	case store.RoleUser:
		return w.t("Export.user", nil)
	case store.RoleAssistant:
		return w.t("Export.assistant", nil)
	case store.RoleSystem:
		return w.t("Export.system", nil)
	}
	return string(r)
}

// oneLine folds runs of white space, including newlines, into single spaces,
// so a title or reason cannot break the line it is put on.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// titleOf returns the title to show for c.
func titleOf(w wording, c store.Conversation) string {
	if t := oneLine(c.Title); t != "" {
		return t
	}
	return w.t("Transfer.untitled", nil)
}
