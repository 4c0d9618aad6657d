package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// A tool call's result is a message of its own, of role "tool" (migration
// 021): its parent is the assistant message that made the call, its
// tool_call_id the call's id, its content the result sent back to the
// model, and its tool_outcome the rest of how the call ended. Tool rows are
// never a conversation's visible messages; the read model keeps each result
// inside its call ([Message.ToolCalls]), so readers above the store see
// calls and results together, as before.

// toolParent is the assistant message tool rows belong to.
type toolParent struct {
	id, conversationID int64
	uid                string
}

// toolOutcome is a tool row's tool_outcome column: how the call ended,
// beside its result. Its JSON names are ToolCall's.
type toolOutcome struct {
	Status     ToolCallStatus `json:"status,omitempty"`
	IsError    bool           `json:"isError,omitempty"`
	Truncated  bool           `json:"truncated,omitempty"`
	FullBytes  int            `json:"fullBytes,omitempty"`
	DurationMs int64          `json:"durationMs,omitempty"`
}

func outcomeOf(c ToolCall) toolOutcome {
	return toolOutcome{Status: c.Status, IsError: c.IsError, Truncated: c.Truncated, FullBytes: c.FullBytes, DurationMs: c.DurationMs}
}

// encode is the tool_outcome column: "" when there is nothing to say.
func (o toolOutcome) encode() string {
	if o == (toolOutcome{}) {
		return ""
	}
	b, err := json.Marshal(o)
	if err != nil {
		return "" // Strings, ints and bools always marshal.
	}
	return string(b)
}

// decodeOutcome reads the tool_outcome column; a value that does not decode
// is no outcome rather than a failed read.
func decodeOutcome(col string) toolOutcome {
	var o toolOutcome
	if col != "" && json.Unmarshal([]byte(col), &o) != nil {
		return toolOutcome{}
	}
	return o
}

// hasToolRow reports whether call c has anything a tool row keeps: a call
// still pending, with no result, has no row.
func hasToolRow(c ToolCall) bool {
	return c.Result != "" || outcomeOf(c) != toolOutcome{}
}

// toolRowUID is the UID of the tool row answering call callID of the
// message with UID parentUID: unique because call ids are unique within a
// message, and the same in every database the message is copied to.
func toolRowUID(parentUID, callID string) string { return parentUID + "/tool/" + callID }

// writeToolRows makes the tool rows of answer a say exactly what calls say,
// within tx: one row per call with a result or an outcome, in the order of
// the calls, and none for the others. The answer's tool_calls column must
// already hold calls.
func writeToolRows(ctx context.Context, tx *sql.Tx, a toolParent, calls []ToolCall, now int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM messages WHERE parent_id = ? AND role = 'tool'`, a.id); err != nil {
		return err
	}
	for _, c := range calls {
		if !hasToolRow(c) {
			continue
		}
		if err := insertToolRow(ctx, tx, a, c, now); err != nil {
			return err
		}
	}
	return nil
}

// insertToolRow adds the tool row holding call c's result under answer a.
// It refuses, with [ErrInvalid] and the reason, a row without a call id, one
// whose parent is not an assistant message that made that call, and a
// second row for one call.
func insertToolRow(ctx context.Context, tx *sql.Tx, a toolParent, c ToolCall, now int64) error {
	if c.ID == "" {
		return invalid("a tool result needs the id of the call it answers")
	}
	var role Role
	var stored string
	err := tx.QueryRowContext(ctx, `SELECT role, tool_calls FROM messages WHERE id = ? AND conversation_id = ?`,
		a.id, a.conversationID).Scan(&role, &stored)
	if errors.Is(err, sql.ErrNoRows) {
		return invalid("the tool result of call %q follows message %d, which is not in conversation %d", c.ID, a.id, a.conversationID)
	}
	if err != nil {
		return err
	}
	if role != RoleAssistant {
		return invalid("the tool result of call %q follows a %s message; only an assistant message calls tools", c.ID, role)
	}
	made := false
	for _, call := range decodeToolCalls(stored) {
		made = made || call.ID == c.ID
	}
	if !made {
		return invalid("the tool result of call %q answers no call of message %d", c.ID, a.id)
	}
	var taken int
	err = tx.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE parent_id = ? AND role = 'tool' AND tool_call_id = ?`,
		a.id, c.ID).Scan(&taken)
	if err != nil {
		return err
	}
	if taken > 0 {
		return invalid("call %q of message %d already has its result", c.ID, a.id)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO messages
		(uid, conversation_id, role, content, state, created_at, updated_at, parent_id, shown_at, tool_call_id, tool_outcome)
		VALUES (?, ?, 'tool', ?, 'complete', ?, ?, ?, 0, ?, ?)`,
		toolRowUID(a.uid, c.ID), a.conversationID, c.Result, now, now, a.id, c.ID, outcomeOf(c).encode())
	if err != nil {
		return fmt.Errorf("tool result of call %q: %w", c.ID, err)
	}
	return nil
}

// attachToolResults puts the results and outcomes kept in tool rows back
// into the calls of msgs, by call id, in one query when any of msgs has
// calls and in none otherwise.
func attachToolResults(ctx context.Context, q querier, msgs []Message) error {
	var ids []int64
	for _, m := range msgs {
		if len(m.ToolCalls) > 0 {
			ids = append(ids, m.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	rows, err := q.QueryContext(ctx, `SELECT parent_id, tool_call_id, content, tool_outcome FROM messages
		WHERE parent_id IN (SELECT value FROM json_each(?)) AND role = 'tool'`, string(list))
	if err != nil {
		return err
	}
	defer rows.Close()
	type key struct {
		parent int64
		call   string
	}
	type result struct {
		text    string
		outcome toolOutcome
	}
	results := map[key]result{}
	for rows.Next() {
		var k key
		var text, outcome string
		if err := rows.Scan(&k.parent, &k.call, &text, &outcome); err != nil {
			return err
		}
		results[k] = result{text, decodeOutcome(outcome)}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i := range msgs {
		for j, c := range msgs[i].ToolCalls {
			r, ok := results[key{msgs[i].ID, c.ID}]
			if !ok {
				continue
			}
			o := r.outcome
			msgs[i].ToolCalls[j] = ToolCall{ID: c.ID, Name: c.Name, Server: c.Server, Arguments: c.Arguments,
				Status: o.Status, Result: r.text, IsError: o.IsError, Truncated: o.Truncated, FullBytes: o.FullBytes, DurationMs: o.DurationMs}
		}
	}
	return nil
}
