package app

import "brook/backend/localmodels"

// LocalModelsService manages the models of an Ollama endpoint: what is
// installed and loaded, unloading, deleting, and pulling in the background.
// Pulls report on localmodels.PullEventName ("brook:pull"); a pull or delete
// that changed the models emits localmodels.ModelsChangedName
// ("brook:models-changed") with the endpoint's id.
type LocalModelsService struct{ a *App }

// The manager checks the endpoint ids and model names itself.

// Installed lists the models on the endpoint's disk, with what each can do.
func (s *LocalModelsService) Installed(endpointID string) ([]localmodels.Installed, error) {
	return readyGet(s.a, func() ([]localmodels.Installed, error) { return s.a.models.Installed(s.a.ctx, endpointID) })
}

// Loaded lists the models in the endpoint's memory now.
func (s *LocalModelsService) Loaded(endpointID string) ([]localmodels.Loaded, error) {
	return readyGet(s.a, func() ([]localmodels.Loaded, error) { return s.a.models.Loaded(s.a.ctx, endpointID) })
}

// Details describes one installed model: template, parameters, context
// length, license.
func (s *LocalModelsService) Details(endpointID, name string) (localmodels.Details, error) {
	return readyGet(s.a, func() (localmodels.Details, error) { return s.a.models.Details(s.a.ctx, endpointID, name) })
}

// Unload frees a model's memory now.
func (s *LocalModelsService) Unload(endpointID, name string) error {
	return readyDo(s.a, func() error { return s.a.models.Unload(s.a.ctx, endpointID, name) })
}

// Delete removes an installed model from the endpoint's disk.
func (s *LocalModelsService) Delete(endpointID, name string) error {
	return readyDo(s.a, func() error { return s.a.models.Delete(s.a.ctx, endpointID, name) })
}

// Pull starts pulling a model in the background and returns at once. A
// second Pull of a model being pulled is refused.
func (s *LocalModelsService) Pull(endpointID, name string) error {
	return readyDo(s.a, func() error { return s.a.models.Pull(s.a.ctx, endpointID, name) })
}

// CancelPull cancels a running pull; Ollama keeps what it downloaded.
func (s *LocalModelsService) CancelPull(endpointID, name string) error {
	return readyDo(s.a, func() error { return s.a.models.CancelPull(endpointID, name) })
}

// Pulls lists the running pulls and the latest ended ones.
func (s *LocalModelsService) Pulls() []localmodels.PullProgress {
	if s.a.ready() != nil {
		return []localmodels.PullProgress{}
	}
	return s.a.models.Pulls()
}

// SuggestedModel is the small model offered for a first pull when Ollama
// has none: its name, download size and why.
func (s *LocalModelsService) SuggestedModel() localmodels.Suggestion {
	return localmodels.DefaultModel
}
