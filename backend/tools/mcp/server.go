package mcp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"brook/backend/i18n"
	"brook/backend/store"
	"brook/backend/version"
)

// State is where a server is in its life.
type State string

const (
	// Stopped: not started since Brook started, or stopped on purpose.
	Stopped  State = "stopped"
	Starting State = "starting"
	Ready    State = "ready"
	// Failed: it did not start, broke the protocol or stopped by itself;
	// the next call starts it again, within the restart budget.
	Failed State = "failed"
)

// server is one configured MCP server and, while it runs, its session.
type server struct {
	m *Manager

	// startMu serialises starting and stopping; mu guards the fields below
	// and is held only briefly.
	startMu sync.Mutex
	mu      sync.Mutex
	conf    store.ToolServer
	state   State
	reason  error
	kind    error // the failure's kind, one of the Err* values
	session *sdk.ClientSession
	cmd     *exec.Cmd
	exited  chan struct{} // closed when cmd has exited
	stderr  *tailLines
	watch   *protocolWatch
	tools   []*tool
	// stopping is set while Brook stops the server on purpose, so its exit
	// is not taken for a crash.
	stopping bool
	// starts are the times of recent starts, for the restart budget.
	starts []time.Time
}

// snapshot returns the server's state for Settings.
func (s *server) snapshot() (State, string, []string, []*tool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var lines []string
	if s.stderr != nil {
		lines = s.stderr.Lines()
	}
	return s.state, reasonText(s.reason), lines, s.tools
}

// ensure returns the server's session, starting the server when it is not
// running (and its restart budget allows).
func (s *server) ensure(ctx context.Context) (*sdk.ClientSession, error) {
	s.startMu.Lock()
	defer s.startMu.Unlock()
	s.mu.Lock()
	if s.state == Ready && s.session != nil {
		cs := s.session
		s.mu.Unlock()
		return cs, nil
	}
	now := s.m.now()
	recent := s.starts[:0]
	for _, t := range s.starts {
		if now.Sub(t) < restartWindow {
			recent = append(recent, t)
		}
	}
	s.starts = recent
	if len(recent) >= s.m.maxStarts {
		last := s.reason
		if last == nil {
			last = said("")
		}
		err := s.failure(ErrRestartLimit, i18n.Errorf("MCP.startedTooOften", i18n.Args{"Count": len(recent), "Last": last}))
		s.mu.Unlock()
		return nil, err
	}
	s.starts = append(s.starts, now)
	conf := s.conf
	s.state, s.reason, s.kind, s.tools = Starting, nil, nil, nil
	s.mu.Unlock()
	s.m.changed(conf.ID, Starting)

	cs, err := s.start(ctx, conf)
	if err != nil {
		return nil, err
	}
	return cs, nil
}

// failure returns the server's failure as a *ServerError; s.mu is held.
func (s *server) failure(kind error, reason error) error {
	var lines []string
	if s.stderr != nil {
		lines = s.stderr.Lines()
	}
	return &ServerError{Server: s.conf.Name, Kind: kind, Reason: reason, Stderr: lines}
}

// fail marks the server failed, stops what is left of it, and returns the
// failure. It is called with startMu held or from the exit watcher.
func (s *server) fail(kind error, reason error) error {
	s.mu.Lock()
	id := s.conf.ID
	s.state, s.reason, s.kind = Failed, reason, kind
	cs, cmd, exited := s.session, s.cmd, s.exited
	s.session, s.cmd = nil, nil
	s.stopping = true
	err := s.failure(kind, reason)
	s.mu.Unlock()
	closeSession(cs, cmd, exited, 0)
	s.m.changed(id, Failed)
	if exited != nil {
		select {
		case <-exited:
		default:
			// Its last lines of error output are complete only once it
			// has exited: say so again then, if it is still failed.
			go func() {
				<-exited
				s.mu.Lock()
				still := s.state == Failed && s.cmd == nil
				s.mu.Unlock()
				if still {
					s.m.changed(id, Failed)
				}
			}()
		}
	}
	return err
}

