package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
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
// Its messages are in creation order: a message's parent (ParentUID, empty
// for a first message) comes before it, which also rules out cycles.
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
	if err := validateBundleProject(i, b.Project); err != nil {
		return err
	}
	if err := validateBundleTools(i, b.Tools); err != nil {
		return err
	}
	seen := make(map[string]bool, len(b.Messages))
	for j, m := range b.Messages {
		if strings.TrimSpace(m.UID) == "" {
			return invalid("bundle %d, message %d: no uid", i, j)
		}
		if seen[m.UID] {
			return invalid("bundle %d, message %d: uid %s appears twice", i, j, m.UID)
		}
		if m.ParentUID != "" && !seen[m.ParentUID] {
			return invalid("bundle %d, message %d: it follows %s, which is not an earlier message of the conversation", i, j, m.ParentUID)
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
		for k, d := range m.Documents {
			if len(d.Data) == 0 || d.Text == "" || d.Kind == "" || d.MIME == "" {
				return invalid("bundle %d, message %d, document %d: no data, text or type", i, j, k+1)
			}
		}
	}
	return nil
}

// Import adds conversations from bundles in one transaction: if any bundle
// is invalid or anything fails, nothing is written. It never replaces and
// never deletes: a conversation whose every message is already stored, as
// it is, in the conversation with its UID (live or in the trash) is skipped,
// so importing the same file twice adds nothing the second time; one that
// differs from what is stored under its UID, or whose messages' UIDs are
// taken, comes in as a copy with new UIDs, beside the one already there.
// Otherwise UIDs and times are kept; IDs are new. A bundle's project is
// reused when stored as it is under its UID, and added otherwise (see
// importProjects). An answer exported while
// streaming is imported as interrupted. Messages' images, each with its
// bytes (checked by the caller), are written with them.
func (s *Store) Import(ctx context.Context, bundles []Bundle) (ImportResult, error) {
	var result ImportResult
	for i, b := range bundles {
		if err := validateBundle(i, b); err != nil {
			return result, err
		}
	}
	if err := checkImportProjects(bundles); err != nil {
		return result, err
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		result = ImportResult{}
		projects := &importProjects{s: s, resolved: map[string]int64{}}
		for i, b := range bundles {
			outcome, err := s.importBundle(ctx, tx, b, projects)
			if err != nil {
				return fmt.Errorf("bundle %d (%s): %w", i, b.Conversation.UID, err)
			}
			switch outcome {
			case importSkipped:
				result.Skipped++
				continue
			case importCopied:
				result.Copied++
			}
			result.Imported++
			result.Messages += len(b.Messages)
		}
		return nil
	})
	if err != nil {
		return ImportResult{}, fmt.Errorf("store: import: %w", err)
	}
	return result, nil
}

type importOutcome int

const (
	importAdded importOutcome = iota
	importCopied
	importSkipped
)

func (s *Store) importBundle(ctx context.Context, tx *sql.Tx, b Bundle, projects *importProjects) (importOutcome, error) {
	c := b.Conversation
	outcome := importAdded
	var existing int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM conversations WHERE uid = ?`, c.UID).Scan(&existing)
	switch {
	case err == nil:
		stored, err := alreadyStored(ctx, tx, existing, b.Messages)
		if err != nil || stored {
			return importSkipped, err
		}
		outcome = importCopied
	case !errors.Is(err, sql.ErrNoRows):
		return 0, err
	default:
		taken, err := uidsTaken(ctx, tx, b.Messages)
		if err != nil {
			return 0, err
		}
		if taken {
			outcome = importCopied
		}
	}
	msgs := b.Messages
	if outcome == importCopied {
		c.UID = uuid.NewString()
		msgs = withNewUIDs(msgs)
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
		return 0, err
	}
	// Database IDs of another database mean nothing here: the project
	// comes by its UID, and the assistant only by the name it had.
	if c.ProjectID, err = projects.id(ctx, tx, b.Project); err != nil {
		return 0, err
	}
	c.AssistantID = 0
	c.Title = strings.TrimSpace(c.Title)
	if err := insertConversation(ctx, tx, &c, params); err != nil {
		return 0, err
	}
	if err := importBundleTools(ctx, tx, c.ID, b.Tools); err != nil {
		return 0, err
	}
	stmt, err := tx.PrepareContext(ctx, insertMessageSQL)
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	ids := make(map[string]int64, len(msgs))
	for _, m := range msgs {
		m.ConversationID, m.ParentID = c.ID, ids[m.ParentUID]
		if m.State == StateStreaming {
			m.State = StateInterrupted
			if m.Error == "" {
				m.Error = interruptedError()
			}
		}
		if m.CreatedAt == 0 {
			m.CreatedAt = c.CreatedAt
		}
		if m.UpdatedAt == 0 {
			m.UpdatedAt = m.CreatedAt
		}
		if m.ShownAt == 0 {
			m.ShownAt = m.CreatedAt
		}
		if err := stmt.QueryRowContext(ctx, insertMessageArgs(&m)...).Scan(&m.ID); err != nil {
			return 0, fmt.Errorf("message %s: %w", m.UID, err)
		}
		ids[m.UID] = m.ID
		if len(m.ToolCalls) > 0 {
			if err := writeToolRows(ctx, tx, toolParent{m.ID, m.ConversationID, m.UID}, m.ToolCalls, m.UpdatedAt); err != nil {
				return 0, fmt.Errorf("message %s: %w", m.UID, err)
			}
		}
		if err := insertImages(ctx, tx, m.ID, m.Images); err != nil {
			return 0, fmt.Errorf("message %s: %w", m.UID, err)
		}
		if err := insertDocuments(ctx, tx, m.ID, m.Documents); err != nil {
			return 0, fmt.Errorf("message %s: %w", m.UID, err)
		}
	}
	return outcome, nil
}

// alreadyStored reports whether every message of msgs is stored, with the
// same role, text and reasoning, in conversation id: importing them would
// add nothing.
func alreadyStored(ctx context.Context, tx *sql.Tx, id int64, msgs []Message) (bool, error) {
	for _, m := range msgs {
		var same bool
		err := tx.QueryRowContext(ctx, `SELECT role = ? AND content = ? AND reasoning = ? FROM messages
			WHERE uid = ? AND conversation_id = ?`, m.Role, m.Content, m.Reasoning, m.UID, id).Scan(&same)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !same) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
	}
	return true, nil
}

// uidsTaken reports whether any message of msgs has a UID already stored.
func uidsTaken(ctx context.Context, tx *sql.Tx, msgs []Message) (bool, error) {
	for _, m := range msgs {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM messages WHERE uid = ?`, m.UID).Scan(&one)
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return false, err
		}
	}
	return false, nil
}

// withNewUIDs returns a copy of msgs with new UIDs, their parents following.
func withNewUIDs(msgs []Message) []Message {
	renamed := make(map[string]string, len(msgs))
	out := make([]Message, len(msgs))
	for i, m := range msgs {
		renamed[m.UID] = uuid.NewString()
		m.UID = renamed[m.UID]
		if m.ParentUID != "" {
			m.ParentUID = renamed[m.ParentUID]
		}
		out[i] = m
	}
	return out
}
