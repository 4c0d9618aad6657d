package chat

import (
	"context"
	"errors"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"brook/backend/i18n"
	"brook/backend/provider"
	"brook/backend/tools"
)

// ToolChoice is one tool as the composer's picker lists it for a
// conversation.
type ToolChoice struct {
	tools.Tool
	// Enabled says the tool is offered to the conversation's model.
	Enabled bool `json:"enabled"`
	// AllowedHere says the user allowed every call of it in this conversation.
	AllowedHere bool `json:"allowedHere"`
}

// Whether a conversation's model can call tools, as [ToolChoices] says.
const (
	ModelToolsYes     = "yes"     // its server says it can
	ModelToolsNo      = "no"      // its server says it cannot: it is offered none
	ModelToolsUnknown = "unknown" // its server does not say: the tools are offered, and a refusal is explained
)

// ToolChoices is what the composer's tool picker shows for a conversation.
type ToolChoices struct {
	// Configured is false when no tool servers are plugged in at all.
	Configured bool         `json:"configured"`
	Tools      []ToolChoice `json:"tools"`
	// Model says whether the conversation's model can call tools: one of
	// the ModelTools* values.
	Model string `json:"model"`
	// Problem is why the tools could not be listed, when they could not.
	Problem string `json:"problem,omitempty"`
}

// ErrBadToolName is a tool or server name that cannot be one.
var ErrBadToolName = errors.New("a tool is named by its server and its name, each up to 256 characters of text")

// ToolChoices lists the tools there are for a conversation, which of them
// it has enabled, and whether its model can call them.
func (e *Engine) ToolChoices(ctx context.Context, conversationID int64) (ToolChoices, error) {
	choices := ToolChoices{Tools: []ToolChoice{}, Model: ModelToolsUnknown}
	ts := e.toolSet()
	if ts.Catalog == nil || ts.Runner == nil {
		return choices, nil
	}
	choices.Configured = true
	conv, err := e.cfg.Store.GetConversation(ctx, conversationID)
	if err != nil {
		return choices, err
	}
	settings, err := e.cfg.Store.ConversationTools(ctx, conversationID)
	if err != nil {
		return choices, err
	}
	choices.Model = e.modelTools(ctx, conv.EndpointID, conv.Model)
	available, err := ts.Catalog.Available(ctx)
	if err != nil {
		choices.Problem = i18n.T("Chat.toolsUnlisted", i18n.Args{"Err": err})
		return choices, nil
	}
	for _, t := range available {
		c := ToolChoice{Tool: t}
		for _, s := range settings {
			if s.ServerID == t.ServerID && s.Name == t.Name {
				c.Enabled, c.AllowedHere = s.Enabled, s.AlwaysAllowed
			}
		}
		choices.Tools = append(choices.Tools, c)
	}
	return choices, nil
}

// modelTools says whether model on the endpoint can call tools.
func (e *Engine) modelTools(ctx context.Context, endpointID, model string) string {
	if endpointID == "" || model == "" {
		return ModelToolsUnknown
	}
	client, err := e.cfg.Providers.Client(ctx, endpointID)
	if err != nil {
		return ModelToolsUnknown
	}
	lister, ok := client.(provider.CapabilityLister)
	if !ok {
		return ModelToolsUnknown
	}
	cctx, cancel := context.WithTimeout(ctx, capabilityTimeout)
	defer cancel()
	caps, err := lister.Capabilities(cctx, model)
	switch {
	case err != nil || caps == nil:
		return ModelToolsUnknown
	case slices.Contains(caps, provider.CapabilityTools):
		return ModelToolsYes
	}
	return ModelToolsNo
}

// SetToolEnabled enables or disables a tool for a conversation.
func (e *Engine) SetToolEnabled(ctx context.Context, conversationID int64, serverID, name string, enabled bool) error {
	if !toolNameOK(serverID) || !toolNameOK(name) {
		return ErrBadToolName
	}
	return e.cfg.Store.SetConversationTool(ctx, conversationID, serverID, name, enabled)
}

func toolNameOK(s string) bool {
	if s == "" || len(s) > 256*4 || utf8.RuneCountInString(s) > 256 || !utf8.ValidString(s) {
		return false
	}
	return !strings.ContainsFunc(s, unicode.IsControl)
}
