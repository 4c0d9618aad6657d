package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"brook/backend/guard"

	"github.com/google/uuid"
)

// Assistant is a saved chat set-up: instructions, endpoint, model and
// params a new conversation starts with, and what it says first. Times are
// Unix milliseconds.
type Assistant struct {
	ID           int64  `json:"id"`
	UID          string `json:"uid"`
	Name         string `json:"name"`
	Instructions string `json:"instructions,omitempty"`
	EndpointID   string `json:"endpointId,omitempty"`
	Model        string `json:"model,omitempty"`
	// Params are the generation parameters; Params.Think is the thinking level.
	Params Params `json:"params"`
	// FirstMessage, when not empty, opens every conversation started from
	// the assistant, as the assistant's message.
	FirstMessage string `json:"firstMessage,omitempty"`
	CreatedAt    int64  `json:"createdAt"`
	UpdatedAt    int64  `json:"updatedAt"`
}

// copySuffix marks the name of a duplicated assistant.
const copySuffix = " (copy)"

// validateAssistant checks a and returns it with its name trimmed and its
// params encoded.
func validateAssistant(a Assistant) (Assistant, string, error) {
	name, err := cleanName("assistant", a.Name)
	if err != nil {
		return a, "", err
	}
	a.Name = name
	if err := guard.SystemPrompt(a.Instructions); err != nil {
		return a, "", refuseWith("Store.assistantInstructions", err)
	}
	if err := guard.SystemPrompt(a.FirstMessage); err != nil {
		return a, "", refuseWith("Store.assistantFirstMessage", err)
	}
	params, err := encodeParams(a.Params)
	return a, params, err
}

const assistantColumns = `id, uid, name, instructions, endpoint_id, model, params, first_message, created_at, updated_at`

func scanAssistant(row rowScanner) (Assistant, error) {
	var a Assistant
	var params string
	err := row.Scan(&a.ID, &a.UID, &a.Name, &a.Instructions, &a.EndpointID, &a.Model, &params,
		&a.FirstMessage, &a.CreatedAt, &a.UpdatedAt)
	if err != nil {
		return a, err
	}
	if err := json.Unmarshal([]byte(params), &a.Params); err != nil {
		return a, fmt.Errorf("store: assistant %d: params: %w", a.ID, err)
	}
	return a, nil
}

