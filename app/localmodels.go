package app

import (
	"brook/backend/guard"
	"brook/backend/localmodels"
)

// LocalModelsService manages the models of an Ollama endpoint: what is
// installed and loaded, unloading, deleting, and pulling in the background.
// Pulls report on localmodels.PullEventName ("brook:pull"); a pull or delete
// that changed the models emits localmodels.ModelsChangedName
// ("brook:models-changed") with the endpoint's id.
type LocalModelsService struct{ a *App }

// Installed lists the models on the endpoint's disk, with what each can do.
func (s *LocalModelsService) Installed(endpointID string) ([]localmodels.Installed, error) {
	if err := s.check(endpointID, nil); err != nil {
		return nil, err
	}
	return s.a.models.Installed(s.a.ctx, endpointID)
}

// Loaded lists the models in the endpoint's memory now.
func (s *LocalModelsService) Loaded(endpointID string) ([]localmodels.Loaded, error) {
	if err := s.check(endpointID, nil); err != nil {
		return nil, err
	}
	return s.a.models.Loaded(s.a.ctx, endpointID)
}

// Details describes one installed model: template, parameters, context
// length, license.
func (s *LocalModelsService) Details(endpointID, name string) (localmodels.Details, error) {
	if err := s.check(endpointID, &name); err != nil {
		return localmodels.Details{}, err
	}
	return s.a.models.Details(s.a.ctx, endpointID, name)
}

// Unload frees a model's memory now.
func (s *LocalModelsService) Unload(endpointID, name string) error {
	if err := s.check(endpointID, &name); err != nil {
		return err
	}
	return s.a.models.Unload(s.a.ctx, endpointID, name)
}

// Delete removes an installed model from the endpoint's disk.
func (s *LocalModelsService) Delete(endpointID, name string) error {
	if err := s.check(endpointID, &name); err != nil {
		return err
	}
	return s.a.models.Delete(s.a.ctx, endpointID, name)
}

// Pull starts pulling a model in the background and returns at once. A
// second Pull of a model being pulled is refused.
func (s *LocalModelsService) Pull(endpointID, name string) error {
	if err := s.check(endpointID, &name); err != nil {
		return err
	}
	return s.a.models.Pull(s.a.ctx, endpointID, name)
}

// CancelPull cancels a running pull; Ollama keeps what it downloaded.
func (s *LocalModelsService) CancelPull(endpointID, name string) error {
	if err := s.check(endpointID, &name); err != nil {
		return err
	}
	return s.a.models.CancelPull(endpointID, name)
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

// check checks the backend started, the endpoint id and, when given, the
// model name.
func (s *LocalModelsService) check(endpointID string, name *string) error {
	if err := s.a.ready(); err != nil {
		return err
	}
	if err := guard.RequiredEndpointID(endpointID); err != nil {
		return err
	}
	if name != nil {
		return guard.OllamaModel(*name)
	}
	return nil
}
