package store

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeDatabase makes a Brook database at path holding conversations with
// the given titles, closed cleanly.
func writeDatabase(t *testing.T, path string, titles ...string) {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, title := range titles {
		mustConversation(t, s, title)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// writeCrashedDatabase makes at path the files a Brook that crashed leaves:
// the database with titles, and a -wal file holding one more conversation,
// inLog, that is in no checkpoint yet.
func writeCrashedDatabase(t *testing.T, path, inLog string, titles ...string) {
	t.Helper()
	live := filepath.Join(t.TempDir(), "live.db")
	s, err := Open(live)
	if err != nil {
		t.Fatal(err)
	}
	for _, title := range titles {
		mustConversation(t, s, title)
	}
	// Stop the checkpointer, so the next write stays in the log.
	s.stopCheckpoints()
	<-s.checkpointsDone
	s.stopCheckpoints = nil
	if _, _, err := s.checkpointWAL(context.Background()); err != nil {
		t.Fatal(err)
	}
	mustConversation(t, s, inLog)
	// The files as they are now are what a crash leaves.
	for _, suffix := range []string{"", "-wal"} {
		copyTestFile(t, live+suffix, path+suffix)
	}
	if info, err := os.Stat(path + "-wal"); err != nil || info.Size() == 0 {
		t.Fatalf("the crashed database has no log: %v", err)
	}
	s.Close()
}

func copyTestFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// titlesIn reads the conversation titles of the database at path, with its
// -wal file if it has one, without changing either.
func titlesIn(t *testing.T, path string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: path, RawQuery: "mode=ro"}).String())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT title FROM conversations ORDER BY title`)
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(path), err)
	}
	defer rows.Close()
	var titles []string
	for rows.Next() {
		var title string
		if err := rows.Scan(&title); err != nil {
			t.Fatal(err)
		}
		titles = append(titles, title)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return titles
}

// databasesIn lists the titles held by each database file in dir (the -wal,
// -shm and other companions aside), by file name.
func databasesIn(t *testing.T, dir string) map[string][]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string][]string{}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || strings.HasSuffix(name, "-wal") || strings.HasSuffix(name, "-shm") {
			continue
		}
		found[name] = titlesIn(t, filepath.Join(dir, name))
	}
	return found
}

func holding(found map[string][]string, titles ...string) []string {
	var names []string
	for name, got := range found {
		if slices.Equal(got, titles) {
			names = append(names, name)
		}
	}
	return names
}

// TestRestoringTwiceKeepsEveryReplacedDatabase: restore backup A, then B;
// the database the user had before A (with what only its -wal held) and the
// one restored from A are both still there, listed, and restorable, and
// restoring one of them keeps it too.
func TestRestoringTwiceKeepsEveryReplacedDatabase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "brook.db")
	backups := filepath.Join(dir, "backups")
	if err := os.Mkdir(backups, 0o700); err != nil {
		t.Fatal(err)
	}
	writeCrashedDatabase(t, dbPath, "original, only in the log", "original")
	a, b := filepath.Join(backups, "brook-20240101.db"), filepath.Join(backups, "brook-20240102.db")
	writeDatabase(t, a, "from A")
	writeDatabase(t, b, "from B")

	var kept []string
	for _, backup := range []string{a, b} {
		if err := ScheduleRestore(dbPath, backups, backup); err != nil {
			t.Fatal(err)
		}
		restored, err := ApplyScheduledRestore(dbPath)
		if err != nil {
			t.Fatal(err)
		}
		kept = append(kept, restored.KeptAs)
	}
	found := databasesIn(t, dir)
	if got := titlesIn(t, dbPath); !slices.Equal(got, []string{"from B"}) {
		t.Fatalf("the database holds %q after restoring B", got)
	}
	if names := holding(found, "original", "original, only in the log"); len(names) != 1 {
		t.Fatalf("the database from before the first restore is kept in %q; files: %v", names, found)
	}
	if names := holding(found, "from A"); len(names) != 1 {
		t.Fatalf("the database restored from A is kept in %q; files: %v", names, found)
	}
	if got := titlesIn(t, kept[0]); !slices.Equal(got, []string{"original", "original, only in the log"}) {
		t.Fatalf("the first restore says it kept the database as %s, which holds %q", kept[0], got)
	}
	if !fileExists(kept[0] + "-wal") {
		t.Fatal("the original database's log was not kept beside it")
	}

	// Both are listed, newest first, beside nothing else.
	list, err := ListKept(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Path != kept[1] || list[1].Path != kept[0] {
		t.Fatalf("ListKept = %+v, want %q newest first", list, kept)
	}
	for _, k := range list {
		if k.Kind != KindBeforeRestore || k.Size == 0 || k.Day.IsZero() {
			t.Fatalf("kept database listed as %+v", k)
		}
	}
	// The daily backups' rotation does not see them.
	s, err := Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.EnsureDailyBackup(ctx, backups, 1); err != nil {
		t.Fatal(err)
	}
	s.Close()

	// The first one kept is restored, and is kept as it was.
	walBefore, err := os.ReadFile(kept[0] + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	if err := ScheduleRestore(dbPath, backups, kept[0]); err != nil {
		t.Fatal(err)
	}
	restored, err := ApplyScheduledRestore(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if got := titlesIn(t, dbPath); !slices.Equal(got, []string{"original", "original, only in the log"}) {
		t.Fatalf("restoring the kept database gives %q", got)
	}
	if walAfter, err := os.ReadFile(kept[0] + "-wal"); err != nil || string(walAfter) != string(walBefore) {
		t.Fatalf("restoring a kept database changed its log: %v", err)
	}
	list, err = ListKept(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 || list[0].Path != restored.KeptAs {
		t.Fatalf("after a third restore, ListKept = %+v", list)
	}
	if got := titlesIn(t, restored.KeptAs); !slices.Equal(got, []string{"from B"}) {
		t.Fatalf("the third restore kept %q", got)
	}
}

// TestLeftoversAreNeverBackups: half-written copies, lone logs and files
// merely named alike are neither listed nor restored.
func TestLeftoversAreNeverBackups(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "brook.db")
	backups := filepath.Join(dir, "backups")
	if err := os.Mkdir(backups, 0o700); err != nil {
		t.Fatal(err)
	}
	writeDatabase(t, dbPath, "current")
	// Sound databases all, so only their names keep them out.
	leftovers := []string{
		filepath.Join(backups, "brook-20240101.db.partial"), // an interrupted daily backup
		dbPath + ".restoring",                               // an interrupted restore's copy
		dbPath + ".before-restore-20240101-120000-wal",      // a kept database's log, alone
		dbPath + ".before-restore-20240101-120000.partial",
		dbPath + ".before-restore-x",
		dbPath + ".corrupt-20240101-120000", // set aside as damaged: not a backup
		filepath.Join(dir, "other.db.before-restore-20240101-120000"),
	}
	for _, p := range leftovers {
		writeDatabase(t, p, "leftover")
	}
	daily, err := ListBackups(backups)
	if err != nil {
		t.Fatal(err)
	}
	kept, err := ListKept(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(daily) != 0 || len(kept) != 0 {
		t.Fatalf("listed as backups: %+v %+v", daily, kept)
	}
	for _, p := range leftovers {
		err := ScheduleRestore(dbPath, backups, p)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "not one of Brook's backups") {
			t.Fatalf("ScheduleRestore(%s) = %v", filepath.Base(p), err)
		}
		if err := DeleteKept(dbPath, p); !errors.Is(err, ErrInvalid) || !fileExists(p) {
			t.Fatalf("DeleteKept(%s) = %v", filepath.Base(p), err)
		}
	}
	if fileExists(dbPath + pendingRestoreFile) {
		t.Fatal("a restore was scheduled")
	}
}

// TestKeptByAnEarlierBrookIsListed: the single ".before-restore" file older
// versions left is listed and restorable like the others.
func TestKeptByAnEarlierBrookIsListed(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "brook.db")
	writeDatabase(t, dbPath, "current")
	old := dbPath + ".before-restore"
	writeDatabase(t, old, "kept by an earlier Brook")
	list, err := ListKept(dbPath)
	if err != nil || len(list) != 1 || list[0].Path != old {
		t.Fatalf("ListKept = %+v, %v", list, err)
	}
	if err := ScheduleRestore(dbPath, filepath.Join(dir, "backups"), old); err != nil {
		t.Fatal(err)
	}
	if _, err := ApplyScheduledRestore(dbPath); err != nil {
		t.Fatal(err)
	}
	if got := titlesIn(t, dbPath); !slices.Equal(got, []string{"kept by an earlier Brook"}) {
		t.Fatalf("restored %q", got)
	}
}

func TestDeleteKept(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "brook.db")
	backups := filepath.Join(dir, "backups")
	writeDatabase(t, dbPath, "current")
	daily := filepath.Join(backups, "brook-20240101.db")
	if err := os.Mkdir(backups, 0o700); err != nil {
		t.Fatal(err)
	}
	writeDatabase(t, daily, "daily")
	first := dbPath + ".before-restore-20240101-120000"
	writeCrashedDatabase(t, first, "in the log", "first")
	second := dbPath + ".before-restore-20240102-120000"
	writeDatabase(t, second, "second")
	if err := os.WriteFile(first+"-shm", []byte("index"), 0o600); err != nil {
		t.Fatal(err)
	}
	list, err := ListKept(dbPath)
	if err != nil || len(list) != 2 {
		t.Fatalf("ListKept = %+v, %v", list, err)
	}
	mainInfo, _ := os.Stat(first)
	walInfo, _ := os.Stat(first + "-wal")
	if list[1].Path != first || list[1].Size != mainInfo.Size()+walInfo.Size() {
		t.Fatalf("the size of %s is %d, want the database and its log: %d", first, list[1].Size, mainInfo.Size()+walInfo.Size())
	}

	// Neither the database, nor a daily backup, nor a link is deleted this way.
	link := dbPath + ".before-restore-20240103-120000"
	if err := os.Symlink(daily, link); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dbPath, daily, link, filepath.Join(dir, "..", filepath.Base(dir), "brook.db"), "relative"} {
		if err := DeleteKept(dbPath, p); !errors.Is(err, ErrInvalid) {
			t.Fatalf("DeleteKept(%s) = %v", p, err)
		}
	}
	if !fileExists(dbPath) || !fileExists(daily) {
		t.Fatal("a refused delete deleted something")
	}

	// The one a restore is scheduled for stays until that restore is done.
	if err := ScheduleRestore(dbPath, backups, second); err != nil {
		t.Fatal(err)
	}
	if err := DeleteKept(dbPath, second); !errors.Is(err, ErrInvalid) || !fileExists(second) {
		t.Fatalf("deleting the database a restore is scheduled for: %v", err)
	}

	if err := DeleteKept(dbPath, first); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if fileExists(first + suffix) {
			t.Fatalf("%s%s is still there", filepath.Base(first), suffix)
		}
	}
	if err := DeleteKept(dbPath, first); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "no longer there") {
		t.Fatalf("deleting it again: %v", err)
	}
	if list, _ := ListKept(dbPath); len(list) != 1 || list[0].Path != second {
		t.Fatalf("after the delete, ListKept = %+v", list)
	}
}
