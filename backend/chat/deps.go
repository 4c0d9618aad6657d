package chat

import (
	"context"
	"errors"

	"brook/backend/provider"
	"brook/backend/store"
)

// Store is what the engine needs of [store.Store]. It is an interface so the
// engine's tests can also run against a store that fails on purpose.
type Store interface {
	CreateConversation(ctx context.Context, c store.Conversation) (store.Conversation, error)
	GetConversation(ctx context.Context, id int64) (store.Conversation, error)
	GetProject(ctx context.Context, id int64) (store.Project, error)
	SetConversationModel(ctx context.Context, id int64, endpointID, model string) error
	SetAutoTitle(ctx context.Context, id int64, title string) error
	ReplaceAutoTitle(ctx context.Context, id int64, expected, title string) (bool, error)
	ShownPath(ctx context.Context, conversationID int64) ([]store.Message, error)
	Thread(ctx context.Context, id int64) ([]store.Message, error)
	ConversationImages(ctx context.Context, conversationID int64) (map[int64][]store.Image, error)
	ConversationDocuments(ctx context.Context, conversationID int64) (map[int64][]store.Document, error)
	GetMessage(ctx context.Context, id int64) (store.Message, error)
	AddMessage(ctx context.Context, m store.Message) (store.Message, error)
	AddVersion(ctx context.Context, of int64, m store.Message, keepImages bool) (store.Message, error)
	ShowVersion(ctx context.Context, id int64) ([]store.Message, error)
	DeleteVersion(ctx context.Context, id int64) (int, error)
	DeleteMessage(ctx context.Context, id int64) (int, error)
	CheckpointAnswer(ctx context.Context, id, run int64, content, reasoning string) error
	FinishAnswer(ctx context.Context, m store.Message) error
	ContinueAnswer(ctx context.Context, id, run int64, endpointID, model string) error
	ToResume(ctx context.Context) ([]store.Message, error)
	LoadSettings(ctx context.Context) (store.Settings, error)
	AppState(ctx context.Context) (store.AppState, error)
	SetLastModel(ctx context.Context, endpointID, model string) error
	SetContextChoice(ctx context.Context, id int64, choice string) error
	SetToolCalls(ctx context.Context, id int64, calls []store.ToolCall) error
	ConversationTools(ctx context.Context, conversationID int64) ([]store.ConversationTool, error)
	AllowToolAlways(ctx context.Context, conversationID int64, serverID, name string) error
	SetConversationTool(ctx context.Context, conversationID int64, serverID, name string, enabled bool) error
}

// Providers hands out the [provider.Client] of a configured endpoint.
type Providers interface {
	Client(ctx context.Context, endpointID string) (provider.Client, error)
}

var _ Store = (*store.Store)(nil)

// Profiler is implemented by [Providers] that know what serves each endpoint.
// Without it every endpoint is an unrecognised OpenAI-compatible server.
type Profiler interface {
	Profile(ctx context.Context, endpointID string) provider.ServerProfile
}

// defaultParallel is the answers at once for a server that says nothing.
const defaultParallel = 2

func (e *Engine) profile(ctx context.Context, endpointID string) provider.ServerProfile {
	p := provider.ServerProfile{Kind: provider.ServerGeneric}
	if pr, ok := e.cfg.Providers.(Profiler); ok {
		p = pr.Profile(ctx, endpointID)
	}
	if p.MaxParallel <= 0 {
		p.MaxParallel = defaultParallel
	}
	return p
}

// projectInstructions are the instructions of conv's project, "" when it is
// in none. A project deleted meanwhile gives none: the conversation is on
// its way out of it (moved out, or to the trash).
func (e *Engine) projectInstructions(ctx context.Context, conv store.Conversation) (string, error) {
	if conv.ProjectID == 0 {
		return "", nil
	}
	p, err := e.cfg.Store.GetProject(ctx, conv.ProjectID)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	return p.Instructions, err
}
