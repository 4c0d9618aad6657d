// Package cli is Brook's command line: the flags the window takes, and the
// commands that get the user's data out (and in) from a terminal when the
// window cannot open (no display, a broken WebKit, a remote shell). All of it
// is answered here, before Wails starts GTK (whose initialisation needs a
// display).
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"brook/backend/instance"
	"brook/backend/paths"
	"brook/backend/version"
)

// Exit codes, as Unix tools use them.
const (
	ExitOK    = 0
	ExitError = 1 // the command could not do what was asked
	ExitUsage = 2 // the command line is wrong
	// ExitInterrupted is 128 plus SIGINT's number, as shells report it.
	ExitInterrupted = 130
)

// Env is what a command runs with.
type Env struct {
	// Stdin is read by brook ask when it is piped; nil reads nothing.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Now is the clock exports are dated by; nil means time.Now.
	Now func() time.Time
	// windowOpen says whether a Brook window holds a data folder; nil means
	// [instance.Running] (tests replace it).
	windowOpen func(dataDir string) bool
}

func (e Env) running(dataDir string) bool {
	if e.windowOpen != nil {
		return e.windowOpen(dataDir)
	}
	return instance.Running(dataDir)
}

func (e Env) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

// Handle looks at the command-line arguments (without the program name).
// When they ask for something answered on the terminal (--help, --version,
// or a command: list, export, import), it does it and returns done=true
// with the exit code. Otherwise Brook opens its window: done=false, after
// --data DIR, if given, chose the data folder (see [paths.UseDataDir]).
// Anything it does not know is an error: it writes why and the usage to
// stderr and exits 2.
func Handle(args []string, env Env) (done bool, code int) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return handle(ctx, args, env)
}

func handle(ctx context.Context, args []string, env Env) (bool, int) {
	// Help and version win over everything else on the line, so they work
	// whatever else is wrong with it.
	for _, arg := range args {
		if arg == "--" {
			break
		}
		switch arg {
		case "--version", "-version", "-v":
			fmt.Fprintln(env.Stdout, version.String())
			return true, ExitOK
		case "--help", "-help", "-h":
			io.WriteString(env.Stdout, usageFor(firstCommand(args)))
			return true, ExitOK
		}
	}
	line, err := parse(args)
	if err == nil && len(line.positional) > 0 {
		// Read again knowing the command: a short flag may mean another
		// flag for it (-f is --file for ask, --format elsewhere).
		line, err = parseFor(args, line.positional[0])
	}
	if err != nil {
		name := ""
		if len(line.positional) > 0 && commands[line.positional[0]].run != nil {
			name = line.positional[0]
		}
		return true, usageError(env, name, err)
	}
	if len(line.positional) == 0 {
		return openWindow(line, env)
	}
	name := line.positional[0]
	cmd, ok := commands[name]
	if !ok {
		return true, usageError(env, "", fmt.Errorf("unknown command %q", name))
	}
	if err := line.only(cmd.flags...); err != nil {
		return true, usageError(env, name, err)
	}
	return true, cmd.run(ctx, line, env)
}

// openWindow checks the window's own flags: only --data.
func openWindow(line commandLine, env Env) (bool, int) {
	if err := line.only("data"); err != nil {
		return true, usageError(env, "", err)
	}
	if dir, ok := line.flags["data"]; ok {
		if err := paths.UseDataDir(dir); err != nil {
			return true, usageError(env, "", fmt.Errorf("--data: %w", err))
		}
	}
	return false, ExitOK
}

// command is one of brook's commands.
type command struct {
	// flags are the flags it takes, by their long names.
	flags []string
	run   func(ctx context.Context, line commandLine, env Env) int
	usage string
}

var commands map[string]command

