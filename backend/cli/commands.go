package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"brook/backend/exchange"
	"brook/backend/i18n"
	"brook/backend/instance"
	"brook/backend/paths"
	"brook/backend/store"
	"brook/backend/transfer"
)

// layoutOf is the data folder the line names with --data, else the usual one.
func layoutOf(line commandLine) (paths.Layout, error) {
	if dir, ok := line.flags["data"]; ok {
		abs, err := paths.Absolute(dir)
		if err != nil {
			return paths.Layout{}, fmt.Errorf("--data: %w", err)
		}
		return paths.At(abs), nil
	}
	return paths.Where()
}

// openStore opens the database beside a window that may have it open
// ([store.OpenShared]): never with the window's start-up recovery, and
// migrating it only when no window holds it. create makes a database (and
// its folder) when there is none.
func openStore(env Env, layout paths.Layout, create bool) (*store.Store, error) {
	running := env.running(layout.Data)
	if create {
		if err := os.MkdirAll(layout.Data, 0o700); err != nil {
			return nil, err
		}
	}
	st, err := store.OpenShared(layout.Database, store.SharedOptions{Migrate: !running, Create: create && !running})
	switch {
	case errors.Is(err, store.ErrOlderSchema):
		return nil, i18n.Errorf("CLI.olderWindow", i18n.Args{"Path": layout.Database})
	case errors.Is(err, store.ErrNewerSchema):
		return nil, i18n.Wrap("CLI.useNewer", err, nil)
	case errors.Is(err, store.ErrNoDatabase):
		return nil, i18n.Errorf("CLI.noDatabase", i18n.Args{"Path": layout.Data})
	}
	return st, err
}

// summaryJSON is one conversation of `brook list --json`.
type summaryJSON struct {
	ID        int64  `json:"id"`
	Title     string `json:"title"`
	Updated   string `json:"updated"`
	UpdatedAt int64  `json:"updatedAt"`
	Messages  int    `json:"messages"`
	Pinned    bool   `json:"pinned"`
	Archived  bool   `json:"archived"`
}

func runList(ctx context.Context, line commandLine, env Env) int {
	if len(line.positional) > 1 {
		return usageError(env, "list", i18n.Errorf("CLI.unexpectedArgument", i18n.Args{"Arg": strconv.Quote(line.positional[1])}))
	}
	layout, err := layoutOf(line)
	if err != nil {
		return usageError(env, "list", err)
	}
	var list []store.ConversationSummary
	// A data folder with no database yet has no conversations.
	if _, err := os.Stat(layout.Database); err == nil {
		st, err := openStore(env, layout, false)
		if err != nil {
			return fail(env, err)
		}
		defer st.Close()
		if list, err = st.ListSummaries(ctx); err != nil {
			return fail(env, err)
		}
	}
	if _, asJSON := line.flags["json"]; asJSON {
		out := make([]summaryJSON, 0, len(list))
		for _, c := range list {
			out = append(out, summaryJSON{ID: c.ID, Title: c.Title, Updated: time.UnixMilli(c.UpdatedAt).Format(time.RFC3339),
				UpdatedAt: c.UpdatedAt, Messages: c.Messages, Pinned: c.Pinned, Archived: c.Archived})
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return fail(env, err)
		}
		return ExitOK
	}
	if len(list) == 0 {
		return ExitOK
	}
	w := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tUPDATED\tMESSAGES\tTITLE")
	for _, c := range list {
		title := terminalSafe(c.Title)
		switch {
		case c.Pinned:
			title += " (pinned)"
		case c.Archived:
			title += " (archived)"
		}
		fmt.Fprintf(w, "%d\t%s\t%d\t%s\n", c.ID, time.UnixMilli(c.UpdatedAt).Format("2006-01-02 15:04"), c.Messages, title)
	}
	if err := w.Flush(); err != nil {
		return fail(env, err)
	}
	return ExitOK
}

