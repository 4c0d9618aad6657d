package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
)

// Document is a document a user attached to a message: its file, stored
// once by the SHA-256 of its bytes however many messages carry it, and the
// text Brook read from it, stored beside it so the file is never read again.
// Messages read for a conversation carry the metadata only; Text and Data
// are filled where they are needed: in requests ([Store.ConversationDocuments]
// gives the text), in exports and imports (both), and [Store.DocumentText].
type Document struct {
	// ID identifies this attachment: the document as one message carries it.
	ID        int64  `json:"id"`
	MessageID int64  `json:"messageId"`
	Name      string `json:"name"`
	// Kind is what it was read as: text, csv, json, html, pdf, docx or odt.
	Kind string `json:"kind"`
	MIME string `json:"mime"`
	// Hash is the SHA-256 of the file's bytes, in hex.
	Hash   string `json:"hash"`
	Size   int64  `json:"size"`
	Pages  int    `json:"pages,omitempty"`
	Tokens int    `json:"tokens"`
	// StoredID is the stored file's row (one per content hash), which
	// retrieval indexes once however many messages carry the file; an
	// internal row id, never exported.
	StoredID int64 `json:"-"`
	// Text is the text read from the file, when read with it.
	Text string `json:"text,omitempty"`
	// Data is the file's bytes, when read with them.
	Data []byte `json:"data,omitempty" ts_type:"string"`
}

// insertDocuments attaches documents to message messageID within tx, in
// order, storing each file unless one with the same hash is stored already,
// and sets their IDs, MessageID, Size and Hash. Every document needs its
// bytes and text.
func insertDocuments(ctx context.Context, tx *sql.Tx, messageID int64, docs []Document) error {
	for i := range docs {
		d := &docs[i]
		if len(d.Data) == 0 || d.Text == "" {
			return invalid("document %d of the message has no bytes or text", i+1)
		}
		if d.Kind == "" || d.MIME == "" {
			return invalid("document %d of the message has no type", i+1)
		}
		// The hash is always Brook's own, never taken from an imported file.
		sum := sha256.Sum256(d.Data)
		d.MessageID, d.Size, d.Hash = messageID, int64(len(d.Data)), hex.EncodeToString(sum[:])
		if _, err := tx.ExecContext(ctx, `INSERT INTO documents (hash, kind, mime, size, pages, tokens, text, data)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING`,
			d.Hash, d.Kind, d.MIME, d.Size, d.Pages, d.Tokens, d.Text, d.Data); err != nil {
			return fmt.Errorf("document %d: %w", i+1, err)
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO message_documents (message_id, document_id, name)
			SELECT ?, id, ? FROM documents WHERE hash = ? RETURNING id`, messageID, d.Name, d.Hash).Scan(&d.ID)
		if err != nil {
			return fmt.Errorf("document %d: %w", i+1, err)
		}
	}
	return nil
}

// withoutContent returns docs with their text and bytes dropped: metadata
// for the UI.
func withoutContent(docs []Document) []Document {
	if len(docs) == 0 {
		return nil
	}
	out := make([]Document, len(docs))
	for i, d := range docs {
		d.Text, d.Data = "", nil
		out[i] = d
	}
	return out
}

// What of a document is read besides its metadata.
type documentParts int

const (
	documentMeta documentParts = iota
	documentText
	documentAll // text and bytes
)

const documentColumns = `md.id, md.message_id, md.name, d.kind, d.mime, d.hash, d.size, d.pages, d.tokens, d.id`

func documentSelect(parts documentParts) string {
	switch parts {
	case documentText:
		return documentColumns + `, d.text`
	case documentAll:
		return documentColumns + `, d.text, d.data`
	}
	return documentColumns
}

func scanDocument(row rowScanner, parts documentParts) (Document, error) {
	var d Document
	dest := []any{&d.ID, &d.MessageID, &d.Name, &d.Kind, &d.MIME, &d.Hash, &d.Size, &d.Pages, &d.Tokens, &d.StoredID}
	if parts >= documentText {
		dest = append(dest, &d.Text)
	}
	if parts == documentAll {
		dest = append(dest, &d.Data)
	}
	return d, row.Scan(dest...)
}

// conversationDocuments reads the documents of every message of a
// conversation in one query, by message, in the order they were attached.
func conversationDocuments(ctx context.Context, q querier, conversationID int64, parts documentParts) (map[int64][]Document, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+documentSelect(parts)+`
		FROM message_documents md JOIN documents d ON d.id = md.document_id JOIN messages m ON m.id = md.message_id
		WHERE m.conversation_id = ? ORDER BY md.id`, conversationID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byMessage := map[int64][]Document{}
	for rows.Next() {
		d, err := scanDocument(rows, parts)
		if err != nil {
			return nil, err
		}
		byMessage[d.MessageID] = append(byMessage[d.MessageID], d)
	}
	return byMessage, rows.Err()
}

// messageDocuments reads the documents' metadata of one message.
func messageDocuments(ctx context.Context, q querier, messageID int64) ([]Document, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+documentColumns+`
		FROM message_documents md JOIN documents d ON d.id = md.document_id
		WHERE md.message_id = ? ORDER BY md.id`, messageID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var docs []Document
	for rows.Next() {
		d, err := scanDocument(rows, documentMeta)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return docs, rows.Err()
}

// ConversationDocuments returns the documents of a conversation's messages
// with their text, by message ID: what a request sends again with every
// turn.
func (s *Store) ConversationDocuments(ctx context.Context, conversationID int64) (map[int64][]Document, error) {
	return conversationDocuments(ctx, s.read, conversationID, documentText)
}

// DocumentText returns one attached document with its text (not its
// bytes), or [ErrNotFound].
func (s *Store) DocumentText(ctx context.Context, id int64) (Document, error) {
	d, err := scanDocument(s.read.QueryRowContext(ctx, `SELECT `+documentSelect(documentText)+`
		FROM message_documents md JOIN documents d ON d.id = md.document_id WHERE md.id = ?`, id), documentText)
	if errors.Is(err, sql.ErrNoRows) {
		return Document{}, fmt.Errorf("store: document %d: %w", id, ErrNotFound)
	}
	return d, err
}

// copyDocuments attaches the documents of message from to message to
// within tx; the files themselves are shared, not copied.
func copyDocuments(ctx context.Context, tx *sql.Tx, from, to int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO message_documents (message_id, document_id, name)
		SELECT ?, document_id, name FROM message_documents WHERE message_id = ? ORDER BY id`, to, from)
	return err
}
