package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// treeRow is a message's place in its conversation's tree, without its text.
type treeRow struct{ id, parent, shownAt int64 }

// treeSQL reads the tree of conversation ?1, visible messages only.
const treeSQL = `SELECT id, coalesce(parent_id, 0), shown_at FROM messages INDEXED BY messages_tree
	WHERE conversation_id = ? AND role <> 'tool'`

// readTree reads the tree of a conversation, in creation order, from the
// covering index alone: parent_id and shown_at come last in a message's
// record, after its text, and reading them from the rows would read every
// message whole. The index holds visible messages only, not tool rows.
func readTree(ctx context.Context, q querier, conversationID int64) ([]treeRow, error) {
	rows, err := q.QueryContext(ctx, treeSQL, conversationID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []treeRow
	for rows.Next() {
		var r treeRow
		if err := rows.Scan(&r.id, &r.parent, &r.shownAt); err != nil {
			return nil, err
		}
		list = append(list, r)
	}
	slices.SortFunc(list, func(a, b treeRow) int { return cmp.Compare(a.id, b.id) })
	return list, rows.Err()
}

// arrange builds the version tree of rows.
func arrange(rows []treeRow) versionTree {
	return newVersionTree(len(rows),
		func(i int) int64 { return rows[i].id },
		func(i int) (int64, bool) { return rows[i].parent, rows[i].parent != 0 },
		func(i int) int64 { return rows[i].shownAt })
}

// shownLeaf is the last message of the path a conversation shows, or 0
// when it has no messages.
func shownLeaf(ctx context.Context, q querier, conversationID int64) (int64, error) {
	rows, err := readTree(ctx, q, conversationID)
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	path := arrange(rows).shownPath()
	return rows[path[len(path)-1]].id, nil
}

// ShownPath returns the messages a conversation shows: its first message,
// then at every level the version shown last, each with its images'
// metadata and, where it has several versions, their IDs. It reads only the
// rows on the path, so a conversation with many versions opens as fast as
// a list of the same length. It works for a deleted conversation too.
func (s *Store) ShownPath(ctx context.Context, conversationID int64) ([]Message, error) {
	return s.pathFrom(ctx, conversationID, 0)
}

// pathFrom is the shown path from message from down, or from the first
// message when from is 0.
func (s *Store) pathFrom(ctx context.Context, conversationID, from int64) ([]Message, error) {
	if err := conversationExists(ctx, s.read, conversationID); err != nil {
		return nil, err
	}
	rows, err := readTree(ctx, s.read, conversationID)
	if err != nil {
		return nil, err
	}
	tree := arrange(rows)
	var path []int
	if from == 0 {
		path = tree.shownPath()
	} else {
		start := slices.IndexFunc(rows, func(r treeRow) bool { return r.id == from })
		if start < 0 {
			return nil, fmt.Errorf("store: message %d: %w", from, ErrNotFound)
		}
		path = tree.pathFrom(start)
	}
	ids := make([]int64, len(path))
	for k, i := range path {
		ids[k] = rows[i].id
	}
	msgs, err := s.messagesByID(ctx, conversationID, ids, len(ids) == len(rows))
	if err != nil {
		return nil, err
	}
	for k, i := range path {
		if versions := tree.versionsOf(i); len(versions) > 1 {
			msgs[k].Versions = make([]int64, len(versions))
			for v, j := range versions {
				msgs[k].Versions[v] = rows[j].id
			}
		}
	}
	return msgs, nil
}

// messagesByID reads the messages ids of a conversation, in that order,
// with their images' metadata. whole says ids are all of them, which one
// plain query reads fastest.
func (s *Store) messagesByID(ctx context.Context, conversationID int64, ids []int64, whole bool) ([]Message, error) {
	query, args := `SELECT `+messageColumns+` FROM messages WHERE conversation_id = ? AND role <> 'tool'`, []any{conversationID}
	if !whole {
		list, err := json.Marshal(ids)
		if err != nil {
			return nil, err
		}
		query += ` AND id IN (SELECT value FROM json_each(?))`
		args = append(args, string(list))
	}
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := make(map[int64]Message, len(ids))
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, err
		}
		byID[m.ID] = m
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	images, err := conversationImages(ctx, s.read, conversationID, false)
	if err != nil {
		return nil, err
	}
	docs, err := conversationDocuments(ctx, s.read, conversationID, documentMeta)
	if err != nil {
		return nil, err
	}
	out := make([]Message, 0, len(ids))
	for _, id := range ids {
		if m, ok := byID[id]; ok {
			m.Images, m.Documents = images[id], docs[id]
			out = append(out, m)
		}
	}
	if err := attachToolResults(ctx, s.read, out); err != nil {
		return nil, err
	}
	return out, nil
}

