package endpoints

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"brook/backend/endpoints/kind"
	"brook/backend/guard"
	"brook/backend/i18n"
	"brook/backend/provider"
	"brook/backend/store"
)

// View is an endpoint and whether it has a key in the keyring.
type View struct {
	store.Endpoint
	HasAPIKey bool `json:"hasApiKey"`
}

// Views lists the configured endpoints. Keys never leave the keyring.
func (r *Registry) Views(ctx context.Context) ([]View, error) {
	list, err := r.store.ListEndpoints(ctx)
	views := make([]View, 0, len(list))
	for _, e := range list {
		key, _ := r.keys.Get(e.ID)
		views = append(views, View{Endpoint: e, HasAPIKey: key != ""})
	}
	return views, err
}

// ErrGone is returned for saving an endpoint that was deleted meanwhile.
var ErrGone = i18n.New("Endpoints.gone")

// checkKind refuses a kind Brook does not know, in guard's words.
func checkKind(id store.EndpointKind) (kind.Kind, error) {
	if err := guard.OneOf("endpoint kind", string(id), kind.IDs()...); err != nil {
		return kind.Kind{}, err
	}
	k, _ := kind.Lookup(string(id))
	return k, nil
}

// Save adds an endpoint (e.ID empty) or updates one, with its key and the
// values of its extra headers, and returns it as saved. An empty apiKey
// keeps the stored key; clearKey removes it. headerValues are new values
// for some of e.HeaderNames, by name: a header without a new value keeps
// its stored one, and a header no longer named loses its value. Keys and
// values go to the keyring (values under [store.HeaderSecretID]), never the
// database. Authorization may be set by hand only while the endpoint has no
// API key. Every argument is checked first ([guard]); nothing is changed
// when any of it is refused.
func (r *Registry) Save(ctx context.Context, e store.Endpoint, apiKey string, clearKey bool, headerValues map[string]string) (store.Endpoint, error) {
	if err := guard.First(guard.EndpointID(e.ID), guard.Name(e.Name), guard.BaseURL(e.BaseURL), guard.ServerKind(e.ServerKind),
		guard.Models(e.Models), guard.APIKey(apiKey), guard.ExtraModels(e.ExtraModels)); err != nil {
		return store.Endpoint{}, err
	}
	k, err := checkKind(e.Kind)
	if err != nil {
		return store.Endpoint{}, err
	}
	apiKey = strings.TrimSpace(apiKey)
	if clearKey && apiKey != "" {
		return store.Endpoint{}, i18n.New("Endpoints.keyAndRemove")
	}
	if k.Key == kind.KeyNone && apiKey != "" {
		return store.Endpoint{}, i18n.Errorf("Endpoints.noKeyWanted", i18n.Args{"Kind": k.Name()})
	}
	before, err := r.existing(ctx, e.ID)
	if err != nil {
		return store.Endpoint{}, err
	}
	hasKey, err := r.hasKey(k, e.ID, apiKey, clearKey)
	if err != nil {
		return store.Endpoint{}, err
	}
	if k.Key == kind.KeyRequired && !hasKey {
		return store.Endpoint{}, i18n.Errorf("Endpoints.keyNeeded", i18n.Args{"Kind": k.Name()})
	}
	storedValue := func(name string) bool {
		if e.ID == "" || !slices.Contains(before.HeaderNames, name) {
			return false
		}
		v, err := r.keys.Get(store.HeaderSecretID(e.ID, name))
		return err == nil && v != ""
	}
	if err := guard.Headers(e.HeaderNames, headerValues, hasKey, storedValue); err != nil {
		return store.Endpoint{}, err
	}
	saved, err := r.store.SaveEndpoint(ctx, e)
	if err != nil {
		return saved, err
	}
	defer r.Changed()
	return saved, r.keepSecrets(saved, before, apiKey, clearKey, headerValues)
}

// existing returns the stored endpoint with id; a new one (no id) is the
// zero endpoint. Saving names an endpoint that exists, or none.
func (r *Registry) existing(ctx context.Context, id string) (store.Endpoint, error) {
	if id == "" {
		return store.Endpoint{}, nil
	}
	list, err := r.store.ListEndpoints(ctx)
	if err != nil {
		return store.Endpoint{}, err
	}
	for _, x := range list {
		if x.ID == id {
			return x, nil
		}
	}
	return store.Endpoint{}, ErrGone
}

