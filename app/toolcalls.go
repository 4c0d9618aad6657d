package app

import (
	"brook/backend/chat"
	"brook/backend/guard"
	"brook/backend/tools"
)

// ToolCallService is the window's side of the tools a model calls in a
// chat: the composer's tool picker, and the user's answers to calls that
// wait for approval. The engine announces each call on events.ToolEventName.
type ToolCallService struct{ a *App }

// SetTools plugs in where tools come from and how they run: the MCP
// manager, which is both. A nil catalog or runner offers no tools. Calls
// are approved in the window (ToolCallService.Answer).
func (a *App) SetTools(catalog tools.Catalog, runner tools.Runner) {
	a.engine.SetTools(chat.ToolSet{Catalog: catalog, Runner: runner, Approver: a.approvals})
}

// Choices lists the tools there are for a conversation, which it has
// enabled, and whether its model can call tools. With no tool servers it
// lists none and says so (Configured false).
func (s *ToolCallService) Choices(conversationID int64) (chat.ToolChoices, error) {
	if err := guard.First(s.a.ready(), guard.ID("conversation", conversationID)); err != nil {
		return chat.ToolChoices{}, err
	}
	return s.a.engine.ToolChoices(s.a.ctx, conversationID)
}

// NewChatChoices lists the tools there are for a chat not started yet,
// none enabled, and whether the model chosen for it (endpointID and model)
// can call tools. The choices go with the first message (ChatService.SendWithTools).
func (s *ToolCallService) NewChatChoices(endpointID, model string) (chat.ToolChoices, error) {
	if err := guard.First(s.a.ready(), guard.EndpointID(endpointID), guard.Model(model)); err != nil {
		return chat.ToolChoices{}, err
	}
	return s.a.engine.NewChatToolChoices(s.a.ctx, endpointID, model), nil
}

// SetEnabled enables or disables a tool for a conversation.
func (s *ToolCallService) SetEnabled(conversationID int64, serverID, name string, enabled bool) error {
	if err := guard.First(s.a.ready(), guard.ID("conversation", conversationID)); err != nil {
		return err
	}
	return s.a.engine.SetToolEnabled(s.a.ctx, conversationID, serverID, name, enabled)
}

// Answer gives the user's decision on a call waiting for approval:
// "allow_once", "always_in_chat" or "deny".
func (s *ToolCallService) Answer(messageID int64, callID, decision string) error {
	if err := guard.First(s.a.ready(), guard.ID("message", messageID),
		guard.OneOf("A decision", decision, string(chat.DecisionAllowOnce), string(chat.DecisionAlwaysInChat), string(chat.DecisionDeny))); err != nil {
		return err
	}
	return s.a.approvals.Answer(messageID, callID, chat.Decision(decision))
}

// Cancel cancels a running call; the answer goes on with the model told.
// It reports false when the call is not running.
func (s *ToolCallService) Cancel(messageID int64, callID string) (bool, error) {
	if err := guard.First(s.a.ready(), guard.ID("message", messageID)); err != nil {
		return false, err
	}
	return s.a.engine.CancelToolCall(messageID, callID), nil
}

// Pending lists the calls waiting for approval, for a window that opens
// after their events went by.
func (s *ToolCallService) Pending() ([]chat.ApprovalRequest, error) {
	if err := s.a.ready(); err != nil {
		return nil, err
	}
	return s.a.approvals.Pending(), nil
}
