package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"brook/backend/i18n"
)

const messageColumns = `id, uid, conversation_id, role, content, state, created_at, updated_at,
	endpoint_id, model, first_token_ms, tokens_per_second, prompt_tokens, completion_tokens,
	recovered, recovery_reason, recovery_method, end_reason, error, reasoning, thinking_ms, run,
	resumed, coalesce(parent_id, 0), shown_at, prompt_estimate, context_left_out, tool_calls`

func scanMessage(row rowScanner) (Message, error) {
	var m Message
	var calls string
	err := row.Scan(&m.ID, &m.UID, &m.ConversationID, &m.Role, &m.Content, &m.State,
		&m.CreatedAt, &m.UpdatedAt, &m.EndpointID, &m.Model, &m.FirstTokenMs, &m.TokensPerSecond,
		&m.PromptTokens, &m.CompletionTokens, &m.Recovered, &m.RecoveryReason, &m.RecoveryMethod, &m.EndReason,
		&m.Error, &m.Reasoning, &m.ThinkingMs, &m.Run, &m.Resumed, &m.ParentID, &m.ShownAt, &m.PromptEstimate, &m.ContextLeftOut, &calls)
	m.ToolCalls = decodeToolCalls(calls)
	m.Error = wordedError(m.State, m.Error)
	return m, err
}

// wordedError is an interrupted answer's stored reason in the language
// current now, when it is the sentence saying Brook closed before the
// answer finished, in any language Brook speaks: rows store it in English
// (written when a database is opened) or in the language current when the
// engine stopped. Any other reason is returned as it was stored.
func wordedError(state MessageState, stored string) string {
	if state != StateInterrupted || stored == "" || !i18n.Said(interruptedID, stored) {
		return stored
	}
	return i18n.T(interruptedID, nil)
}

func validRole(r Role) bool {
	return r == RoleSystem || r == RoleUser || r == RoleAssistant
}

func validState(st MessageState) bool {
	switch st {
	case StateComplete, StateStreaming, StateInterrupted, StateStopped, StateFailed:
		return true
	}
	return false
}

func validateMessage(m Message) error {
	if m.Role == RoleTool {
		return invalid("a tool result is kept with the call it answers (its Result), not as a message of its own")
	}
	if !validRole(m.Role) {
		return invalid("message role %q is not system, user or assistant", m.Role)
	}
	if !validState(m.State) {
		return invalid("message state %q is unknown", m.State)
	}
	if m.Role != RoleAssistant && m.State == StateStreaming {
		return invalid("only an assistant message can be streaming")
	}
	if len(m.Images) > 0 && m.Role != RoleUser {
		return invalid("only a user's message can have images")
	}
	if len(m.Documents) > 0 && m.Role != RoleUser {
		return invalid("only a user's message can have documents")
	}
	return validateToolCalls(m)
}

const insertMessageSQL = `INSERT INTO messages
	(uid, conversation_id, role, content, state, created_at, updated_at, endpoint_id, model,
	 first_token_ms, tokens_per_second, prompt_tokens, completion_tokens, recovered,
	 recovery_reason, recovery_method, end_reason, error, reasoning, thinking_ms, run,
	 resumed, parent_id, shown_at, prompt_estimate, context_left_out, tool_calls)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`

// insertMessageArgs are the arguments of [insertMessageSQL] for m, in order.
func insertMessageArgs(m *Message) []any {
	return []any{m.UID, m.ConversationID, m.Role, m.Content, m.State, m.CreatedAt, m.UpdatedAt,
		m.EndpointID, m.Model, m.FirstTokenMs, m.TokensPerSecond, m.PromptTokens,
		m.CompletionTokens, m.Recovered, m.RecoveryReason, m.RecoveryMethod, m.EndReason, m.Error,
		m.Reasoning, m.ThinkingMs, m.Run, m.Resumed, nullID(m.ParentID), m.ShownAt, m.PromptEstimate, m.ContextLeftOut, encodeToolCalls(m.ToolCalls)}
}

func insertMessage(ctx context.Context, tx *sql.Tx, m *Message) error {
	return tx.QueryRowContext(ctx, insertMessageSQL, insertMessageArgs(m)...).Scan(&m.ID)
}

