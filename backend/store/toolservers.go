package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"brook/backend/i18n"

	"github.com/google/uuid"
)

// ToolServerKind is how Brook talks to an MCP server.
type ToolServerKind string

const (
	// ToolServerStdio is a command Brook starts and talks to over its
	// standard input and output.
	ToolServerStdio ToolServerKind = "stdio"
	// ToolServerHTTP is a server at a URL, spoken to with MCP's streamable
	// HTTP transport.
	ToolServerHTTP ToolServerKind = "http"
)

// Limits of a tool server's settings.
const (
	MaxToolServerArgs     = 100
	MaxToolServerEnv      = 50
	MaxToolServerTimeout  = 3600 // seconds
	maxToolServerTextSize = 4096
)

// ToolServer is one of the user's MCP servers. Only the names of its
// environment variables and headers are kept here: their values live in the
// keyring, under [ToolServerEnvSecretID] and [ToolServerHeaderSecretID].
type ToolServer struct {
	ID      string         `json:"id"`
	Name    string         `json:"name"`
	Kind    ToolServerKind `json:"kind"`
	Command string         `json:"command"`
	Args    []string       `json:"args"`
	// EnvNames are the environment variables the command gets beside
	// Brook's own environment.
	EnvNames []string `json:"envNames"`
	URL      string   `json:"url"`
	// HeaderNames are the extra headers sent with every request to URL.
	HeaderNames []string `json:"headerNames"`
	Enabled     bool     `json:"enabled"`
	// TimeoutSeconds bounds one call; 0 means Brook's default.
	TimeoutSeconds int `json:"timeoutSeconds"`
}

// ToolServerEnvSecretID is the keyring ID of the value of a server's
// environment variable.
func ToolServerEnvSecretID(serverID, name string) string {
	return "toolserver/" + serverID + "/env/" + name
}

// ToolServerHeaderSecretID is the keyring ID of the value of a server's
// extra header (name in canonical form).
func ToolServerHeaderSecretID(serverID, name string) string {
	return "toolserver/" + serverID + "/header/" + name
}

// validEnvName is what an environment variable's name looks like.
var validEnvName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,127}$`)

// validateToolServer checks a server before it is saved and tidies it: the
// fields of the other kind are emptied.
func validateToolServer(ts *ToolServer) error {
	ts.Name = strings.TrimSpace(ts.Name)
	ts.Command = strings.TrimSpace(ts.Command)
	ts.URL = strings.TrimSpace(ts.URL)
	if err := oneLine("serverName", ts.Name, 200); err != nil {
		return err
	}
	if ts.Name == "" {
		return refuseIn("ToolServer.nameEmpty", nil)
	}
	if ts.TimeoutSeconds < 0 || ts.TimeoutSeconds > MaxToolServerTimeout {
		return refuseIn("ToolServer.badTimeout", i18n.Args{"Max": MaxToolServerTimeout})
	}
	switch ts.Kind {
	case ToolServerStdio:
		if ts.Command == "" {
			return refuseIn("ToolServer.commandEmpty", nil)
		}
		if err := oneLine("command", ts.Command, maxToolServerTextSize); err != nil {
			return err
		}
		if len(ts.Args) > MaxToolServerArgs {
			return refuseIn("ToolServer.tooManyArgs", i18n.Args{"Max": MaxToolServerArgs})
		}
		for _, a := range ts.Args {
			if err := oneLine("argument", a, maxToolServerTextSize); err != nil {
				return err
			}
		}
		names, err := tidyEnvNames(ts.EnvNames)
		if err != nil {
			return err
		}
		ts.EnvNames, ts.URL, ts.HeaderNames = names, "", []string{}
	case ToolServerHTTP:
		u, err := url.Parse(ts.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return refuseIn("ToolServer.badURL", i18n.Args{"URL": clipText(ts.URL)})
		}
		if u.User != nil {
			// Credentials belong in the keyring, never in the database.
			return refuseIn("ToolServer.urlCredentials", nil)
		}
		names, err := tidyHeaderNames(ts.HeaderNames)
		if err != nil {
			return err
		}
		ts.HeaderNames, ts.Command, ts.Args, ts.EnvNames = names, "", []string{}, []string{}
	default:
		return refuseIn("ToolServer.badKind", i18n.Args{"Kind": clipText(string(ts.Kind))})
	}
	if ts.Args == nil {
		ts.Args = []string{}
	}
	return nil
}

// oneLine refuses text that is not one line of valid UTF-8 of at most max
// bytes; what is the key of its subject in the ToolServer.* messages.
func oneLine(what, s string, max int) error {
	switch {
	case !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0:
		return refuseIn("ToolServer.notOneLine."+what, nil)
	case len(s) > max:
		return refuseIn("ToolServer.tooLong."+what, i18n.Args{"Max": max})
	}
	return nil
}

// clipText shortens s for an error message.
func clipText(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// tidyEnvNames checks the names of a server's environment variables; a name
// given twice is refused.
func tidyEnvNames(names []string) ([]string, error) {
	if len(names) > MaxToolServerEnv {
		return nil, refuseIn("ToolServer.tooManyEnv", i18n.Args{"Max": MaxToolServerEnv})
	}
	out := []string{}
	for _, n := range names {
		if !validEnvName.MatchString(n) {
			return nil, refuseIn("ToolServer.badEnvName", i18n.Args{"Name": clipText(n)})
		}
		if slices.Contains(out, n) {
			return nil, refuseIn("ToolServer.envTwice", i18n.Args{"Name": n})
		}
		out = append(out, n)
	}
	return out, nil
}

// ListToolServers returns the user's tool servers in the order they were added.
func (s *Store) ListToolServers(ctx context.Context) ([]ToolServer, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, name, kind, command, args, env_names, url,
		header_names, enabled, timeout_seconds FROM tool_servers ORDER BY created_at, rowid`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []ToolServer{}
	for rows.Next() {
		ts, err := scanToolServer(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, ts)
	}
	return list, rows.Err()
}

