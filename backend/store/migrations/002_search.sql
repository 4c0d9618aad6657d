-- Full-text search over message text. The trigram tokenizer matches any
-- substring of three or more characters, so it works for Chinese and
-- Japanese (no spaces between words) and for code identifiers.
--
-- The index uses messages as external content. An answer that is still
-- streaming is NOT indexed: checkpoints rewrite its text many times a
-- second and must stay a single cheap UPDATE. It is indexed when it leaves
-- the streaming state. The WHEN clauses below keep the index exactly equal
-- to the non-streaming rows, which the 'delete' commands rely on.
CREATE VIRTUAL TABLE messages_fts USING fts5 (
    content,
    content = 'messages',
    content_rowid = 'id',
    tokenize = 'trigram'
);

CREATE TRIGGER messages_fts_after_insert AFTER INSERT ON messages
WHEN new.state <> 'streaming'
BEGIN
    INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
END;

CREATE TRIGGER messages_fts_after_delete AFTER DELETE ON messages
WHEN old.state <> 'streaming'
BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;

-- One trigger for updates, so the old text is removed before the new text
-- is added (SQLite runs separate triggers on one event newest first, and an
-- insert followed by a 'delete' of the same rowid breaks the index). The
-- WHEN clause skips streaming checkpoints entirely.
CREATE TRIGGER messages_fts_after_update AFTER UPDATE OF content, state ON messages
WHEN old.state <> 'streaming' OR new.state <> 'streaming'
BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content)
    SELECT 'delete', old.id, old.content WHERE old.state <> 'streaming';
    INSERT INTO messages_fts (rowid, content)
    SELECT new.id, new.content WHERE new.state <> 'streaming';
END;

-- Index what is already there, except answers still streaming ('rebuild'
-- would index those too and break the invariant above).
INSERT INTO messages_fts (rowid, content)
SELECT id, content FROM messages WHERE state <> 'streaming';
