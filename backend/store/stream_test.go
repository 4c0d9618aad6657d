package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

func exportIDs(l *ExportList) []int64 {
	ids := make([]int64, len(l.Entries))
	for i, e := range l.Entries {
		ids[i] = e.ID
	}
	return ids
}

func collectBundles(t *testing.T, l *ExportList) []Bundle {
	t.Helper()
	var out []Bundle
	for b, err := range l.Bundles(context.Background()) {
		if err != nil {
			t.Fatalf("Bundles: %v", err)
		}
		out = append(out, b)
	}
	return out
}

// TestExportListMatchesBundles: streaming the export gives what Bundles
// gives, in the same order, for every conversation and for chosen ones.
func TestExportListMatchesBundles(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	var ids []int64
	for i := range 5 {
		c := mustConversation(t, s, fmt.Sprintf("conversation %d", i))
		for j := range i {
			mustMessage(t, s, c.ID, RoleUser, fmt.Sprintf("message %d.%d", i, j))
		}
		ids = append(ids, c.ID)
	}
	trashed := mustConversation(t, s, "trashed")
	if err := s.DeleteConversation(ctx, trashed.ID); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		ids  []int64
	}{
		{"all", nil},
		{"chosen", []int64{ids[3], ids[0], ids[4]}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := s.Bundles(ctx, tc.ids)
			if err != nil {
				t.Fatal(err)
			}
			list, err := s.ListExport(ctx, tc.ids)
			if err != nil {
				t.Fatal(err)
			}
			for i, e := range list.Entries {
				if e.ID != want[i].Conversation.ID || e.Title != want[i].Conversation.Title {
					t.Fatalf("entry %d = %+v, want %d %q", i, e, want[i].Conversation.ID, want[i].Conversation.Title)
				}
			}
			if got := collectBundles(t, list); !reflect.DeepEqual(got, want) {
				t.Fatalf("streamed bundles differ from Bundles:\n got %+v\nwant %+v", got, want)
			}
		})
	}

	if _, err := s.ListExport(ctx, []int64{ids[0], trashed.ID}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("ListExport with a trashed id = %v, want ErrNotFound", err)
	}
}

