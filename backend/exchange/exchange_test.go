package exchange

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"brook/backend/guard"
	"brook/backend/store"
	"brook/backend/transfer"
)

// chatGPTExport is the ChatGPT conversations.json fixture transfer's own
// import tests read (backend/transfer/testdata), with two conversations.
func chatGPTExport(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "transfer", "testdata", "chatgpt-conversations.json"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// writeZip writes a ZIP at path holding files (name → content).
func writeZip(t *testing.T, path string, files map[string][]byte) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(content)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestParseFormat(t *testing.T) {
	for name, want := range map[string]transfer.Format{"md": transfer.FormatMarkdown, "MD": transfer.FormatMarkdown,
		"markdown": transfer.FormatMarkdown, "json": transfer.FormatJSON, "HTML": transfer.FormatHTML} {
		if got, err := ParseFormat(name); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", name, got, err)
		}
	}
	for _, bad := range []string{"", "pdf", "txt", "markdown "} {
		if _, err := ParseFormat(bad); !errors.Is(err, transfer.ErrUnknownFormat) {
			t.Errorf("ParseFormat(%q) = %v", bad, err)
		}
	}
}

func TestRead(t *testing.T) {
	dir := t.TempDir()
	chatgpt := chatGPTExport(t)
	want, _, err := transfer.Parse(bytes.NewReader(chatgpt), int64(len(chatgpt)))
	if err != nil {
		t.Fatal(err)
	}
	file := func(name string, write func(path string)) string {
		p := filepath.Join(dir, name)
		write(p)
		return p
	}
	plain := file("conversations.json", func(p string) { os.WriteFile(p, chatgpt, 0o600) })
	zipped := file("export.zip", func(p string) {
		writeZip(t, p, map[string][]byte{"conversations.json": chatgpt, "chat.html": []byte("<html>"), "user.json": []byte("{}")})
	})
	inFolder := file("folder.zip", func(p string) {
		writeZip(t, p, map[string][]byte{"chatgpt-export/conversations.json": chatgpt, "chatgpt-export/user.json": []byte("{}")})
	})
	deep := file("deep.zip", func(p string) { writeZip(t, p, map[string][]byte{"a/b/conversations.json": chatgpt}) })
	folder := filepath.Join(dir, "unpacked")
	os.MkdirAll(filepath.Join(folder, "sub"), 0o700)
	os.WriteFile(filepath.Join(folder, "sub", "conversations.json"), chatgpt, 0o600)
	os.WriteFile(filepath.Join(folder, "chat.html"), []byte("<html>"), 0o600)
	// Recognised by content, wherever it lies and whatever its name.
	for _, p := range []string{plain, zipped, inFolder, deep, folder} {
		got, source, err := Read(p)
		if err != nil || source != transfer.SourceChatGPT || len(got) != len(want) {
			t.Fatalf("Read(%s) = %d conversations, %q, %v", filepath.Base(p), len(got), source, err)
		}
		for i := range got {
			if got[i].Conversation.UID != want[i].Conversation.UID || len(got[i].Messages) != len(want[i].Messages) {
				t.Fatalf("Read(%s): conversation %d differs from the plain file's", filepath.Base(p), i)
			}
		}
	}

	bad := []struct {
		name, path, says string
	}{
		{"a ZIP without conversations.json", file("other.zip", func(p string) { writeZip(t, p, map[string][]byte{"notes.txt": []byte("hi")}) }),
			"no export Brook knows"},
		{"a ZIP with two", file("two.zip", func(p string) {
			writeZip(t, p, map[string][]byte{"a/conversations.json": chatgpt, "b/conversations.json": chatgpt})
		}), "more than one export"},
		{"a broken ZIP", file("broken.zip", func(p string) { os.WriteFile(p, []byte("PK\x03\x04 and then nothing"), 0o600) }), "Brook could not read the ZIP"},
		{"a ZIP whose conversations.json is not JSON", file("text.zip", func(p string) {
			writeZip(t, p, map[string][]byte{"conversations.json": []byte("hello")})
		}), "no export Brook knows"},
		{"no such file", filepath.Join(dir, "missing.json"), "no such file"},
	}
	for _, tt := range bad {
		if _, _, err := Read(tt.path); err == nil || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("%s: Read = %v, want it to say %q", tt.name, err, tt.says)
		}
	}
}

func TestExportAndImport(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	zipped := filepath.Join(dir, "export.zip")
	writeZip(t, zipped, map[string][]byte{"conversations.json": chatGPTExport(t)})
	res, source, err := Import(ctx, st, zipped)
	if err != nil || source != transfer.SourceChatGPT || res.Imported != 2 || res.Skipped != 0 {
		t.Fatalf("Import = %+v, %q, %v", res, source, err)
	}
	if res, _, err := Import(ctx, st, zipped); err != nil || res.Imported != 0 || res.Skipped != 2 {
		t.Fatalf("importing again = %+v, %v", res, err)
	}

	now := time.Date(2026, 3, 14, 15, 30, 0, 0, time.Local)
	if _, err := Begin(ctx, st, []int64{999}, transfer.FormatJSON, now); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an export of an unknown conversation: %v", err)
	}
	if _, err := Begin(ctx, st, nil, "pdf", now); !errors.Is(err, transfer.ErrUnknownFormat) {
		t.Fatalf("an export in an unknown format: %v", err)
	}
	for _, f := range transfer.Formats {
		e, err := Begin(ctx, st, nil, f, now)
		if err != nil || e.Conversations() != 2 || e.FileName() != "brook-all-2026-03-14"+f.Ext() {
			t.Fatalf("Begin(%s) = %d conversations, %q, %v", f, e.Conversations(), e.FileName(), err)
		}
		var buf bytes.Buffer
		if err := e.WriteTo(ctx, &buf, nil); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, e.FileName())
		if err := e.WriteFile(ctx, path); err != nil {
			t.Fatal(err)
		}
		written, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(written, buf.Bytes()) {
			t.Fatalf("%s: the file differs from what WriteTo writes", f)
		}
		// What the export writes, Brook's JSON import reads back.
		if f == transfer.FormatJSON {
			back, _, err := Read(path)
			if err != nil || len(back) != 2 {
				t.Fatalf("reading the JSON export back: %d, %v", len(back), err)
			}
		}
	}
}

// BeginChecked refuses what the window could send wrong before reading
// anything, with guard's error.
func TestBeginCheckedRefusesBadInput(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	for name, call := range map[string]func() error{
		"unknown format": func() error { _, err := BeginChecked(ctx, st, nil, "docx", time.Now()); return err },
		"id 0":           func() error { _, err := BeginChecked(ctx, st, []int64{0}, "json", time.Now()); return err },
	} {
		if err := call(); !errors.Is(err, guard.ErrInvalid) {
			t.Errorf("%s: %v, want guard.ErrInvalid", name, err)
		}
	}
	if _, err := BeginChecked(ctx, st, nil, "markdown", time.Now()); err != nil {
		t.Fatalf("a good export of nothing: %v", err)
	}
}
