// Package cli handles Brook's command-line flags before the window opens.
// --version and --help must work without a display, so they are answered
// here, before Wails starts GTK (whose initialisation needs one).
package cli

import (
	"fmt"
	"io"
	"strings"

	"brook/backend/paths"
	"brook/backend/version"
)

// Exit codes.
const (
	ExitOK    = 0
	ExitUsage = 2
)

// Handle looks at the command-line arguments (without the program name).
// When they ask for something that is answered on the terminal, it writes
// the answer and returns done=true with the exit code; with no arguments it
// returns done=false and Brook opens its window. Anything it does not know
// is an error: it writes why and the usage to stderr and exits 2.
func Handle(args []string, stdout, stderr io.Writer) (done bool, code int) {
	for _, arg := range args {
		switch arg {
		case "--version", "-version", "-v":
			fmt.Fprintln(stdout, version.String())
			return true, ExitOK
		case "--help", "-help", "-h":
			io.WriteString(stdout, Usage())
			return true, ExitOK
		}
	}
	if len(args) > 0 {
		what := "argument"
		if strings.HasPrefix(args[0], "-") {
			what = "flag"
		}
		fmt.Fprintf(stderr, "brook: unknown %s %q\n\n", what, args[0])
		io.WriteString(stderr, Usage())
		return true, ExitUsage
	}
	return false, ExitOK
}

// Usage is the --help text.
func Usage() string {
	var b strings.Builder
	b.WriteString(version.String() + ", a desktop assistant for local and OpenAI-compatible models.\n\n")
	b.WriteString("Usage: brook [--help | --version]\n\n")
	b.WriteString("With no arguments, Brook opens its window.\n\n")
	b.WriteString("Flags:\n")
	b.WriteString("  -h, --help       show this help and exit\n")
	b.WriteString("  -v, --version    show the version and commit and exit\n\n")
	b.WriteString("Environment:\n")
	b.WriteString("  OLLAMA_HOST        the Ollama server Brook sets up at first (default http://127.0.0.1:11434)\n")
	b.WriteString("  OPENAI_BASE_URL    an OpenAI-compatible server to set up as an endpoint\n")
	b.WriteString("  OPENAI_API_KEY     the API key for OPENAI_BASE_URL (kept in the system keyring)\n")
	b.WriteString("  BROOK_GPU          on to let the window use the GPU, off to never use it (default: on when a GPU driver is found)\n")
	b.WriteString("  BROOK_LOG_CONTENT  1 to write message content into the log (off by default)\n\n")
	b.WriteString("Files:\n")
	if l, err := paths.Where(); err == nil {
		fmt.Fprintf(&b, "  data folder   %s\n", l.Data)
		fmt.Fprintf(&b, "  database      %s\n", l.Database)
		fmt.Fprintf(&b, "  backups       %s\n", l.Backups)
		fmt.Fprintf(&b, "  logs          %s\n", l.Logs)
	} else {
		fmt.Fprintf(&b, "  data folder   unknown: %v\n", err)
	}
	return b.String()
}