// start connects to the server and lists its tools.
func (s *server) start(ctx context.Context, conf store.ToolServer) (*sdk.ClientSession, error) {
	watch := &protocolWatch{}
	stderr := &tailLines{}
	env, headers, err := s.m.secretsOf(conf)
	if err != nil {
		return nil, s.fail(ErrStart, err)
	}
	var transport sdk.Transport
	var cmd *exec.Cmd
	exited := make(chan struct{})
	switch conf.Kind {
	case store.ToolServerStdio:
		cmd = exec.Command(conf.Command, conf.Args...)
		cmd.Env = append(s.m.environ(), env...)
		cmd.Stderr = stderr
		isolate(cmd)
		// Pipes of our own rather than StdoutPipe: Wait may then run while
		// the SDK still reads.
		outR, outW, err := os.Pipe()
		if err != nil {
			return nil, s.fail(ErrStart, err)
		}
		inR, inW, err := os.Pipe()
		if err != nil {
			outR.Close()
			outW.Close()
			return nil, s.fail(ErrStart, err)
		}
		cmd.Stdout, cmd.Stdin = outW, inR
		if err := cmd.Start(); err != nil {
			outR.Close()
			outW.Close()
			inR.Close()
			inW.Close()
			return nil, s.fail(ErrStart, startWords(conf.Command, err))
		}
		outW.Close()
		inR.Close()
		lines := &lineWatch{r: outR, limit: s.m.maxReply, watch: watch}
		transport = &sdk.IOTransport{Reader: lines, Writer: inW, MaxLineLength: s.m.maxReply + 1}
		go func() {
			err := cmd.Wait()
			close(exited)
			s.exitedOn(cmd, err)
		}()
	case store.ToolServerHTTP:
		close(exited)
		transport = &sdk.StreamableClientTransport{
			Endpoint: conf.URL,
			HTTPClient: &http.Client{Transport: &httpLimits{base: http.DefaultTransport, headers: headers,
				limit: s.m.maxReply, watch: watch}},
			MaxRetries:           1,
			DisableStandaloneSSE: true,
			MaxEventSize:         s.m.maxReply,
		}
	default:
		return nil, s.fail(ErrStart, fmt.Errorf("unknown kind %q", conf.Kind))
	}
	s.mu.Lock()
	s.cmd, s.exited, s.stderr, s.watch, s.stopping = cmd, exited, stderr, watch, false
	s.mu.Unlock()

	client := sdk.NewClient(&sdk.Implementation{Name: "Brook", Version: version.Version}, &sdk.ClientOptions{Logger: s.m.sdkLogger()})
	startCtx, cancel := context.WithTimeoutCause(ctx, s.m.startTimeout, errStartTimeout)
	defer cancel()
	cs, err := client.Connect(startCtx, transport, nil)
	if err != nil {
		return nil, s.fail(s.classify(startCtx, err, ErrStart))
	}
	list, err := listTools(startCtx, cs)
	if err != nil {
		cs.Close()
		return nil, s.fail(s.classify(startCtx, err, ErrStart))
	}
	s.mu.Lock()
	if s.stopping || s.cmd != cmd {
		// It exited, or Brook stopped it, while it started.
		s.mu.Unlock()
		cs.Close()
		return nil, s.fail(ErrCrashed, i18n.Errorf("MCP.stoppedWhileStarting", nil))
	}
	s.session, s.state, s.tools = cs, Ready, list
	s.mu.Unlock()
	s.m.changed(conf.ID, Ready)
	return cs, nil
}

var errStartTimeout = errors.New("it did not answer in time")

// listTools lists every tool of the server, page by page, and checks each
// one's schema.
func listTools(ctx context.Context, cs *sdk.ClientSession) ([]*tool, error) {
	var out []*tool
	params := &sdk.ListToolsParams{}
	for page := 0; page < 100; page++ {
		res, err := cs.ListTools(ctx, params)
		if err != nil {
			return nil, err
		}
		for _, t := range res.Tools {
			out = append(out, newTool(t))
		}
		if res.NextCursor == "" {
			break
		}
		params = &sdk.ListToolsParams{Cursor: res.NextCursor}
	}
	return out, nil
}