func conversationExists(ctx context.Context, q querier, conversationID int64) error {
	var exists int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM conversations WHERE id = ?`, conversationID).Scan(&exists)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: conversation %d: %w", conversationID, ErrNotFound)
	}
	return err
}

// Thread returns message id and every message before it on its path, first
// message first: the conversation as a model is asked to go on from it.
func (s *Store) Thread(ctx context.Context, id int64) ([]Message, error) {
	var conversationID int64
	err := s.read.QueryRowContext(ctx, `SELECT conversation_id FROM messages WHERE id = ? AND role <> 'tool'`, id).Scan(&conversationID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: message %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, `WITH RECURSIVE up(id) AS (
			SELECT ? UNION
			SELECT m.parent_id FROM messages m JOIN up ON m.id = up.id WHERE m.parent_id IS NOT NULL)
		SELECT id, coalesce(parent_id, 0) FROM messages WHERE id IN (SELECT id FROM up)`, id)
	if err != nil {
		return nil, err
	}
	parents := map[int64]int64{}
	for rows.Next() {
		var m, p int64
		if err := rows.Scan(&m, &p); err != nil {
			rows.Close()
			return nil, err
		}
		parents[m] = p
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Walk up from id; UNION above has already stopped any cycle.
	var ids []int64
	for at, n := id, 0; at != 0 && n <= len(parents); at, n = parents[at], n+1 {
		if _, ok := parents[at]; !ok {
			break
		}
		ids = append(ids, at)
	}
	slices.Reverse(ids)
	return s.messagesByID(ctx, conversationID, ids, false)
}

// ShowVersion puts message id on show in place of its other versions, and
// with it every message above it (so a version deep in a branch not shown,
// such as a search hit, comes into view), and returns the path now shown
// from it down. It is one statement, so it is whole or not at all, and
// every level beneath keeps the version shown there last: switching back
// shows what was shown.
func (s *Store) ShowVersion(ctx context.Context, id int64) ([]Message, error) {
	var conversationID int64
	err := s.read.QueryRowContext(ctx, `SELECT conversation_id FROM messages WHERE id = ? AND role <> 'tool'`, id).Scan(&conversationID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: message %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	_, err = s.write.ExecContext(ctx, `WITH RECURSIVE up(id) AS (
			SELECT ? UNION
			SELECT m.parent_id FROM messages m JOIN up ON m.id = up.id WHERE m.parent_id IS NOT NULL)
		UPDATE messages SET shown_at = max(?, 1 + (
			SELECT coalesce(max(v.shown_at), 0) FROM messages v
			WHERE v.conversation_id = messages.conversation_id AND v.parent_id IS messages.parent_id AND v.role <> 'tool'))
		WHERE id IN (SELECT id FROM up)`, id, s.now())
	if err != nil {
		return nil, err
	}
	return s.pathFrom(ctx, conversationID, id)
}

// nextShownAt is the shown_at that puts a new child of parent (0: a root)
// on show: now, or just after the newest of its versions if the clock is
// behind them.
const nextShownAt = `max(?, 1 + (SELECT coalesce(max(v.shown_at), 0) FROM messages v
	WHERE v.conversation_id = ? AND v.parent_id IS ? AND v.role <> 'tool'))`

// nullID is id as a nullable column value: 0 is NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// AddVersion adds m as a new version of message of (a sibling of it: same
// parent, same role) and puts it on show, in one transaction: the version
// of a retried or regenerated answer, or of an edited question. With
// keepImages, m gets copies of of's images and carries its documents (an
// edited question keeps them).
// of itself is not changed.
func (s *Store) AddVersion(ctx context.Context, of int64, m Message, keepImages bool) (Message, error) {
	var original Message
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		original, err = scanMessage(tx.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM messages WHERE id = ? AND role <> 'tool'`, of))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: message %d: %w", of, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if m.Role != original.Role {
			return invalid("a version of a %s message must be a %s message", original.Role, original.Role)
		}
		m.ConversationID, m.ParentID = original.ConversationID, original.ParentID
		if err := s.insertNew(ctx, tx, &m); err != nil {
			return err
		}
		if keepImages {
			if err := copyImages(ctx, tx, of, m.ID); err != nil {
				return err
			}
			return copyDocuments(ctx, tx, of, m.ID)
		}
		return nil
	})
	if err != nil {
		return Message{}, fmt.Errorf("store: add a version of message %d: %w", of, err)
	}
	return s.GetMessage(ctx, m.ID)
}

