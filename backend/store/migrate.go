package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// migrationFiles are the schema steps, named NNN_description.sql and numbered
// from 001 without gaps. Step N takes a database from user_version N-1 to N.
// Never edit a released step: add a new one.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

var loadMigrations = sync.OnceValues(func() ([]migration, error) {
	entries, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(entries)
	var list []migration
	for i, name := range entries {
		base := path.Base(name)
		number, _, ok := strings.Cut(base, "_")
		version, err := strconv.Atoi(number)
		if !ok || err != nil || version != i+1 {
			return nil, fmt.Errorf("store: migration %s: want number %03d", base, i+1)
		}
		text, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		list = append(list, migration{version: version, name: base, sql: string(text)})
	}
	return list, nil
})

// latestVersion is the schema version this build of Brook writes.
func latestVersion() int {
	list, err := loadMigrations()
	if err != nil {
		panic(err) // the embedded files are part of the binary; a test covers them
	}
	return len(list)
}

// SchemaVersion is the schema version (PRAGMA user_version) this build of
// Brook migrates databases to.
func SchemaVersion() int { return latestVersion() }

// migrate applies the steps after the database's user_version up to target,
// each in its own transaction together with its new user_version, so a crash
// leaves the database at a whole version and the next start continues from
// there. It refuses a database newer than this build rather than guess.
func migrate(ctx context.Context, db *sql.DB, target int) error {
	list, err := loadMigrations()
	if err != nil {
		return err
	}
	if target > len(list) {
		return fmt.Errorf("store: no migration to version %d", target)
	}
	for {
		done, err := migrateOneStep(ctx, db, list, target)
		if err != nil || done {
			return err
		}
	}
}

// migrateOneStep applies the next step, if any. It reads user_version inside
// the write transaction, so two processes opening the same file cannot both
// apply a step; every step strictly raises the version, so the loop in
// migrate ends.
func migrateOneStep(ctx context.Context, db *sql.DB, list []migration, target int) (done bool, err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer func() {
		if err != nil || done {
			_ = tx.Rollback()
		}
	}()
	var current int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return false, err
	}
	if current > len(list) {
		return false, fmt.Errorf("store: database schema version %d is newer than this version of Brook understands (%d)", current, len(list))
	}
	if current >= target {
		return true, nil
	}
	step := list[current]
	if _, err := tx.ExecContext(ctx, step.sql); err != nil {
		return false, fmt.Errorf("store: migration %s: %w", step.name, err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", step.version)); err != nil {
		return false, fmt.Errorf("store: migration %s: %w", step.name, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("store: migration %s: %w", step.name, err)
	}
	return false, nil
}