// TestExportListDeletedMeanwhile: a conversation deleted after the list was
// read is left out of an export of everything, and fails an export of
// chosen conversations.
func TestExportListDeletedMeanwhile(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	a := mustConversation(t, s, "a")
	b := mustConversation(t, s, "b")
	all, err := s.ListExport(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	chosen, err := s.ListExport(ctx, []int64{a.ID, b.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteConversation(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if got := collectBundles(t, all); len(got) != 1 || got[0].Conversation.ID != b.ID || len(all.Entries) != 2 {
		t.Fatalf("export of all after a deletion = %d bundles of %d entries", len(got), len(all.Entries))
	}
	var last error
	for _, err := range chosen.Bundles(ctx) {
		last = err
	}
	if !errors.Is(last, ErrNotFound) {
		t.Fatalf("export of chosen after a deletion ended with %v, want ErrNotFound", last)
	}
}

// TestExportListStopsWhenCancelled: the iteration ends with the context.
func TestExportListStopsWhenCancelled(t *testing.T) {
	s := openTestStore(t)
	for i := range 3 {
		mustConversation(t, s, fmt.Sprint(i))
	}
	list, err := s.ListExport(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	var last error
	for _, err := range list.Bundles(ctx) {
		n++
		last = err
		cancel()
	}
	if n != 2 || !errors.Is(last, context.Canceled) {
		t.Fatalf("after cancel: %d yields, last error %v", n, last)
	}
}

// TestExportLetsTheWALBeCheckpointed writes and checkpoints between the
// conversations of an export, as the app and checkpointLoop do while a long
// export runs: every checkpoint must copy the whole log, so the log starts
// over and the -wal file stays the size of one round of writes instead of
// growing with the export. Holding one read transaction over the export, as
// Bundles does, is shown to pin the log.
func TestExportLetsTheWALBeCheckpointed(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	const conversations = 40
	for i := range conversations {
		c := mustConversation(t, s, fmt.Sprintf("conversation %d", i))
		mustMessage(t, s, c.ID, RoleUser, "hello")
	}
	scratch := mustConversation(t, s, "scratch")
	if _, err := s.checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	// 256 KB of text per round, and its search index.
	chunk := strings.Repeat("wal ", 16<<10)
	write := func() {
		t.Helper()
		for range 4 {
			mustMessage(t, s, scratch.ID, RoleAssistant, chunk)
		}
	}

	list, err := s.ListExport(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var maxWAL, logged int64
	n := 0
	for _, err := range list.Bundles(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		write()
		logPages, copied := checkpointNow(t, s)
		if logPages == 0 || copied != logPages {
			t.Fatalf("conversation %d: checkpoint during the export copied %d of %d log pages", n, copied, logPages)
		}
		logged += int64(logPages) * 4096
		maxWAL = max(maxWAL, s.walSize())
	}
	if n != conversations+1 {
		t.Fatalf("exported %d conversations, want %d", n, conversations+1)
	}
	// The log starts over after every round: the file stays the size of the
	// largest round, far below what all rounds wrote.
	if maxWAL > logged/4 {
		t.Fatalf("-wal file reached %d bytes during the export; all rounds logged %d", maxWAL, logged)
	}

	// The same with one long read transaction open: nothing gets copied
	// past the reader's snapshot, and the log only grows.
	tx, err := s.read.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var count int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM messages`).Scan(&count); err != nil {
		t.Fatal(err)
	}
	before := s.walSize()
	for range 8 {
		write()
		if logPages, copied := checkpointNow(t, s); copied == logPages {
			t.Fatalf("checkpoint under a long read copied %d of %d pages; want it held back", copied, logPages)
		}
	}
	if after := s.walSize(); after < before+1<<20 {
		t.Fatalf("-wal file under a long read: %d -> %d bytes, want it to grow", before, after)
	}
}

// checkpointNow runs a PASSIVE checkpoint, again if it collided with one of
// checkpointLoop's (which reports -1 pages).
func checkpointNow(t *testing.T, s *Store) (logPages, copied int) {
	t.Helper()
	for range 100 {
		logPages, copied, err := s.checkpointWAL(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if logPages >= 0 {
			return logPages, copied
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("checkpoint: busy 100 times")
	return 0, 0
}

// TestWALStaysBounded: after a burst of writes far larger than
// walTruncateSize, one step of checkpointLoop empties the -wal file; with
// many small writes and a checkpoint now and then it never grows large.
func TestWALStaysBounded(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	c := mustConversation(t, s, "big")
	big := strings.Repeat("x", 1<<20)
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for i := range 24 {
			if _, err := tx.ExecContext(ctx, insertMessageSQL, insertMessageArgs(&Message{
				UID: fmt.Sprintf("big-%d", i), ConversationID: c.ID, Role: RoleUser, Content: big,
				State: StateComplete, CreatedAt: 1, UpdatedAt: 1,
			})...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if size := s.walSize(); size <= walTruncateSize {
		t.Fatalf("-wal file after a 24 MB transaction is %d bytes; the test needs more than %d", size, walTruncateSize)
	}
	// Again while it collides with checkpointLoop, which copies the same 24 MB
	// log meanwhile (for seconds on a busy machine) and may empty it itself.
	// The deadline only bounds a failure.
	for deadline := time.Now().Add(time.Minute); s.walSize() != 0 && time.Now().Before(deadline); {
		if _, err := s.checkpoint(ctx); err != nil && !errors.Is(err, errWALBusy) {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if size := s.walSize(); size != 0 {
		t.Fatalf("-wal file after a checkpoint is %d bytes, want 0", size)
	}

	// Streaming-like writes: 2,000 small updates, a checkpoint every 100.
	answer, err := s.AddMessage(ctx, Message{ConversationID: c.ID, Role: RoleAssistant, State: StateStreaming})
	if err != nil {
		t.Fatal(err)
	}
	text := ""
	var maxWAL int64
	for i := range 2000 {
		text += fmt.Sprintf("token %d ", i)
		if err := s.CheckpointAnswer(ctx, answer.ID, 0, text, ""); err != nil {
			t.Fatal(err)
		}
		if i%100 == 99 {
			if _, err := s.checkpoint(ctx); err != nil {
				t.Fatal(err)
			}
		}
		maxWAL = max(maxWAL, s.walSize())
	}
	if maxWAL > walTruncateSize {
		t.Fatalf("-wal file reached %d bytes under streaming writes", maxWAL)
	}
}