// terminalSafe is a title as one line a terminal shows as it is: titles can
// come from a model, and a control character (an escape sequence, say) or a
// bidirectional override must not reach the terminal.
func terminalSafe(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

func runExport(ctx context.Context, line commandLine, env Env) int {
	_, all := line.flags["all"]
	var ids []int64
	for _, arg := range line.positional[1:] {
		id, err := strconv.ParseInt(arg, 10, 64)
		if err != nil || id <= 0 {
			return usageError(env, "export", i18n.Errorf("CLI.notAnID", i18n.Args{"Arg": strconv.Quote(arg)}))
		}
		ids = append(ids, id)
	}
	switch {
	case all && len(ids) > 0:
		return usageError(env, "export", i18n.New("CLI.allAndIDs"))
	case !all && len(ids) == 0:
		return usageError(env, "export", i18n.New("CLI.whatToExport"))
	}
	name, ok := line.flags["format"]
	if !ok {
		return usageError(env, "export", i18n.New("CLI.formatNeeded"))
	}
	format, err := exchange.ParseFormat(name)
	if errors.Is(err, transfer.ErrUnknownFormat) {
		return usageError(env, "export", i18n.Errorf("CLI.unknownFormat", i18n.Args{"Format": strconv.Quote(name)}))
	} else if err != nil {
		return usageError(env, "export", fmt.Errorf("--format: %w", err))
	}
	layout, err := layoutOf(line)
	if err != nil {
		return usageError(env, "export", err)
	}
	st, err := openStore(env, layout, false)
	if err != nil {
		return fail(env, err)
	}
	defer st.Close()
	export, err := exchange.Begin(ctx, st, ids, format, env.now())
	if errors.Is(err, store.ErrNotFound) {
		return fail(env, missing(ctx, st, ids))
	}
	if err != nil {
		return fail(env, err)
	}
	_, export.AllVersions = line.flags["all-versions"]
	output, named := line.flags["output"]
	if output == "-" {
		if err := export.WriteTo(ctx, env.Stdout, nil); err != nil {
			return fail(env, err)
		}
		return ExitOK
	}
	if !named {
		// The window's suggested name, never over a file already there.
		output = export.FileName()
		if _, err := os.Lstat(output); err == nil {
			return fail(env, i18n.Errorf("CLI.exists", i18n.Args{"Path": output}))
		}
	}
	if output == "" {
		return usageError(env, "export", i18n.New("CLI.outputNeeded"))
	}
	if err := export.WriteFile(ctx, output); err != nil {
		return fail(env, err)
	}
	fmt.Fprintln(env.Stderr, i18n.T("CLI.exported", i18n.Args{"Count": export.Conversations(), "Path": output}))
	return ExitOK
}

// missing says which of ids are not conversations of st.
func missing(ctx context.Context, st *store.Store, ids []int64) error {
	list, err := st.ListSummaries(ctx)
	if err != nil {
		return err
	}
	known := map[int64]bool{}
	for _, c := range list {
		known[c.ID] = true
	}
	var gone []string
	for _, id := range ids {
		if !known[id] {
			gone = append(gone, strconv.FormatInt(id, 10))
		}
	}
	if len(gone) == 1 {
		return i18n.Errorf("CLI.noConversation", i18n.Args{"ID": gone[0]})
	}
	return i18n.Errorf("CLI.noConversations", i18n.Args{"IDs": strings.Join(gone, ", ")})
}

func runImport(ctx context.Context, line commandLine, env Env) int {
	files := line.positional[1:]
	if len(files) == 0 {
		return usageError(env, "import", i18n.New("CLI.importWhat"))
	}
	layout, err := layoutOf(line)
	if err != nil {
		return usageError(env, "import", err)
	}
	st, err := openStore(env, layout, true)
	if err != nil {
		return fail(env, err)
	}
	defer st.Close()
	code, added := ExitOK, 0
	for _, file := range files {
		res, report, err := exchange.ImportReport(ctx, st, file)
		if err != nil {
			code = fail(env, err)
			if errors.Is(err, context.Canceled) {
				break
			}
			continue
		}
		added += res.Imported
		io.WriteString(env.Stdout, i18n.T("CLI.imported", i18n.Args{"File": file, "Format": report.Name,
			"Conversations": i18n.T("CLI.conversations", i18n.Args{"Count": res.Imported}), "Messages": i18n.T("CLI.messages", i18n.Args{"Count": res.Messages})}))
		if res.Copied > 0 {
			io.WriteString(env.Stdout, i18n.T("CLI.importedCopies", i18n.Args{"Count": res.Copied}))
		}
		if res.Skipped > 0 {
			io.WriteString(env.Stdout, i18n.T("CLI.importedSkipped", i18n.Args{"Count": res.Skipped}))
		}
		fmt.Fprintln(env.Stdout)
		for _, line := range report.Skipped {
			fmt.Fprintln(env.Stdout, i18n.T("CLI.notKept", i18n.Args{"Line": line}))
		}
	}
	if added > 0 {
		// A window open on this folder reads its list again; without one,
		// or a bus to find it on, there is nobody to tell.
		if err := instance.Tell(layout.Data, []string{instance.ConversationsChanged}); err != nil && !errors.Is(err, instance.ErrNoWindow) {
			fmt.Fprintln(env.Stderr, i18n.T("CLI.windowNotTold", i18n.Args{"Err": err}))
		}
	}
	return code
}
