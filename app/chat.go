package app

import (
	"brook/backend/chat"
	"brook/backend/store"
)

// ChatService sends messages and controls answers; backend/answers checks
// the arguments.
type ChatService struct{ a *App }

// Send stores text as a new message (in a new conversation when conversationID
// is 0) and starts its answer streaming. A new conversation sent without a
// model (endpointID or model empty) gets the one a new conversation starts
// with: the Default model setting, else the model used last, else the first
// offered.
func (s *ChatService) Send(conversationID int64, text, endpointID, model string) (chat.SendResult, error) {
	return s.SendWithImages(conversationID, text, endpointID, model, nil)
}

// SendWithImages is Send with images attached to the message, for vision
// models: at most guard.MaxImages, each a PNG, JPEG, WebP or GIF of at most
// guard.MaxImageBytes, its data in base64. They are checked before anything
// is stored, and refused when the model's server says it cannot see images.
func (s *ChatService) SendWithImages(conversationID int64, text, endpointID, model string, images []store.ImageInput) (chat.SendResult, error) {
	return s.SendWithAttachments(conversationID, text, endpointID, model, images, nil)
}

// SendWithTools is SendWithAttachments that also enables tools for the
// conversation before its answer starts: what the user chose in the tool
// picker of a new chat, so that its first answer is offered them.
func (s *ChatService) SendWithTools(conversationID int64, text, endpointID, model string, images []store.ImageInput, documentIDs []string, tools []chat.ToolRef) (chat.SendResult, error) {
	return readyGet(s.a, func() (chat.SendResult, error) {
		return s.a.answers.SendWithTools(s.a.ctx, conversationID, text, endpointID, model, images, documentIDs, tools)
	})
}

// Stop stops a streaming answer, keeping its text. Stopping an answer that
// has already ended does nothing.
func (s *ChatService) Stop(answerID int64) error {
	return readyDo(s.a, func() error { return s.a.answers.Stop(s.a.ctx, answerID) })
}

// AskNow stops waiting for an answer's stream and asks for it without
// streaming at once.
func (s *ChatService) AskNow(answerID int64) error {
	return readyDo(s.a, func() error { return s.a.answers.AskNow(answerID) })
}

// Retry asks for an answer again as a new version, shown in its place; the
// old one stays a version.
func (s *ChatService) Retry(answerID int64) (store.Message, error) {
	return readyGet(s.a, func() (store.Message, error) { return s.a.answers.Retry(s.a.ctx, answerID) })
}

// Continue extends an interrupted or stopped answer.
func (s *ChatService) Continue(answerID int64) (store.Message, error) {
	return readyGet(s.a, func() (store.Message, error) { return s.a.answers.Continue(s.a.ctx, answerID) })
}

// Regenerate asks for another answer as a new version; the old one stays.
func (s *ChatService) Regenerate(answerID int64) (store.Message, error) {
	return readyGet(s.a, func() (store.Message, error) { return s.a.answers.Regenerate(s.a.ctx, answerID) })
}

// EditAndResend sends an edited question as a new version of it, with a
// new answer; the original stays a version.
func (s *ChatService) EditAndResend(userMessageID int64, text string) (chat.SendResult, error) {
	return readyGet(s.a, func() (chat.SendResult, error) { return s.a.answers.EditAndResend(s.a.ctx, userMessageID, text) })
}

// SaveAgain writes an answer whose final write failed; it says why when it
// still cannot.
func (s *ChatService) SaveAgain(answerID int64) error {
	return readyDo(s.a, func() error { return s.a.answers.SaveAgain(answerID) })
}

// ActiveAnswers lists the answers streaming now (none while Brook starts
// or closes).
func (s *ChatService) ActiveAnswers() []int64 {
	if s.a.ready() != nil {
		return []int64{}
	}
	return s.a.answers.Active()
}

// SetPaintInterval tells Brook how often the window paints a streaming
// answer, in milliseconds, so that its events come no more often.
func (s *ChatService) SetPaintInterval(ms int) error {
	return readyDo(s.a, func() error { return s.a.answers.SetPaintInterval(ms) })
}
