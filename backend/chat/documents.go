package chat

import (
	"context"
	"slices"
	"strings"

	"brook/backend/store"
)

// historyDocuments loads the text of the documents of history's messages,
// in one query, when any message has documents.
func (e *Engine) historyDocuments(ctx context.Context, conversationID int64, history []store.Message) (map[int64][]store.Document, error) {
	if !slices.ContainsFunc(history, func(m store.Message) bool { return len(m.Documents) > 0 }) {
		return nil, nil
	}
	return e.cfg.Store.ConversationDocuments(ctx, conversationID)
}

// withDocuments is the content of a user's message as the model reads it:
// each attached document in a block that names its file, then the user's
// text. The model sees the documents again with every later turn.
func withDocuments(text string, docs []store.Document) string {
	if len(docs) == 0 {
		return text
	}
	var b strings.Builder
	for _, d := range docs {
		b.WriteString(DocumentBlock(d.Name, d.Text))
		b.WriteString("\n\n")
	}
	b.WriteString(text)
	return strings.TrimRight(b.String(), "\n")
}

// DocumentBlock is how one document is put before the user's text: its
// name in the opening tag, its text, and a closing tag, so the model can
// tell where it starts and ends and which file it is.
func DocumentBlock(name, text string) string {
	name = strings.NewReplacer(`"`, "'", "\n", " ", "\r", " ").Replace(name)
	return `<document name="` + name + `">` + "\n" + strings.TrimSpace(text) + "\n</document>"
}
