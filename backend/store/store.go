package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"brook/backend/i18n"
)

// ErrNotFound is returned (wrapped) when a conversation, message or endpoint
// does not exist, or when a conversation has been deleted. Test with errors.Is.
var ErrNotFound = errors.New("not found")

// ErrInvalid is returned (wrapped, with the reason) when an argument is
// rejected before anything is written. Test with errors.Is.
var ErrInvalid = errors.New("invalid input")

// interruptedError is the reason stored for answers found still streaming
// when a database is opened: the previous run of Brook ended while they
// were arriving. It is the catalogue's sentence in English, as the language
// setting (kept in the database) is not read yet; [scanMessage] words it in
// the language current when it is read, like the same sentence the chat
// engine stores in the language current then (see wordedError).
func interruptedError() string { return i18n.In(i18n.English, interruptedID, nil) }

// interruptedID is the catalogue's message of [interruptedError].
const interruptedID = "Chat.closedBeforeFinishedSentence"

// Store is Brook's database. It is safe for concurrent use.
//
// Every write goes through one connection (write), so writers queue in Go
// instead of fighting over SQLite's lock; reads use a separate pool (read),
// and in WAL mode they never wait for a write, such as a streaming
// checkpoint, to finish.
type Store struct {
	path  string
	write *sql.DB
	read  *sql.DB
	// now returns the current time in Unix milliseconds; tests replace it.
	now func() int64
	// stopCheckpoints ends the background WAL checkpointer; checkpointsDone
	// is closed when it has ended.
	stopCheckpoints context.CancelFunc
	checkpointsDone chan struct{}
	// committed is poked by every write commit (a SQLite commit hook), so
	// the checkpointer works only after writes: an idle Brook wakes no thread.
	committed chan struct{}
	// checkpointRuns counts the checkpoints checkpointLoop has run, and
	// checkpointerIdle says it waits for a write; tests read them.
	checkpointRuns   atomic.Int64
	checkpointerIdle atomic.Bool
	// checkpointStmt is CheckpointAnswer's prepared statement (see checkpointStatement).
	checkpointMu   sync.Mutex
	checkpointStmt *sql.Stmt
}

// walCheckpointInterval is how long after a write the write-ahead log is
// copied back into the database file, and how often a checkpoint that could
// not finish is tried again.
const walCheckpointInterval = time.Second

// journalSizeLimit bounds the -wal file left on disk: when the writer starts
// the log over after a complete checkpoint, it truncates a larger file to
// this size. Without it the file keeps the size of the largest burst of
// writes ever made (a big import) for as long as Brook runs.
const journalSizeLimit = 64 << 20

// walTruncateSize is the size of the -wal file above which checkpointLoop
// follows a complete PASSIVE checkpoint with a TRUNCATE one, which empties
// the file. Normal use keeps the file far smaller: the log starts over after
// every complete checkpoint, once a second.
const walTruncateSize = 16 << 20

// connectionPragmas are applied to every connection, busy_timeout first so
// the others can wait for a lock instead of failing (the driver sorts
// busy_timeout first as well), in pocketbase's order.
var connectionPragmas = []string{
	fmt.Sprintf("busy_timeout(%d)", busyTimeoutMs),
	"journal_mode(WAL)",
	fmt.Sprintf("journal_size_limit(%d)", journalSizeLimit),
	"synchronous(NORMAL)",
	"foreign_keys(ON)",
}

// busyTimeoutMs is the busy_timeout of connectionPragmas.
const busyTimeoutMs = 5000

func dataSourceName(path string, extra ...string) string {
	q := url.Values{}
	for _, p := range connectionPragmas {
		q.Add("_pragma", p)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Add(extra[i], extra[i+1])
	}
	return path + "?" + q.Encode()
}

