package store

import (
	"brook/backend/contextwindow"
	"brook/backend/i18n"
	"brook/backend/provider"

	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/google/uuid"
)

// DefaultTitle is the title of a conversation created without one, in
// English; it stays automatic, so [Store.SetAutoTitle] can replace it. A
// conversation gets it in the language current then ([IsDefaultTitle]).
const DefaultTitle = "New conversation"

// ListOptions selects a page of [Store.ListConversations].
type ListOptions struct {
	// Archived lists the archived conversations instead of the others.
	Archived bool
	// Limit is the page size; zero or less means no limit.
	Limit  int
	Offset int
}

const conversationColumns = `id, uid, title, title_is_auto, created_at, updated_at, pinned, archived,
	endpoint_id, model, system_prompt, params, draft, context_choice,
	coalesce(project_id, 0), coalesce(assistant_id, 0), assistant_name`

type rowScanner interface{ Scan(dest ...any) error }

// collect reads every row a query returned with scan and closes them; no
// rows is an empty list, not nil.
func collect[T any](rows *sql.Rows, err error, scan func(rowScanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	return list, rows.Err()
}

func scanConversation(row rowScanner) (Conversation, error) {
	var c Conversation
	var params string
	err := row.Scan(&c.ID, &c.UID, &c.Title, &c.TitleIsAuto, &c.CreatedAt, &c.UpdatedAt,
		&c.Pinned, &c.Archived, &c.EndpointID, &c.Model, &c.SystemPrompt, &params, &c.Draft, &c.ContextChoice,
		&c.ProjectID, &c.AssistantID, &c.AssistantName)
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(params), &c.Params); err != nil {
		return c, fmt.Errorf("store: conversation %d: params: %w", c.ID, err)
	}
	return c, nil
}

func validateParams(p Params) error {
	if p.Temperature != nil && (math.IsNaN(*p.Temperature) || math.IsInf(*p.Temperature, 0) || *p.Temperature < 0) {
		return refuseIn("Store.badTemperature", i18n.Args{"Value": *p.Temperature})
	}
	if p.ContextLength < 0 || p.MaxTokens < 0 {
		return refuseIn("Store.negativeLength", nil)
	}
	if !provider.ValidThink(p.Think) {
		return refuseIn("Store.badThinking", i18n.Args{"Value": clipText(p.Think)})
	}
	return nil
}

func encodeParams(p Params) (string, error) {
	if err := validateParams(p); err != nil {
		return "", err
	}
	b, err := json.Marshal(p)
	return string(b), err
}

// defaultTitle is [DefaultTitle] in the language current now.
func defaultTitle() string { return i18n.T("Store.newConversation", nil) }

// IsDefaultTitle says whether title is [DefaultTitle] in any language Brook
// speaks: a conversation keeps the words of the language current when it
// was created.
func IsDefaultTitle(title string) bool { return i18n.Said("Store.newConversation", title) }

// CreateConversation adds a conversation and returns it with its ID, times
// and (when c.UID is empty) a new UID. An empty title becomes [DefaultTitle]
// with TitleIsAuto set. Pinned, Archived and Draft are kept as given.
func (s *Store) CreateConversation(ctx context.Context, c Conversation) (Conversation, error) {
	c.Title = strings.TrimSpace(c.Title)
	if c.Title == "" {
		c.Title, c.TitleIsAuto = defaultTitle(), true
	}
	if c.UID == "" {
		c.UID = uuid.NewString()
	}
	params, err := encodeParams(c.Params)
	if err != nil {
		return Conversation{}, err
	}
	now := s.now()
	c.CreatedAt, c.UpdatedAt = now, now
	err = s.tx(ctx, func(tx *sql.Tx) error {
		// A chat never lands in a deleted project, where no list shows it.
		if c.ProjectID != 0 {
			if err := requireLiveProject(ctx, tx, c.ProjectID); err != nil {
				return err
			}
		}
		return insertConversation(ctx, tx, &c, params)
	})
	if err != nil {
		return Conversation{}, fmt.Errorf("store: create conversation: %w", err)
	}
	return c, nil
}

