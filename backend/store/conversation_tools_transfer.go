package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// BundleTool is one tool setting of a conversation as an export carries
// it: the tool's server by the name the user gave it (server IDs mean
// nothing in another database), the tool's name, and whether the tool was
// enabled and allowed always in the conversation.
//
// An import restores Enabled for a tool whose server is configured here
// (matched by name), and never AlwaysAllowed: a file must not grant a
// permission the user did not give in this Brook.
type BundleTool struct {
	Server        string `json:"server"`
	Name          string `json:"name"`
	Enabled       bool   `json:"enabled,omitempty"`
	AlwaysAllowed bool   `json:"alwaysAllowed,omitempty"`
}

// MaxBundleTools is how many tool settings one conversation of a file may
// carry.
const MaxBundleTools = 1000

// bundleTools reads the tool settings of conversation id for an export:
// those of tools whose server is still configured (the server's name is
// what the file names it by) and that say something (enabled or allowed).
func bundleTools(ctx context.Context, tx *sql.Tx, id int64) ([]BundleTool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT s.name, t.tool_name, t.enabled, t.always_allowed
		FROM conversation_tools t JOIN tool_servers s ON s.id = t.server_id
		WHERE t.conversation_id = ? AND (t.enabled <> 0 OR t.always_allowed <> 0)
		ORDER BY s.name, t.tool_name, s.id`, id)
	list, err := collect(rows, err, func(r rowScanner) (BundleTool, error) {
		var t BundleTool
		err := r.Scan(&t.Server, &t.Name, &t.Enabled, &t.AlwaysAllowed)
		return t, err
	})
	if len(list) == 0 {
		return nil, err
	}
	return list, err
}

// CheckBundleTools checks a conversation's tool settings as a file
// carries them: at most [MaxBundleTools], each named by its server and its
// name, each up to 256 characters of text.
func CheckBundleTools(list []BundleTool) error {
	if len(list) > MaxBundleTools {
		return invalid("%d tool settings, at most %d", len(list), MaxBundleTools)
	}
	for j, t := range list {
		if !bundleToolNameOK(t.Server) || !bundleToolNameOK(t.Name) {
			return invalid("tool setting %d: a tool is named by its server and its name, each up to 256 characters of text", j+1)
		}
	}
	return nil
}

// validateBundleTools checks a bundle's tool settings before anything of
// an import is written.
func validateBundleTools(i int, list []BundleTool) error {
	if err := CheckBundleTools(list); err != nil {
		return fmt.Errorf("bundle %d: %w", i, err)
	}
	return nil
}

func bundleToolNameOK(s string) bool {
	if strings.TrimSpace(s) == "" || utf8.RuneCountInString(s) > 256 || !utf8.ValidString(s) {
		return false
	}
	return !strings.ContainsFunc(s, unicode.IsControl)
}

// importBundleTools enables, for the imported conversation id, the tools
// the file says were enabled, on the server configured here under the
// same name (the first added, when several share it). A tool whose server
// is not configured here is left out. AlwaysAllowed is never restored: a
// permission comes from the user, not from a file.
func importBundleTools(ctx context.Context, tx *sql.Tx, id int64, list []BundleTool) error {
	for _, t := range list {
		if !t.Enabled {
			continue
		}
		var serverID string
		err := tx.QueryRowContext(ctx, `SELECT id FROM tool_servers WHERE name = ? ORDER BY created_at, rowid LIMIT 1`, t.Server).Scan(&serverID)
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO conversation_tools (conversation_id, server_id, tool_name, enabled)
			VALUES (?, ?, ?, 1) ON CONFLICT (conversation_id, server_id, tool_name) DO UPDATE SET enabled = 1`,
			id, serverID, t.Name); err != nil {
			return err
		}
	}
	return nil
}