// Open opens the database at path, creating it if needed, migrates it to the
// latest schema and turns answers left streaming by a previous run into
// [StateInterrupted] answers with their text kept.
//
// If the file is not a database or is damaged, Open moves it (and its -wal
// and -shm files) aside untouched and returns a [*CorruptError] saying where;
// the caller should tell the user and may then call Open again to start a
// fresh database.
//
// The check on open is cheap whatever the size of the database: the file
// header is read and validated (magic string, page size, and the page count
// against the file size, which catches truncation), and the schema, the
// migrations and the start-up recovery must all run without SQLITE_CORRUPT
// or SQLITE_NOTADB. A full PRAGMA quick_check reads every page, which takes
// seconds on a large database, so it is not run here (see [Store.QuickCheck]);
// damage deeper in the file shows up later as errors for which [IsCorrupt]
// is true. The header check runs before SQLite touches the file; damage only
// SQLite can see is found after it opened the file, so by then SQLite may
// have dropped the -shm file (an index it rebuilds from the WAL).
func Open(path string) (*Store, error) {
	if path == "" || strings.Contains(path, "?") {
		return nil, fmt.Errorf("store: %w: database path %q must be non-empty and contain no '?'", ErrInvalid, path)
	}
	if err := checkHeader(path); err != nil {
		if isCorrupt(err) {
			return nil, moveAside(path, err)
		}
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s, err := open(path)
	if err != nil {
		if isCorrupt(err) {
			return nil, moveAside(path, err)
		}
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return s, nil
}

func open(path string) (*Store, error) { return openWith(path, startUp) }

// openWith opens the database at path and runs prepare on it, on the write
// connection, before anything else uses it.
func openWith(path string, prepare func(context.Context, *Store) error) (_ *Store, err error) {
	s := &Store{path: path, now: func() int64 { return time.Now().UnixMilli() }}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()

	// _txlock=immediate: a write transaction takes the write lock when it
	// begins, so it can never fail half-way with SQLITE_BUSY on upgrade.
	// wal_autocheckpoint(0): the writer never copies the WAL back into the
	// database itself (a copy plus fsync of up to a thousand pages inside
	// some unlucky commit, tens of milliseconds); checkpointLoop does it.
	s.committed = make(chan struct{}, 1)
	s.write = sql.OpenDB(&hookedConnector{
		dsn:      dataSourceName(path, "_txlock", "immediate", "_pragma", "wal_autocheckpoint(0)"),
		onCommit: s.noteCommit,
	})
	s.write.SetMaxOpenConns(1)
	s.write.SetMaxIdleConns(1)
	s.write.SetConnMaxLifetime(0)
	s.write.SetConnMaxIdleTime(0)

	ctx := context.Background()
	if err = s.write.PingContext(ctx); err != nil {
		return nil, err
	}
	if err = prepare(ctx, s); err != nil {
		return nil, err
	}

	s.read, err = sql.Open("sqlite", dataSourceName(path))
	if err != nil {
		return nil, err
	}
	// Reads may run side by side, but only one reader waits idle: each
	// connection keeps its own page cache (up to 2 MB), so idle readers cost
	// megabytes while Brook sits at rest, and a new one opens in well under a
	// millisecond when a burst of reads needs it.
	s.read.SetMaxOpenConns(max(4, runtime.NumCPU()))
	s.read.SetMaxIdleConns(1)
	if err = s.read.PingContext(ctx); err != nil {
		return nil, err
	}
	checkpointCtx, stop := context.WithCancel(context.Background())
	s.stopCheckpoints, s.checkpointsDone = stop, make(chan struct{})
	go s.checkpointLoop(checkpointCtx, walCheckpointInterval)
	return s, nil
}

// checkpointLoop copies the write-ahead log back into the database file
// every (walCheckpointInterval) after writes, on a read-pool connection, and waits
// for the next write once the log is all copied: nothing runs while Brook
// is idle. A PASSIVE checkpoint waits for no reader or writer, so streaming
// checkpoints keep committing meanwhile. After a complete one the writer
// starts the log over at its next commit, so the -wal file stops growing;
// journal_size_limit then trims a file grown large, and truncateWAL empties
// one larger than walTruncateSize.
//
// A checkpoint cannot copy pages that a read transaction still needs, so a
// long read (a whole-database export in one transaction, say) lets the log
// grow for as long as it lasts: reads of many rows are split into short
// transactions (see [ExportList.Bundles]). An incomplete checkpoint is
// tried again every interval until it completes.
func (s *Store) checkpointLoop(ctx context.Context, every time.Duration) {
	defer close(s.checkpointsDone)
	timer := time.NewTimer(every)
	timer.Stop()
	defer timer.Stop()
	for {
		s.checkpointerIdle.Store(true)
		select {
		case <-ctx.Done():
			return
		case <-s.committed:
		}
		s.checkpointerIdle.Store(false)
		for done := false; !done; {
			// Let the burst of writes go on; one checkpoint copies it all.
			timer.Reset(every)
			select {
			case <-ctx.Done():
				return
			case <-timer.C:
			}
			// A failure (busy, or a damaged file) is retried; the same
			// error reaches the user through a real operation.
			complete, err := s.checkpoint(ctx)
			s.checkpointRuns.Add(1)
			done = err == nil && complete
		}
	}
}

// noteCommit wakes checkpointLoop. It runs inside SQLite's commit, so it
// never blocks.
func (s *Store) noteCommit() {
	select {
	case s.committed <- struct{}{}:
	default:
	}
}

// checkpoint is one step of checkpointLoop: a PASSIVE checkpoint and, when
// it copied the whole log and the -wal file is larger than walTruncateSize,
// a TRUNCATE one. complete says the whole log is now in the database file.
func (s *Store) checkpoint(ctx context.Context) (complete bool, err error) {
	logPages, copied, err := s.checkpointWAL(ctx)
	if err != nil {
		return false, err
	}
	// -1 pages: another checkpoint was running.
	if logPages < 0 || copied != logPages {
		return false, nil
	}
	if s.walSize() > walTruncateSize {
		return true, s.truncateWAL(ctx)
	}
	return true, nil
}

// checkpointWAL runs one PASSIVE checkpoint and returns how many pages the
// log holds and how many of them are now in the database file.
func (s *Store) checkpointWAL(ctx context.Context) (logPages, copied int, err error) {
	var busy int
	err = s.read.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logPages, &copied)
	return logPages, copied, err
}

// walSize is the size of the -wal file, 0 when there is none.
func (s *Store) walSize() int64 {
	fi, err := os.Stat(s.path + "-wal")
	if err != nil {
		return 0
	}
	return fi.Size()
}

// errWALBusy is returned by truncateWAL when a reader or a writer kept the
// checkpoint from finishing.
var errWALBusy = errors.New("store: wal checkpoint busy")

// truncateWAL runs a TRUNCATE checkpoint, which copies what is left of the
// log and empties the -wal file. It runs on the write connection, so writes
// wait for it in Go rather than in SQLite's busy handler, and with
// busy_timeout 0: if a read transaction still uses the log it gives up at
// once (errWALBusy) instead of holding up writes; the next try comes with
// the next tick. After a complete PASSIVE checkpoint there is nothing left
// to copy and it costs a truncate and a sync.
func (s *Store) truncateWAL(ctx context.Context) (err error) {
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA busy_timeout = 0"); err != nil {
		return err
	}
	defer func() {
		_, restoreErr := conn.ExecContext(context.Background(), fmt.Sprintf("PRAGMA busy_timeout = %d", busyTimeoutMs))
		if restoreErr != nil {
			// Never hand writers a connection that fails at once on a
			// lock: drop it, and the pool opens a fresh one.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			err = errors.Join(err, restoreErr)
		}
	}()
	var busy, logPages, copied int
	if err := conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logPages, &copied); err != nil {
		return err
	}
	if busy != 0 {
		return errWALBusy
	}
	return nil
}