// classify says why err happened, in the user's words: a broken protocol or
// an oversized reply noted by the watchers, the process's exit, a timeout,
// or err itself.
func (s *server) classify(ctx context.Context, err error, kind error) (error, error) {
	s.mu.Lock()
	watch, exited, stdio := s.watch, s.exited, s.conf.Kind == store.ToolServerStdio
	s.mu.Unlock()
	if watch != nil {
		if werr := watch.get(); werr != nil {
			if errors.Is(werr, ErrReplyTooLarge) {
				return ErrReplyTooLarge, werr
			}
			return ErrProtocol, fmt.Errorf("%w: %s", werr, clipUTF8(err.Error(), 300))
		}
	}
	if strings.Contains(err.Error(), "invalid character") || strings.Contains(err.Error(), "trailing data") {
		return ErrProtocol, i18n.Errorf("MCP.notJSONRPC", i18n.Args{"Detail": clipUTF8(err.Error(), 300)})
	}
	if stdio && exited != nil {
		// The process may have exited just before its pipe closed: give
		// the exit a moment to be seen, for a clearer reason.
		select {
		case <-exited:
			s.mu.Lock()
			reason := s.reason
			s.mu.Unlock()
			if reason != nil {
				return ErrCrashed, reason
			}
		case <-time.After(200 * time.Millisecond):
		}
	}
	if cause := context.Cause(ctx); errors.Is(cause, errStartTimeout) {
		return kind, i18n.Errorf("MCP.noAnswerWithin", i18n.Args{"Time": s.m.startTimeout.String()})
	}
	return kind, said(clipUTF8(err.Error(), 500))
}

// exitedOn notes that a stdio server's process ended. An end Brook did not
// ask for is a crash: the server is marked failed with the exit status.
func (s *server) exitedOn(cmd *exec.Cmd, err error) {
	s.mu.Lock()
	if s.cmd != cmd || s.stopping {
		s.mu.Unlock()
		return
	}
	reason := i18n.Errorf("MCP.exited", nil)
	if err != nil {
		reason = i18n.Wrap("MCP.exitedWhy", err, nil)
	}
	if s.state == Starting {
		// start reports the failure itself; leave the reason for classify.
		s.reason = reason
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	s.fail(ErrCrashed, reason)
}

// stop ends the server on purpose; its next use starts it again. It
// returns the state the server is left in (a failed server stays failed,
// with its reason) and whether that state is new.
func (s *server) stop() (State, bool) {
	s.startMu.Lock()
	defer s.startMu.Unlock()
	s.mu.Lock()
	cs, cmd, exited := s.session, s.cmd, s.exited
	s.session, s.cmd, s.stopping = nil, nil, true
	was := s.state
	if s.state != Failed {
		s.state, s.reason, s.kind = Stopped, nil, nil
	}
	now := s.state
	s.mu.Unlock()
	closeSession(cs, cmd, exited, stopGrace)
	return now, now != was
}

// closeSession closes a session and makes sure its process ends: closing
// stdin asks it to, and after grace it is killed.
func closeSession(cs *sdk.ClientSession, cmd *exec.Cmd, exited chan struct{}, grace time.Duration) {
	if cs != nil {
		done := make(chan struct{})
		go func() {
			cs.Close()
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(grace):
		}
	}
	if cmd == nil {
		return
	}
	select {
	case <-exited:
	case <-time.After(grace):
	}
	kill(cmd)
}

// startWords says why a command did not start.
func startWords(command string, err error) error {
	if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
		return i18n.Wrap("MCP.commandNotFound", err, i18n.Args{"Command": strconv.Quote(command)})
	}
	if errors.Is(err, os.ErrPermission) {
		return i18n.Wrap("MCP.commandNotAllowed", err, i18n.Args{"Command": strconv.Quote(command)})
	}
	return err
}
