package ollamaserver

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"brook/backend/endpoints"
	"brook/backend/endpoints/kind/ollamakind"
	"brook/backend/i18n"
	"brook/backend/store"
)

// ErrNotStartedByBrook is returned by [Manager.Restart] for an Ollama that
// Brook did not start: that one is the user's or the system's to restart.
var ErrNotStartedByBrook = i18n.New("OllamaServer.notStartedByBrook")

// Defaults of [Config].
const (
	DefaultStartTimeout = 30 * time.Second
	DefaultStopTimeout  = 10 * time.Second
	defaultPoll         = 100 * time.Millisecond
	// probeTimeout bounds one question to the server while it starts.
	probeTimeout = 2 * time.Second
)

// Config is what a [Manager] works with.
type Config struct {
	// Endpoints lists the configured endpoints; the local Ollama endpoint
	// is picked from them at each [Manager.Ensure].
	Endpoints func(ctx context.Context) ([]store.Endpoint, error)
	// StartAllowed reads the setting "Start Ollama when it isn't running";
	// nil means allowed.
	StartAllowed func(ctx context.Context) bool
	// Find finds the Ollama binary; nil means [Find].
	Find func() (string, error)
	// Machine says what is this machine; nil means [ThisMachine].
	Machine func() Machine
	// LogDir is where Ollama's output goes ([LogName]), beside Brook's log.
	LogDir string
	// Environ is the environment Ollama inherits; nil means os.Environ().
	Environ []string
	Logger  *slog.Logger
	// Changed is called after each change of [Status]; nil for none.
	Changed func(Status)
	// StartTimeout is how long a started Ollama has to answer.
	StartTimeout time.Duration
	// StopTimeout is how long a stopped Ollama has to exit before it is killed.
	StopTimeout time.Duration
	// PollInterval is how often a starting Ollama is asked whether it answers.
	PollInterval time.Duration
	// GOOS is the platform the advice is for; "" means this one.
	GOOS string
	// HTTPClient asks the server its version; nil means a plain one.
	HTTPClient *http.Client
}

// Manager finds, starts and stops the local Ollama. It starts Ollama only
// when asked ([Manager.Ensure], [Manager.Restart]): at Brook's start and at
// the user's Retry, never in a loop. It is safe for concurrent use.
type Manager struct {
	cfg Config
	// op lets one Ensure, Restart or Quit run at a time.
	op sync.Mutex

	mu     sync.Mutex
	status Status
	child  *child // the Ollama Brook started, while it runs
}

// child is an `ollama serve` Brook started.
type child struct {
	cmd    *exec.Cmd
	url    string
	exited chan struct{} // closed when it has exited and been waited for
	// ready is set once it answered; stopping once Brook stops it (or
	// leaves it running on quit): its exit is then no crash.
	ready, stopping atomic.Bool
}

// New returns a Manager; nothing is checked or started until [Manager.Ensure].
func New(cfg Config) *Manager {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Find == nil {
		cfg.Find = Find
	}
	if cfg.Machine == nil {
		cfg.Machine = ThisMachine
	}
	if cfg.Environ == nil {
		cfg.Environ = os.Environ()
	}
	if cfg.StartTimeout <= 0 {
		cfg.StartTimeout = DefaultStartTimeout
	}
	if cfg.StopTimeout <= 0 {
		cfg.StopTimeout = DefaultStopTimeout
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = defaultPoll
	}
	if cfg.GOOS == "" {
		cfg.GOOS = runtime.GOOS
	}
	m := &Manager{cfg: cfg}
	m.status = m.base(store.Endpoint{})
	return m
}

// Status is where the local Ollama stands now.
func (m *Manager) Status() Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.status
	st.LogTail = append([]string(nil), st.LogTail...)
	return st
}

