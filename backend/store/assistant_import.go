package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"brook/backend/i18n"
)

// AssistantImportResult says what [Store.ImportAssistants] did.
type AssistantImportResult struct {
	Imported int `json:"imported"` // assistants added, copies included
	Copied   int `json:"copied"`   // of those, how many came in with a new UID beside a different one
	Skipped  int `json:"skipped"`  // assistants already stored as they are
}

// MaxImportAssistants is the most assistants one import may bring: far
// more than anyone keeps, few enough that a hostile file cannot fill the
// New chat menu.
const MaxImportAssistants = 1000

// CheckAssistant says, with [ErrInvalid], what [Store.CreateAssistant]
// would refuse of a.
func CheckAssistant(a Assistant) error {
	_, _, err := validateAssistant(a)
	return err
}

// ImportAssistants adds assistants read from a file, in one transaction:
// if one is invalid or anything fails, nothing is written. A live
// assistant stored with the same UID and the same content is skipped, so
// importing a file twice adds nothing; one whose UID is held by a
// different (or deleted) assistant comes in as a copy with a new UID.
// Times are kept when given.
func (s *Store) ImportAssistants(ctx context.Context, list []Assistant) (AssistantImportResult, error) {
	if len(list) > MaxImportAssistants {
		return AssistantImportResult{}, refuseIn("Store.tooManyAssistants", i18n.Args{"Count": len(list), "Max": MaxImportAssistants})
	}
	for i, a := range list {
		if err := CheckAssistant(a); err != nil {
			return AssistantImportResult{}, fmt.Errorf("assistant %d: %w", i+1, err)
		}
		if a.UID == "" {
			return AssistantImportResult{}, invalid("assistant %d has no uid", i+1)
		}
	}
	var result AssistantImportResult
	err := s.tx(ctx, func(tx *sql.Tx) error {
		result = AssistantImportResult{}
		for _, a := range list {
			a, params, _ := validateAssistant(a) // checked above
			stored, err := scanAssistant(tx.QueryRowContext(ctx,
				`SELECT `+assistantColumns+` FROM assistants WHERE uid = ? AND deleted_at IS NULL`, a.UID))
			switch {
			case err == nil && sameAssistant(stored, a):
				result.Skipped++
				continue
			case err == nil:
				a.UID = uuid.NewString()
				result.Copied++
			case !errors.Is(err, sql.ErrNoRows):
				return err
			default:
				// A deleted assistant keeps its UID, for undo.
				var taken int
				if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM assistants WHERE uid = ?`, a.UID).Scan(&taken); err != nil {
					return err
				}
				if taken > 0 {
					a.UID = uuid.NewString()
					result.Copied++
				}
			}
			now := s.now()
			if a.CreatedAt <= 0 {
				a.CreatedAt = now
			}
			if a.UpdatedAt <= 0 {
				a.UpdatedAt = a.CreatedAt
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO assistants
				(uid, name, instructions, endpoint_id, model, params, first_message, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				a.UID, a.Name, a.Instructions, a.EndpointID, a.Model, params, a.FirstMessage, a.CreatedAt, a.UpdatedAt); err != nil {
				return fmt.Errorf("assistant %s: %w", a.UID, err)
			}
			result.Imported++
		}
		return nil
	})
	if err != nil {
		return AssistantImportResult{}, fmt.Errorf("store: import assistants: %w", err)
	}
	return result, nil
}

// sameAssistant reports whether stored holds what a does: importing a
// would add nothing.
func sameAssistant(stored, a Assistant) bool {
	return stored.Name == a.Name && stored.Instructions == a.Instructions && stored.EndpointID == a.EndpointID &&
		stored.Model == a.Model && stored.FirstMessage == a.FirstMessage && sameParams(stored.Params, a.Params)
}

// sameParams reports whether two sets of parameters are equal, temperature
// compared by value.
func sameParams(a, b Params) bool {
	sameTemp := (a.Temperature == nil) == (b.Temperature == nil) && (a.Temperature == nil || *a.Temperature == *b.Temperature)
	return sameTemp && a.ContextLength == b.ContextLength && a.MaxTokens == b.MaxTokens && a.Think == b.Think
}
