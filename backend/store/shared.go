package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
)

// startUp is what the window's [Open] does first: migrate to the latest
// schema, then recover the answers a previous run left streaming.
func startUp(ctx context.Context, s *Store) error {
	if err := migrate(ctx, s.write, latestVersion()); err != nil {
		return err
	}
	return s.recoverStreaming(ctx)
}

// SharedOptions say what [OpenShared] may do to the database.
type SharedOptions struct {
	// Migrate lets an older database be brought up to this build's schema.
	// Set it only when no Brook window has the database open: an older
	// window would go on writing the old schema into it.
	Migrate bool
	// Create makes a new database when there is none (it needs Migrate).
	Create bool
}

// ErrOlderSchema is returned (wrapped) by [OpenShared] for a database older
// than this build when it may not migrate it.
var ErrOlderSchema = errors.New("the database is from an older version of Brook")

// ErrNewerSchema is returned (wrapped) by [OpenShared] for a database newer
// than this build.
var ErrNewerSchema = errors.New("the database is from a newer version of Brook")

// ErrNoDatabase is returned (wrapped) by [OpenShared] when there is no
// database at the path and it may not create one.
var ErrNoDatabase = errors.New("there is no Brook database there")

// OpenShared opens the database at path for the brook command, beside a
// Brook window that may have it open. Unlike [Open] it runs no start-up
// recovery (the window may be streaming the very answer recovery would mark
// interrupted), migrates only as opts allows, and never moves a damaged
// database aside (it says so, and the window deals with it at its next
// start). Reads see the last commit, as the window's own reads do (WAL);
// writes wait for SQLite's lock like the window's, one transaction each.
func OpenShared(path string, opts SharedOptions) (*Store, error) {
	if path == "" || strings.Contains(path, "?") {
		return nil, fmt.Errorf("store: %w: database path %q must be non-empty and contain no '?'", ErrInvalid, path)
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) && !opts.Create {
		return nil, fmt.Errorf("store: %s: %w", path, ErrNoDatabase)
	}
	if err := checkHeader(path); err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s, err := openWith(path, func(ctx context.Context, s *Store) error {
		var version int
		if err := s.write.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
			return err
		}
		switch latest := latestVersion(); {
		case version > latest:
			return fmt.Errorf("%w (schema %d; this one understands up to %d)", ErrNewerSchema, version, latest)
		case version < latest && !opts.Migrate:
			return fmt.Errorf("%w (schema %d; this one uses %d)", ErrOlderSchema, version, latest)
		case version < latest:
			return migrate(ctx, s.write, latest)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return s, nil
}
