package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// realDatabase makes a closed database at path with enough messages to
// span many pages.
func realDatabase(t *testing.T, path string) {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	c := mustConversation(t, s, "data")
	for i := range 200 {
		mustMessage(t, s, c.ID, RoleUser, fmt.Sprintf("message %d %s", i, strings.Repeat("lorem ipsum 東京 ", 30)))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestCorruptDatabaseIsMovedAside(t *testing.T) {
	tests := []struct {
		name string
		// damage turns the healthy database at path into a broken file.
		damage func(t *testing.T, path string)
	}{
		{"garbage", func(t *testing.T, path string) {
			if err := os.WriteFile(path, bytes.Repeat([]byte("this is not a database\n"), 500), 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{"a few bytes", func(t *testing.T, path string) {
			if err := os.WriteFile(path, []byte("SQLite"), 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{"truncated to half", func(t *testing.T, path string) {
			realDatabase(t, path)
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(path, info.Size()/2); err != nil {
				t.Fatal(err)
			}
		}},
		{"truncated inside the header page", func(t *testing.T, path string) {
			realDatabase(t, path)
			if err := os.Truncate(path, 300); err != nil {
				t.Fatal(err)
			}
		}},
		{"schema page overwritten", func(t *testing.T, path string) {
			// Keep the 100-byte header valid, so only SQLite itself can
			// notice: the schema b-tree on page 1 becomes noise.
			realDatabase(t, path)
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.WriteAt(bytes.Repeat([]byte{0xA5}, 3000), 100); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "brook.db")
			tt.damage(t, path)
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			// A stale shared-memory file must travel with the database.
			if err := os.WriteFile(path+"-shm", []byte("shm"), 0o600); err != nil {
				t.Fatal(err)
			}

			s, err := Open(path)
			if err == nil {
				s.Close()
				t.Fatal("Open accepted a damaged database")
			}
			var corrupt *CorruptError
			if !errors.As(err, &corrupt) {
				t.Fatalf("err = %v (%T), want *CorruptError", err, err)
			}
			if corrupt.Path != path || !strings.HasPrefix(corrupt.MovedTo, path+".corrupt-") {
				t.Fatalf("CorruptError = %+v", corrupt)
			}
			moved, err := os.ReadFile(corrupt.MovedTo)
			if err != nil || !bytes.Equal(moved, before) {
				t.Fatalf("moved file differs from the damaged one (%v)", err)
			}
			// Damage found by the header check moves the -shm untouched;
			// damage only SQLite can see may already have made SQLite drop
			// its shared-memory index (it is rebuilt from the WAL anyway).
			shm, err := os.ReadFile(corrupt.MovedTo + "-shm")
			var header *headerError
			if errors.As(corrupt.Err, &header) && (err != nil || string(shm) != "shm") {
				t.Fatalf("-shm not moved with the database: %q, %v", shm, err)
			}
			if err == nil && string(shm) != "shm" {
				t.Fatalf("-shm changed: %q", shm)
			}
			for _, suffix := range []string{"", "-wal", "-shm"} {
				if fileExists(path + suffix) {
					t.Fatalf("%s still exists", path+suffix)
				}
			}

			// The caller can now start a fresh database.
			fresh, err := Open(path)
			if err != nil {
				t.Fatalf("fresh Open: %v", err)
			}
			defer fresh.Close()
			mustConversation(t, fresh, "new start")
		})
	}
}

func TestIsCorruptUsesResultCodes(t *testing.T) {
	// Open real damage through the driver to get genuine *sqlite.Error values.
	path := filepath.Join(t.TempDir(), "brook.db")
	realDatabase(t, path)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(bytes.Repeat([]byte{0xA5}, 3000), 100); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = open(path)
	if err == nil {
		t.Fatal("opening a damaged schema succeeded")
	}
	var sqliteErr *sqlite.Error
	if !errors.As(err, &sqliteErr) {
		t.Fatalf("err = %v (%T), want a *sqlite.Error", err, err)
	}
	if code := sqliteErr.Code() & 0xff; code != sqlite3.SQLITE_CORRUPT && code != sqlite3.SQLITE_NOTADB {
		t.Fatalf("code = %d", sqliteErr.Code())
	}
	if !IsCorrupt(err) || !IsCorrupt(fmt.Errorf("wrapped: %w", err)) {
		t.Fatal("IsCorrupt missed a corruption error")
	}
	for _, err := range []error{nil, errors.New("database disk image is malformed"), ErrNotFound} {
		if IsCorrupt(err) {
			t.Fatalf("IsCorrupt(%v) = true", err)
		}
	}
}

func TestHealthyDatabaseWithWALPassesHeaderCheck(t *testing.T) {
	// A database copied while open (main file plus a non-empty WAL) is
	// healthy even though the main file may lag behind.
	s := openTestStore(t)
	c := mustConversation(t, s, "wal")
	mustMessage(t, s, c.ID, RoleUser, "still in the WAL")
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	copyFileForTest(t, s.Path(), copyPath)
	copyFileForTest(t, s.Path()+"-wal", copyPath+"-wal")
	reopened, err := Open(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	defer reopened.Close()
	if ids := searchIDs(t, reopened, "still in the WAL"); len(ids) != 1 {
		t.Fatalf("search after reopening = %v", ids)
	}
	if err := reopened.QuickCheck(t.Context()); err != nil {
		t.Fatal(err)
	}
}
