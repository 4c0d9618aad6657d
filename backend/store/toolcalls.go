package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// ToolCall is one call of a tool an assistant message made, with its
// outcome. Its result is, to the model, the message of role "tool" that
// answers the call's ID, and so it is stored: a tool row after the
// assistant message (see toolrows.go). Reads put the result and outcome
// back here, so everything above the store sees calls and results together.
type ToolCall struct {
	// ID links the call to its result: the server's id, or one Brook gave.
	ID string `json:"id"`
	// Name is the tool's name as the model called it.
	Name string `json:"name"`
	// Server is the name of the MCP server the tool is on, as the user
	// gave it; "" when no such tool was offered.
	Server string `json:"server,omitempty"`
	// Arguments are the call's arguments, as the model wrote them (JSON).
	Arguments string `json:"arguments"`
	// Status says how the call ended; see the ToolCall* values. "" is a
	// call not settled yet.
	Status ToolCallStatus `json:"status,omitempty"`
	// Result is the text sent back to the model as the tool's result: the
	// tool's output, or what Brook told the model instead. It is untrusted:
	// shown as text, never as the user's words.
	Result string `json:"result,omitempty"`
	// IsError says the tool reported failure.
	IsError bool `json:"isError,omitempty"`
	// Truncated says Result was cut at the size cap; FullBytes is how long it was.
	Truncated bool `json:"truncated,omitempty"`
	FullBytes int  `json:"fullBytes,omitempty"`
	// DurationMs is how long the call ran.
	DurationMs int64 `json:"durationMs,omitempty"`
}

// ToolCallStatus is how a tool call ended.
type ToolCallStatus string

// The values of [ToolCall.Status].
const (
	ToolCallPending     ToolCallStatus = ""              // not settled yet
	ToolCallDone        ToolCallStatus = "done"          // the tool ran; Result is its output
	ToolCallDenied      ToolCallStatus = "denied"        // the user declined
	ToolCallFailed      ToolCallStatus = "failed"        // the tool could not run or failed
	ToolCallTimedOut    ToolCallStatus = "timed_out"     // the per-call timeout struck
	ToolCallCancelled   ToolCallStatus = "cancelled"     // the user cancelled it, or stopped the answer
	ToolCallUnknownTool ToolCallStatus = "unknown_tool"  // no tool of that name was offered; nothing ran
	ToolCallBadArgs     ToolCallStatus = "bad_arguments" // the arguments did not fit; nothing ran
	ToolCallSkipped     ToolCallStatus = "skipped"       // not run: the round cap was reached
)

// ValidToolCallStatus reports whether s is one of the ToolCall* values.
func ValidToolCallStatus(s ToolCallStatus) bool {
	switch s {
	case ToolCallPending, ToolCallDone, ToolCallDenied, ToolCallFailed, ToolCallTimedOut, ToolCallCancelled,
		ToolCallUnknownTool, ToolCallBadArgs, ToolCallSkipped:
		return true
	}
	return false
}

// encodeToolCalls is the tool_calls column of calls: "" for none. It keeps
// each call's id, name, server and arguments; results and outcomes live in
// the message's tool rows (see [writeToolRows]).
func encodeToolCalls(calls []ToolCall) string {
	if len(calls) == 0 {
		return ""
	}
	bare := make([]ToolCall, len(calls))
	for i, c := range calls {
		bare[i] = ToolCall{ID: c.ID, Name: c.Name, Server: c.Server, Arguments: c.Arguments}
	}
	b, err := json.Marshal(bare)
	if err != nil {
		return "" // A []ToolCall of strings, ints and bools always marshals.
	}
	return string(b)
}

// decodeToolCalls reads the tool_calls column. A value that does not decode
// is kept as no calls rather than failing the whole conversation.
func decodeToolCalls(col string) []ToolCall {
	if col == "" {
		return nil
	}
	var calls []ToolCall
	if json.Unmarshal([]byte(col), &calls) != nil {
		return nil
	}
	return calls
}

