package app

import (
	"context"

	"brook/backend/ollamaserver"
)

// OllamaServerService tells the window where the local Ollama stands, and
// lets the user start it again, restart the one Brook started, and see
// whether a model fits in memory. Each change of status is emitted as
// ollamaserver.StatusEventName ("brook:ollama-server").
type OllamaServerService struct{ a *App }

// Status is where the local Ollama stands now.
func (s *OllamaServerService) Status() (ollamaserver.Status, error) {
	if err := s.a.ready(); err != nil {
		return ollamaserver.Status{}, err
	}
	return s.a.ollama.Status(), nil
}

// Retry checks the local Ollama again and starts it if it does not answer
// (the Retry of a failed start, and "Check again" once it is installed).
func (s *OllamaServerService) Retry() (ollamaserver.Status, error) {
	if err := s.a.ready(); err != nil {
		return ollamaserver.Status{}, err
	}
	return s.a.ollama.Ensure(s.a.ctx), nil
}

// Restart stops the Ollama Brook started and starts it again; for one Brook
// did not start it refuses, and Status().RestartHint says how instead.
func (s *OllamaServerService) Restart() (ollamaserver.Status, error) {
	if err := s.a.ready(); err != nil {
		return ollamaserver.Status{}, err
	}
	return s.a.ollama.Restart(s.a.ctx)
}

// Memory is this machine's memory, for an endpoint on this machine.
func (s *OllamaServerService) Memory(endpointID string) (ollamaserver.Memory, error) {
	if err := s.a.ready(); err != nil {
		return ollamaserver.Memory{}, err
	}
	return s.a.ollama.Memory(s.a.ctx, endpointID)
}

// Fit says, before a model is loaded, whether it fits in this machine's memory.
func (s *OllamaServerService) Fit(endpointID, model string) (ollamaserver.Fit, error) {
	return readyGet(s.a, func() (ollamaserver.Fit, error) { return s.a.ollama.Fit(s.a.ctx, s.a.models, endpointID, model) })
}

// newOllamaServer is the manager of the local Ollama: it reads the
// endpoints and the setting from the store, writes Ollama's output beside
// Brook's log, and tells the window (and the model survey) of each change.
func newOllamaServer(a *App) *ollamaserver.Manager {
	return ollamaserver.New(ollamaserver.Config{
		Endpoints: a.store.ListEndpoints,
		StartAllowed: func(ctx context.Context) bool {
			s, err := a.store.LoadSettings(ctx)
			return err != nil || s.StartOllama
		},
		LogDir:  a.layout.Logs,
		Logger:  a.log,
		Environ: a.childEnviron(),
		Changed: func(st ollamaserver.Status) {
			a.registry.Changed()
			a.emitter.Emit(ollamaserver.StatusEventName, st)
		},
	})
}

// startOllama checks the local Ollama once Brook has started, starting it
// when it does not answer, off the window's path.
func (a *App) startOllama() {
	go a.ollama.Ensure(a.ctx)
}

// ollamaQuitter decides, as Brook begins to close and before the pulls are
// cancelled, whether the Ollama Brook started stays running, and returns
// what stops it (or leaves it) once the rest has closed.
func (a *App) ollamaQuitter() func() {
	if a.ollama == nil {
		return func() {}
	}
	s, err := a.store.LoadSettings(context.Background())
	reason := a.ollama.KeepReason(err == nil && s.KeepOllamaRunning, a.models.Pulls())
	return func() { a.ollama.Quit(reason) }
}
