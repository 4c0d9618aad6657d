// Package selection decides which model Brook selects: on start, in a new
// conversation, and for a message sent to a new conversation without one.
//
// The order is the user's Default model (Settings → Defaults) while an
// endpoint still offers it, else the model used last, else the first model
// of the first reachable endpoint.
package selection

import (
	"context"

	"brook/backend/chat"
	"brook/backend/endpoints"
	"brook/backend/store"
)

// Surveyor asks the endpoints for their models ([endpoints.Registry]).
type Surveyor interface {
	Survey(ctx context.Context) ([]endpoints.Status, error)
}

// Store is what the selection reads of [store.Store].
type Store interface {
	LoadSettings(ctx context.Context) (store.Settings, error)
	AppState(ctx context.Context) (store.AppState, error)
}

// Source says why a model is selected.
type Source string

const (
	// FromDefault: the user's Default model setting.
	FromDefault Source = "default"
	// FromLastUsed: the model used last (no Default model set, or it is not offered now).
	FromLastUsed Source = "last"
	// FromFirst: the first model of the first reachable endpoint.
	FromFirst Source = "first"
	// FromNone: no endpoint offers any model.
	FromNone Source = ""
)

// Overview is the endpoints with their models and the model to select, from
// one survey.
type Overview struct {
	Endpoints []endpoints.Status  `json:"endpoints"`
	Selection endpoints.Selection `json:"selection"`
	Source    Source              `json:"source"`
	// Default is the user's Default model setting ({} when it is "Last used");
	// DefaultOffered says whether an endpoint offers it now.
	Default        endpoints.Selection `json:"default"`
	DefaultOffered bool                `json:"defaultOffered"`
}

// Chooser picks models from a survey and what the store remembers.
type Chooser struct {
	Survey Surveyor
	Store  Store
}

// Overview surveys the endpoints and picks the model to select.
func (c Chooser) Overview(ctx context.Context) (Overview, error) {
	statuses, err := c.Survey.Survey(ctx)
	if err != nil {
		return Overview{}, err
	}
	settings, err := c.Store.LoadSettings(ctx)
	if err != nil {
		return Overview{}, err
	}
	state, err := c.Store.AppState(ctx)
	if err != nil {
		return Overview{}, err
	}
	def := endpoints.Selection{EndpointID: settings.DefaultEndpointID, Model: settings.DefaultModel}
	sel, source := Choose(statuses, settings, state)
	return Overview{
		Endpoints: statuses, Selection: sel, Source: source,
		Default: def, DefaultOffered: endpoints.Offered(statuses, def),
	}, nil
}

// Default returns the model a new conversation starts with.
func (c Chooser) Default(ctx context.Context) (endpoints.Selection, error) {
	o, err := c.Overview(ctx)
	return o.Selection, err
}

// Choose picks the model to select from statuses, and says why.
func Choose(statuses []endpoints.Status, settings store.Settings, state store.AppState) (endpoints.Selection, Source) {
	def := endpoints.Selection{EndpointID: settings.DefaultEndpointID, Model: settings.DefaultModel}
	last := endpoints.Selection{EndpointID: state.LastEndpointID, Model: state.LastModel}
	sel := endpoints.Pick(statuses, def, last)
	switch {
	case sel == (endpoints.Selection{}):
		return sel, FromNone
	case sel == def:
		return sel, FromDefault
	case sel == last:
		return sel, FromLastUsed
	}
	return sel, FromFirst
}

// Complete gives a message sent to a new conversation without a model the
// model a new conversation starts with. Other requests are returned as
// they are; when no model is offered at all, the engine says to choose one.
func (c Chooser) Complete(ctx context.Context, req chat.SendRequest) (chat.SendRequest, error) {
	if req.ConversationID != 0 || (req.EndpointID != "" && req.Model != "") {
		return req, nil
	}
	sel, err := c.Default(ctx)
	if err != nil {
		return req, err
	}
	if sel.Model != "" {
		req.EndpointID, req.Model = sel.EndpointID, sel.Model
	}
	return req, nil
}
