package store

import "context"

// ConversationSummary is one line of `brook list`: a live conversation and
// how many messages it has. Times are Unix milliseconds.
type ConversationSummary struct {
	ID        int64  `json:"id"`
	Title     string `json:"title"`
	UpdatedAt int64  `json:"updatedAt"`
	Messages  int    `json:"messages"`
	Pinned    bool   `json:"pinned"`
	Archived  bool   `json:"archived"`
}

// countVisibleSQL counts the visible messages (not tool rows) of
// conversation c from an index alone.
const countVisibleSQL = `(SELECT COUNT(*) FROM messages m INDEXED BY messages_tree WHERE m.conversation_id = c.id AND m.role <> 'tool')`

// ListSummaries lists every live conversation as the sidebar orders them
// (pinned first, then newest), the archived ones after the others, each with
// its number of messages. It is one read.
func (s *Store) ListSummaries(ctx context.Context) ([]ConversationSummary, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT c.id, c.title, c.updated_at, c.pinned, c.archived,
			`+countVisibleSQL+`
		FROM conversations c WHERE c.deleted_at IS NULL
		ORDER BY c.archived, c.pinned DESC, c.updated_at DESC, c.id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []ConversationSummary{}
	for rows.Next() {
		var c ConversationSummary
		if err := rows.Scan(&c.ID, &c.Title, &c.UpdatedAt, &c.Pinned, &c.Archived, &c.Messages); err != nil {
			return nil, err
		}
		list = append(list, c)
	}
	return list, rows.Err()
}
