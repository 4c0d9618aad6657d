package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"brook/backend/guard"
	"brook/backend/i18n"

	"github.com/google/uuid"
)

// MaxNameRunes is the longest name, in characters, a project or an
// assistant may have.
const MaxNameRunes = 200

// maxEmojiRunes bounds a project's emoji: the longest emoji sequences
// (families joined with ZWJ, subdivision flags) are seven code points.
const maxEmojiRunes = 16

// Project groups conversations under shared instructions and defaults.
// Times are Unix milliseconds.
type Project struct {
	ID   int64  `json:"id"`
	UID  string `json:"uid"`
	Name string `json:"name"`
	// Colour is '#rrggbb' or empty; Emoji is one emoji or empty. Both are
	// optional marks for the sidebar.
	Colour string `json:"colour,omitempty"`
	Emoji  string `json:"emoji,omitempty"`
	// Instructions go to the model before every conversation's own system
	// prompt; see chat's request building.
	Instructions string `json:"instructions,omitempty"`
	// EndpointID, Model and Params are what a new conversation of the
	// project starts with; Params.Think is its thinking level.
	EndpointID string `json:"endpointId,omitempty"`
	Model      string `json:"model,omitempty"`
	Params     Params `json:"params"`
	SortOrder  int64  `json:"sortOrder"`
	CreatedAt  int64  `json:"createdAt"`
	UpdatedAt  int64  `json:"updatedAt"`
}

// ProjectChats says what deleting a project does with its conversations.
type ProjectChats int

const (
	// MoveChatsOut keeps the project's conversations, outside any project.
	MoveChatsOut ProjectChats = iota
	// TrashChats moves the project's conversations to the trash with it;
	// restoring the project brings them back.
	TrashChats
)

// ProjectDeletion says what [Store.DeleteProject] did, for its undo.
type ProjectDeletion struct {
	// Moved are the conversations moved out of the project: hand them to
	// [Store.RestoreProject] to put them back.
	Moved []int64 `json:"moved"`
	// Trashed is how many conversations went to the trash with the project.
	Trashed int `json:"trashed"`
}

var colourPattern = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// cleanName trims a project's or an assistant's name and checks it.
func cleanName(what, name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", refuseIn("Store."+what+"NameEmpty", nil)
	}
	if n := utf8.RuneCountInString(name); n > MaxNameRunes {
		return "", refuseIn("Store."+what+"NameTooLong", i18n.Args{"Count": n, "Max": MaxNameRunes})
	}
	return name, nil
}

// validateProject checks p and returns it with its name trimmed and its
// params encoded.
func validateProject(p Project) (Project, string, error) {
	name, err := cleanName("project", p.Name)
	if err != nil {
		return p, "", err
	}
	p.Name = name
	if p.Colour != "" && !colourPattern.MatchString(p.Colour) {
		return p, "", refuseIn("Store.badColour", i18n.Args{"Colour": clipText(p.Colour)})
	}
	if p.Emoji != "" && (utf8.RuneCountInString(p.Emoji) > maxEmojiRunes || strings.IndexFunc(p.Emoji, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}) >= 0) {
		return p, "", refuseIn("Store.badEmoji", i18n.Args{"Emoji": clipText(p.Emoji)})
	}
	if err := guard.SystemPrompt(p.Instructions); err != nil {
		return p, "", refuseWith("Store.projectInstructions", err)
	}
	params, err := encodeParams(p.Params)
	return p, params, err
}

const projectColumns = `id, uid, name, colour, emoji, instructions, endpoint_id, model, params,
	sort_order, created_at, updated_at`

func scanProject(row rowScanner) (Project, error) {
	var p Project
	var params string
	err := row.Scan(&p.ID, &p.UID, &p.Name, &p.Colour, &p.Emoji, &p.Instructions, &p.EndpointID, &p.Model,
		&params, &p.SortOrder, &p.CreatedAt, &p.UpdatedAt)
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(params), &p.Params); err != nil {
		return p, fmt.Errorf("store: project %d: %w", p.ID, err)
	}
	return p, nil
}