func init() {
	commands = map[string]command{
		"list": {flags: []string{"data", "json"}, run: runList, usage: `Usage: brook list [--json] [--data DIR]

Lists the conversations: id, last change, number of messages and title,
pinned first, then newest; the archived ones last.

  --json        print a JSON array instead: id, title, updated (RFC 3339),
                updatedAt (Unix ms), messages, pinned, archived
  --data DIR    use the data folder DIR
`},
		"export": {flags: []string{"data", "all", "format", "output", "all-versions"}, run: runExport, usage: `Usage: brook export (--all | ID...) --format md|json|html [-o PATH] [--all-versions] [--data DIR]

Writes conversations to a file, exactly as the window's export does: the
given ids (see brook list) in that order, or with --all every conversation.

  --all              export every conversation
  -f, --format FMT   md (Markdown), json (Brook's own format, which brook
                     import reads back) or html (one page that needs no network)
  -o, --output PATH  the file to write; - writes to standard output. Without
                     it, the name the window suggests, in this folder (never
                     over an existing file). A Markdown file's pictures go in
                     a folder beside it.
  --all-versions     in md and html, every version of every message (each
                     regenerated answer, each edited question), not only
                     those each conversation shows; json always has them all
  --data DIR         use the data folder DIR
`},
		"ask": {flags: []string{"data", "model", "endpoint", "continue", "no-save", "no-thinking", "file"}, run: runAsk, usage: `Usage: brook ask [-m MODEL] [-e ENDPOINT] [-f FILE]... [-c ID] [--no-save] [--no-thinking] [PROMPT...]

Asks a model, with the window's endpoints, keys and recovery: the answer
streams to standard output, and a broken stream is continued as in the
window. Text piped in goes after the prompt:

  journalctl -b | brook ask "why did this boot fail?"

The exchange is stored as a conversation the window shows.

  -m, --model MODEL        the model (default: the one a new chat starts with)
  -e, --endpoint ENDPOINT  the endpoint, by name or id (default: the first
                           that offers the model)
  -f, --file FILE          attach FILE as a document (repeat for more): text,
                           Markdown, code, logs, CSV, JSON, HTML, PDF, DOCX
                           or ODT, at most 50 MB each; one too large for the
                           model's window goes as the parts that best match
                           the question (standard error says so)
  -c, --continue ID        go on with conversation ID (see brook list)
  --no-save                keep nothing of the exchange
  --no-thinking            do not show a reasoning model's thoughts (they go
                           to standard error otherwise)
  --data DIR               use the data folder DIR

Exit status: 0 a whole answer, 1 failed, 2 a wrong command line,
130 interrupted (Ctrl+C stops the answer as Stop does; what came is kept).
No colour or progress when standard output is not a terminal.
`},
		"import": {flags: []string{"data"}, run: runImport, usage: `Usage: brook import FILE... [--data DIR]

Adds the conversations in each FILE, a file, a folder or a ZIP, recognised
by content: a Brook JSON export, a ChatGPT or Claude.ai conversations.json
(or its data export ZIP), or an Open WebUI chat export. Each is imported
whole or not at all; conversations Brook already has are skipped, and a
closing summary says what was not kept as it was.

  --data DIR    use the data folder DIR
`},
	}
}

// firstCommand is the command named on the line, if any.
func firstCommand(args []string) string {
	line, err := parse(slices.DeleteFunc(slices.Clone(args), func(a string) bool {
		return slices.Contains([]string{"--help", "-help", "-h", "--version", "-version", "-v"}, a)
	}))
	if err != nil || len(line.positional) == 0 {
		return ""
	}
	return line.positional[0]
}

// usageError writes why the line is wrong and the usage of the command (or
// of brook), and returns [ExitUsage].
func usageError(env Env, name string, err error) int {
	prefix := "brook"
	if name != "" {
		prefix += " " + name
	}
	fmt.Fprintf(env.Stderr, "%s: %v\n\n", prefix, err)
	io.WriteString(env.Stderr, usageFor(name))
	return ExitUsage
}

// fail writes err on stderr and returns the exit code for it.
func fail(env Env, err error) int {
	fmt.Fprintf(env.Stderr, "brook: %v\n", err)
	if errors.Is(err, context.Canceled) {
		return ExitInterrupted
	}
	return ExitError
}

func usageFor(name string) string {
	if cmd, ok := commands[name]; ok {
		return cmd.usage
	}
	return Usage()
}