func validateToolCalls(m Message) error {
	if len(m.ToolCalls) > 0 && m.Role != RoleAssistant {
		return invalid("only an assistant message can call tools")
	}
	seen := map[string]bool{}
	for _, c := range m.ToolCalls {
		if c.ID == "" || c.Name == "" {
			return invalid("a tool call needs an id and a name")
		}
		if seen[c.ID] {
			return invalid("tool call id %q appears twice in one message", c.ID)
		}
		seen[c.ID] = true
		if !ValidToolCallStatus(c.Status) {
			return invalid("tool call status %q is unknown", c.Status)
		}
	}
	return nil
}

// SetToolCalls writes the tool calls of the finished answer id, with their
// outcomes so far, in one transaction: the calls on the answer and each
// settled call's result in its tool row. It fails with [ErrNotFound] when
// there is no such answer.
func (s *Store) SetToolCalls(ctx context.Context, id int64, calls []ToolCall) error {
	if err := validateToolCalls(Message{Role: RoleAssistant, ToolCalls: calls}); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		var a toolParent
		err := tx.QueryRowContext(ctx, `UPDATE messages SET tool_calls = ?, updated_at = ? WHERE id = ? AND role = 'assistant'
			RETURNING id, uid, conversation_id`, encodeToolCalls(calls), now, id).Scan(&a.id, &a.uid, &a.conversationID)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: answer %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return err
		}
		return writeToolRows(ctx, tx, a, calls, now)
	})
}

// ConversationTool is a tool's setting in one conversation.
type ConversationTool struct {
	ServerID string `json:"serverId"`
	Name     string `json:"name"`
	// Enabled says the tool is offered to the conversation's model.
	Enabled bool `json:"enabled"`
	// AlwaysAllowed says the user allowed every call of it in this
	// conversation.
	AlwaysAllowed bool `json:"alwaysAllowed"`
}

// ConversationTools returns the tool settings of a conversation.
func (s *Store) ConversationTools(ctx context.Context, conversationID int64) ([]ConversationTool, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT server_id, tool_name, enabled, always_allowed
		FROM conversation_tools WHERE conversation_id = ? ORDER BY server_id, tool_name`, conversationID)
	return collect(rows, err, func(r rowScanner) (ConversationTool, error) {
		var t ConversationTool
		err := r.Scan(&t.ServerID, &t.Name, &t.Enabled, &t.AlwaysAllowed)
		return t, err
	})
}

// SetConversationTool enables or disables a tool for a live conversation.
func (s *Store) SetConversationTool(ctx context.Context, conversationID int64, serverID, name string, enabled bool) error {
	return s.upsertConversationTool(ctx, conversationID, serverID, name, "enabled", enabled)
}

// AllowToolAlways allows every call of a tool in a live conversation.
func (s *Store) AllowToolAlways(ctx context.Context, conversationID int64, serverID, name string) error {
	return s.upsertConversationTool(ctx, conversationID, serverID, name, "always_allowed", true)
}

func (s *Store) upsertConversationTool(ctx context.Context, conversationID int64, serverID, name, column string, value bool) error {
	if serverID == "" || name == "" {
		return invalid("a tool needs its server and its name")
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		var live int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM conversations WHERE id = ? AND deleted_at IS NULL`, conversationID).Scan(&live)
		if err == sql.ErrNoRows {
			return fmt.Errorf("store: conversation %d: %w", conversationID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		// column is one of two constants above, never user input.
		_, err = tx.ExecContext(ctx, `INSERT INTO conversation_tools (conversation_id, server_id, tool_name, `+column+`)
			VALUES (?, ?, ?, ?) ON CONFLICT (conversation_id, server_id, tool_name) DO UPDATE SET `+column+` = excluded.`+column,
			conversationID, serverID, name, value)
		return err
	})
}