// CreateProject adds a project, last in the sidebar's order, and returns it
// with its ID, times and (when p.UID is empty) a new UID. Names need not be
// unique.
func (s *Store) CreateProject(ctx context.Context, p Project) (Project, error) {
	p, params, err := validateProject(p)
	if err != nil {
		return Project{}, err
	}
	if p.UID == "" {
		p.UID = uuid.NewString()
	}
	now := s.now()
	p.CreatedAt, p.UpdatedAt = now, now
	err = s.write.QueryRowContext(ctx, `INSERT INTO projects
		(uid, name, colour, emoji, instructions, endpoint_id, model, params, sort_order, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, (SELECT coalesce(max(sort_order), 0) + 1 FROM projects), ?, ?)
		RETURNING id, sort_order`,
		p.UID, p.Name, p.Colour, p.Emoji, p.Instructions, p.EndpointID, p.Model, params, now, now).Scan(&p.ID, &p.SortOrder)
	if err != nil {
		return Project{}, fmt.Errorf("store: create project: %w", err)
	}
	return p, nil
}

// GetProject returns a live project, or [ErrNotFound].
func (s *Store) GetProject(ctx context.Context, id int64) (Project, error) {
	p, err := scanProject(s.read.QueryRowContext(ctx,
		`SELECT `+projectColumns+` FROM projects WHERE id = ? AND deleted_at IS NULL`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Project{}, fmt.Errorf("store: project %d: %w", id, ErrNotFound)
	}
	return p, err
}

// ListProjects returns the live projects in the sidebar's order.
func (s *Store) ListProjects(ctx context.Context) ([]Project, error) {
	rows, err := s.read.QueryContext(ctx,
		`SELECT `+projectColumns+` FROM projects WHERE deleted_at IS NULL ORDER BY sort_order, id`)
	return collect(rows, err, scanProject)
}

// RenameProject gives a live project a new name.
func (s *Store) RenameProject(ctx context.Context, id int64, name string) error {
	name, err := cleanName("project", name)
	if err != nil {
		return err
	}
	res, err := s.write.ExecContext(ctx, `UPDATE projects SET name = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL`,
		name, s.now(), id)
	return requireOneRow(res, err, "project", id)
}

// UpdateProject sets everything the user chooses of the live project p.ID:
// name, colour, emoji, instructions, endpoint, model and params. It
// returns the project as stored.
func (s *Store) UpdateProject(ctx context.Context, p Project) (Project, error) {
	p, params, err := validateProject(p)
	if err != nil {
		return Project{}, err
	}
	stored, err := scanProject(s.write.QueryRowContext(ctx, `UPDATE projects
		SET name = ?, colour = ?, emoji = ?, instructions = ?, endpoint_id = ?, model = ?, params = ?, updated_at = ?
		WHERE id = ? AND deleted_at IS NULL RETURNING `+projectColumns,
		p.Name, p.Colour, p.Emoji, p.Instructions, p.EndpointID, p.Model, params, s.now(), p.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return Project{}, fmt.Errorf("store: project %d: %w", p.ID, ErrNotFound)
	}
	return stored, err
}

// ReorderProjects puts the given live projects in the sidebar in the order
// of ids, in one transaction; ids must name each live project once.
func (s *Store) ReorderProjects(ctx context.Context, ids []int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var live int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM projects WHERE deleted_at IS NULL`).Scan(&live); err != nil {
			return err
		}
		seen := make(map[int64]bool, len(ids))
		for _, id := range ids {
			if seen[id] {
				return invalid("project %d is listed twice", id)
			}
			seen[id] = true
		}
		if len(ids) != live {
			return invalid("%d projects given; there are %d", len(ids), live)
		}
		for i, id := range ids {
			res, err := tx.ExecContext(ctx, `UPDATE projects SET sort_order = ? WHERE id = ? AND deleted_at IS NULL`, i+1, id)
			if err := requireOneRow(res, err, "project", id); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteProject deletes a project softly, and with it, as chats says,
// either moves its live conversations out of any project or moves them to
// the trash. Both happen in one transaction. [Store.RestoreProject] undoes it.
func (s *Store) DeleteProject(ctx context.Context, id int64, chats ProjectChats) (ProjectDeletion, error) {
	if chats != MoveChatsOut && chats != TrashChats {
		return ProjectDeletion{}, invalid("unknown choice %d for the project's chats", chats)
	}
	done := ProjectDeletion{Moved: []int64{}}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		res, err := tx.ExecContext(ctx, `UPDATE projects SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL`, now, id)
		if err := requireOneRow(res, err, "project", id); err != nil {
			return err
		}
		if chats == TrashChats {
			// The chats share the project's deleted_at: that is how
			// RestoreProject knows them from chats trashed before.
			res, err := tx.ExecContext(ctx, `UPDATE conversations SET deleted_at = ?
				WHERE project_id = ? AND deleted_at IS NULL`, now, id)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			done.Trashed = int(n)
			return err
		}
		rows, err := tx.QueryContext(ctx, `UPDATE conversations SET project_id = NULL
			WHERE project_id = ? AND deleted_at IS NULL RETURNING id`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var moved int64
			if err := rows.Scan(&moved); err != nil {
				return err
			}
			done.Moved = append(done.Moved, moved)
		}
		return rows.Err()
	})
	if err != nil {
		return ProjectDeletion{}, fmt.Errorf("store: delete project: %w", err)
	}
	return done, nil
}

// RestoreProject undoes [Store.DeleteProject]: the project comes back with
// the conversations trashed with it, and the conversations of moved (the
// deletion's Moved) that are still live and outside any project go back
// into it. Conversations trashed before the project was deleted stay in
// the trash.
func (s *Store) RestoreProject(ctx context.Context, id int64, moved []int64) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var deletedAt int64
		err := tx.QueryRowContext(ctx, `SELECT deleted_at FROM projects WHERE id = ? AND deleted_at IS NOT NULL`, id).Scan(&deletedAt)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: deleted project %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE projects SET deleted_at = NULL WHERE id = ?`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE conversations SET deleted_at = NULL
			WHERE project_id = ? AND deleted_at = ?`, id, deletedAt); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE conversations SET project_id = ?
			WHERE id IN (SELECT value FROM json_each(?)) AND project_id IS NULL AND deleted_at IS NULL`, id, idList(moved))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: restore project: %w", err)
	}
	return nil
}

