package exchange

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"brook/backend/fsutil"
	"brook/backend/i18n"
	"brook/backend/store"
	"brook/backend/transfer"
)

// maxFolderTries bounds the search for a free folder name beside others of
// the same project ("…-2", "…-3", …).
const maxFolderTries = 1000

// ProjectFileName is the name a project's export suggests: a JSON file
// "brook-project-<name>-2026-12-06.json", or for Markdown and HTML the
// folder "brook-project-<name>-2026-12-06".
func ProjectFileName(p store.Project, format transfer.Format, now time.Time) string {
	base := "brook-project-" + transfer.Slug(p.Name) + "-" + now.Format("2006-01-02")
	if format == transfer.FormatJSON {
		return base + format.Ext()
	}
	return base
}

// ProjectExport is the export of one project: its conversations (all of
// them, archived ones too) and the project itself, which every
// conversation's bundle carries, so its JSON imports back with the
// project's instructions and defaults.
type ProjectExport struct {
	Project store.Project
	ids     []int64
	format  transfer.Format
	now     time.Time
}

// BeginProject starts the export of project projectID in format; an
// unknown or deleted project is [store.ErrNotFound]. A project without
// chats is refused: its JSON would import back as nothing.
func BeginProject(ctx context.Context, st *store.Store, projectID int64, format string, now time.Time) (*ProjectExport, error) {
	f, err := ParseFormat(format)
	if err != nil {
		return nil, err
	}
	p, err := st.GetProject(ctx, projectID)
	if err != nil {
		return nil, err
	}
	ids, err := st.ProjectConversationIDs(ctx, projectID)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, i18n.Kind(store.ErrInvalid, "Exchange.projectEmpty", i18n.Args{"Name": p.Name})
	}
	return &ProjectExport{Project: p, ids: ids, format: f, now: now}, nil
}

// Folder reports whether the export is a folder (Markdown, HTML) rather
// than one file (JSON).
func (e *ProjectExport) Folder() bool { return e.format != transfer.FormatJSON }

// Conversations is how many conversations the export holds.
func (e *ProjectExport) Conversations() int { return len(e.ids) }

// FileName is the name of the file or folder the export suggests.
func (e *ProjectExport) FileName() string { return ProjectFileName(e.Project, e.format, e.now) }

// Write writes the export. For JSON, path is the file, replaced only once
// complete. For Markdown and HTML, path is the folder to create: when it
// exists, "-2", "-3"… is added, so two projects of the same name never
// write into one folder; it then holds one file per chat and an index
// linking them. Write returns the path it wrote.
func (e *ProjectExport) Write(ctx context.Context, st *store.Store, path string) (string, error) {
	if !e.Folder() {
		ex, err := Begin(ctx, st, e.ids, e.format, e.now)
		if err != nil {
			return "", err
		}
		return path, ex.WriteFile(ctx, path)
	}
	dir, err := freeFolder(path)
	if err != nil {
		return "", err
	}
	type entry struct{ File, Title string }
	var index []entry
	for i, id := range e.ids {
		ex, err := Begin(ctx, st, []int64{id}, e.format, e.now)
		if errors.Is(err, store.ErrNotFound) {
			continue // deleted meanwhile
		}
		if err != nil {
			return dir, err
		}
		title := ex.list.Entries[0].Title
		name := fmt.Sprintf("%03d-%s%s", i+1, transfer.Slug(title), e.format.Ext())
		if err := ex.WriteFile(ctx, filepath.Join(dir, name)); err != nil {
			return dir, err
		}
		index = append(index, entry{name, title})
	}
	indexName := "index" + e.format.Ext()
	return dir, fsutil.WriteAtomically(filepath.Join(dir, indexName), 0o600, func(w io.Writer) error {
		if e.format == transfer.FormatHTML {
			lang := i18n.Current()
			if lang == i18n.English {
				lang = "" // as the conversations' pages (see transfer.wording.lang)
			}
			return projectIndexHTML.Execute(w, map[string]any{"Project": e.Project, "Chats": index,
				"Lang": lang, "Instructions": i18n.T("Export.instructions", nil)})
		}
		var b strings.Builder
		fmt.Fprintf(&b, "# %s\n\n", mdLine(e.Project.Name))
		if e.Project.Instructions != "" {
			fmt.Fprintf(&b, "%s\n\n> %s\n\n", i18n.T("Export.instructions", nil), strings.ReplaceAll(e.Project.Instructions, "\n", "\n> "))
		}
		for _, c := range index {
			fmt.Fprintf(&b, "- [%s](%s)\n", mdLine(c.Title), c.File)
		}
		_, err := io.WriteString(w, b.String())
		return err
	})
}

// mdLine escapes the characters that would turn a title into Markdown
// syntax in a list item or heading.
func mdLine(s string) string {
	return strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`, `*`, `\*`, `_`, `\_`, "`", "\\`", "<", "&lt;", "\n", " ").Replace(s)
}

// freeFolder creates path, or path-2, path-3… when it is taken, and
// returns the one it created.
func freeFolder(path string) (string, error) {
	for i := 1; i <= maxFolderTries; i++ {
		try := path
		if i > 1 {
			try = fmt.Sprintf("%s-%d", path, i)
		}
		err := os.Mkdir(try, 0o700)
		if err == nil {
			return try, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", fmt.Errorf("export: %w", err)
		}
	}
	return "", i18n.Errorf("Exchange.noFreeFolder", i18n.Args{"Path": path})
}

var projectIndexHTML = template.Must(template.New("index").Parse(`<!doctype html>
<html{{with .Lang}} lang="{{.}}"{{end}}><head><meta charset="utf-8"><title>{{.Project.Name}}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}blockquote{color:#555;white-space:pre-wrap}</style>
</head><body>
<h1>{{.Project.Name}}</h1>
{{with .Project.Instructions}}<p>{{$.Instructions}}</p><blockquote>{{.}}</blockquote>{{end}}
<ol>{{range .Chats}}
<li><a href="{{.File}}">{{.Title}}</a></li>{{end}}
</ol>
</body></html>
`))
