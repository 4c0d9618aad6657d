// Package mcp runs the user's MCP servers with the official Go SDK and
// offers their tools to chat as a [tools.Catalog] and a [tools.Runner].
//
// A command (stdio) server starts when it is first needed and stops when
// Brook quits ([Manager.Close]); a server that crashed is started again on
// its next use, at most a few times a minute. Each server is starting,
// ready or failed, with the reason and the last lines of its standard error
// ([Manager.Servers]); each change is told as it happens ([Config.Changed]),
// so Settings shows a crash without asking. A tool whose input schema is not valid JSON Schema is
// neither offered nor run, and arguments are checked against the schema
// before anything runs. Calls are bounded in time (per server) and in the
// size of what is kept of their result.
package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"brook/backend/i18n"
	"brook/backend/secrets"
	"brook/backend/store"
	"brook/backend/tools"
)

// Defaults; see [Config].
const (
	DefaultCallTimeout  = 60 * time.Second
	DefaultStartTimeout = 60 * time.Second
	// DefaultMaxResult is how much of a result's text is kept for the
	// model and the user; the rest is cut, and the cut is said.
	DefaultMaxResult = 64 << 10
	// DefaultMaxReply is the largest single message Brook reads from a
	// server: a larger reply fails the call, whatever it holds.
	DefaultMaxReply = 16 << 20
	// DefaultMaxStarts is how often a server may be started within
	// restartWindow.
	DefaultMaxStarts = 3
	restartWindow    = time.Minute
	stopGrace        = 2 * time.Second
)

// Store is what the manager reads of the database.
type Store interface {
	ListToolServers(ctx context.Context) ([]store.ToolServer, error)
	GetToolServer(ctx context.Context, id string) (store.ToolServer, error)
	SaveToolServer(ctx context.Context, ts store.ToolServer) (store.ToolServer, error)
	SetToolServerEnabled(ctx context.Context, id string, enabled bool) error
	DeleteToolServer(ctx context.Context, id string) error
	SetToolAlwaysAllowed(ctx context.Context, serverID, tool string, allowed bool) error
	AlwaysAllowedTools(ctx context.Context) (map[string][]string, error)
}

// Config is what a [Manager] needs; zero values take the defaults.
type Config struct {
	Store Store
	// Keys holds the values of the servers' environment variables and
	// headers.
	Keys   secrets.Keyring
	Logger *slog.Logger
	// Changed, when set, is told each time a server's state changes
	// (starting, ready, failed, stopped), with the new state; the reason
	// and the error output are then in [Manager.Servers]. It is called
	// without the manager's locks held, from whichever goroutine made the
	// change (a crash is seen by the goroutine that waits on the process),
	// so it must not block.
	Changed func(serverID string, state State)
	// Environ is the environment a command server starts with, before its
	// own variables; os.Environ when nil.
	Environ      func() []string
	CallTimeout  time.Duration
	StartTimeout time.Duration
	MaxResult    int
	MaxReply     int
	MaxStarts    int
	// Now is the clock of the restart budget; time.Now when nil.
	Now func() time.Time
}

// Manager runs the user's MCP servers. It is safe for concurrent use.
type Manager struct {
	cfg          Config
	callTimeout  time.Duration
	startTimeout time.Duration
	maxResult    int
	maxReply     int
	maxStarts    int

	mu      sync.Mutex
	servers map[string]*server
	closed  bool
}

var (
	_ tools.Catalog = (*Manager)(nil)
	_ tools.Runner  = (*Manager)(nil)
)