// hasKey reports whether an endpoint of kind k with id will have an API
// key once saved with apiKey and clearKey.
func (r *Registry) hasKey(k kind.Kind, id, apiKey string, clearKey bool) (bool, error) {
	if k.Key == kind.KeyNone || clearKey {
		return false, nil
	}
	if apiKey != "" {
		return true, nil
	}
	if id == "" {
		return false, nil
	}
	stored, err := r.keys.Get(id)
	if err != nil {
		return false, i18n.Wrap("Endpoints.keyUnreadable", err, nil)
	}
	return stored != "", nil
}

// keepSecrets writes the key and header values of the endpoint just saved
// to the keyring, and removes the values of headers it no longer has.
func (r *Registry) keepSecrets(saved, before store.Endpoint, apiKey string, clearKey bool, headerValues map[string]string) error {
	var err error
	switch {
	case clearKey:
		err = r.keys.Delete(saved.ID)
	case apiKey != "":
		err = r.keys.Set(saved.ID, apiKey)
	}
	if err != nil {
		return i18n.Wrap("Endpoints.keyNotStored", err, nil)
	}
	for name, v := range headerValues {
		name = http.CanonicalHeaderKey(name)
		if err := r.keys.Set(store.HeaderSecretID(saved.ID, name), v); err != nil {
			return i18n.Wrap("Endpoints.headerNotStored", err, i18n.Args{"Name": name})
		}
	}
	for _, name := range before.HeaderNames {
		if !slices.Contains(saved.HeaderNames, name) {
			if err := r.keys.Delete(store.HeaderSecretID(saved.ID, name)); err != nil {
				return i18n.Wrap("Endpoints.headerNotRemoved", err, i18n.Args{"Name": name})
			}
		}
	}
	return nil
}

// Delete removes an endpoint, its key and its headers' values.
func (r *Registry) Delete(ctx context.Context, id string) error {
	if err := guard.RequiredEndpointID(id); err != nil {
		return err
	}
	e, err := r.existing(ctx, id)
	if err != nil && !errors.Is(err, ErrGone) {
		return err
	}
	if err := r.store.DeleteEndpoint(ctx, id); err != nil {
		return err
	}
	r.Changed()
	for _, name := range e.HeaderNames {
		if err := r.keys.Delete(store.HeaderSecretID(id, name)); err != nil {
			return err
		}
	}
	return r.keys.Delete(id)
}

// Test tries the endpoint e as it stands in the editor, saved or not: it
// asks the server what Brook would ask ([Probe]) and says what failed. An
// empty apiKey means the key stored for e, if e is saved and its kind takes
// one; the extra headers sent are those of e.HeaderNames with a stored value.
func (r *Registry) Test(ctx context.Context, e store.Endpoint, apiKey string) (ProbeResult, error) {
	if err := guard.First(guard.EndpointID(e.ID), guard.BaseURL(e.BaseURL), guard.APIKey(apiKey)); err != nil {
		return ProbeResult{}, err
	}
	k, err := checkKind(e.Kind)
	if err != nil {
		return ProbeResult{}, err
	}
	key := strings.TrimSpace(apiKey)
	if key == "" && e.ID != "" && k.Key != kind.KeyNone {
		if key, err = r.keys.Get(e.ID); err != nil {
			return ProbeResult{}, i18n.Wrap("Endpoints.keyUnreadable", err, nil)
		}
	}
	// The headers are those stored for a saved endpoint, for the names it has in the editor.
	headers, err := Headers(r.keys, e)
	if err != nil {
		return ProbeResult{}, err
	}
	return Probe(ctx, e.Kind, e.BaseURL, key, provider.WithHeaders(nil, headers)), nil
}

// ServerKindOption is one kind of server Settings offers for an endpoint.
type ServerKindOption struct {
	Value     string `json:"value"`
	Label     string `json:"label"`
	Continues bool   `json:"continues"`
}

// ServerKindOptions lists the kinds of server an endpoint can be set to, in
// the order Settings offers them.
func ServerKindOptions() []ServerKindOption {
	out := make([]ServerKindOption, 0, len(provider.ServerKinds))
	for _, k := range provider.ServerKinds {
		out = append(out, ServerKindOption{Value: string(k), Label: k.Label(), Continues: k.Prefill() != provider.PrefillNone})
	}
	return out
}