// Ensure makes sure the local Ollama endpoint answers: when nothing answers
// there and starting is allowed, it starts `ollama serve` and waits until
// it answers or fails. An Ollama already running (the system's, the
// user's, or one Brook started) is left as it is. It returns the status
// reached. Cancelling ctx stops an Ollama still starting.
func (m *Manager) Ensure(ctx context.Context) Status {
	m.op.Lock()
	defer m.op.Unlock()
	return m.ensure(ctx, false)
}

// Restart stops the Ollama Brook started and starts it again, and returns
// the status reached; [ErrNotStartedByBrook] when Brook did not start the
// one that runs.
func (m *Manager) Restart(ctx context.Context) (Status, error) {
	m.op.Lock()
	defer m.op.Unlock()
	ch := m.current()
	if ch == nil {
		return m.Status(), ErrNotStartedByBrook
	}
	m.cfg.Logger.Info("restarting the Ollama Brook started")
	m.stop(ch)
	return m.ensure(ctx, true), nil
}

// Quit is called as Brook quits: it stops the Ollama Brook started, unless
// keepReason says why it stays (a pull running, the user's choice). An
// Ollama Brook did not start is never touched.
func (m *Manager) Quit(keepReason string) {
	m.op.Lock()
	defer m.op.Unlock()
	ch := m.current()
	if ch == nil {
		return
	}
	if keepReason != "" {
		ch.stopping.Store(true)
		m.cfg.Logger.Info("leaving the Ollama Brook started running", "why", keepReason, "pid", ch.cmd.Process.Pid)
		return
	}
	m.stop(ch)
}

// ensure is [Manager.Ensure]; force starts Ollama even when the setting says not to.
func (m *Manager) ensure(ctx context.Context, force bool) Status {
	list, err := m.cfg.Endpoints(ctx)
	if err != nil {
		m.cfg.Logger.Error("listing the endpoints for the local Ollama", "err", err)
		return m.Status()
	}
	ep, ok, remote := m.cfg.Machine().LocalEndpoint(list)
	st := m.base(ep)
	if !ok {
		st.State, st.Message = StateNoEndpoint, i18n.T("OllamaServer.noEndpoint", nil)
		if remote {
			st.State, st.Message = StateRemote, i18n.T("OllamaServer.remote", nil)
		}
		return m.set(st)
	}
	if ch := m.current(); ch != nil {
		if ch.url == ep.BaseURL {
			return m.set(m.checkOwn(ctx, st))
		}
		m.stop(ch) // it serves an address no endpoint uses now
	}
	switch r := m.probe(ctx, ep.BaseURL); {
	case r.OK:
		st.State, st.Version, st.VersionNote = StateRunning, r.Version, VersionNote(r.Version)
		st.Message = i18n.T("OllamaServer.runningNotOurs", i18n.Args{"Version": r.Version})
		return m.set(st)
	case ctx.Err() != nil:
		return m.Status()
	case answeredNotOllama(r.Failure):
		st.State, st.Failure = StateFailed, FailPortTaken
		st.Message = i18n.T("OllamaServer.portTaken", i18n.Args{"Host": hostOf(ep.BaseURL), "Said": strings.TrimSpace(r.Message)})
		return m.set(st)
	case r.Failure != endpoints.FailRefused:
		st.State, st.Failure = StateFailed, FailNotAnswering
		st.Message = i18n.T("OllamaServer.holdsNoAnswer", i18n.Args{"Host": hostOf(ep.BaseURL), "Said": strings.TrimSpace(r.Message)})
		return m.set(st)
	}
	if !force && m.cfg.StartAllowed != nil && !m.cfg.StartAllowed(ctx) {
		st.State, st.Message = StateOff, i18n.T("OllamaServer.off", nil)
		return m.set(st)
	}
	bin, err := m.cfg.Find()
	if err != nil {
		st.State, st.Message = StateNotInstalled, i18n.T("OllamaServer.notInstalled", nil)
		return m.set(st)
	}
	st.Binary = bin
	return m.start(ctx, st, ep.BaseURL)
}

