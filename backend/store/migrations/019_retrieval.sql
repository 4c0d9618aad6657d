-- Retrieval from large documents. A document (015) is split into chunks
-- once, by its stored row (itself unique by content hash), each chunk
-- keeping its page; the chunks' text is searched with FTS5 BM25, and their
-- vectors from an embedding model are kept beside them as little-endian
-- float32 BLOBs, one per chunk and model.
CREATE TABLE doc_chunks (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    -- The PDF page the chunk is on, 0 for documents without pages.
    page        INTEGER NOT NULL DEFAULT 0,
    text        TEXT    NOT NULL,
    UNIQUE (document_id, seq)
);

-- A document is chunked once: this row says it is done (a document whose
-- chunking was cut short has no row, and is chunked again).
CREATE TABLE doc_indexed (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    chunks      INTEGER NOT NULL,
    indexed_at  INTEGER NOT NULL
);

-- A rowid table, not WITHOUT ROWID: a vector of 384 floats is 1.5 KB, far
-- larger than the small rows WITHOUT ROWID suits; reading 20,000 of them
-- back took a quarter of the time this way.
CREATE TABLE doc_chunk_vectors (
    chunk_id INTEGER NOT NULL REFERENCES doc_chunks(id) ON DELETE CASCADE,
    model    TEXT    NOT NULL,
    vector   BLOB    NOT NULL,
    PRIMARY KEY (chunk_id, model)
);

-- Which documents have every chunk embedded by which model.
CREATE TABLE doc_embedded (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    model       TEXT    NOT NULL,
    dims        INTEGER NOT NULL,
    PRIMARY KEY (document_id, model)
) WITHOUT ROWID;

-- Words, not trigrams: BM25 ranks a question's words, and porter lets
-- "indexing" find "indexed".
CREATE VIRTUAL TABLE doc_chunks_fts USING fts5 (
    text,
    content = 'doc_chunks',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER doc_chunks_fts_after_insert AFTER INSERT ON doc_chunks
BEGIN
    INSERT INTO doc_chunks_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE TRIGGER doc_chunks_fts_after_delete AFTER DELETE ON doc_chunks
BEGIN
    INSERT INTO doc_chunks_fts (doc_chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

-- Knowledge files: documents a project's chats, or the chats started from
-- an assistant, retrieve from. Each belongs to exactly one of the two.
CREATE TABLE knowledge_files (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER REFERENCES projects(id) ON DELETE CASCADE,
    assistant_id INTEGER REFERENCES assistants(id) ON DELETE CASCADE,
    document_id  INTEGER NOT NULL REFERENCES documents(id),
    name         TEXT    NOT NULL DEFAULT '',
    added_at     INTEGER NOT NULL,
    CHECK ((project_id IS NULL) <> (assistant_id IS NULL))
);
CREATE INDEX knowledge_files_project   ON knowledge_files (project_id)   WHERE project_id IS NOT NULL;
CREATE INDEX knowledge_files_assistant ON knowledge_files (assistant_id) WHERE assistant_id IS NOT NULL;
CREATE INDEX knowledge_files_document  ON knowledge_files (document_id);

-- A document now goes when neither a message nor a knowledge file carries it.
DROP TRIGGER documents_unused;
CREATE TRIGGER documents_unused AFTER DELETE ON message_documents
WHEN NOT EXISTS (SELECT 1 FROM message_documents WHERE document_id = old.document_id)
 AND NOT EXISTS (SELECT 1 FROM knowledge_files WHERE document_id = old.document_id)
BEGIN
    DELETE FROM documents WHERE id = old.document_id;
END;
CREATE TRIGGER knowledge_documents_unused AFTER DELETE ON knowledge_files
WHEN NOT EXISTS (SELECT 1 FROM message_documents WHERE document_id = old.document_id)
 AND NOT EXISTS (SELECT 1 FROM knowledge_files WHERE document_id = old.document_id)
BEGIN
    DELETE FROM documents WHERE id = old.document_id;
END;

-- The chunks an answer was given, in the order given, with their source
-- and text as they were: the answer shows them, and they stay right even
-- when the document is gone. notice says how they were found when it was
-- not the usual way (no embedding model: words only).
CREATE TABLE answer_sources (
    id          INTEGER PRIMARY KEY,
    message_id  INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    rank        INTEGER NOT NULL,
    chunk_id    INTEGER NOT NULL,
    document_id INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    page        INTEGER NOT NULL DEFAULT 0,
    -- 'document' (a message's attachment) or 'knowledge' (a knowledge file).
    origin      TEXT    NOT NULL,
    text        TEXT    NOT NULL
);
CREATE INDEX answer_sources_message ON answer_sources (message_id, rank);

CREATE TABLE answer_retrieval (
    message_id  INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    notice_kind TEXT    NOT NULL DEFAULT '',
    notice_text TEXT    NOT NULL DEFAULT ''
);