// DeleteVersion removes message id and everything that follows it (the
// path beneath it and every version there) for good; its other versions
// stay, and the one shown last among them is shown. It returns how many
// messages were removed. A message still streaming is refused.
func (s *Store) DeleteVersion(ctx context.Context, id int64) (int, error) {
	var n int
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = deleteSubtree(ctx, tx, id)
		return err
	})
	return n, err
}

// subtreeSQL selects message ?1 and everything beneath it, the tool rows
// of its answers too; ?1 itself is never a tool row.
const subtreeSQL = `WITH RECURSIVE sub(id) AS (
	SELECT id FROM messages WHERE id = ? AND role <> 'tool'
	UNION SELECT m.id FROM messages m JOIN sub ON m.parent_id = sub.id)`

func deleteSubtree(ctx context.Context, tx *sql.Tx, id int64) (int, error) {
	var total, streaming int
	err := tx.QueryRowContext(ctx, subtreeSQL+` SELECT count(CASE WHEN m.role <> 'tool' THEN 1 END), count(CASE WHEN m.state = 'streaming' THEN 1 END)
		FROM messages m WHERE m.id IN (SELECT id FROM sub)`, id).Scan(&total, &streaming)
	if err != nil {
		return 0, err
	}
	if total == 0 {
		return 0, fmt.Errorf("store: message %d: %w", id, ErrNotFound)
	}
	if streaming > 0 {
		return 0, invalid("an answer there is still being written; stop it first")
	}
	if _, err := tx.ExecContext(ctx, subtreeSQL+` DELETE FROM messages WHERE id IN (SELECT id FROM sub)`, id); err != nil {
		return 0, err
	}
	return total, nil
}

// DeleteMessage removes message id with all its versions for good. What
// follows id itself stays and now follows the message before it; what
// follows its other versions goes with them. It returns how many messages
// were removed.
func (s *Store) DeleteMessage(ctx context.Context, id int64) (int, error) {
	var n int
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var conversationID, parent int64
		var state MessageState
		err := tx.QueryRowContext(ctx, `SELECT conversation_id, coalesce(parent_id, 0), state FROM messages WHERE id = ? AND role <> 'tool'`, id).
			Scan(&conversationID, &parent, &state)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: message %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if state == StateStreaming {
			return invalid("that answer is still being written; stop it first")
		}
		rows, err := tx.QueryContext(ctx, `SELECT id FROM messages WHERE conversation_id = ? AND parent_id IS ? AND id <> ? AND role <> 'tool'`,
			conversationID, nullID(parent), id)
		if err != nil {
			return err
		}
		var others []int64
		for rows.Next() {
			var v int64
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return err
			}
			others = append(others, v)
		}
		rows.Close()
		for _, v := range others {
			removed, err := deleteSubtree(ctx, tx, v)
			if err != nil {
				return err
			}
			n += removed
		}
		// Its tool results go with it; what follows it moves up.
		if _, err := tx.ExecContext(ctx, `DELETE FROM messages WHERE parent_id = ? AND role = 'tool'`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE messages SET parent_id = ? WHERE parent_id = ?`, nullID(parent), id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM messages WHERE id = ?`, id); err != nil {
			return err
		}
		n++
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: delete message %d: %w", id, err)
	}
	return n, nil
}

// versionIDs are the IDs of message m's versions, oldest first, when it has
// more than one.
func versionIDs(ctx context.Context, q querier, m Message) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM messages WHERE conversation_id = ? AND parent_id IS ? AND role <> 'tool' ORDER BY id`,
		m.ConversationID, nullID(m.ParentID))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if len(ids) < 2 {
		return nil, rows.Err()
	}
	return ids, rows.Err()
}