// start runs `ollama serve` for the endpoint at url and waits until it
// answers, exits, or takes too long.
func (m *Manager) start(ctx context.Context, st Status, url string) Status {
	logf, err := openLog(st.LogPath)
	if err != nil {
		m.cfg.Logger.Error("opening Ollama's log", "path", st.LogPath, "err", err)
	}
	cmd := exec.Command(st.Binary, "serve")
	cmd.Env = childEnv(m.cfg.Environ, url)
	if logf != nil {
		cmd.Stdout, cmd.Stderr = logf, logf
	}
	detach(cmd)
	err = cmd.Start()
	if logf != nil {
		logf.Close() // the child has its own descriptor
	}
	if err != nil {
		st.State, st.Failure = StateFailed, FailWontRun
		st.Message = i18n.T("OllamaServer.wontRun", i18n.Args{"Binary": st.Binary, "Err": err})
		return m.set(st)
	}
	ch := &child{cmd: cmd, url: url, exited: make(chan struct{})}
	m.mu.Lock()
	m.child = ch
	m.mu.Unlock()
	go m.watch(ch)
	m.cfg.Logger.Info("starting Ollama", "binary", st.Binary, "url", url, "pid", cmd.Process.Pid, "log", st.LogPath)
	st.State, st.StartedByBrook, st.Message = StateStarting, true, i18n.T("OllamaServer.starting", nil)
	m.set(st)

	deadline := time.NewTimer(m.cfg.StartTimeout)
	defer deadline.Stop()
	poll := time.NewTicker(m.cfg.PollInterval)
	defer poll.Stop()
	for {
		select {
		case <-ctx.Done():
			m.stop(ch)
			st.State, st.StartedByBrook, st.Message = StateStopped, false, i18n.T("OllamaServer.stoppedStarting", nil)
			return m.set(st)
		case <-ch.exited:
			m.forget(ch)
			st.State, st.Failure, st.StartedByBrook = StateFailed, FailExited, false
			st.Message = i18n.T("OllamaServer.exited", i18n.Args{"State": cmd.ProcessState.String()})
			st.LogTail = tail(st.LogPath, TailLines)
			return m.set(st)
		case <-deadline.C:
			m.stop(ch)
			st.State, st.Failure, st.StartedByBrook = StateFailed, FailNoAnswer, false
			st.Message = i18n.T("OllamaServer.noAnswer", i18n.Args{"Timeout": m.cfg.StartTimeout.String()})
			st.LogTail = tail(st.LogPath, TailLines)
			return m.set(st)
		case <-poll.C:
			r := m.probe(ctx, url)
			switch {
			case r.OK:
				ch.ready.Store(true)
				st.State, st.Version, st.VersionNote = StateRunning, r.Version, VersionNote(r.Version)
				st.Message = i18n.T("OllamaServer.started", i18n.Args{"Version": r.Version})
				m.cfg.Logger.Info("Ollama started", "version", r.Version, "pid", cmd.Process.Pid)
				return m.set(st)
			case answeredNotOllama(r.Failure) && ctx.Err() == nil:
				m.stop(ch)
				st.State, st.Failure, st.StartedByBrook = StateFailed, FailPortTaken, false
				st.Message = i18n.T("OllamaServer.portTakenShort", i18n.Args{"Host": hostOf(url), "Said": strings.TrimSpace(r.Message)})
				st.LogTail = tail(st.LogPath, TailLines)
				return m.set(st)
			}
		}
	}
}

// checkOwn asks the Ollama Brook started whether it answers.
func (m *Manager) checkOwn(ctx context.Context, st Status) Status {
	st.StartedByBrook = true
	if r := m.probe(ctx, st.URL); r.OK {
		st.State, st.Version, st.VersionNote = StateRunning, r.Version, VersionNote(r.Version)
		st.Message = i18n.T("OllamaServer.started", i18n.Args{"Version": r.Version})
		return st
	}
	st.State, st.Failure = StateFailed, FailNotAnswering
	st.Message = i18n.T("OllamaServer.ownNotAnswering", nil)
	st.LogTail = tail(st.LogPath, TailLines)
	return st
}

