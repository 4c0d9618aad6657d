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
	"strconv"
	"strings"
	"syscall"
	"time"

	"brook/backend/i18n"
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
	// The terminal's language (LC_ALL, LC_MESSAGES, LANG); the window
	// sets its own from the settings when it starts.
	_ = i18n.SetLanguage("")
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
		return true, usageError(env, "", i18n.Errorf("CLI.unknownCommand", i18n.Args{"Name": strconv.Quote(name)}))
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
	// usage is the catalogue's message of its --help text.
	usage string
}

var commands map[string]command

func init() {
	commands = map[string]command{
		"list":   {flags: []string{"data", "json"}, run: runList, usage: "CLI.usageList"},
		"export": {flags: []string{"data", "all", "format", "output", "all-versions"}, run: runExport, usage: "CLI.usageExport"},
		"ask":    {flags: []string{"data", "model", "endpoint", "continue", "no-save", "no-thinking", "file"}, run: runAsk, usage: "CLI.usageAsk"},
		"import": {flags: []string{"data"}, run: runImport, usage: "CLI.usageImport"},
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
		return i18n.T(cmd.usage, nil)
	}
	return Usage()
}

// Usage is the --help text.
func Usage() string {
	files := ""
	if l, err := paths.Where(); err == nil {
		files = i18n.T("CLI.files", i18n.Args{"Data": l.Data, "Database": l.Database, "Backups": l.Backups, "Logs": l.Logs})
	} else {
		files = i18n.T("CLI.filesUnknown", i18n.Args{"Err": err})
	}
	return i18n.T("CLI.usage", i18n.Args{"Version": version.String(), "Files": files})
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
			return line, i18n.Errorf("CLI.unknownFlag", i18n.Args{"Flag": strconv.Quote(arg)})
		}
		if _, twice := line.flags[spec.long]; twice && !spec.repeat {
			return line, i18n.Errorf("CLI.flagTwice", i18n.Args{"Flag": "--" + spec.long})
		}
		switch {
		case !spec.value && hasValue:
			return line, i18n.Errorf("CLI.flagNoValue", i18n.Args{"Flag": "--" + spec.long})
		case spec.value && !hasValue:
			if i+1 == len(args) {
				return line, i18n.Errorf("CLI.flagNeedsValue", i18n.Args{"Flag": "--" + spec.long})
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
	return i18n.Errorf("CLI.flagNotHere", i18n.Args{"Flag": "--" + names[0]})
}
