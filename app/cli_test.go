package app

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"brook/backend/cli"
	"brook/backend/store"
	"brook/backend/transfer"
)

// TestTheCommandsExportIsTheWindows: with the window's backend running, the
// brook command exports the same bytes as the window's Export, in every
// format, and a Markdown export's pictures land beside it the same.
func TestTheCommandsExportIsTheWindows(t *testing.T) {
	// The command speaks the terminal's language; the window's export here is English.
	t.Setenv("LC_ALL", "C")
	keyring.MockInit()
	ctx := context.Background()
	a := startBackend(t, t.TempDir(), "alpha:latest")
	defer a.shutdown(ctx)
	at := time.Date(2026, 3, 14, 15, 30, 12, 0, time.Local)
	a.now = func() time.Time { return at }

	var ids []int64
	for _, title := range []string{"First", "Second, with a picture", "Third"} {
		c, err := a.store.CreateConversation(ctx, store.Conversation{Title: title})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
		m := store.Message{ConversationID: c.ID, Role: store.RoleUser, Content: "About " + title}
		if title == "Second, with a picture" {
			var buf bytes.Buffer
			png.Encode(&buf, image.NewGray(image.Rect(0, 0, 3, 2)))
			m.Images = []store.Image{{Name: "shot.png", MIME: "image/png", Width: 3, Height: 2, Data: buf.Bytes()}}
		}
		q, err := a.store.AddMessage(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		// An answer with two versions, for the export of every version.
		ans, err := a.store.AddMessage(ctx, store.Message{ConversationID: c.ID, Role: store.RoleAssistant, Content: "One answer to " + title, ParentID: q.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.store.AddVersion(ctx, ans.ID, store.Message{Role: store.RoleAssistant, Content: "Another answer to " + title}, false); err != nil {
			t.Fatal(err)
		}
	}
	windowDir, commandDir := t.TempDir(), t.TempDir()
	saved := testHooks.exportDir
	testHooks.exportDir = func() string { return windowDir }
	defer func() { testHooks.exportDir = saved }()

	for _, f := range transfer.Formats {
		for n, pick := range [][]int64{nil, {ids[1], ids[0]}, nil} {
			every := n == 2
			windowPath, err := (&TransferService{a}).Export(pick, string(f), every)
			if err != nil {
				t.Fatal(err)
			}
			args := []string{"export", "--format", string(f), "-o", filepath.Join(commandDir, filepath.Base(windowPath)), "--data", a.layout.Data}
			if pick == nil {
				args = append(args, "--all")
			}
			if every {
				args = append(args, "--all-versions")
			}
			for _, id := range pick {
				args = append(args, strconv.FormatInt(id, 10))
			}
			var out, errOut bytes.Buffer
			if done, code := cli.Handle(args, cli.Env{Stdout: &out, Stderr: &errOut, Now: func() time.Time { return at }}); !done || code != 0 {
				t.Fatalf("brook %q: exit %d, %s", args, code, errOut.String())
			}
			files := []string{filepath.Base(windowPath)}
			if f == transfer.FormatMarkdown && pick == nil {
				files = append(files, filepath.Join("brook-all-2026-03-14-images", "1-shot.png"))
			}
			for _, rel := range files {
				fromWindow, err := os.ReadFile(filepath.Join(windowDir, rel))
				if err != nil {
					t.Fatal(err)
				}
				fromCommand, err := os.ReadFile(filepath.Join(commandDir, rel))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(fromWindow, fromCommand) {
					t.Fatalf("%s: the command wrote %d bytes, the window %d, and they differ", rel, len(fromCommand), len(fromWindow))
				}
				// Every version, or the shown one alone (JSON always has all).
				if rel == files[0] && f != transfer.FormatJSON && bytes.Contains(fromWindow, []byte("One answer to First")) != every {
					t.Fatalf("%s (every version %v): the version not shown is there: %v", rel, every, !every)
				}
			}
		}
	}
}