// watch waits for the child to exit, and reports an exit nobody asked for
// once it had answered. It is never started again by itself.
func (m *Manager) watch(ch *child) {
	_ = ch.cmd.Wait()
	close(ch.exited)
	if ch.stopping.Load() || !ch.ready.Load() {
		return // stopped by Brook, or still starting: start reports it
	}
	if !m.forget(ch) {
		return
	}
	st := m.Status()
	st.State, st.Failure, st.StartedByBrook = StateFailed, FailCrashed, false
	st.Message = i18n.T("OllamaServer.crashed", i18n.Args{"State": ch.cmd.ProcessState.String()})
	st.LogTail = tail(st.LogPath, TailLines)
	m.cfg.Logger.Error("the Ollama Brook started exited", "state", ch.cmd.ProcessState.String())
	m.set(st)
}

// stop ends the child gracefully (SIGTERM), killing it and its runners
// when it has not exited within StopTimeout.
func (m *Manager) stop(ch *child) {
	ch.stopping.Store(true)
	if err := terminate(ch.cmd); err != nil {
		kill(ch.cmd)
	}
	select {
	case <-ch.exited:
	case <-time.After(m.cfg.StopTimeout):
		m.cfg.Logger.Warn("Ollama did not stop in time; killing it", "pid", ch.cmd.Process.Pid)
		kill(ch.cmd)
		<-ch.exited
	}
	kill(ch.cmd) // a model runner that outlived the server
	m.forget(ch)
	m.cfg.Logger.Info("stopped the Ollama Brook started", "pid", ch.cmd.Process.Pid)
	st := m.Status()
	if st.StartedByBrook {
		st.State, st.StartedByBrook, st.Message = StateStopped, false, i18n.T("OllamaServer.stopped", nil)
		m.set(st)
	}
}

// current is the child while it runs, or nil.
func (m *Manager) current() *child {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.child
}

// forget drops ch as the current child; false when it no longer was.
func (m *Manager) forget(ch *child) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.child != ch {
		return false
	}
	m.child = nil
	return true
}

// set records and announces a new status, and returns it.
func (m *Manager) set(st Status) Status {
	m.mu.Lock()
	m.status = st
	m.mu.Unlock()
	if m.cfg.Changed != nil {
		m.cfg.Changed(st)
	}
	return st
}

// base is a status for the endpoint ep with what is always known.
func (m *Manager) base(ep store.Endpoint) Status {
	return Status{
		EndpointID:  ep.ID,
		URL:         ep.BaseURL,
		LogPath:     filepath.Join(m.cfg.LogDir, LogName),
		Install:     InstallFor(m.cfg.GOOS),
		RestartHint: RestartHintFor(m.cfg.GOOS),
	}
}

// probe asks the server at url what it is, briefly.
func (m *Manager) probe(ctx context.Context, url string) endpoints.ProbeResult {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	return endpoints.Probe(ctx, ollamakind.ID, url, "", m.cfg.HTTPClient)
}

// answeredNotOllama reports whether a probe that failed with f had an
// answer over HTTP, only not Ollama's: another program holds the address.
func answeredNotOllama(f endpoints.Failure) bool {
	switch f {
	case endpoints.Failure(ollamakind.Kind.NotShaped()), endpoints.FailNotFound, endpoints.FailHTTP, endpoints.FailServerError,
		endpoints.FailUnauthorized, endpoints.FailForbidden, endpoints.FailRedirect:
		return true
	}
	return false
}

// hostOf is the host:port of url, for messages.
func hostOf(url string) string {
	_, rest, ok := strings.Cut(url, "://")
	if !ok {
		return url
	}
	return strings.TrimSuffix(rest, "/")
}
