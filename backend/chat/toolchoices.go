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
	"brook/backend/store"
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
	if ts := e.toolSet(); ts.Catalog == nil || ts.Runner == nil {
		return ToolChoices{Tools: []ToolChoice{}, Model: ModelToolsUnknown}, nil
	}
	conv, err := e.cfg.Store.GetConversation(ctx, conversationID)
	if err != nil {
		return ToolChoices{Tools: []ToolChoice{}, Model: ModelToolsUnknown, Configured: true}, err
	}
	settings, err := e.cfg.Store.ConversationTools(ctx, conversationID)
	if err != nil {
		return ToolChoices{Tools: []ToolChoice{}, Model: ModelToolsUnknown, Configured: true}, err
	}
	return e.toolChoices(ctx, conv.EndpointID, conv.Model, settings), nil
}

// NewChatToolChoices lists the tools there are for a chat not started yet,
// none of them enabled, and whether model on endpointID can call them. The
// window keeps the user's choices with the draft and sends them with the
// first message ([SendRequest.Tools]).
func (e *Engine) NewChatToolChoices(ctx context.Context, endpointID, model string) ToolChoices {
	return e.toolChoices(ctx, endpointID, model, nil)
}

// toolChoices lists the available tools with a conversation's settings.
func (e *Engine) toolChoices(ctx context.Context, endpointID, model string, settings []store.ConversationTool) ToolChoices {
	choices := ToolChoices{Tools: []ToolChoice{}, Model: ModelToolsUnknown}
	ts := e.toolSet()
	if ts.Catalog == nil || ts.Runner == nil {
		return choices
	}
	choices.Configured = true
	choices.Model = e.modelTools(ctx, endpointID, model)
	available, err := ts.Catalog.Available(ctx)
	if err != nil {
		choices.Problem = i18n.T("Chat.toolsUnlisted", i18n.Args{"Err": err})
		return choices
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
	return choices
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

// ToolRef names one tool: its server's ID and its name.
type ToolRef struct {
	ServerID string `json:"serverId"`
	Name     string `json:"name"`
}

// MaxSendTools is how many tools one message may enable.
const MaxSendTools = 1000

// checkToolRefs checks the tools a message enables, before anything is
// stored.
func checkToolRefs(refs []ToolRef) error {
	if len(refs) > MaxSendTools {
		return ErrBadToolName
	}
	for _, r := range refs {
		if !toolNameOK(r.ServerID) || !toolNameOK(r.Name) {
			return ErrBadToolName
		}
	}
	return nil
}

// enableTools enables refs for a conversation, before its answer starts.
func (e *Engine) enableTools(ctx context.Context, conversationID int64, refs []ToolRef) error {
	for _, r := range refs {
		if err := e.cfg.Store.SetConversationTool(ctx, conversationID, r.ServerID, r.Name, true); err != nil {
			return err
		}
	}
	return nil
}

func toolNameOK(s string) bool {
	if s == "" || len(s) > 256*4 || utf8.RuneCountInString(s) > 256 || !utf8.ValidString(s) {
		return false
	}
	return !strings.ContainsFunc(s, unicode.IsControl)
}
