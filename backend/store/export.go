package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
)

// ExportEntry names one conversation of an export: its ID and title.
type ExportEntry struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
}

// ExportList is the list of conversations to export, read up front in one
// short transaction: a file's name and table of contents can be written
// from it before any conversation is read, and it fixes the order of the
// file. [ExportList.Bundles] then reads the conversations one at a time.
type ExportList struct {
	// Entries are the conversations in the order of the file.
	Entries []ExportEntry

	s *Store
	// all is set when every live conversation was asked for; one deleted
	// after the list was read is then left out instead of failing the export.
	all bool
}

// ListExport lists the conversations to export: the given ids in their
// order, or with nil ids every live conversation, newest first (the order of
// [Store.Bundles]). An unknown or deleted id is [ErrNotFound]. The list holds
// IDs and titles only; it costs tens of bytes per conversation.
func (s *Store) ListExport(ctx context.Context, ids []int64) (*ExportList, error) {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	list := &ExportList{s: s, all: ids == nil}
	if ids == nil {
		rows, err := tx.QueryContext(ctx,
			`SELECT id, title FROM conversations WHERE deleted_at IS NULL ORDER BY updated_at DESC, id DESC`)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var e ExportEntry
			if err := rows.Scan(&e.ID, &e.Title); err != nil {
				return nil, err
			}
			list.Entries = append(list.Entries, e)
		}
		return list, rows.Err()
	}
	list.Entries = make([]ExportEntry, 0, len(ids))
	for _, id := range ids {
		e := ExportEntry{ID: id}
		err := tx.QueryRowContext(ctx, `SELECT title FROM conversations WHERE id = ? AND deleted_at IS NULL`, id).Scan(&e.Title)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("store: conversation %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return nil, err
		}
		list.Entries = append(list.Entries, e)
	}
	return list, nil
}

// Bundles returns an iterator over the bundles of the listed conversations,
// in the list's order, for streaming an export. Only one conversation is in
// memory at a time, and each is read in its own short read transaction, so
// however long the export takes, the write-ahead log can be checkpointed
// between two conversations and does not grow without bound while other
// writes go on. Each bundle is consistent in itself; the export as a whole
// is not one snapshot: a conversation is as it was when its turn came.
//
// A conversation deleted after the list was read is [ErrNotFound], which
// ends the iteration, unless the list is of every conversation (nil ids):
// then it is left out. The iteration also ends at the first other error, or
// when ctx is done.
func (l *ExportList) Bundles(ctx context.Context) iter.Seq2[Bundle, error] {
	return func(yield func(Bundle, error) bool) {
		carried := map[string]bool{} // projects whose knowledge files are written
		for _, e := range l.Entries {
			b, err := l.s.readBundle(ctx, e.ID)
			if errors.Is(err, ErrNotFound) && l.all {
				continue
			}
			if err == nil && b.Project != nil && !carried[b.Project.UID] {
				carried[b.Project.UID] = true
				b.Project.Knowledge, err = l.s.projectKnowledge(ctx, b.Conversation.ProjectID)
			}
			if err != nil {
				yield(Bundle{}, err)
				return
			}
			if !yield(b, nil) {
				return
			}
		}
	}
}

// readBundle reads one live conversation and its messages in one read
// transaction.
func (s *Store) readBundle(ctx context.Context, id int64) (Bundle, error) {
	if err := ctx.Err(); err != nil {
		return Bundle{}, err
	}
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return Bundle{}, err
	}
	defer tx.Rollback()
	return s.bundleIn(ctx, tx, id)
}

// bundleIn reads one live conversation and its messages, with their images'
// bytes, and its project, within tx.
func (s *Store) bundleIn(ctx context.Context, tx *sql.Tx, id int64) (Bundle, error) {
	c, err := scanConversation(tx.QueryRowContext(ctx,
		`SELECT `+conversationColumns+` FROM conversations WHERE id = ? AND deleted_at IS NULL`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Bundle{}, fmt.Errorf("store: conversation %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Bundle{}, err
	}
	// An export carries the images whole.
	messages, err := queryMessagesWith(ctx, tx, id, true)
	if err != nil {
		return Bundle{}, err
	}
	project, err := bundleProject(ctx, tx, c)
	if err != nil {
		return Bundle{}, err
	}
	tools, err := bundleTools(ctx, tx, id)
	if err != nil {
		return Bundle{}, err
	}
	return Bundle{Conversation: c, Messages: messages, Project: project, Tools: tools}, nil
}
