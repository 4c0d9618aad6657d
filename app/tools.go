package app

import (
	"brook/backend/store"
	"brook/backend/tools/mcp"
)

// ToolService is Settings → Tools: the user's MCP servers, their state and
// tools. backend/tools/mcp checks and does everything; values of
// environment variables and headers go to the keyring there.
type ToolService struct{ a *App }

// Servers lists the tool servers with their state and, once started, tools.
func (s *ToolService) Servers() ([]mcp.ServerView, error) {
	return readyGet(s.a, func() ([]mcp.ServerView, error) { return s.a.tools.Servers(s.a.ctx) })
}

// Save adds a server (no id) or changes one, with new values for some of
// its environment variables and headers, by name.
func (s *ToolService) Save(server store.ToolServer, envValues, headerValues map[string]string) (mcp.ServerView, error) {
	return readyGet(s.a, func() (mcp.ServerView, error) { return s.a.tools.Save(s.a.ctx, server, envValues, headerValues) })
}

// Delete stops and removes a server, with its values and permissions.
func (s *ToolService) Delete(id string) error {
	return readyDo(s.a, func() error { return s.a.tools.Delete(s.a.ctx, id) })
}

// SetEnabled turns a server on or off.
func (s *ToolService) SetEnabled(id string, enabled bool) error {
	return readyDo(s.a, func() error { return s.a.tools.SetEnabled(s.a.ctx, id, enabled) })
}

// Test starts a server afresh and returns it with its state and tools.
func (s *ToolService) Test(id string) (mcp.ServerView, error) {
	return readyGet(s.a, func() (mcp.ServerView, error) { return s.a.tools.Test(s.a.ctx, id) })
}

// SetAlwaysAllowed says whether calls of a server's tool run without asking.
func (s *ToolService) SetAlwaysAllowed(serverID, tool string, allowed bool) error {
	return readyDo(s.a, func() error { return s.a.tools.SetAlwaysAllowed(s.a.ctx, serverID, tool, allowed) })
}
