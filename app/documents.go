package app

import (
	"brook/backend/chat"
	"brook/backend/documents"
	"brook/backend/guard"
	"brook/backend/store"
)

// Documents attached in the composer are read in Go when they are attached
// (a chip shows their name, size and tokens at once, and a bad file is
// refused then), held until their message is sent, and stored with it.

// ReadDocument reads a file dropped or pasted in the composer, its bytes in
// base64 (at most documents.MaxFileBytes), and holds it for the next message.
func (s *ChatService) ReadDocument(name, data string) (documents.Info, error) {
	if err := s.a.ready(); err != nil {
		return documents.Info{}, err
	}
	return s.a.staged.AddBase64(name, data)
}

// StagedDocumentText returns the text read from a document attached in the composer.
func (s *ChatService) StagedDocumentText(id string) (string, error) {
	if err := s.a.ready(); err != nil {
		return "", err
	}
	return s.a.staged.Text(id)
}

// DiscardDocument removes a document from the composer.
func (s *ChatService) DiscardDocument(id string) { s.a.staged.Discard(id) }

// DocumentText returns a document stored with a message, with its text.
func (s *ChatService) DocumentText(id int64) (store.Document, error) {
	if err := firstError(s.a.ready(), guard.ID("document", id)); err != nil {
		return store.Document{}, err
	}
	return s.a.store.DocumentText(s.a.ctx, id)
}

// SendWithAttachments is Send with images (see SendWithImages) and the
// documents attached in the composer, by their IDs, on the message. The
// documents are let go once the message is stored.
func (s *ChatService) SendWithAttachments(conversationID int64, text, endpointID, model string, images []store.ImageInput, documentIDs []string) (chat.SendResult, error) {
	if err := s.a.ready(); err != nil {
		return chat.SendResult{}, err
	}
	if err := firstError(guard.ConversationOrNew(conversationID), guard.Message(text),
		guard.EndpointID(endpointID), guard.Model(model), guard.ImageCount(len(images))); err != nil {
		return chat.SendResult{}, err
	}
	checked, err := checkImages(images)
	if err != nil {
		return chat.SendResult{}, err
	}
	docs, err := s.a.staged.Attach(documentIDs)
	if err != nil {
		return chat.SendResult{}, err
	}
	req, err := s.a.chooser.Complete(s.a.ctx, chat.SendRequest{ConversationID: conversationID, Text: text, EndpointID: endpointID,
		Model: model, Images: checked, Documents: docs})
	if err != nil {
		return chat.SendResult{}, err
	}
	result, err := s.a.engine.Send(s.a.ctx, req)
	if err == nil {
		s.a.staged.Discard(documentIDs...)
	}
	return result, err
}
