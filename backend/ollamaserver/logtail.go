package ollamaserver

import (
	"io"
	"os"
	"strings"

	"brook/backend/applog"
)

// Ollama's output goes to LogName in Brook's log folder, started afresh at
// each start; the runs before are kept as LogName.1 … LogName.KeepLogs.
const (
	LogName  = "ollama.log"
	KeepLogs = 3
)

// TailLines is how many of Ollama's last lines a failure shows.
const TailLines = 12

// tailBytes bounds what is read from the end of the log for its last lines.
const tailBytes = 16 << 10

// openLog rotates the log at path and opens a new one for the child. The
// child writes to it directly, through its own descriptor, so its output
// goes on if Brook quits and leaves it running.
func openLog(path string) (*os.File, error) {
	applog.Shift(path, KeepLogs)
	return os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
}

// tail returns the last n non-empty lines of the file at path, or nil.
func tail(path string, n int) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	cut := false
	if fi, err := f.Stat(); err == nil && fi.Size() > tailBytes {
		if _, err := f.Seek(-tailBytes, io.SeekEnd); err != nil {
			return nil
		}
		cut = true
	}
	data, err := io.ReadAll(io.LimitReader(f, tailBytes))
	if err != nil {
		return nil
	}
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	if cut {
		_, text, _ = strings.Cut(text, "\n") // the first line read is a part of one
	}
	var lines []string
	for line := range strings.SplitSeq(text, "\n") {
		if strings.TrimSpace(line) != "" {
			lines = append(lines, line)
		}
	}
	return lines[max(0, len(lines)-n):]
}