type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func insertConversation(ctx context.Context, q queryRower, c *Conversation, params string) error {
	return q.QueryRowContext(ctx, `INSERT INTO conversations
		(uid, title, title_is_auto, created_at, updated_at, pinned, archived, endpoint_id, model, system_prompt, params, draft, context_choice,
		 project_id, assistant_id, assistant_name)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.UID, c.Title, c.TitleIsAuto, c.CreatedAt, c.UpdatedAt, c.Pinned, c.Archived,
		c.EndpointID, c.Model, c.SystemPrompt, params, c.Draft, c.ContextChoice,
		nullID(c.ProjectID), nullID(c.AssistantID), c.AssistantName).Scan(&c.ID)
}

// GetConversation returns a conversation, or [ErrNotFound] if it does not
// exist or is deleted.
func (s *Store) GetConversation(ctx context.Context, id int64) (Conversation, error) {
	c, err := scanConversation(s.read.QueryRowContext(ctx,
		`SELECT `+conversationColumns+` FROM conversations WHERE id = ? AND deleted_at IS NULL`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Conversation{}, fmt.Errorf("store: conversation %d: %w", id, ErrNotFound)
	}
	return c, err
}

// ListConversations returns live (not deleted) conversations, archived or
// not as opts says, pinned first and then the most recently updated first.
func (s *Store) ListConversations(ctx context.Context, opts ListOptions) ([]Conversation, error) {
	limit := opts.Limit
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+conversationColumns+` FROM conversations
		WHERE deleted_at IS NULL AND archived = ?
		ORDER BY pinned DESC, updated_at DESC, id DESC
		LIMIT ? OFFSET ?`, opts.Archived, limit, max(opts.Offset, 0))
	return collect(rows, err, scanConversation)
}

// updateConversation sets columns of a live conversation.
func (s *Store) updateConversation(ctx context.Context, id int64, set string, args ...any) error {
	res, err := s.write.ExecContext(ctx,
		`UPDATE conversations SET `+set+` WHERE id = ? AND deleted_at IS NULL`, append(args, id)...)
	return requireOneRow(res, err, "conversation", id)
}

// RenameConversation gives a conversation a title chosen by the user; it is
// then never replaced by an automatic title.
func (s *Store) RenameConversation(ctx context.Context, id int64, title string) error {
	title = strings.TrimSpace(title)
	if title == "" {
		return refuseIn("Store.titleEmpty", nil)
	}
	return s.updateConversation(ctx, id, "title = ?, title_is_auto = 0", title)
}

// SetAutoTitle sets a generated title, but only while the title is still
// automatic: if the user has renamed the conversation meanwhile, it changes
// nothing and returns nil.
func (s *Store) SetAutoTitle(ctx context.Context, id int64, title string) error {
	title = strings.TrimSpace(title)
	if title == "" {
		return refuseIn("Store.titleEmpty", nil)
	}
	res, err := s.write.ExecContext(ctx, `UPDATE conversations SET title = ?
		WHERE id = ? AND deleted_at IS NULL AND title_is_auto = 1`, title, id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	// Nothing changed: renamed by the user (fine), or no such conversation.
	_, err = s.GetConversation(ctx, id)
	return err
}

// ReplaceAutoTitle sets a generated title in place of expected, the
// automatic title it was made to replace, and reports whether it did. It
// changes nothing, and reports false, when the user has renamed the
// conversation or its title is no longer expected: a compare-and-set, so a
// rename that lands while the title is being generated always wins.
func (s *Store) ReplaceAutoTitle(ctx context.Context, id int64, expected, title string) (bool, error) {
	title = strings.TrimSpace(title)
	if title == "" {
		return false, refuseIn("Store.titleEmpty", nil)
	}
	res, err := s.write.ExecContext(ctx, `UPDATE conversations SET title = ?
		WHERE id = ? AND deleted_at IS NULL AND title_is_auto = 1 AND title = ?`, title, id, expected)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SetPinned pins or unpins a conversation.
func (s *Store) SetPinned(ctx context.Context, id int64, pinned bool) error {
	return s.updateConversation(ctx, id, "pinned = ?", pinned)
}

// SetArchived archives or unarchives a conversation.
func (s *Store) SetArchived(ctx context.Context, id int64, archived bool) error {
	return s.updateConversation(ctx, id, "archived = ?", archived)
}

// SetConversationModel chooses the endpoint and model of a conversation.
func (s *Store) SetConversationModel(ctx context.Context, id int64, endpointID, model string) error {
	return s.updateConversation(ctx, id, "endpoint_id = ?, model = ?", endpointID, model)
}

// SetSystemPrompt sets the system prompt of a conversation.
func (s *Store) SetSystemPrompt(ctx context.Context, id int64, prompt string) error {
	return s.updateConversation(ctx, id, "system_prompt = ?", prompt)
}

// SetParams sets the generation parameters of a conversation.
func (s *Store) SetParams(ctx context.Context, id int64, params Params) error {
	encoded, err := encodeParams(params)
	if err != nil {
		return err
	}
	return s.updateConversation(ctx, id, "params = ?", encoded)
}

// SetContextChoice remembers what the conversation does when it no longer
// fits its model's context window: one of contextwindow.Choice's values.
func (s *Store) SetContextChoice(ctx context.Context, id int64, choice string) error {
	if !contextwindow.Choice(choice).Valid() {
		return invalid("%q is not a context window choice", choice)
	}
	return s.updateConversation(ctx, id, "context_choice = ?", choice)
}

// SaveDraft keeps the unsent text of a conversation's input box.
func (s *Store) SaveDraft(ctx context.Context, id int64, draft string) error {
	return s.updateConversation(ctx, id, "draft = ?", draft)
}

// DeleteConversation deletes a conversation softly: it disappears from
// lists, search and [Store.GetConversation] until [Store.RestoreConversation]
// brings it back or [Store.PurgeDeleted] removes it for good.
func (s *Store) DeleteConversation(ctx context.Context, id int64) error {
	return s.updateConversation(ctx, id, "deleted_at = ?", s.now())
}

// RestoreConversation undoes [Store.DeleteConversation]. A conversation
// whose project has been deleted meanwhile comes back outside any project,
// where the sidebar shows it.
func (s *Store) RestoreConversation(ctx context.Context, id int64) error {
	res, err := s.write.ExecContext(ctx,
		`UPDATE conversations SET deleted_at = NULL,
			project_id = (SELECT p.id FROM projects p WHERE p.id = conversations.project_id AND p.deleted_at IS NULL)
		WHERE id = ? AND deleted_at IS NOT NULL`, id)
	return requireOneRow(res, err, "deleted conversation", id)
}

// PurgeDeleted removes for good the conversations deleted at least
// olderThan ago, with their messages, and the projects and assistants
// deleted as long ago, in one transaction, and returns how many
// conversations it removed. Chats that name a purged assistant keep its
// name.
func (s *Store) PurgeDeleted(ctx context.Context, olderThan time.Duration) (int, error) {
	if olderThan < 0 {
		return 0, invalid("olderThan must not be negative")
	}
	cutoff := s.now() - olderThan.Milliseconds()
	var n int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM conversations WHERE deleted_at IS NOT NULL AND deleted_at <= ?`, cutoff)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		for _, table := range []string{"projects", "assistants"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE deleted_at IS NOT NULL AND deleted_at <= ?`, cutoff); err != nil {
				return err
			}
		}
		return nil
	})
	return int(n), err
}