// Usage is the --help text.
func Usage() string {
	var b strings.Builder
	b.WriteString(version.String() + ", a desktop assistant for local and OpenAI-compatible models.\n\n")
	b.WriteString("Usage: brook [--data DIR]\n")
	b.WriteString("       brook list [--json]\n")
	b.WriteString("       brook export (--all | ID...) --format md|json|html [-o PATH]\n")
	b.WriteString("       brook import FILE...\n")
	b.WriteString("       brook ask [-m MODEL] [-e ENDPOINT] [PROMPT...]\n")
	b.WriteString("       brook [--help | --version]\n\n")
	b.WriteString("With no command, Brook opens its window.\n\n")
	b.WriteString("Commands (they need no display, and work while the window is open):\n")
	b.WriteString("  list      list the conversations\n")
	b.WriteString("  export    write conversations to a Markdown, JSON or HTML file\n")
	b.WriteString("  import    add conversations from a Brook or ChatGPT export\n")
	b.WriteString("  ask       ask a model; the answer streams to standard output\n")
	b.WriteString("  (brook COMMAND --help says more)\n\n")
	b.WriteString("Flags:\n")
	b.WriteString("  --data DIR       use the data folder DIR instead of the usual one\n")
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
	b.WriteString("\nExit status: 0 when done, 1 when it could not be done, 2 when the command line is wrong.\n")
	return b.String()
}

// commandLine is a parsed command line: flags by long name, and the rest.
type commandLine struct {
	flags      map[string]string
	positional []string
	// lists are the values of the flags that may be given more than once, in order.
	lists map[string][]string
}

// flagSpec is a flag brook knows.
type flagSpec struct {
	long, short string
	value       bool // takes a value
	repeat      bool // may be given more than once (see commandLine.lists)
	// only, when set, is the one command the flag belongs to; its short
	// name means this flag for that command only.
	only string
}

var knownFlags = []flagSpec{
	{long: "data", value: true},
	{long: "json"},
	{long: "all"},
	{long: "all-versions"},
	{long: "model", short: "m", value: true},
	{long: "endpoint", short: "e", value: true},
	{long: "continue", short: "c", value: true},
	{long: "no-save"},
	{long: "no-thinking"},
	{long: "file", short: "f", value: true, repeat: true, only: "ask"},
	{long: "format", short: "f", value: true},
	{long: "output", short: "o", value: true},
}

// parse reads a command line the GNU way: flags and arguments in any order,
// --name=value or --name value, "--" ends the flags, and "-" alone is an
// argument (or a value).
func parse(args []string) (commandLine, error) { return parseFor(args, "") }

// parseFor is parse for a line whose command is known.
func parseFor(args []string, command string) (commandLine, error) {
	line := commandLine{flags: map[string]string{}, lists: map[string][]string{}}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			line.positional = append(line.positional, args[i+1:]...)
			break
		}
		if arg == "-" || !strings.HasPrefix(arg, "-") {
			line.positional = append(line.positional, arg)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		spec, ok := findFlag(arg, name, command)
		if !ok {
			return line, fmt.Errorf("unknown flag %q", arg)
		}
		if _, twice := line.flags[spec.long]; twice && !spec.repeat {
			return line, fmt.Errorf("--%s given twice", spec.long)
		}
		switch {
		case !spec.value && hasValue:
			return line, fmt.Errorf("--%s takes no value", spec.long)
		case spec.value && !hasValue:
			if i+1 == len(args) {
				return line, fmt.Errorf("--%s needs a value", spec.long)
			}
			i++
			value = args[i]
		}
		line.flags[spec.long] = value
		if spec.repeat {
			line.lists[spec.long] = append(line.lists[spec.long], value)
		}
	}
	return line, nil
}

// findFlag finds the flag arg names: --long, or -s for one with a short name.
func findFlag(arg, name, command string) (flagSpec, bool) {
	long := strings.HasPrefix(arg, "--")
	for _, f := range knownFlags {
		if !long && f.only != "" && f.only != command {
			continue // the short name means another flag here
		}
		if (long && name == f.long) || (!long && f.short != "" && name == f.short) {
			return f, true
		}
	}
	return flagSpec{}, false
}

// only refuses the flags given that are not among allowed.
func (l commandLine) only(allowed ...string) error {
	var names []string
	for name := range l.flags {
		if !slices.Contains(allowed, name) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	slices.Sort(names)
	return fmt.Errorf("--%s does not go with this command", names[0])
}
