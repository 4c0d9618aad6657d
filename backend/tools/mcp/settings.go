package mcp

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"brook/backend/i18n"
	"brook/backend/store"
)

// ServerView is a server as Settings shows it: its configuration, its
// state, and its tools once it has been started.
type ServerView struct {
	store.ToolServer
	State  State  `json:"state"`
	Reason string `json:"reason"`
	// Stderr holds the last lines the server wrote to its standard error.
	Stderr []string `json:"stderr"`
	// Tools is empty until the server has been started.
	Tools []ToolView `json:"tools"`
	// EnvSet and HeadersSet name the variables and headers that have a
	// value in the keyring; the values themselves never leave it.
	EnvSet     []string `json:"envSet"`
	HeadersSet []string `json:"headersSet"`
}

// ToolView is one tool of a server, for Settings.
type ToolView struct {
	Name          string `json:"name"`
	Description   string `json:"description"`
	AlwaysAllowed bool   `json:"alwaysAllowed"`
	// Refused says why Brook does not use the tool; empty when it does.
	Refused string `json:"refused"`
}

// configured reads the configured servers and, by server ID, the tools the
// user allowed always.
func (m *Manager) configured(ctx context.Context) ([]store.ToolServer, map[string][]string, error) {
	list, err := m.cfg.Store.ListToolServers(ctx)
	if err != nil {
		return nil, nil, err
	}
	allowed, err := m.cfg.Store.AlwaysAllowedTools(ctx)
	return list, allowed, err
}

// Servers lists the configured servers with their state; it starts none.
func (m *Manager) Servers(ctx context.Context) ([]ServerView, error) {
	list, allowed, err := m.configured(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ServerView, 0, len(list))
	for _, ts := range list {
		out = append(out, m.view(ts, allowed[ts.ID]))
	}
	return out, nil
}

// view is one server's ServerView.
func (m *Manager) view(ts store.ToolServer, allowed []string) ServerView {
	v := ServerView{ToolServer: ts, State: Stopped, Stderr: []string{}, Tools: []ToolView{}, EnvSet: []string{}, HeadersSet: []string{}}
	m.mu.Lock()
	s := m.servers[ts.ID]
	m.mu.Unlock()
	if s != nil {
		s.mu.Lock()
		current := sameConfig(s.conf, ts)
		s.mu.Unlock()
		if current {
			var list []*tool
			v.State, v.Reason, v.Stderr, list = s.snapshot()
			if v.Stderr == nil {
				v.Stderr = []string{}
			}
			for _, t := range list {
				v.Tools = append(v.Tools, ToolView{Name: t.name, Description: t.description,
					AlwaysAllowed: slices.Contains(allowed, t.name), Refused: reasonText(t.refused)})
			}
		}
	}
	for _, name := range ts.EnvNames {
		if val, err := m.cfg.Keys.Get(store.ToolServerEnvSecretID(ts.ID, name)); err == nil && val != "" {
			v.EnvSet = append(v.EnvSet, name)
		}
	}
	for _, name := range ts.HeaderNames {
		if val, err := m.cfg.Keys.Get(store.ToolServerHeaderSecretID(ts.ID, name)); err == nil && val != "" {
			v.HeadersSet = append(v.HeadersSet, name)
		}
	}
	return v
}

// ErrSecretValue is returned for a value given for a name the server does
// not have.
var ErrSecretValue = i18n.New("MCP.secretValue")

// Save adds a server (ts.ID empty) or changes one, with new values for some
// of its environment variables and headers, by name: a name without a new
// value keeps its stored one, and a name no longer listed loses its value.
// Values go to the keyring, never the database. A running server whose
// command, URL or names changed is stopped; its next use starts the new one.
func (m *Manager) Save(ctx context.Context, ts store.ToolServer, envValues, headerValues map[string]string) (ServerView, error) {
	var before store.ToolServer
	if ts.ID != "" {
		var err error
		if before, err = m.cfg.Store.GetToolServer(ctx, ts.ID); err != nil {
			return ServerView{}, err
		}
	}
	// The values must belong to names the saved server has.
	for name, v := range envValues {
		if !slices.Contains(ts.EnvNames, name) || ts.Kind != store.ToolServerStdio {
			return ServerView{}, i18n.Kind(ErrSecretValue, "MCP.secretValueEnv", i18n.Args{"Name": strconv.Quote(clipUTF8(name, 80))})
		}
		if strings.ContainsRune(v, 0) || len(v) > 16<<10 {
			return ServerView{}, i18n.Errorf("MCP.envValueBad", i18n.Args{"Name": name})
		}
	}
	canonical := map[string]string{}
	for name, v := range headerValues {
		c := http.CanonicalHeaderKey(strings.TrimSpace(name))
		if ts.Kind != store.ToolServerHTTP || !slices.ContainsFunc(ts.HeaderNames, func(n string) bool { return http.CanonicalHeaderKey(n) == c }) {
			return ServerView{}, i18n.Kind(ErrSecretValue, "MCP.secretValueHeader", i18n.Args{"Name": strconv.Quote(clipUTF8(name, 80))})
		}
		if strings.ContainsAny(v, "\r\n\x00") || len(v) > 16<<10 {
			return ServerView{}, i18n.Errorf("MCP.headerValueBad", i18n.Args{"Name": c})
		}
		canonical[c] = v
	}
	saved, err := m.cfg.Store.SaveToolServer(ctx, ts)
	if err != nil {
		return ServerView{}, err
	}
	for name, v := range envValues {
		if err := m.cfg.Keys.Set(store.ToolServerEnvSecretID(saved.ID, name), v); err != nil {
			return ServerView{}, i18n.Wrap("MCP.envNotStored", err, i18n.Args{"Name": name})
		}
	}
	for name, v := range canonical {
		if err := m.cfg.Keys.Set(store.ToolServerHeaderSecretID(saved.ID, name), v); err != nil {
			return ServerView{}, i18n.Wrap("MCP.headerNotStored", err, i18n.Args{"Name": name})
		}
	}
	if err := m.forgetValues(before, saved); err != nil {
		return ServerView{}, err
	}
	if ts.ID != "" {
		// New values start a new process even when the names stayed.
		m.stop(saved.ID)
	}
	allowed, err := m.cfg.Store.AlwaysAllowedTools(ctx)
	if err != nil {
		return ServerView{}, err
	}
	return m.view(saved, allowed[saved.ID]), nil
}

