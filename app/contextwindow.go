package app

import (
	"brook/backend/chat"
	"brook/backend/contextwindow"
	"brook/backend/guard"
)

// ContextService is the composer's context meter: how much of the model's
// window the conversation takes, and what it does when it no longer fits.
type ContextService struct{ a *App }

// Plan is the plan of the conversation's next request with draft as its
// question; conversationID 0 is a new conversation with the picked model.
func (s *ContextService) Plan(conversationID int64, endpointID, model, draft string) (chat.ContextView, error) {
	if err := s.a.ready(); err != nil {
		return chat.ContextView{}, err
	}
	return s.a.engine.ContextPlan(s.a.ctx, conversationID, endpointID, model, draft)
}

// SetChoice remembers what the conversation does when it no longer fits:
// "grow", "leave_out", or "" to be asked again.
func (s *ContextService) SetChoice(conversationID int64, choice string) error {
	if err := s.a.ready(); err != nil {
		return err
	}
	if err := guard.ID("conversation", conversationID); err != nil {
		return err
	}
	return s.a.engine.SetContextChoice(s.a.ctx, conversationID, contextwindow.Choice(choice))
}
