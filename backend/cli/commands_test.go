package cli

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"brook/backend/exchange"
	"brook/backend/store"
	"brook/backend/transfer"
)

// populated is a data folder with a database in it, as the window leaves it.
type populated struct {
	dir string
	// ids of the conversations: plain, pinned, archived, with a picture,
	// with a hostile title.
	plain, pinned, archived, picture, hostile int64
}

// hostileTitle is a title a model could give: an escape sequence that
// would clear the terminal, a newline and a right-to-left override.
const hostileTitle = "Nice\x1b[2J\x1b[31m title\nsecond line \u202eevil"

func populate(t *testing.T) populated {
	t.Helper()
	ctx := context.Background()
	p := populated{dir: filepath.Join(t.TempDir(), "data")}
	if err := os.MkdirAll(p.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(p.dir, "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	add := func(title string, texts ...string) int64 {
		c, err := st.CreateConversation(ctx, store.Conversation{Title: title})
		if err != nil {
			t.Fatal(err)
		}
		for i, text := range texts {
			role := store.RoleUser
			if i%2 == 1 {
				role = store.RoleAssistant
			}
			if _, err := st.AddMessage(ctx, store.Message{ConversationID: c.ID, Role: role, Content: text}); err != nil {
				t.Fatal(err)
			}
		}
		return c.ID
	}
	p.plain = add("Flatten a list in Python", "How?", "Use itertools.chain.", "Thanks")
	p.archived = add("Old trip plans", "Where to?", "Lisbon.")
	p.pinned = add("Recipes", "Soup?")
	p.hostile = add(hostileTitle, "hi", "hello")
	p.picture = add("A picture")
	var buf bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{R: 255, A: 255})
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddMessage(ctx, store.Message{ConversationID: p.picture, Role: store.RoleUser, Content: "What is this?",
		Images: []store.Image{{Name: "red dot.png", MIME: "image/png", Width: 2, Height: 2, Data: buf.Bytes()}}}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetArchived(ctx, p.archived, true); err != nil {
		t.Fatal(err)
	}
	if err := st.SetPinned(ctx, p.pinned, true); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestList(t *testing.T) {
	p := populate(t)
	code, out, errOut := run(t, "list", "--data", p.dir)
	if code != 0 || errOut != "" {
		t.Fatalf("list: exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 6 || !regexp.MustCompile(`^ID +UPDATED +MESSAGES +TITLE$`).MatchString(lines[0]) {
		t.Fatalf("list printed:\n%s", out)
	}
	row := regexp.MustCompile(`^(\d+) +\d{4}-\d\d-\d\d \d\d:\d\d +(\d+) +(.+)$`)
	var got []string
	for _, l := range lines[1:] {
		m := row.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("row %q", l)
		}
		got = append(got, m[1]+"|"+m[2]+"|"+m[3])
	}
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	want := []string{
		id(p.pinned) + "|1|Recipes (pinned)",
		id(p.picture) + "|1|A picture",
		id(p.hostile) + "|2|Nice [2J [31m title second line evil",
		id(p.plain) + "|3|Flatten a list in Python",
		id(p.archived) + "|2|Old trip plans (archived)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if strings.ContainsAny(out, "\x1b\u202e") {
		t.Fatal("a title's control characters reached the terminal")
	}

	code, out, errOut = run(t, "--json", "list", "--data="+p.dir)
	if code != 0 || errOut != "" {
		t.Fatalf("list --json: exit %d, stderr %q", code, errOut)
	}
	var list []summaryJSON
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("list --json is not JSON: %v\n%s", err, out)
	}
	if len(list) != 5 || list[2].ID != p.hostile || list[2].Title != hostileTitle || list[2].Messages != 2 ||
		!list[0].Pinned || !list[4].Archived || list[3].UpdatedAt == 0 || !regexp.MustCompile(`^\d{4}-\d\d-\d\dT`).MatchString(list[3].Updated) {
		t.Fatalf("list --json = %+v", list)
	}

	// A data folder with no database yet has no conversations, and stays as it was.
	empty := filepath.Join(t.TempDir(), "none")
	if code, out, _ := run(t, "list", "--data", empty); code != 0 || out != "" {
		t.Fatalf("list of an empty folder: exit %d, %q", code, out)
	}
	if code, out, _ := run(t, "list", "--json", "--data", empty); code != 0 || strings.TrimSpace(out) != "[]" {
		t.Fatalf("list --json of an empty folder: exit %d, %q", code, out)
	}
	if _, err := os.Stat(empty); !os.IsNotExist(err) {
		t.Fatal("list created the data folder")
	}
}

// direct is what the window's export path ([exchange]) writes for ids in
// format at the tests' time.
func direct(t *testing.T, dir string, ids []int64, format transfer.Format) []byte {
	t.Helper()
	st, err := store.OpenShared(filepath.Join(dir, "brook.db"), store.SharedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	e, err := exchange.Begin(context.Background(), st, ids, format, fixedNow())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := e.WriteTo(context.Background(), &buf, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestExport(t *testing.T) {
	p := populate(t)
	out := t.TempDir()
	for _, f := range []struct {
		flag   string
		format transfer.Format
	}{{"md", transfer.FormatMarkdown}, {"json", transfer.FormatJSON}, {"html", transfer.FormatHTML}} {
		t.Run(f.flag, func(t *testing.T) {
			// To standard output.
			code, stdout, errOut := run(t, "export", "--all", "--format", f.flag, "-o", "-", "--data", p.dir)
			if code != 0 || errOut != "" {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			if want := direct(t, p.dir, nil, f.format); stdout != string(want) {
				t.Fatalf("the export to standard output differs from the window's (%d and %d bytes)", len(stdout), len(want))
			}
			// To a file.
			path := filepath.Join(out, "all."+f.flag)
			code, stdout, errOut = run(t, "export", "--all", "-f", f.flag, "--output", path, "--data", p.dir)
			if code != 0 || stdout != "" || errOut != "Exported 5 conversations to "+path+"\n" {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, errOut)
			}
			written, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if f.format != transfer.FormatMarkdown && !bytes.Equal(written, direct(t, p.dir, nil, f.format)) {
				t.Fatal("the exported file differs from the window's export")
			}
			// Some conversations, in the order given.
			code, stdout, _ = run(t, "export", strconv.FormatInt(p.plain, 10), strconv.FormatInt(p.pinned, 10),
				"--format="+f.flag, "-o", "-", "--data", p.dir)
			if code != 0 || stdout != string(direct(t, p.dir, []int64{p.plain, p.pinned}, f.format)) {
				t.Fatalf("exporting two conversations: exit %d", code)
			}
		})
	}
	// A Markdown file's picture goes beside it, as the window's does.
	md, err := os.ReadFile(filepath.Join(out, "all.md"))
	if err != nil || !strings.Contains(string(md), "](all-images/1-red-dot.png)") {
		t.Fatalf("the Markdown file does not link its picture: %v\n%s", err, md)
	}
	if _, err := os.Stat(filepath.Join(out, "all-images", "1-red-dot.png")); err != nil {
		t.Fatalf("the picture was not written beside the Markdown file: %v", err)
	}

	// Without -o: the window's suggested name, here, and never over a file.
	t.Chdir(t.TempDir())
	code, _, errOut := run(t, "export", strconv.FormatInt(p.plain, 10), "--format", "html", "--data", p.dir)
	if name := "brook-flatten-a-list-in-python-2026-03-14.html"; code != 0 || errOut != "Exported 1 conversation to "+name+"\n" {
		t.Fatalf("export without -o: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = run(t, "export", strconv.FormatInt(p.plain, 10), "--format", "html", "--data", p.dir)
	if code != 1 || !strings.Contains(errOut, "already exists; name another file with -o") {
		t.Fatalf("export over an existing file: exit %d, stderr %q", code, errOut)
	}
}

func TestExportRefusals(t *testing.T) {
	p := populate(t)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"an unknown id", []string{"export", "424242", "--format", "json", "-o", "-"}, 1, "brook: there is no conversation 424242 (brook list shows them)\n"},
		{"unknown ids among known ones", []string{"export", strconv.FormatInt(p.plain, 10), "77777", "88888", "--format", "json", "-o", "-"}, 1,
			"brook: there are no conversations 77777, 88888 (brook list shows them)\n"},
		{"nothing to export", []string{"export", "--format", "md"}, 2, "say what to export"},
		{"both --all and ids", []string{"export", "--all", "3", "--format", "md"}, 2, "either --all or conversation ids"},
		{"no format", []string{"export", "--all"}, 2, "--format md, json or html is needed"},
		{"an unknown format", []string{"export", "--all", "--format", "pdf"}, 2, `unknown format "pdf"`},
		{"a bad id", []string{"export", "three", "--format", "md"}, 2, `"three" is not a conversation id`},
		{"a negative id", []string{"export", "--format", "md", "--", "-3"}, 2, `"-3" is not a conversation id`},
		{"a flag of another command", []string{"export", "--all", "--format", "md", "--json"}, 2, "--json does not go with this command"},
		{"a flag given twice", []string{"export", "--all", "-f", "md", "--format", "json"}, 2, "--format given twice"},
		{"a stray argument to list", []string{"list", "extra"}, 2, `unexpected argument "extra"`},
		{"import without files", []string{"import"}, 2, "name the files to import"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, errOut := run(t, append(tt.args, "--data", p.dir)...)
			if code != tt.code || stdout != "" || !strings.Contains(errOut, tt.stderr) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit %d and %q", code, stdout, errOut, tt.code, tt.stderr)
			}
			if tt.code == 2 && !strings.Contains(errOut, "Usage: brook "+tt.args[0]) {
				t.Fatalf("a usage error without the usage: %q", errOut)
			}
		})
	}
	missing := filepath.Join(t.TempDir(), "none")
	if code, _, errOut := run(t, "export", "--all", "--format", "md", "--data", missing); code != 1 || !strings.Contains(errOut, "there is no Brook database in "+missing) {
		t.Fatalf("export from an empty folder: exit %d, %q", code, errOut)
	}
}

func TestImport(t *testing.T) {
	p := populate(t)
	exported := filepath.Join(t.TempDir(), "brook.json")
	if code, _, errOut := run(t, "export", "--all", "--format", "json", "-o", exported, "--data", p.dir); code != 0 {
		t.Fatalf("export: %s", errOut)
	}
	chatgpt, err := os.ReadFile(filepath.Join("..", "transfer", "testdata", "chatgpt-conversations.json"))
	if err != nil {
		t.Fatal(err)
	}
	// A ChatGPT data export's ZIP, laid out as ChatGPT sends it (see exchange.Read).
	zipped := filepath.Join(t.TempDir(), "chatgpt-export.zip")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range map[string][]byte{"conversations.json": chatgpt, "chat.html": []byte("<html></html>"), "user.json": []byte(`{}`)} {
		w, _ := zw.Create(name)
		w.Write(content)
	}
	zw.Close()
	if err := os.WriteFile(zipped, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(t.TempDir(), "broken.json")
	os.WriteFile(broken, []byte(`{"format": "brook", "conversations": [`), 0o600)

	// Into a fresh data folder: the Brook file and the ZIP come in, the broken file does not.
	fresh := filepath.Join(t.TempDir(), "fresh")
	code, out, errOut := run(t, "import", exported, broken, zipped, "--data", fresh)
	if code != 1 {
		t.Fatalf("import with a broken file: exit %d", code)
	}
	wantOut := exported + " (Brook export): 5 conversations imported (9 messages)\n" +
		zipped + " (ChatGPT export): 2 conversations imported (8 messages)\n"
	if out != wantOut {
		t.Fatalf("import printed %q, want %q", out, wantOut)
	}
	if !strings.HasPrefix(errOut, "brook: broken.json: ") || strings.Count(errOut, "\n") != 1 {
		t.Fatalf("the broken file's error: %q", errOut)
	}
	code, out, _ = run(t, "list", "--json", "--data", fresh)
	var list []summaryJSON
	if err := json.Unmarshal([]byte(out), &list); code != 0 || err != nil || len(list) != 7 {
		t.Fatalf("after the import, list --json: %d conversations, %v", len(list), err)
	}
	// Again: nothing new.
	code, out, errOut = run(t, "import", exported, zipped, "--data", fresh)
	if code != 0 || errOut != "" || out != exported+" (Brook export): 0 conversations imported (0 messages), 5 skipped: already in Brook\n"+
		zipped+" (ChatGPT export): 0 conversations imported (0 messages), 2 skipped: already in Brook\n" {
		t.Fatalf("importing again: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if code, _, errOut := run(t, "import", filepath.Join(t.TempDir(), "missing.json"), "--data", fresh); code != 1 || !strings.Contains(errOut, "no such file") {
		t.Fatalf("importing a missing file: exit %d, %q", code, errOut)
	}
}

// TestCommandsLeaveTheWindowsAnswerAlone: with the window's store open and
// an answer streaming in it, list, export and import run beside it, and the
// answer is still streaming after them (no start-up recovery ran).
func TestCommandsLeaveTheWindowsAnswerAlone(t *testing.T) {
	ctx := context.Background()
	p := populate(t)
	window, err := store.Open(filepath.Join(p.dir, "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer window.Close()
	answer, err := window.AddMessage(ctx, store.Message{ConversationID: p.plain, Role: store.RoleAssistant, State: store.StateStreaming, Content: "Half"})
	if err != nil {
		t.Fatal(err)
	}
	exported := filepath.Join(t.TempDir(), "one.json")
	chatgpt := filepath.Join("..", "transfer", "testdata", "chatgpt-conversations.json")
	for _, args := range [][]string{
		{"list"}, {"export", "--all", "--format", "md", "-o", "-"}, {"export", strconv.FormatInt(p.plain, 10), "--format", "json", "-o", exported},
		{"import", chatgpt},
	} {
		if code, _, errOut := run(t, append(args, "--data", p.dir)...); code != 0 {
			t.Fatalf("brook %q beside the window: exit %d, %s", args, code, errOut)
		}
	}
	if m, err := window.GetMessage(ctx, answer.ID); err != nil || m.State != store.StateStreaming {
		t.Fatalf("the window's streaming answer is now %+v, %v", m, err)
	}
	if list, _ := window.ListSummaries(ctx); len(list) != 7 {
		t.Fatalf("the window sees %d conversations, want its 5 and the 2 imported", len(list))
	}
	// The export shows the answer as it stood: still being written.
	data, err := os.ReadFile(exported)
	if err != nil || !strings.Contains(string(data), `"state": "streaming"`) {
		t.Fatalf("the export of the streaming answer: %v\n%s", err, data)
	}
}

// TestAnOlderDatabaseHeldByAWindowIsRefused: the database is older than this
// brook and a Brook window (that older version) has it open: the commands
// refuse, say why, and leave the database as it was.
func TestAnOlderDatabaseHeldByAWindowIsRefused(t *testing.T) {
	p := populate(t)
	path := filepath.Join(p.dir, "brook.db")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	older := store.SchemaVersion() - 1
	if _, err := raw.Exec("PRAGMA user_version = " + strconv.Itoa(older)); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	var out, errOut bytes.Buffer
	env := Env{Stdout: &out, Stderr: &errOut, windowOpen: func(dir string) bool { return dir == p.dir }}
	for _, args := range [][]string{{"list"}, {"export", "--all", "--format", "json", "-o", "-"}, {"import", "x.json"}} {
		out.Reset()
		errOut.Reset()
		_, code := handle(context.Background(), append(args, "--data", p.dir), env)
		if code != 1 || out.Len() > 0 || !strings.Contains(errOut.String(), "is from an older Brook, and the Brook window open on it is that older version. Close that window") {
			t.Fatalf("brook %q: exit %d, stdout %q, stderr %q", args, code, out.String(), errOut.String())
		}
	}
	raw, err = sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var v int
	if err := raw.QueryRow("PRAGMA user_version").Scan(&v); err != nil || v != older {
		t.Fatalf("the database is now at version %d, %v", v, err)
	}
}