// CreateAssistant adds an assistant and returns it with its ID, times and
// (when a.UID is empty) a new UID. Names need not be unique.
func (s *Store) CreateAssistant(ctx context.Context, a Assistant) (Assistant, error) {
	a, params, err := validateAssistant(a)
	if err != nil {
		return Assistant{}, err
	}
	if a.UID == "" {
		a.UID = uuid.NewString()
	}
	now := s.now()
	a.CreatedAt, a.UpdatedAt = now, now
	err = s.write.QueryRowContext(ctx, `INSERT INTO assistants
		(uid, name, instructions, endpoint_id, model, params, first_message, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		a.UID, a.Name, a.Instructions, a.EndpointID, a.Model, params, a.FirstMessage, now, now).Scan(&a.ID)
	if err != nil {
		return Assistant{}, fmt.Errorf("store: create assistant: %w", err)
	}
	return a, nil
}

// SaveAsAssistant creates an assistant named name from a live
// conversation's current settings ("Save as assistant"): its system
// prompt becomes the instructions, and its endpoint, model and params are
// taken as they are.
func (s *Store) SaveAsAssistant(ctx context.Context, conversationID int64, name string) (Assistant, error) {
	c, err := s.GetConversation(ctx, conversationID)
	if err != nil {
		return Assistant{}, err
	}
	return s.CreateAssistant(ctx, Assistant{Name: name, Instructions: c.SystemPrompt,
		EndpointID: c.EndpointID, Model: c.Model, Params: c.Params})
}

// GetAssistant returns a live assistant, or [ErrNotFound].
func (s *Store) GetAssistant(ctx context.Context, id int64) (Assistant, error) {
	return getAssistant(ctx, s.read, id)
}

func getAssistant(ctx context.Context, q queryRower, id int64) (Assistant, error) {
	a, err := scanAssistant(q.QueryRowContext(ctx,
		`SELECT `+assistantColumns+` FROM assistants WHERE id = ? AND deleted_at IS NULL`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Assistant{}, fmt.Errorf("store: assistant %d: %w", id, ErrNotFound)
	}
	return a, err
}

// ListAssistants returns the live assistants by name, then oldest first
// among equal names.
func (s *Store) ListAssistants(ctx context.Context) ([]Assistant, error) {
	rows, err := s.read.QueryContext(ctx,
		`SELECT `+assistantColumns+` FROM assistants WHERE deleted_at IS NULL ORDER BY lower(name), id`)
	return collect(rows, err, scanAssistant)
}

// UpdateAssistant sets everything of the live assistant a.ID but its UID
// and creation time, and returns it as stored. Conversations started from
// it keep what they took, and the name it had then.
func (s *Store) UpdateAssistant(ctx context.Context, a Assistant) (Assistant, error) {
	a, params, err := validateAssistant(a)
	if err != nil {
		return Assistant{}, err
	}
	stored, err := scanAssistant(s.write.QueryRowContext(ctx, `UPDATE assistants
		SET name = ?, instructions = ?, endpoint_id = ?, model = ?, params = ?, first_message = ?, updated_at = ?
		WHERE id = ? AND deleted_at IS NULL RETURNING `+assistantColumns,
		a.Name, a.Instructions, a.EndpointID, a.Model, params, a.FirstMessage, s.now(), a.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return Assistant{}, fmt.Errorf("store: assistant %d: %w", a.ID, ErrNotFound)
	}
	return stored, err
}

// DuplicateAssistant adds a copy of a live assistant, named as it with
// " (copy)" after (shortened to fit [MaxNameRunes]), with a new UID.
func (s *Store) DuplicateAssistant(ctx context.Context, id int64) (Assistant, error) {
	a, err := s.GetAssistant(ctx, id)
	if err != nil {
		return Assistant{}, err
	}
	name := []rune(a.Name)
	a.Name = string(name[:min(len(name), MaxNameRunes-len([]rune(copySuffix)))]) + copySuffix
	a.ID, a.UID = 0, ""
	return s.CreateAssistant(ctx, a)
}

// DeleteAssistant deletes an assistant softly: it leaves the list until
// [Store.RestoreAssistant] brings it back or [Store.PurgeDeleted] removes
// it. Conversations started from it keep its name.
func (s *Store) DeleteAssistant(ctx context.Context, id int64) error {
	res, err := s.write.ExecContext(ctx, `UPDATE assistants SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL`, s.now(), id)
	return requireOneRow(res, err, "assistant", id)
}

// RestoreAssistant undoes [Store.DeleteAssistant].
func (s *Store) RestoreAssistant(ctx context.Context, id int64) error {
	res, err := s.write.ExecContext(ctx, `UPDATE assistants SET deleted_at = NULL WHERE id = ? AND deleted_at IS NOT NULL`, id)
	return requireOneRow(res, err, "deleted assistant", id)
}

// StartFromAssistant creates a conversation from a live assistant, in the
// live project projectID (0: outside any project), in one transaction. The
// conversation takes the assistant's instructions as its system prompt,
// and its endpoint and model, and params, each falling back to the
// project's when the assistant has none; it records the assistant's ID and
// its name as it is now; the assistant's first message, if any, opens it.
func (s *Store) StartFromAssistant(ctx context.Context, assistantID, projectID int64) (Conversation, error) {
	var c Conversation
	err := s.tx(ctx, func(tx *sql.Tx) error {
		a, err := getAssistant(ctx, tx, assistantID)
		if err != nil {
			return err
		}
		c = Conversation{Title: defaultTitle(), TitleIsAuto: true, UID: uuid.NewString(), ProjectID: projectID,
			AssistantID: a.ID, AssistantName: a.Name, SystemPrompt: a.Instructions,
			EndpointID: a.EndpointID, Model: a.Model, Params: a.Params}
		if projectID != 0 {
			p, err := scanProject(tx.QueryRowContext(ctx,
				`SELECT `+projectColumns+` FROM projects WHERE id = ? AND deleted_at IS NULL`, projectID))
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("store: project %d: %w", projectID, ErrNotFound)
			}
			if err != nil {
				return err
			}
			if c.Model == "" {
				c.EndpointID, c.Model = p.EndpointID, p.Model
			}
			if c.Params == (Params{}) {
				c.Params = p.Params
			}
		}
		params, err := encodeParams(c.Params)
		if err != nil {
			return err
		}
		c.CreatedAt = s.now()
		c.UpdatedAt = c.CreatedAt
		if err := insertConversation(ctx, tx, &c, params); err != nil {
			return err
		}
		if a.FirstMessage == "" {
			return nil
		}
		first := Message{ConversationID: c.ID, Role: RoleAssistant, Content: a.FirstMessage}
		if err := s.insertNew(ctx, tx, &first); err != nil {
			return err
		}
		c.UpdatedAt = first.CreatedAt
		return nil
	})
	if err != nil {
		return Conversation{}, fmt.Errorf("store: start from assistant: %w", err)
	}
	return c, nil
}
