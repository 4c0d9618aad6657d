package mcp

import (
	"bytes"
	"strings"
	"sync"
	"unicode/utf8"
)

// Bounds of what is kept of a server's standard error.
const (
	stderrLines    = 20
	stderrLineSize = 500
)

// tailLines keeps the last lines written to it, each cut to a bounded
// length, so a chatty or hostile server cannot fill Brook's memory.
type tailLines struct {
	mu      sync.Mutex
	lines   []string
	partial []byte
}

func (t *tailLines) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			t.addPartial(p)
			break
		}
		t.addPartial(p[:i])
		t.flush()
		p = p[i+1:]
	}
	return n, nil
}

func (t *tailLines) addPartial(p []byte) {
	if room := stderrLineSize + 4 - len(t.partial); room > 0 {
		t.partial = append(t.partial, p[:min(room, len(p))]...)
	}
}

func (t *tailLines) flush() {
	line := strings.TrimRight(clipUTF8(string(t.partial), stderrLineSize), "\r")
	t.partial = t.partial[:0]
	if strings.TrimSpace(line) == "" {
		return
	}
	t.lines = append(t.lines, line)
	if len(t.lines) > stderrLines {
		t.lines = t.lines[len(t.lines)-stderrLines:]
	}
}

// Lines returns the lines kept, the unfinished last one included.
func (t *tailLines) Lines() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := append([]string{}, t.lines...)
	if s := strings.TrimSpace(clipUTF8(string(t.partial), stderrLineSize)); s != "" {
		out = append(out, s)
		if len(out) > stderrLines {
			out = out[1:]
		}
	}
	return out
}

// clipUTF8 cuts s to at most max bytes without splitting a character, and
// replaces invalid UTF-8.
func clipUTF8(s string, max int) string {
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
