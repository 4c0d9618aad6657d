package app

import (
	"errors"

	"brook/backend/chat"
	"brook/backend/guard"
	"brook/backend/store"
)

// ChatService sends messages and controls answers.
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
	if err := s.a.ready(); err != nil {
		return chat.SendResult{}, err
	}
	if err := guard.First(guard.ConversationOrNew(conversationID), guard.Message(text),
		guard.EndpointID(endpointID), guard.Model(model), guard.ImageCount(len(images))); err != nil {
		return chat.SendResult{}, err
	}
	checked, err := checkImages(images)
	if err != nil {
		return chat.SendResult{}, err
	}
	req, err := s.a.chooser.Complete(s.a.ctx, chat.SendRequest{ConversationID: conversationID, Text: text, EndpointID: endpointID, Model: model, Images: checked})
	if err != nil {
		return chat.SendResult{}, err
	}
	return s.a.engine.Send(s.a.ctx, req)
}

// checkImages decodes and checks the images the UI attached to a message.
func checkImages(images []store.ImageInput) ([]store.Image, error) {
	if len(images) == 0 {
		return nil, nil
	}
	out := make([]store.Image, 0, len(images))
	for _, in := range images {
		img, err := guard.ImageBase64(in.Name, in.MIME, in.Data)
		if err != nil {
			return nil, err
		}
		out = append(out, store.Image{Name: img.Name, MIME: img.MIME, Width: img.Width, Height: img.Height,
			Size: int64(len(img.Data)), Data: img.Data})
	}
	return out, nil
}

// Stop stops a streaming answer, keeping its text. Stopping an answer that
// has already ended does nothing.
func (s *ChatService) Stop(answerID int64) error {
	if err := s.a.ready(); err != nil {
		return err
	}
	if err := guard.ID("answer", answerID); err != nil {
		return err
	}
	if !s.a.engine.Stop(answerID) {
		_, err := s.a.store.GetMessage(s.a.ctx, answerID)
		return err
	}
	return nil
}

// AskNow stops waiting for an answer's stream and asks for it without
// streaming at once.
func (s *ChatService) AskNow(answerID int64) error {
	if err := s.a.ready(); err != nil {
		return err
	}
	if err := guard.ID("answer", answerID); err != nil {
		return err
	}
	if !s.a.engine.AskNow(answerID) {
		return errors.New("that answer is no longer waiting")
	}
	return nil
}

// Retry asks for an answer again as a new version, shown in its place; the
// old one stays a version.
func (s *ChatService) Retry(answerID int64) (store.Message, error) {
	if err := s.a.ready(); err != nil {
		return store.Message{}, err
	}
	if err := guard.ID("answer", answerID); err != nil {
		return store.Message{}, err
	}
	return s.a.engine.Retry(s.a.ctx, answerID)
}

// Continue extends an interrupted or stopped answer.
func (s *ChatService) Continue(answerID int64) (store.Message, error) {
	if err := s.a.ready(); err != nil {
		return store.Message{}, err
	}
	if err := guard.ID("answer", answerID); err != nil {
		return store.Message{}, err
	}
	return s.a.engine.Continue(s.a.ctx, answerID)
}

// Regenerate asks for another answer as a new version; the old one stays.
func (s *ChatService) Regenerate(answerID int64) (store.Message, error) {
	if err := s.a.ready(); err != nil {
		return store.Message{}, err
	}
	if err := guard.ID("answer", answerID); err != nil {
		return store.Message{}, err
	}
	return s.a.engine.Regenerate(s.a.ctx, answerID)
}

// EditAndResend sends an edited question as a new version of it, with a
// new answer; the original stays a version.
func (s *ChatService) EditAndResend(userMessageID int64, text string) (chat.SendResult, error) {
	if err := s.a.ready(); err != nil {
		return chat.SendResult{}, err
	}
	if err := guard.First(guard.ID("message", userMessageID), guard.Message(text)); err != nil {
		return chat.SendResult{}, err
	}
	return s.a.engine.EditAndResend(s.a.ctx, userMessageID, text)
}

// SaveAgain writes an answer whose final write failed; it says why when it
// still cannot.
func (s *ChatService) SaveAgain(answerID int64) error {
	if err := s.a.ready(); err != nil {
		return err
	}
	if err := guard.ID("answer", answerID); err != nil {
		return err
	}
	return s.a.engine.SaveAgain(answerID)
}

// ActiveAnswers lists the answers streaming now.
func (s *ChatService) ActiveAnswers() []int64 {
	if s.a.ready() != nil {
		return []int64{}
	}
	return s.a.engine.Active()
}
