package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"time"

	"brook/backend/i18n"
)

// BackupTo writes a consistent, compact copy of the database to path with
// VACUUM INTO. The copy is written next to path under a temporary name and
// renamed when complete, so path is never a half-written backup; an existing
// file at path is replaced.
//
// It runs on a connection of its own, so answers keep streaming meanwhile,
// with a small page cache, and closes it when done: rebuilding every index
// through a pooled reader's 2 MB cache left about 8 MB allocated for as long
// as Brook ran, for no faster a backup.
func (s *Store) BackupTo(ctx context.Context, path string) error {
	tmp := path + ".partial"
	_ = os.Remove(tmp) // VACUUM INTO refuses an existing file; a leftover is junk
	db, err := sql.Open("sqlite", dataSourceName(s.path, "_pragma", fmt.Sprintf("cache_size(%d)", backupCacheKiB)))
	if err != nil {
		return fmt.Errorf("store: backup to %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("store: backup to %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("store: backup to %s: %w", path, err)
	}
	return nil
}

// backupCacheKiB is the page cache of a backup's connection, in KiB (SQLite's
// negative cache_size).
const backupCacheKiB = -256

// Backup is one file a database can be restored from: a daily backup in
// the backups folder, or a database kept before a restore ([ListKept]).
type Backup struct {
	Path string `json:"path"`
	// Day is, for a daily backup, local midnight of the day it was made;
	// for a kept database, when the restore set it aside.
	Day  time.Time `json:"day"`
	Size int64     `json:"size"`
	// Kind is [KindDaily] or [KindBeforeRestore].
	Kind string `json:"kind"`
}

var backupName = regexp.MustCompile(`^brook-(\d{8})\.db$`)

// ListBackups returns the daily backups (files named brook-YYYYMMDD.db) in
// dir, newest first. A missing dir has none.
func ListBackups(dir string) ([]Backup, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return []Backup{}, nil
	}
	if err != nil {
		return nil, err
	}
	list := []Backup{}
	for _, entry := range entries {
		match := backupName.FindStringSubmatch(entry.Name())
		if match == nil || !entry.Type().IsRegular() {
			continue
		}
		day, err := time.ParseInLocation("20060102", match[1], time.Local)
		if err != nil {
			continue
		}
		info, err := entry.Info()
		if err != nil {
			continue // removed meanwhile
		}
		list = append(list, Backup{Path: filepath.Join(dir, entry.Name()), Day: day, Size: info.Size(), Kind: KindDaily})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Day.After(list[j].Day) })
	return list, nil
}

// EnsureDailyBackup makes today's backup in dir (brook-YYYYMMDD.db, local
// date) unless it already exists, then deletes all but the newest keep
// backups. It returns the path of today's backup and whether it was made now.
func (s *Store) EnsureDailyBackup(ctx context.Context, dir string, keep int) (path string, created bool, err error) {
	return s.ensureDailyBackup(ctx, dir, keep, time.Now())
}

func (s *Store) ensureDailyBackup(ctx context.Context, dir string, keep int, now time.Time) (string, bool, error) {
	if keep < 1 {
		return "", false, invalid("keep must be at least 1")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", false, err
	}
	path := filepath.Join(dir, "brook-"+now.Format("20060102")+".db")
	created := false
	if !fileExists(path) {
		if err := s.BackupTo(ctx, path); err != nil {
			return "", false, err
		}
		created = true
	}
	list, err := ListBackups(dir)
	if err != nil {
		return path, created, err
	}
	for _, old := range list[min(keep, len(list)):] {
		if err := os.Remove(old.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return path, created, err
		}
	}
	return path, created, nil
}

// RestoreBackup replaces the database at dbPath with a copy of backupPath
// (with what its -wal file holds, if it has one). The store using dbPath
// must be closed. The backup is checked first (it must be a sound Brook
// database no newer than this build) and copied; only then is the current
// database renamed, with its -wal file, to a name of its own beside it
// (dbPath+".before-restore-<time>", see [ListKept]), which it returns ("" when
// there was no database). Nothing is deleted: restoring twice keeps both
// databases replaced. A stale -shm is removed. Open dbPath afterwards.
func RestoreBackup(dbPath, backupPath string) (keptAs string, err error) {
	return restoreBackup(dbPath, backupPath, time.Now())
}

func restoreBackup(dbPath, backupPath string, now time.Time) (string, error) {
	if err := checkBackup(backupPath); err != nil {
		return "", fmt.Errorf("store: restore %s: %w", backupPath, err)
	}
	// Copy first: until the final rename, the current database is untouched.
	tmp := dbPath + ".restoring"
	if err := copyDatabase(backupPath, tmp); err != nil {
		return "", fmt.Errorf("store: restore %s: %w", backupPath, err)
	}
	kept, err := setAside(dbPath, now)
	if err != nil {
		_ = os.Remove(tmp)
		return "", err
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return kept, fmt.Errorf("store: restore: %w", err)
	}
	return kept, nil
}

// copyDatabase writes a consistent copy of the database at from, including
// what its -wal file holds, to to, with VACUUM INTO on a read-only
// connection: from and its log are left as they are.
func copyDatabase(from, to string) error {
	for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
		// VACUUM INTO refuses an existing file; a leftover is junk.
		if err := os.Remove(to + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	db, err := sql.Open("sqlite", readOnlyURI(from))
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`VACUUM INTO ?`, to); err != nil {
		_ = os.Remove(to)
		return err
	}
	return nil
}

// readOnlyURI names the database at path for a connection that can neither
// write it nor checkpoint its log, whatever characters the path holds.
func readOnlyURI(path string) string {
	return (&url.URL{Scheme: "file", Path: path, RawQuery: "mode=ro"}).String()
}

// checkBackup opens a backup read-only and checks that it is a sound
// database this build can use. A backup is checked in full (quick_check):
// restoring a damaged one would only trade one problem for another.
func checkBackup(path string) error {
	if err := checkHeader(path); err != nil {
		return err
	}
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	if info.Size() == 0 {
		return i18n.New("Backups.checkEmpty")
	}
	db, err := sql.Open("sqlite", readOnlyURI(path))
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var version int
	if err := db.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		return err
	}
	if version < 1 || version > latestVersion() {
		return i18n.Errorf("Backups.checkSchema", i18n.Args{"Version": strconv.Itoa(version), "Latest": strconv.Itoa(latestVersion())})
	}
	var result string
	if err := db.QueryRow("PRAGMA quick_check(1)").Scan(&result); err != nil {
		return err
	}
	if result != "ok" {
		return i18n.Errorf("Backups.checkDamaged", i18n.Args{"Result": result})
	}
	return nil
}