// Close closes the database. It first empties the write-ahead log with a
// TRUNCATE checkpoint if nothing is reading; the last connection to close
// checkpoints the log into the main file and deletes it anyway. The handles
// stay in place, so a call still running meanwhile fails with database/sql's
// error instead of racing Close; closing twice does nothing more.
func (s *Store) Close() error {
	if s.stopCheckpoints != nil {
		s.stopCheckpoints()
		<-s.checkpointsDone
		s.stopCheckpoints = nil
		_ = s.truncateWAL(context.Background())
	}
	var errs []error
	s.checkpointMu.Lock()
	if s.checkpointStmt != nil {
		errs = append(errs, s.checkpointStmt.Close())
		s.checkpointStmt = nil
	}
	s.checkpointMu.Unlock()
	if s.read != nil {
		errs = append(errs, s.read.Close())
	}
	if s.write != nil {
		errs = append(errs, s.write.Close())
	}
	return errors.Join(errs...)
}

// Path is the file the store was opened from.
func (s *Store) Path() string { return s.path }

// recoverStreaming marks answers left streaming by a previous run as
// interrupted, keeping their text, with the end reason [EndAppClosed] that
// makes them answers to resume ([Store.ToResume]). Leaving the streaming
// state indexes them for search.
func (s *Store) recoverStreaming(ctx context.Context) error {
	_, err := s.write.ExecContext(ctx,
		`UPDATE messages SET state = 'interrupted', error = ?, end_reason = ?, updated_at = ?
		 WHERE state = 'streaming'`, interruptedError(), EndAppClosed, s.now())
	return err
}

// QuickCheck runs PRAGMA quick_check, which reads the whole database. It is
// too slow for every start-up on a large database but suits an occasional
// background check; it returns nil when the database is sound.
func (s *Store) QuickCheck(ctx context.Context) error {
	rows, err := s.read.QueryContext(ctx, "PRAGMA quick_check")
	if err != nil {
		return err
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return err
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("store: quick_check: %s", strings.Join(problems, "; "))
	}
	return nil
}

// IsCorrupt reports whether err comes from SQLite finding the database
// damaged (SQLITE_CORRUPT) or not a database at all (SQLITE_NOTADB). It looks
// only at the driver's result code, never at the message text.
func IsCorrupt(err error) bool { return isCorrupt(err) }

func isCorrupt(err error) bool {
	var header *headerError
	if errors.As(err, &header) {
		return true
	}
	var sqliteErr *sqlite.Error
	if errors.As(err, &sqliteErr) {
		// Code may be an extended code such as SQLITE_CORRUPT_INDEX; the
		// primary code is its low byte.
		switch sqliteErr.Code() & 0xff {
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return true
		}
	}
	return false
}

// tx runs fn in one write transaction, committing if it returns nil.
func (s *Store) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// requireOneRow turns an UPDATE or DELETE that touched nothing into
// [ErrNotFound].
func requireOneRow(res sql.Result, err error, what string, id any) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("store: %s %v: %w", what, id, ErrNotFound)
	}
	return nil
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("store: %w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
