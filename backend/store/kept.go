package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"brook/backend/i18n"
)

// A restore never deletes the database it replaces: [RestoreBackup] renames
// it (with its -wal file) to "<database>.before-restore-<time>" beside it.
// Those files are listed with the daily backups ([ListKept]), can be
// restored like them, and go only when the user deletes one
// ([DeleteKept]); nothing rotates them away.

// keptTimeLayout is the time in a kept database's name, local time.
const keptTimeLayout = "20060102-150405"

// Kinds of [Backup].
const (
	// KindDaily is a daily backup, brook-YYYYMMDD.db in the backups folder.
	KindDaily = "daily"
	// KindBeforeRestore is a database a restore replaced, kept beside the
	// database.
	KindBeforeRestore = "before-restore"
)

// keptPattern matches the names of the databases kept before a restore of
// the database named base: "<base>.before-restore-<time>[-N]", and the
// "<base>.before-restore" earlier versions of Brook left (one at most).
// Their -wal and -shm companions, and anything else, do not match.
func keptPattern(base string) *regexp.Regexp {
	return regexp.MustCompile(`^` + regexp.QuoteMeta(base) + `\.before-restore(?:-(\d{8}-\d{6})(?:-(\d+))?)?$`)
}

// setAside renames the database at dbPath and its -wal file to a kept name
// no file has yet, and removes its -shm file (an index of the old log that
// must not outlive it). It returns the kept name, or "" when there is no
// database to keep.
func setAside(dbPath string, now time.Time) (string, error) {
	if _, err := os.Lstat(dbPath); errors.Is(err, os.ErrNotExist) {
		// Nothing to keep; a lone log or index would only confuse SQLite.
		for _, suffix := range []string{"-wal", "-shm"} {
			if err := os.Remove(dbPath + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return "", err
			}
		}
		return "", nil
	}
	stamp := now.Format(keptTimeLayout)
	kept := dbPath + ".before-restore-" + stamp
	for i := 2; fileExists(kept) || fileExists(kept+"-wal") || fileExists(kept+"-shm"); i++ {
		kept = fmt.Sprintf("%s.before-restore-%s-%d", dbPath, stamp, i)
	}
	// The log first: until the database itself moves, SQLite would still
	// find the database whole, only without its last transactions if the
	// second rename failed; so undo the first rename then.
	walMoved := false
	if err := os.Rename(dbPath+"-wal", kept+"-wal"); err == nil {
		walMoved = true
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("store: keep the current database's log: %w", err)
	}
	if err := os.Rename(dbPath, kept); err != nil {
		if walMoved {
			_ = os.Rename(kept+"-wal", dbPath+"-wal")
		}
		return "", fmt.Errorf("store: keep the current database: %w", err)
	}
	if err := os.Remove(dbPath + "-shm"); err != nil && !errors.Is(err, os.ErrNotExist) {
		return kept, err
	}
	return kept, nil
}

// ListKept returns the databases kept before a restore of the database at
// dbPath, newest first. Each one's Size counts its -wal file too.
func ListKept(dbPath string) ([]Backup, error) {
	dir, base := filepath.Split(dbPath)
	entries, err := os.ReadDir(filepath.Clean(dir))
	if errors.Is(err, os.ErrNotExist) {
		return []Backup{}, nil
	}
	if err != nil {
		return nil, err
	}
	pattern := keptPattern(base)
	list := []Backup{}
	order := map[string]int{} // the -N of names kept the same second
	for _, entry := range entries {
		match := pattern.FindStringSubmatch(entry.Name())
		if match == nil || !entry.Type().IsRegular() {
			continue
		}
		info, err := entry.Info()
		if err != nil {
			continue // removed meanwhile
		}
		when := info.ModTime()
		if match[1] != "" {
			if t, err := time.ParseInLocation(keptTimeLayout, match[1], time.Local); err == nil {
				when = t
			}
		}
		path := filepath.Join(dir, entry.Name())
		size := info.Size()
		if wal, err := os.Stat(path + "-wal"); err == nil {
			size += wal.Size()
		}
		order[path], _ = strconv.Atoi(match[2])
		list = append(list, Backup{Path: path, Day: when, Size: size, Kind: KindBeforeRestore})
	}
	sort.SliceStable(list, func(i, j int) bool {
		if !list[i].Day.Equal(list[j].Day) {
			return list[i].Day.After(list[j].Day)
		}
		return order[list[i].Path] > order[list[j].Path]
	})
	return list, nil
}

// errNotKept is why a path that is not a kept database is not deleted.
var errNotKept = i18n.New("Backups.notKept")

// DeleteKept deletes one database kept before a restore of the database at
// dbPath, with its -wal and -shm files: only a file named like one, directly
// beside the database once every link is resolved, and not the one a
// scheduled restore is about to use. A refusal says why in plain words,
// matches [ErrInvalid] and deletes nothing.
func DeleteKept(dbPath, path string) error {
	resolved, err := fileInFolder(filepath.Dir(dbPath), path, keptPattern(filepath.Base(dbPath)), errNotKept)
	if err != nil {
		return err
	}
	if scheduled, err := os.ReadFile(dbPath + pendingRestoreFile); err == nil && strings.TrimSpace(string(scheduled)) == resolved {
		return refused(i18n.New("Backups.keptScheduled"))
	}
	// The database last: while it is there, the file is still listed and
	// a failed delete can be tried again.
	for _, suffix := range []string{"-shm", "-wal", ""} {
		if err := os.Remove(resolved + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("store: delete %s: %w", filepath.Base(resolved), err)
		}
	}
	return nil
}
