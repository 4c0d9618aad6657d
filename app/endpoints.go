package app

import (
	"brook/backend/endpoints"
	"brook/backend/endpoints/kind"
	"brook/backend/store"
)

// Endpoints lists the configured endpoints, each with whether it has a key
// in the keyring. Keys never leave the keyring.
func (s *SettingsService) Endpoints() ([]endpoints.View, error) {
	if err := s.a.ready(); err != nil {
		return nil, err
	}
	return s.a.registry.Views(s.a.ctx)
}

// SaveEndpoint adds or updates an endpoint. An empty apiKey keeps the stored
// key; clearKey removes it. The values of the endpoint's extra headers are
// kept as stored; [SettingsService.SaveEndpointWithHeaders] sets them.
func (s *SettingsService) SaveEndpoint(e store.Endpoint, apiKey string, clearKey bool) (store.Endpoint, error) {
	return s.SaveEndpointWithHeaders(e, apiKey, clearKey, nil)
}

// SaveEndpointWithHeaders is SaveEndpoint with new values for some of the
// endpoint's extra headers, by name ([endpoints.Registry.Save]).
func (s *SettingsService) SaveEndpointWithHeaders(e store.Endpoint, apiKey string, clearKey bool, headerValues map[string]string) (store.Endpoint, error) {
	if err := s.a.ready(); err != nil {
		return store.Endpoint{}, err
	}
	return s.a.registry.Save(s.a.ctx, e, apiKey, clearKey, headerValues)
}

// DeleteEndpoint removes an endpoint, its key and its headers' values.
func (s *SettingsService) DeleteEndpoint(id string) error {
	if err := s.a.ready(); err != nil {
		return err
	}
	return s.a.registry.Delete(s.a.ctx, id)
}

// TestEndpoint tries the endpoint e as it stands in the editor, saved or
// not ([endpoints.Registry.Test]).
func (s *SettingsService) TestEndpoint(e store.Endpoint, apiKey string) (endpoints.ProbeResult, error) {
	if err := s.a.ready(); err != nil {
		return endpoints.ProbeResult{}, err
	}
	return s.a.registry.Test(s.a.ctx, e, apiKey)
}

// ServerKinds lists the kinds of server an endpoint can be set to.
func (s *SettingsService) ServerKinds() []endpoints.ServerKindOption {
	return endpoints.ServerKindOptions()
}

// EndpointKinds lists the kinds of endpoint Brook speaks to, in the order
// Settings offers them: each one's name, key need, defaults and what it can do.
func (s *SettingsService) EndpointKinds() []kind.Info { return kind.Infos() }
