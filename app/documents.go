package app

import (
	"brook/backend/chat"
	"brook/backend/documents"
	"brook/backend/store"
)

// ReadDocument reads a file dropped or pasted in the composer, its bytes in
// base64 (at most documents.MaxFileBytes), and holds it for the next message.
func (s *ChatService) ReadDocument(name, data string) (documents.Info, error) {
	return readyGet(s.a, func() (documents.Info, error) { return s.a.answers.ReadDocument(name, data) })
}

// StagedDocumentText returns the text read from a document attached in the composer.
func (s *ChatService) StagedDocumentText(id string) (string, error) {
	return readyGet(s.a, func() (string, error) { return s.a.answers.StagedText(id) })
}

// DiscardDocument removes a document from the composer.
func (s *ChatService) DiscardDocument(id string) {
	if s.a.ready() == nil {
		s.a.answers.Discard(id)
	}
}

// DocumentText returns a document stored with a message, with its text.
func (s *ChatService) DocumentText(id int64) (store.Document, error) {
	return readyGet(s.a, func() (store.Document, error) { return s.a.answers.DocumentText(s.a.ctx, id) })
}

// SendWithAttachments is Send with images (see SendWithImages) and the
// documents attached in the composer, by their IDs, on the message.
func (s *ChatService) SendWithAttachments(conversationID int64, text, endpointID, model string, images []store.ImageInput, documentIDs []string) (chat.SendResult, error) {
	return readyGet(s.a, func() (chat.SendResult, error) {
		return s.a.answers.Send(s.a.ctx, conversationID, text, endpointID, model, images, documentIDs)
	})
}
