package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Bundles returns the given conversations with all their messages, in the
// order of ids, for export. Nil ids means every live conversation, newest
// first. An unknown or deleted id is [ErrNotFound]. All bundles are read in
// one transaction, so they are a consistent snapshot; that transaction keeps
// the write-ahead log from being checkpointed and every bundle is in memory
// at once, so this is for a few conversations. Exports of many stream them
// with [Store.ListExport] and [ExportList.Bundles].
func (s *Store) Bundles(ctx context.Context, ids []int64) ([]Bundle, error) {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	if ids == nil {
		rows, err := tx.QueryContext(ctx,
			`SELECT id FROM conversations WHERE deleted_at IS NULL ORDER BY updated_at DESC, id DESC`)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}

	bundles := make([]Bundle, 0, len(ids))
	for _, id := range ids {
		b, err := s.bundleIn(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		bundles = append(bundles, b)
	}
	return bundles, nil
}

// validateBundle checks a bundle before anything of an import is written.
func validateBundle(i int, b Bundle) error {
	c := b.Conversation
	if strings.TrimSpace(c.UID) == "" {
		return invalid("bundle %d: conversation has no uid", i)
	}
	if strings.TrimSpace(c.Title) == "" {
		return invalid("bundle %d: conversation has no title", i)
	}
	if err := validateParams(c.Params); err != nil {
		return fmt.Errorf("bundle %d: %w", i, err)
	}
	seen := make(map[string]bool, len(b.Messages))
	for j, m := range b.Messages {
		if strings.TrimSpace(m.UID) == "" {
			return invalid("bundle %d, message %d: no uid", i, j)
		}
		if seen[m.UID] {
			return invalid("bundle %d, message %d: uid %s appears twice", i, j, m.UID)
		}
		seen[m.UID] = true
		if m.State == StateStreaming {
			m.State = StateInterrupted // as Import stores it
		}
		if err := validateMessage(m); err != nil {
			return fmt.Errorf("bundle %d, message %d: %w", i, j, err)
		}
		for k, img := range m.Images {
			if len(img.Data) == 0 || img.MIME == "" {
				return invalid("bundle %d, message %d, image %d: no data or type", i, j, k+1)
			}
		}
	}
	return nil
}

// Import adds conversations from bundles in one transaction: if any bundle
// is invalid or anything fails, nothing is written. A conversation whose UID
// is already in the database is skipped, so importing the same file twice
// adds nothing the second time; if that conversation is in the trash
// (deleted, not yet purged) it is replaced by the imported one. Conversation
// and message UIDs and times are kept, IDs are new. An answer exported while
// streaming is imported as interrupted. Messages' images, each with its bytes
// (checked by the caller), are written with them.
func (s *Store) Import(ctx context.Context, bundles []Bundle) (ImportResult, error) {
	var result ImportResult
	for i, b := range bundles {
		if err := validateBundle(i, b); err != nil {
			return result, err
		}
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		result = ImportResult{}
		for i, b := range bundles {
			added, err := s.importBundle(ctx, tx, b)
			if err != nil {
				return fmt.Errorf("bundle %d (%s): %w", i, b.Conversation.UID, err)
			}
			if added {
				result.Imported++
				result.Messages += len(b.Messages)
			} else {
				result.Skipped++
			}
		}
		return nil
	})
	if err != nil {
		return ImportResult{}, fmt.Errorf("store: import: %w", err)
	}
	return result, nil
}

func (s *Store) importBundle(ctx context.Context, tx *sql.Tx, b Bundle) (added bool, err error) {
	c := b.Conversation
	var existing int64
	var deletedAt sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT id, deleted_at FROM conversations WHERE uid = ?`, c.UID).
		Scan(&existing, &deletedAt)
	switch {
	case err == nil && !deletedAt.Valid:
		return false, nil
	case err == nil:
		if _, err := tx.ExecContext(ctx, `DELETE FROM conversations WHERE id = ?`, existing); err != nil {
			return false, err
		}
	case !errors.Is(err, sql.ErrNoRows):
		return false, err
	}

	now := s.now()
	if c.CreatedAt == 0 {
		c.CreatedAt = now
	}
	if c.UpdatedAt == 0 {
		c.UpdatedAt = c.CreatedAt
	}
	params, err := encodeParams(c.Params)
	if err != nil {
		return false, err
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO conversations
		(uid, title, title_is_auto, created_at, updated_at, pinned, archived, endpoint_id, model, system_prompt, params, draft)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.UID, strings.TrimSpace(c.Title), c.TitleIsAuto, c.CreatedAt, c.UpdatedAt, c.Pinned, c.Archived,
		c.EndpointID, c.Model, c.SystemPrompt, params, c.Draft).Scan(&id)
	if err != nil {
		return false, err
	}
	stmt, err := tx.PrepareContext(ctx, insertMessageSQL)
	if err != nil {
		return false, err
	}
	defer stmt.Close()
	for _, m := range b.Messages {
		m.ConversationID = id
		if m.State == StateStreaming {
			m.State = StateInterrupted
			if m.Error == "" {
				m.Error = interruptedError
			}
		}
		if m.CreatedAt == 0 {
			m.CreatedAt = c.CreatedAt
		}
		if m.UpdatedAt == 0 {
			m.UpdatedAt = m.CreatedAt
		}
		if err := stmt.QueryRowContext(ctx, insertMessageArgs(&m)...).Scan(&m.ID); err != nil {
			return false, fmt.Errorf("message %s: %w", m.UID, err)
		}
		if err := insertImages(ctx, tx, m.ID, m.Images); err != nil {
			return false, fmt.Errorf("message %s: %w", m.UID, err)
		}
	}
	return true, nil
}