// forgetValues removes from the keyring the values of the names before had
// and after has not.
func (m *Manager) forgetValues(before, after store.ToolServer) error {
	for _, name := range before.EnvNames {
		if !slices.Contains(after.EnvNames, name) {
			if err := m.cfg.Keys.Delete(store.ToolServerEnvSecretID(before.ID, name)); err != nil {
				return i18n.Wrap("MCP.envNotRemoved", err, i18n.Args{"Name": name})
			}
		}
	}
	for _, name := range before.HeaderNames {
		if !slices.Contains(after.HeaderNames, name) {
			if err := m.cfg.Keys.Delete(store.ToolServerHeaderSecretID(before.ID, name)); err != nil {
				return i18n.Wrap("MCP.headerNotRemoved", err, i18n.Args{"Name": name})
			}
		}
	}
	return nil
}

// Delete stops a server and removes it, its values and its tools'
// permissions.
func (m *Manager) Delete(ctx context.Context, id string) error {
	ts, err := m.cfg.Store.GetToolServer(ctx, id)
	if err != nil {
		return err
	}
	m.stop(id)
	if err := m.cfg.Store.DeleteToolServer(ctx, id); err != nil {
		return err
	}
	m.mu.Lock()
	delete(m.servers, id)
	m.mu.Unlock()
	return m.forgetValues(ts, store.ToolServer{})
}

// SetEnabled turns a server on or off; turning it off stops it.
func (m *Manager) SetEnabled(ctx context.Context, id string, enabled bool) error {
	if err := m.cfg.Store.SetToolServerEnabled(ctx, id, enabled); err != nil {
		return err
	}
	if !enabled {
		m.stop(id)
	}
	return nil
}

// SetAlwaysAllowed says whether calls of a server's tool run without asking.
func (m *Manager) SetAlwaysAllowed(ctx context.Context, serverID, tool string, allowed bool) error {
	return m.cfg.Store.SetToolAlwaysAllowed(ctx, serverID, tool, allowed)
}

// Test starts a server afresh (also a disabled one, and whatever its
// restart budget) and returns it with its state and tools. A server that
// fails to start is returned failed, with the reason, and no error.
func (m *Manager) Test(ctx context.Context, id string) (ServerView, error) {
	ts, err := m.cfg.Store.GetToolServer(ctx, id)
	if err != nil {
		return ServerView{}, err
	}
	s, err := m.server(ts)
	if err != nil {
		return ServerView{}, err
	}
	s.stop()
	s.mu.Lock()
	s.starts = nil
	s.mu.Unlock()
	if _, err := s.ensure(ctx); err != nil && ctx.Err() != nil {
		return ServerView{}, ctx.Err()
	}
	allowed, err := m.cfg.Store.AlwaysAllowedTools(ctx)
	if err != nil {
		return ServerView{}, err
	}
	v := m.view(ts, allowed[id])
	if !ts.Enabled {
		// A server that is off does not keep running for having been tested.
		if state, changed := s.stop(); changed {
			m.changed(id, state)
		}
	}
	return v, nil
}

// stop stops one server if it runs.
func (m *Manager) stop(id string) {
	m.mu.Lock()
	s := m.servers[id]
	m.mu.Unlock()
	if s != nil {
		if state, changed := s.stop(); changed {
			m.changed(id, state)
		}
	}
}

// Close stops every server, at once, and starts none after: Brook is
// quitting. It returns when all have stopped.
func (m *Manager) Close() {
	m.mu.Lock()
	m.closed = true
	list := make([]*server, 0, len(m.servers))
	for _, s := range m.servers {
		list = append(list, s)
	}
	m.mu.Unlock()
	var wg sync.WaitGroup
	for _, s := range list {
		// Brook is quitting: no one is left to tell.
		wg.Go(func() { s.stop() })
	}
	wg.Wait()
}
