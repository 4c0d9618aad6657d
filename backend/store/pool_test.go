package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

func TestConnectionPragmas(t *testing.T) {
	s := openTestStore(t)
	pools := map[string]querier{"write": s.write, "read": s.read}
	for name, db := range pools {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			var journal string
			var foreignKeys, synchronous, busyTimeout int
			for query, dest := range map[string]any{
				"PRAGMA journal_mode": &journal, "PRAGMA foreign_keys": &foreignKeys,
				"PRAGMA synchronous": &synchronous, "PRAGMA busy_timeout": &busyTimeout,
			} {
				if err := db.QueryRowContext(ctx, query).Scan(dest); err != nil {
					t.Fatalf("%s: %v", query, err)
				}
			}
			// synchronous 1 is NORMAL.
			if journal != "wal" || foreignKeys != 1 || synchronous != 1 || busyTimeout != 5000 {
				t.Fatalf("journal_mode=%s foreign_keys=%d synchronous=%d busy_timeout=%d",
					journal, foreignKeys, synchronous, busyTimeout)
			}
			var sizeLimit int
			if err := db.QueryRowContext(ctx, "PRAGMA journal_size_limit").Scan(&sizeLimit); err != nil {
				t.Fatal(err)
			}
			if sizeLimit != journalSizeLimit {
				t.Fatalf("journal_size_limit = %d, want %d", sizeLimit, journalSizeLimit)
			}
			var autoCheckpoint int
			if err := db.QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&autoCheckpoint); err != nil {
				t.Fatal(err)
			}
			// Only the writer leaves checkpoints to the background loop.
			if want := map[string]int{"write": 0, "read": 1000}[name]; autoCheckpoint != want {
				t.Fatalf("wal_autocheckpoint = %d, want %d", autoCheckpoint, want)
			}
		})
	}
}

// TestReadsDoNotWaitForWrites holds the single write connection in an open
// transaction and reads meanwhile: with a shared pool this would deadlock.
func TestReadsDoNotWaitForWrites(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	c := mustConversation(t, s, "visible")
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE conversations SET title = 'uncommitted' WHERE id = ?`, c.ID); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetConversation(ctx, c.ID)
	if err != nil || got.Title != "visible" {
		t.Fatalf("read during a write = %+v, %v", got, err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentWriters streams several answers at once from many
// goroutines, as bound calls do; every write must succeed (no SQLITE_BUSY).
func TestConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	const streams, checkpoints = 8, 50
	var wg sync.WaitGroup
	errs := make(chan error, streams)
	for i := range streams {
		wg.Go(func() {
			c, err := s.CreateConversation(ctx, Conversation{Title: fmt.Sprintf("stream %d", i)})
			if err != nil {
				errs <- err
				return
			}
			if _, err := s.AddMessage(ctx, Message{ConversationID: c.ID, Role: RoleUser, Content: "go"}); err != nil {
				errs <- err
				return
			}
			answer, err := s.AddMessage(ctx, Message{ConversationID: c.ID, Role: RoleAssistant, State: StateStreaming})
			if err != nil {
				errs <- err
				return
			}
			text := ""
			for j := range checkpoints {
				text += fmt.Sprintf("token%d ", j)
				if err := s.CheckpointAnswer(ctx, answer.ID, 0, text, ""); err != nil {
					errs <- err
					return
				}
				if _, err := s.ListConversations(ctx, ListOptions{Limit: 50}); err != nil {
					errs <- err
					return
				}
			}
			answer.Content, answer.State = text, StateComplete
			errs <- s.FinishAnswer(ctx, answer)
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if ids := searchIDs(t, s, "token49"); len(ids) != streams {
		t.Fatalf("finished answers found: %d, want %d", len(ids), streams)
	}
	checkSearchIndex(t, s)
}

// TestCheckpointWALCopiesTheLog checks the step the background checkpointer
// repeats: after writes, one PASSIVE checkpoint copies the whole log.
func TestCheckpointWALCopiesTheLog(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	c := mustConversation(t, s, "wal")
	for i := range 50 {
		mustMessage(t, s, c.ID, RoleUser, fmt.Sprintf("message %d", i))
	}
	logPages, copied, err := s.checkpointWAL(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if logPages == 0 || copied != logPages {
		t.Fatalf("checkpoint copied %d of %d log pages", copied, logPages)
	}
}

// TestOneIdleReaderAfterABurst checks that reads still run side by side, and
// that once they are done only one reader connection (and its page cache)
// stays open while Brook is at rest.
func TestOneIdleReaderAfterABurst(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	for i := 0; i < 20; i++ {
		if _, err := s.CreateConversation(ctx, Conversation{Title: "c"}); err != nil {
			t.Fatal(err)
		}
	}
	// Four transactions held open at once force four reader connections.
	start, done := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tx, err := s.read.BeginTx(ctx, nil)
			if err != nil {
				errs <- err
				return
			}
			defer tx.Rollback()
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM conversations`).Scan(&n); err != nil {
				errs <- err
				return
			}
			start <- struct{}{}
			<-done
		}()
	}
	for i := 0; i < 4; i++ {
		select {
		case <-start:
		case err := <-errs:
			t.Fatal(err)
		}
	}
	if open := s.read.Stats().OpenConnections; open != 4 {
		t.Fatalf("%d reader connections open during the burst; want 4 side by side", open)
	}
	close(done)
	wg.Wait()
	if st := s.read.Stats(); st.Idle > 1 || st.OpenConnections > 1 {
		t.Fatalf("after the burst %d reader connections stay open (%d idle); want at most 1", st.OpenConnections, st.Idle)
	}
}