// GetToolServer returns one tool server, or [ErrNotFound].
func (s *Store) GetToolServer(ctx context.Context, id string) (ToolServer, error) {
	row := s.read.QueryRowContext(ctx, `SELECT id, name, kind, command, args, env_names, url,
		header_names, enabled, timeout_seconds FROM tool_servers WHERE id = ?`, id)
	ts, err := scanToolServer(row)
	if errors.Is(err, sql.ErrNoRows) {
		return ToolServer{}, fmt.Errorf("store: tool server %s: %w", clipText(id), ErrNotFound)
	}
	return ts, err
}

func scanToolServer(row interface{ Scan(...any) error }) (ToolServer, error) {
	var ts ToolServer
	var args, env, headers string
	if err := row.Scan(&ts.ID, &ts.Name, &ts.Kind, &ts.Command, &args, &env, &ts.URL, &headers,
		&ts.Enabled, &ts.TimeoutSeconds); err != nil {
		return ToolServer{}, err
	}
	for what, list := range map[string]struct {
		text string
		into *[]string
	}{"args": {args, &ts.Args}, "environment names": {env, &ts.EnvNames}, "header names": {headers, &ts.HeaderNames}} {
		if err := json.Unmarshal([]byte(list.text), list.into); err != nil {
			return ToolServer{}, fmt.Errorf("store: tool server %s: %s: %w", ts.ID, what, err)
		}
	}
	return ts, nil
}

// SaveToolServer adds a tool server (generating its ID when ts.ID is empty)
// or updates the one with ts.ID, which must exist ([ErrNotFound]), and
// returns it as saved.
func (s *Store) SaveToolServer(ctx context.Context, ts ToolServer) (ToolServer, error) {
	if err := validateToolServer(&ts); err != nil {
		return ToolServer{}, err
	}
	args, _ := json.Marshal(ts.Args)
	env, _ := json.Marshal(ts.EnvNames)
	headers, _ := json.Marshal(ts.HeaderNames)
	if ts.ID == "" {
		ts.ID = uuid.NewString()
		_, err := s.write.ExecContext(ctx, `INSERT INTO tool_servers
			(id, name, kind, command, args, env_names, url, header_names, enabled, timeout_seconds, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			ts.ID, ts.Name, ts.Kind, ts.Command, string(args), string(env), ts.URL, string(headers),
			ts.Enabled, ts.TimeoutSeconds, s.now())
		if err != nil {
			return ToolServer{}, fmt.Errorf("store: add tool server: %w", err)
		}
		return ts, nil
	}
	res, err := s.write.ExecContext(ctx, `UPDATE tool_servers SET name = ?, kind = ?, command = ?, args = ?,
		env_names = ?, url = ?, header_names = ?, enabled = ?, timeout_seconds = ? WHERE id = ?`,
		ts.Name, ts.Kind, ts.Command, string(args), string(env), ts.URL, string(headers),
		ts.Enabled, ts.TimeoutSeconds, ts.ID)
	if err := requireOneRow(res, err, "tool server", ts.ID); err != nil {
		return ToolServer{}, err
	}
	return ts, nil
}

// SetToolServerEnabled turns a tool server on or off.
func (s *Store) SetToolServerEnabled(ctx context.Context, id string, enabled bool) error {
	res, err := s.write.ExecContext(ctx, `UPDATE tool_servers SET enabled = ? WHERE id = ?`, enabled, id)
	return requireOneRow(res, err, "tool server", id)
}

// DeleteToolServer removes a tool server and its tools' permissions.
func (s *Store) DeleteToolServer(ctx context.Context, id string) error {
	res, err := s.write.ExecContext(ctx, `DELETE FROM tool_servers WHERE id = ?`, id)
	return requireOneRow(res, err, "tool server", id)
}

// SetToolAlwaysAllowed says whether calls of a server's tool run without
// asking. The server must exist ([ErrNotFound]); the tool need not be
// listed by it now.
func (s *Store) SetToolAlwaysAllowed(ctx context.Context, serverID, tool string, allowed bool) error {
	if err := oneLine("toolName", tool, 256); err != nil {
		return err
	}
	if tool == "" {
		return refuseIn("ToolServer.toolNameEmpty", nil)
	}
	if _, err := s.GetToolServer(ctx, serverID); err != nil {
		return err
	}
	var err error
	if allowed {
		_, err = s.write.ExecContext(ctx, `INSERT INTO tool_permissions (server_id, tool) VALUES (?, ?)
			ON CONFLICT DO NOTHING`, serverID, tool)
	} else {
		_, err = s.write.ExecContext(ctx, `DELETE FROM tool_permissions WHERE server_id = ? AND tool = ?`, serverID, tool)
	}
	if err != nil {
		return fmt.Errorf("store: set tool permission: %w", err)
	}
	return nil
}

// AlwaysAllowedTools returns, by server ID, the tools the user allowed always.
func (s *Store) AlwaysAllowedTools(ctx context.Context) (map[string][]string, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT server_id, tool FROM tool_permissions ORDER BY server_id, tool`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var server, tool string
		if err := rows.Scan(&server, &tool); err != nil {
			return nil, err
		}
		out[server] = append(out[server], tool)
	}
	return out, rows.Err()
}