// New returns a manager; it starts nothing until a server is needed.
func New(cfg Config) *Manager {
	m := &Manager{cfg: cfg, servers: map[string]*server{},
		callTimeout: cfg.CallTimeout, startTimeout: cfg.StartTimeout,
		maxResult: cfg.MaxResult, maxReply: cfg.MaxReply, maxStarts: cfg.MaxStarts}
	if m.callTimeout <= 0 {
		m.callTimeout = DefaultCallTimeout
	}
	if m.startTimeout <= 0 {
		m.startTimeout = DefaultStartTimeout
	}
	if m.maxResult <= 0 {
		m.maxResult = DefaultMaxResult
	}
	if m.maxReply <= 0 {
		m.maxReply = DefaultMaxReply
	}
	if m.maxStarts <= 0 {
		m.maxStarts = DefaultMaxStarts
	}
	if m.cfg.Logger == nil {
		m.cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return m
}

func (m *Manager) now() time.Time {
	if m.cfg.Now != nil {
		return m.cfg.Now()
	}
	return time.Now()
}

func (m *Manager) environ() []string {
	if m.cfg.Environ != nil {
		return m.cfg.Environ()
	}
	return os.Environ()
}

func (m *Manager) changed(id string, state State) {
	if m.cfg.Changed != nil {
		m.cfg.Changed(id, state)
	}
}

// sdkLogger is where the SDK's own complaints go: Brook's log, at debug
// level, never with secrets (the SDK logs no header or environment values).
func (m *Manager) sdkLogger() *slog.Logger { return m.cfg.Logger.With("component", "mcp-sdk") }

// secretsOf reads the values of a server's environment variables (as
// NAME=value) and headers from the keyring. A name without a stored value
// is left out.
func (m *Manager) secretsOf(ts store.ToolServer) ([]string, http.Header, error) {
	var env []string
	for _, name := range ts.EnvNames {
		v, err := m.cfg.Keys.Get(store.ToolServerEnvSecretID(ts.ID, name))
		if err != nil {
			return nil, nil, i18n.Wrap("MCP.envUnreadable", err, i18n.Args{"Name": name})
		}
		if v != "" {
			env = append(env, name+"="+v)
		}
	}
	headers := http.Header{}
	for _, name := range ts.HeaderNames {
		v, err := m.cfg.Keys.Get(store.ToolServerHeaderSecretID(ts.ID, name))
		if err != nil {
			return nil, nil, i18n.Wrap("MCP.headerUnreadable", err, i18n.Args{"Name": name})
		}
		if v != "" {
			headers.Set(name, v)
		}
	}
	return env, headers, nil
}

// server returns the running record of a configured server, made or
// brought up to date from conf. A changed configuration stops the old
// process, so the next use starts the new one.
func (m *Manager) server(conf store.ToolServer) (*server, error) {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil, ErrClosed
	}
	s, ok := m.servers[conf.ID]
	if !ok {
		s = &server{m: m, conf: conf, state: Stopped}
		m.servers[conf.ID] = s
		m.mu.Unlock()
		return s, nil
	}
	m.mu.Unlock()
	s.mu.Lock()
	same := sameConfig(s.conf, conf)
	s.conf.Name, s.conf.TimeoutSeconds, s.conf.Enabled = conf.Name, conf.TimeoutSeconds, conf.Enabled
	s.mu.Unlock()
	if !same {
		s.stop()
		s.mu.Lock()
		s.conf, s.starts = conf, nil
		s.state, s.reason, s.kind, s.tools = Stopped, nil, nil, nil
		s.mu.Unlock()
	}
	return s, nil
}

// sameConfig says whether two configurations start the same server.
func sameConfig(a, b store.ToolServer) bool {
	return a.Kind == b.Kind && a.Command == b.Command && slices.Equal(a.Args, b.Args) &&
		slices.Equal(a.EnvNames, b.EnvNames) && a.URL == b.URL && slices.Equal(a.HeaderNames, b.HeaderNames)
}

