-- Documents a user attached to a message (PDF, DOCX, ODT, text of any kind).
-- A file is stored once, by the SHA-256 of its bytes, however many messages
-- carry it; its extracted text is stored beside it, so a conversation never
-- reads the file again. message_documents links a message to a document
-- under the name it was attached with, in order.
CREATE TABLE documents (
    id    INTEGER PRIMARY KEY,
    hash  TEXT    NOT NULL UNIQUE,
    kind  TEXT    NOT NULL,
    mime  TEXT    NOT NULL,
    size  INTEGER NOT NULL,
    pages INTEGER NOT NULL DEFAULT 0,
    tokens INTEGER NOT NULL DEFAULT 0,
    text  TEXT    NOT NULL,
    data  BLOB    NOT NULL
);

CREATE TABLE message_documents (
    id          INTEGER PRIMARY KEY,
    message_id  INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    name        TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX message_documents_message ON message_documents(message_id);
CREATE INDEX message_documents_document ON message_documents(document_id);

-- A document goes when the last message that carries it goes (a message
-- deleted, a conversation purged).
CREATE TRIGGER documents_unused AFTER DELETE ON message_documents
WHEN NOT EXISTS (SELECT 1 FROM message_documents WHERE document_id = old.document_id)
BEGIN
    DELETE FROM documents WHERE id = old.document_id;
END;

-- Full-text search over the documents' text, as over messages (002): the
-- trigram tokenizer, the documents table as external content. A document's
-- text never changes, so inserts and deletes are all there is.
CREATE VIRTUAL TABLE documents_fts USING fts5 (
    text,
    content = 'documents',
    content_rowid = 'id',
    tokenize = 'trigram'
);

CREATE TRIGGER documents_fts_after_insert AFTER INSERT ON documents
BEGIN
    INSERT INTO documents_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE TRIGGER documents_fts_after_delete AFTER DELETE ON documents
BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
