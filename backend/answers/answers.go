// Package answers sends messages and controls answers for the window: each
// method checks its arguments with [guard] before it reaches the chat
// engine, so the window's bound methods only pass calls on.
package answers

import (
	"context"
	"time"

	"brook/backend/chat"
	"brook/backend/documents"
	"brook/backend/guard"
	"brook/backend/i18n"
	"brook/backend/selection"
	"brook/backend/store"
)

// Service sends messages and controls answers.
type Service struct {
	engine  *chat.Engine
	store   *store.Store
	chooser selection.Chooser
	// staged holds the documents attached in the composer until they are
	// sent: read when attached (a bad file is refused then), stored with
	// their message.
	staged documents.Staging
}

// New returns a [Service] over engine; chooser completes a send's model
// when the window leaves it to Brook.
func New(engine *chat.Engine, st *store.Store, chooser selection.Chooser) *Service {
	return &Service{engine: engine, store: st, chooser: chooser}
}

// ErrNotWaiting says AskNow came for an answer that is no longer waiting.
var ErrNotWaiting = i18n.New("Answers.notWaiting")

// Send stores text, with images for vision models and the documents
// staged in the composer (by their IDs), as a new message (in a new
// conversation when conversationID is 0) and starts its answer. A new
// conversation sent without a model gets the one a new conversation starts
// with (see [selection.Chooser]). Attachments are checked before anything
// is stored; the documents are let go once the message is stored.
func (s *Service) Send(ctx context.Context, conversationID int64, text, endpointID, model string, images []store.ImageInput, documentIDs []string) (chat.SendResult, error) {
	return s.SendWithTools(ctx, conversationID, text, endpointID, model, images, documentIDs, nil)
}

// SendWithTools is [Service.Send] that also enables tools for the
// conversation before its answer starts: the tool picker's choices in a
// chat that did not exist yet, so its first answer is offered them.
func (s *Service) SendWithTools(ctx context.Context, conversationID int64, text, endpointID, model string, images []store.ImageInput, documentIDs []string, tools []chat.ToolRef) (chat.SendResult, error) {
	if err := guard.First(guard.ConversationOrNew(conversationID), guard.Message(text),
		guard.EndpointID(endpointID), guard.Model(model), guard.ImageCount(len(images))); err != nil {
		return chat.SendResult{}, err
	}
	checked, err := checkImages(images)
	if err != nil {
		return chat.SendResult{}, err
	}
	docs, err := s.staged.Attach(documentIDs)
	if err != nil {
		return chat.SendResult{}, err
	}
	req, err := s.chooser.Complete(ctx, chat.SendRequest{ConversationID: conversationID, Text: text, EndpointID: endpointID,
		Model: model, Images: checked, Documents: docs, Tools: tools})
	if err != nil {
		return chat.SendResult{}, err
	}
	result, err := s.engine.Send(ctx, req)
	if err == nil {
		s.staged.Discard(documentIDs...)
	}
	return result, err
}

// ReadDocument reads a file dropped or pasted in the composer, its bytes in
// base64 (at most documents.MaxFileBytes), and holds it for the next message.
func (s *Service) ReadDocument(name, data string) (documents.Info, error) {
	return s.staged.AddBase64(name, data)
}

// StagedText returns the text read from a document staged in the composer.
func (s *Service) StagedText(id string) (string, error) { return s.staged.Text(id) }

// Discard removes documents from the composer.
func (s *Service) Discard(ids ...string) { s.staged.Discard(ids...) }

// DocumentText returns a document stored with a message, with its text.
func (s *Service) DocumentText(ctx context.Context, id int64) (store.Document, error) {
	if err := guard.ID("document", id); err != nil {
		return store.Document{}, err
	}
	return s.store.DocumentText(ctx, id)
}

// checkImages decodes and checks the images the window attached.
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
// has already ended does nothing; an unknown one is an error.
func (s *Service) Stop(ctx context.Context, answerID int64) error {
	if err := guard.ID("answer", answerID); err != nil {
		return err
	}
	if !s.engine.Stop(answerID) {
		_, err := s.store.GetMessage(ctx, answerID)
		return err
	}
	return nil
}

// AskNow stops waiting for an answer's stream and asks for it without
// streaming at once.
func (s *Service) AskNow(answerID int64) error {
	if err := guard.ID("answer", answerID); err != nil {
		return err
	}
	if !s.engine.AskNow(answerID) {
		return ErrNotWaiting
	}
	return nil
}

// Retry asks for an answer again as a new version; the old one stays.
func (s *Service) Retry(ctx context.Context, answerID int64) (store.Message, error) {
	return withAnswer(answerID, func() (store.Message, error) { return s.engine.Retry(ctx, answerID) })
}

// Continue extends an interrupted or stopped answer.
func (s *Service) Continue(ctx context.Context, answerID int64) (store.Message, error) {
	return withAnswer(answerID, func() (store.Message, error) { return s.engine.Continue(ctx, answerID) })
}

// Regenerate asks for another answer as a new version; the old one stays.
func (s *Service) Regenerate(ctx context.Context, answerID int64) (store.Message, error) {
	return withAnswer(answerID, func() (store.Message, error) { return s.engine.Regenerate(ctx, answerID) })
}

// EditAndResend sends an edited question as a new version of it, with a
// new answer; the original stays a version.
func (s *Service) EditAndResend(ctx context.Context, userMessageID int64, text string) (chat.SendResult, error) {
	if err := guard.First(guard.ID("message", userMessageID), guard.Message(text)); err != nil {
		return chat.SendResult{}, err
	}
	return s.engine.EditAndResend(ctx, userMessageID, text)
}

// SaveAgain writes an answer whose final write failed; it says why when it
// still cannot.
func (s *Service) SaveAgain(answerID int64) error {
	if err := guard.ID("answer", answerID); err != nil {
		return err
	}
	return s.engine.SaveAgain(answerID)
}

// Active lists the answers streaming now.
func (s *Service) Active() []int64 { return s.engine.Active() }

// SetPaintInterval tells the engine how often the UI paints a streaming
// answer, in milliseconds (see [chat.Engine.SetPaintInterval]).
func (s *Service) SetPaintInterval(ms int) error {
	if err := guard.PaintInterval(ms); err != nil {
		return err
	}
	s.engine.SetPaintInterval(time.Duration(ms) * time.Millisecond)
	return nil
}

// withAnswer checks an answer's id, then runs fn.
func withAnswer(answerID int64, fn func() (store.Message, error)) (store.Message, error) {
	if err := guard.ID("answer", answerID); err != nil {
		return store.Message{}, err
	}
	return fn()
}