// Available returns the usable tools of every enabled server, starting
// servers that are not running. A server that fails is left out (its
// failure shows in Settings); Available fails only when every enabled
// server failed. Each tool's ModelName is unique among those returned.
func (m *Manager) Available(ctx context.Context) ([]tools.Tool, error) {
	list, allowed, err := m.configured(ctx)
	if err != nil {
		return nil, err
	}
	var enabled []store.ToolServer
	for _, ts := range list {
		if ts.Enabled {
			enabled = append(enabled, ts)
		}
	}
	type answer struct {
		tools []*tool
		err   error
	}
	answers := make([]answer, len(enabled))
	var wg sync.WaitGroup
	for i, ts := range enabled {
		wg.Go(func() {
			s, err := m.server(ts)
			if err == nil {
				_, err = s.ensure(ctx)
			}
			if err != nil {
				answers[i].err = err
				return
			}
			_, _, _, answers[i].tools = s.snapshot()
		})
	}
	wg.Wait()
	var out []tools.Tool
	var errs []error
	for i, ts := range enabled {
		if answers[i].err != nil {
			errs = append(errs, answers[i].err)
			m.cfg.Logger.Warn("a tool server is not available", "server", ts.Name, "err", answers[i].err)
			continue
		}
		for _, t := range answers[i].tools {
			if t.refused != nil {
				continue
			}
			out = append(out, tools.Tool{ServerID: ts.ID, ServerName: ts.Name, Name: t.name,
				Description: t.description, InputSchema: t.schema, AlwaysAllowed: slices.Contains(allowed[ts.ID], t.name)})
		}
	}
	nameTools(out)
	if len(enabled) > 0 && len(errs) == len(enabled) {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// nameTools gives each tool a ModelName the model APIs accept, unique
// among list: the tool's own name where no other server has it, else the
// server's name before it, else a number after.
func nameTools(list []tools.Tool) {
	count := map[string]int{}
	for _, t := range list {
		count[cleanName(t.Name)]++
	}
	used := map[string]bool{}
	for i, t := range list {
		name := cleanName(t.Name)
		if count[name] > 1 {
			name = cleanName(cleanName(t.ServerName) + "__" + name)
		}
		base := name
		for n := 2; used[name]; n++ {
			suffix := fmt.Sprintf("_%d", n)
			name = base[:min(len(base), maxModelName-len(suffix))] + suffix
		}
		used[name] = true
		list[i].ModelName = name
	}
}

// Run runs one call of tool on its server: it starts the server when
// needed, checks the arguments against the tool's schema (a mismatch is a
// *tools.ArgumentsError and runs nothing), and bounds the call by the
// server's timeout and ctx. The result's text is cut at the size cap.
func (m *Manager) Run(ctx context.Context, t tools.Tool, arguments json.RawMessage) (tools.Result, error) {
	conf, err := m.cfg.Store.GetToolServer(ctx, t.ServerID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !conf.Enabled) {
		return tools.Result{}, fmt.Errorf("%w: %s", ErrUnknownServer, t.ServerName)
	}
	if err != nil {
		return tools.Result{}, err
	}
	s, err := m.server(conf)
	if err != nil {
		return tools.Result{}, err
	}
	cs, err := s.ensure(ctx)
	if err != nil {
		return tools.Result{}, err
	}
	_, _, _, list := s.snapshot()
	i := slices.IndexFunc(list, func(x *tool) bool { return x.name == t.Name })
	if i < 0 {
		return tools.Result{}, fmt.Errorf("%w: %s has no tool %q", ErrUnknownTool, conf.Name, t.Name)
	}
	found := list[i]
	if found.refused != nil {
		return tools.Result{}, fmt.Errorf("%w: %w", ErrToolRefused, found.refused)
	}
	args, err := found.check(arguments)
	if err != nil {
		return tools.Result{}, &tools.ArgumentsError{Tool: t.Name, Reason: err.Error()}
	}
	timeout := m.callTimeout
	if conf.TimeoutSeconds > 0 {
		timeout = time.Duration(conf.TimeoutSeconds) * time.Second
	}
	callCtx, cancel := context.WithTimeoutCause(ctx, timeout, ErrTimeout)
	defer cancel()
	res, err := cs.CallTool(callCtx, &sdk.CallToolParams{Name: t.Name, Arguments: args})
	if err != nil {
		return tools.Result{}, s.callFailed(callCtx, ctx, timeout, err)
	}
	return m.result(res), nil
}
