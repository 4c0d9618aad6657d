package store

import (
	"context"
	"database/sql"
	"errors"
)

// ImportStatus says what [Store.Import] would do with one bundle.
type ImportStatus string

const (
	// ImportNew is a conversation Brook does not have: it is added.
	ImportNew ImportStatus = "new"
	// ImportStored is a conversation already stored as it is: it is skipped.
	ImportStored ImportStatus = "stored"
	// ImportChanged is a conversation stored under the same UID with other
	// content: it comes in as a copy beside the one already there.
	ImportChanged ImportStatus = "changed"
)

// ImportStatuses reports, reading only, what [Store.Import] would do with
// each of bundles as the database is now, in one consistent snapshot. It
// applies the same test as Import (the conversation's UID, then every
// message's UID, role, text and reasoning), so a bundle reported stored is
// one Import skips.
func (s *Store) ImportStatuses(ctx context.Context, bundles []Bundle) ([]ImportStatus, error) {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	out := make([]ImportStatus, len(bundles))
	for i, b := range bundles {
		var existing int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM conversations WHERE uid = ?`, b.Conversation.UID).Scan(&existing)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			out[i] = ImportNew
		case err != nil:
			return nil, err
		default:
			stored, err := alreadyStored(ctx, tx, existing, b.Messages)
			if err != nil {
				return nil, err
			}
			out[i] = ImportChanged
			if stored {
				out[i] = ImportStored
			}
		}
	}
	return out, nil
}