// AddMessage adds a message to a live conversation and returns it with its
// ID, times and (when m.UID is empty) a new UID. It follows m.ParentID,
// which must be a message of the same conversation, or, when that is 0, the
// last message of the path the conversation shows; it is put on show. An
// empty State means [StateComplete]; an answer about to arrive is added as
// [StateStreaming] and then kept up to date with [Store.CheckpointAnswer]
// and [Store.FinishAnswer]. The conversation's UpdatedAt moves to now. The
// message's Images, each with its bytes, and Documents, each with its
// bytes and text, are written with it in the same transaction (the caller
// has checked them); the returned message carries their metadata. When AddMessage returns, the message is committed.
func (s *Store) AddMessage(ctx context.Context, m Message) (Message, error) {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if m.ParentID == 0 {
			leaf, err := shownLeaf(ctx, tx, m.ConversationID)
			if err != nil {
				return err
			}
			m.ParentID = leaf
		}
		return s.insertNew(ctx, tx, &m)
	})
	if err != nil {
		return Message{}, fmt.Errorf("store: add message: %w", err)
	}
	m.Images = withoutData(m.Images)
	m.Documents = withoutContent(m.Documents)
	return m, nil
}

// insertNew writes a new message of a live conversation, under m.ParentID
// (0: a first message), puts it on show among its versions, and moves the
// conversation's UpdatedAt to now.
func (s *Store) insertNew(ctx context.Context, tx *sql.Tx, m *Message) error {
	if m.State == "" {
		m.State = StateComplete
	}
	if err := validateMessage(*m); err != nil {
		return err
	}
	if m.UID == "" {
		m.UID = uuid.NewString()
	}
	now := s.now()
	m.CreatedAt, m.UpdatedAt = now, now
	res, err := tx.ExecContext(ctx,
		`UPDATE conversations SET updated_at = ? WHERE id = ? AND deleted_at IS NULL`, now, m.ConversationID)
	if err := requireOneRow(res, err, "conversation", m.ConversationID); err != nil {
		return err
	}
	if m.ParentID != 0 {
		var parentConversation int64
		err := tx.QueryRowContext(ctx, `SELECT conversation_id FROM messages WHERE id = ? AND role <> 'tool'`, m.ParentID).Scan(&parentConversation)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && parentConversation != m.ConversationID) {
			return invalid("message %d, which the new message follows, is not in conversation %d", m.ParentID, m.ConversationID)
		}
		if err != nil {
			return err
		}
	}
	if err := tx.QueryRowContext(ctx, `SELECT `+nextShownAt, now, m.ConversationID, nullID(m.ParentID)).Scan(&m.ShownAt); err != nil {
		return err
	}
	if err := insertMessage(ctx, tx, m); err != nil {
		return err
	}
	if len(m.ToolCalls) > 0 {
		if err := writeToolRows(ctx, tx, toolParent{m.ID, m.ConversationID, m.UID}, m.ToolCalls, now); err != nil {
			return err
		}
	}
	if err := insertImages(ctx, tx, m.ID, m.Images); err != nil {
		return err
	}
	return insertDocuments(ctx, tx, m.ID, m.Documents)
}

// CheckpointAnswer saves the text and the reasoning received so far of a
// streaming answer. It is one UPDATE of one row and does not touch the
// search index, so it is cheap enough to call often while an answer streams.
// It fails with [ErrNotFound] if the message does not exist, is no longer
// streaming, or is being produced by another run than run.
func (s *Store) CheckpointAnswer(ctx context.Context, id, run int64, content, reasoning string) error {
	stmt, err := s.checkpointStatement(ctx)
	if err != nil {
		return err
	}
	res, err := stmt.ExecContext(ctx, content, reasoning, s.now(), id, run)
	return requireOneRow(res, err, "streaming message of this run", id)
}

// checkpointStatement is CheckpointAnswer's statement, prepared the first
// time: a streaming answer writes it four times a second, and preparing it
// each time was half of what a checkpoint cost.
func (s *Store) checkpointStatement(ctx context.Context) (*sql.Stmt, error) {
	s.checkpointMu.Lock()
	defer s.checkpointMu.Unlock()
	if s.checkpointStmt == nil {
		stmt, err := s.write.PrepareContext(ctx,
			`UPDATE messages SET content = ?, reasoning = ?, updated_at = ? WHERE id = ? AND run = ? AND state = 'streaming'`)
		if err != nil {
			return nil, err
		}
		s.checkpointStmt = stmt
	}
	return s.checkpointStmt, nil
}