// MoveToProject moves the given live conversations into the live project
// projectID, or out of any project when projectID is 0, in one
// transaction: if one of them is unknown or deleted, or anything fails,
// none moves. Moving does not change a conversation's UpdatedAt, so the
// sidebar's order stays. It returns how many conversations changed project.
func (s *Store) MoveToProject(ctx context.Context, ids []int64, projectID int64) (int, error) {
	moved := 0
	list := idList(ids)
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if projectID != 0 {
			if err := requireLiveProject(ctx, tx, projectID); err != nil {
				return err
			}
		}
		var missing sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT min(value) FROM json_each(?)
			WHERE NOT EXISTS (SELECT 1 FROM conversations WHERE id = value AND deleted_at IS NULL)`, list).Scan(&missing); err != nil {
			return err
		}
		if missing.Valid {
			return fmt.Errorf("store: conversation %d: %w", missing.Int64, ErrNotFound)
		}
		res, err := tx.ExecContext(ctx, `UPDATE conversations SET project_id = ?
			WHERE id IN (SELECT value FROM json_each(?)) AND project_id IS NOT ?`, nullID(projectID), list, nullID(projectID))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		moved = int(n)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: move to project: %w", err)
	}
	return moved, nil
}

// idList is ids as a JSON array, for json_each: one statement takes any
// number of them.
func idList(ids []int64) string {
	if ids == nil {
		return "[]"
	}
	b, _ := json.Marshal(ids) // a slice of integers always encodes
	return string(b)
}

// requireLiveProject is nil when project id exists and is not deleted.
func requireLiveProject(ctx context.Context, q queryRower, id int64) error {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM projects WHERE id = ? AND deleted_at IS NULL`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: project %d: %w", id, ErrNotFound)
	}
	return err
}

// ProjectConversations returns the live conversations of project
// projectID, or with projectID 0 those outside any project, archived or
// not as opts says, in the sidebar's order: pinned first, then the most
// recently updated first.
func (s *Store) ProjectConversations(ctx context.Context, projectID int64, opts ListOptions) ([]Conversation, error) {
	limit := opts.Limit
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+conversationColumns+` FROM conversations
		WHERE project_id IS ? AND deleted_at IS NULL AND archived = ?
		ORDER BY pinned DESC, updated_at DESC, id DESC
		LIMIT ? OFFSET ?`, nullID(projectID), opts.Archived, limit, max(opts.Offset, 0))
	return collect(rows, err, scanConversation)
}

// StartInProject creates a conversation in the live project projectID with
// the project's endpoint, model and params. The project's instructions are
// not copied: they are read at every request, so editing them changes
// every conversation of the project.
func (s *Store) StartInProject(ctx context.Context, projectID int64) (Conversation, error) {
	p, err := s.GetProject(ctx, projectID)
	if err != nil {
		return Conversation{}, err
	}
	return s.CreateConversation(ctx, Conversation{ProjectID: p.ID, EndpointID: p.EndpointID, Model: p.Model, Params: p.Params})
}
