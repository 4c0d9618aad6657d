// Package applog is Brook's log: a text file that rotates by size while
// Brook runs, a copy of the latest warnings and errors for "Copy
// diagnostics", and a policy that keeps what people write out of it.
//
// The log holds no message content by default. Brook's own log calls pass
// ids, lengths and reasons, never text; as a second line of defence the
// handler replaces the value of any attribute whose key names content
// (content, text, prompt, reasoning, title, draft, query, body, …) with its
// length, cuts long values short, and drops the query of any URL in a
// value. Keys and secrets (api_key, key, token, authorization, …) are
// never logged, whatever the options. Options.Content (BROOK_LOG_CONTENT=1)
// lets content through, for debugging on one's own machine.
package applog

import (
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// Defaults for Brook's log.
const (
	FileName     = "brook.log"
	MaxFileBytes = 5 << 20 // rotate at 5 MB
	KeepFiles    = 3       // brook.log.1 … brook.log.3
	RecentSize   = 20      // warnings and errors kept for diagnostics
	// MaxValueBytes is the longest value logged; longer ones are cut.
	MaxValueBytes = 512
)

// Options adjust the log.
type Options struct {
	// Content lets message content into the log (for debugging). Secrets stay out.
	Content bool
	// Level is the lowest level written; the zero value is Info.
	Level slog.Level
}

// Log is Brook's open log.
type Log struct {
	Logger *slog.Logger
	Recent *Recent
	file   *RotatingFile
}

// Open opens the log in dir (brook.log, rotating), also writing to echo
// when it is not nil (the terminal).
func Open(dir string, echo io.Writer, opts Options) (*Log, error) {
	f, err := OpenRotating(filepath.Join(dir, FileName), MaxFileBytes, KeepFiles)
	if err != nil {
		return nil, err
	}
	var w io.Writer = f
	if echo != nil {
		w = io.MultiWriter(f, echo)
	}
	recent := NewRecent(RecentSize)
	return &Log{Logger: New(w, recent, opts), Recent: recent, file: f}, nil
}

// Close closes the log file.
func (l *Log) Close() error {
	if l == nil || l.file == nil {
		return nil
	}
	return l.file.Close()
}

// New returns a logger writing text lines to w under Brook's policy, and
// recording warnings and errors in recent (when not nil).
func New(w io.Writer, recent *Recent, opts Options) *slog.Logger {
	replace := Redactor(opts.Content)
	h := slog.Handler(slog.NewTextHandler(w, &slog.HandlerOptions{Level: opts.Level, ReplaceAttr: replace}))
	if recent != nil {
		rh := slog.NewTextHandler(recent, &slog.HandlerOptions{Level: slog.LevelWarn, ReplaceAttr: replace})
		h = slog.NewMultiHandler(h, rh)
	}
	return slog.New(h)
}

// secretKeys name attributes that are never logged.
var secretKeys = map[string]bool{
	"key": true, "api_key": true, "apikey": true, "token": true, "secret": true,
	"password": true, "authorization": true, "auth": true, "bearer": true, "cookie": true,
}

// contentKeys name attributes that hold what people or models wrote.
var contentKeys = map[string]bool{
	"content": true, "text": true, "prompt": true, "system_prompt": true, "systemprompt": true,
	"reasoning": true, "thinking": true, "title": true, "draft": true, "query": true,
	"body": true, "message": true, "messages": true, "snippet": true,
	"partial": true, "delta": true, "completion": true, "response": true, "request": true,
}

// urlQuery finds the query and fragment of URLs in a value.
var urlQuery = regexp.MustCompile(`(?i)(\b[a-z][a-z0-9+.-]*://[^\s"'?#]*)[?#][^\s"']*`)

// Redactor returns the ReplaceAttr function of Brook's log policy.
func Redactor(content bool) func(groups []string, a slog.Attr) slog.Attr {
	return func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && (a.Key == slog.TimeKey || a.Key == slog.LevelKey || a.Key == slog.SourceKey) {
			return a
		}
		key := strings.ToLower(a.Key)
		if secretKeys[key] || strings.HasSuffix(key, "_key") || strings.HasSuffix(key, "token") || strings.HasSuffix(key, "secret") {
			return slog.String(a.Key, "[not logged]")
		}
		v := a.Value.Resolve()
		switch v.Kind() {
		case slog.KindString, slog.KindAny:
		default:
			return slog.Attr{Key: a.Key, Value: v}
		}
		s := v.String() // an error's text, anything else as fmt.Sprint shows it
		if !content && contentKeys[key] {
			return slog.String(a.Key, fmt.Sprintf("[%d bytes, not logged]", len(s)))
		}
		suffix := ""
		if len(s) > MaxValueBytes {
			cut := MaxValueBytes
			for cut > 0 && s[cut]&0xC0 == 0x80 {
				cut--
			}
			s, suffix = s[:cut], fmt.Sprintf("… (%d bytes)", len(s))
		}
		return slog.String(a.Key, urlQuery.ReplaceAllString(s, "$1?…")+suffix)
	}
}

// Recent keeps the last few warnings and errors, as logged, for diagnostics.
// It is an io.Writer that keeps each write (one log line) as an entry.
type Recent struct {
	mu    sync.Mutex
	lines []string
	next  int
	full  bool
}

// NewRecent keeps the last n entries.
func NewRecent(n int) *Recent {
	return &Recent{lines: make([]string, max(n, 1))}
}

// Write keeps p as the newest entry.
func (r *Recent) Write(p []byte) (int, error) {
	line := strings.TrimRight(string(p), "\n")
	r.mu.Lock()
	r.lines[r.next] = line
	r.next = (r.next + 1) % len(r.lines)
	r.full = r.full || r.next == 0
	r.mu.Unlock()
	return len(p), nil
}

// Lines returns the entries, oldest first.
func (r *Recent) Lines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.full {
		return append([]string(nil), r.lines[:r.next]...)
	}
	return append(append([]string(nil), r.lines[r.next:]...), r.lines[:r.next]...)
}

// Discard is a logger that writes nothing, for when the log cannot open.
var Discard = slog.New(slog.DiscardHandler)