// FinishAnswer writes the final text, reasoning, state and statistics of an
// answer (the message with m.ID; its role, UID and conversation are not
// changed). The state must not be [StateStreaming]. Leaving the streaming
// state indexes the answer's text, not its reasoning, for search. The
// conversation's UpdatedAt moves to now. The write names m.Run: an answer
// that another run has taken over since is left alone ([ErrNotFound]).
func (s *Store) FinishAnswer(ctx context.Context, m Message) error {
	if !validState(m.State) || m.State == StateStreaming {
		return invalid("an answer cannot finish in state %q", m.State)
	}
	if err := validateToolCalls(Message{Role: RoleAssistant, ToolCalls: m.ToolCalls}); err != nil {
		return err
	}
	now := s.now()
	return s.tx(ctx, func(tx *sql.Tx) error {
		var a toolParent
		err := tx.QueryRowContext(ctx, `UPDATE messages SET content = ?, state = ?, updated_at = ?,
			endpoint_id = ?, model = ?, first_token_ms = ?, tokens_per_second = ?, prompt_tokens = ?,
			completion_tokens = ?, recovered = ?, recovery_reason = ?, recovery_method = ?,
			end_reason = ?, error = ?, reasoning = ?, thinking_ms = ?, resumed = ?,
			prompt_estimate = ?, context_left_out = ?, tool_calls = ?
			WHERE id = ? AND run = ? AND role <> 'tool' RETURNING id, uid, conversation_id`,
			m.Content, m.State, now, m.EndpointID, m.Model, m.FirstTokenMs, m.TokensPerSecond,
			m.PromptTokens, m.CompletionTokens, m.Recovered, m.RecoveryReason, m.RecoveryMethod,
			m.EndReason, m.Error, m.Reasoning, m.ThinkingMs, m.Resumed, m.PromptEstimate, m.ContextLeftOut, encodeToolCalls(m.ToolCalls), m.ID, m.Run).Scan(&a.id, &a.uid, &a.conversationID)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: message %d: %w", m.ID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if err := writeToolRows(ctx, tx, a, m.ToolCalls, now); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE conversations SET updated_at = ? WHERE id = ?`, now, a.conversationID)
		return err
	})
}

// Messages returns every message of a conversation, every version of every
// turn, in the order they were added, with their images' metadata; see
// [Store.ShownPath] for the path the conversation shows. It works for a
// deleted conversation too.
func (s *Store) Messages(ctx context.Context, conversationID int64) ([]Message, error) {
	return s.queryMessages(ctx, s.read, conversationID)
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Store) queryMessages(ctx context.Context, q querier, conversationID int64) ([]Message, error) {
	return queryMessagesWith(ctx, q, conversationID, false)
}

// queryMessagesWith reads a conversation's messages and, in two or three
// more queries, their tool results, images and documents: with content, the
// images' bytes and the documents' bytes and text too.
func queryMessagesWith(ctx context.Context, q querier, conversationID int64, content bool) ([]Message, error) {
	var exists int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM conversations WHERE id = ?`, conversationID).Scan(&exists)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: conversation %d: %w", conversationID, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx,
		`SELECT `+messageColumns+` FROM messages WHERE conversation_id = ? AND role <> 'tool' ORDER BY id`, conversationID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []Message{}
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if err := attachToolResults(ctx, q, list); err != nil {
		return nil, err
	}
	images, err := conversationImages(ctx, q, conversationID, content)
	if err != nil {
		return nil, err
	}
	parts := documentMeta
	if content {
		parts = documentAll
	}
	docs, err := conversationDocuments(ctx, q, conversationID, parts)
	if err != nil {
		return nil, err
	}
	uids := make(map[int64]string, len(list))
	for i := range list {
		list[i].Images = images[list[i].ID]
		list[i].Documents = docs[list[i].ID]
		uids[list[i].ID] = list[i].UID
		list[i].ParentUID = uids[list[i].ParentID]
	}
	return list, nil
}

// GetMessage returns one message with its images' metadata and, when it has
// several versions, their IDs; or [ErrNotFound].
func (s *Store) GetMessage(ctx context.Context, id int64) (Message, error) {
	m, err := scanMessage(s.read.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM messages WHERE id = ? AND role <> 'tool'`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Message{}, fmt.Errorf("store: message %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Message{}, err
	}
	one := []Message{m}
	if err := attachToolResults(ctx, s.read, one); err != nil {
		return Message{}, err
	}
	m = one[0]
	rows, err := s.read.QueryContext(ctx, `SELECT id, message_id, name, mime, width, height, size FROM images WHERE message_id = ? ORDER BY id`, id)
	if err != nil {
		return Message{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var img Image
		if err := rows.Scan(&img.ID, &img.MessageID, &img.Name, &img.MIME, &img.Width, &img.Height, &img.Size); err != nil {
			return Message{}, err
		}
		m.Images = append(m.Images, img)
	}
	if err := rows.Err(); err != nil {
		return Message{}, err
	}
	rows.Close()
	if m.Documents, err = messageDocuments(ctx, s.read, id); err != nil {
		return Message{}, err
	}
	m.Versions, err = versionIDs(ctx, s.read, m)
	return m, err
}
