-- Tool results become messages of their own. Until now (018) an assistant
-- message kept each call's result and outcome inside its tool_calls JSON.
-- From here a call's result is a message of role 'tool': its parent is the
-- assistant message that made the call, tool_call_id is the call's id,
-- content is the result text sent back to the model, and tool_outcome is
-- the rest of how the call ended, as JSON ({"status", "isError",
-- "truncated", "fullBytes", "durationMs"}, each left out when zero). The
-- assistant's tool_calls keeps only each call's id, name, server and
-- arguments. A call still pending, with no outcome yet, has no tool row.
--
-- The outcome is one small JSON column rather than five: it is only ever
-- read and written whole, beside its result, never filtered or sorted on in
-- SQL, and the statuses a call can end in grow with the engine, which a
-- column CHECK would turn into a migration each time.
--
-- Tool rows are never a conversation's visible messages: they are not
-- versions, not on the shown path, not counted, not searched (the search
-- triggers below skip them) and a visible message cannot follow one. They
-- go with their assistant message (the store deletes them with it, and a
-- conversation's purge cascades to them as to every message), and their
-- shown_at stays 0. A tool row's uid is its assistant message's uid, then
-- '/tool/', then the call's id, so it is unique as long as call ids are
-- unique within one message, which Brook has always checked.
ALTER TABLE messages ADD COLUMN tool_call_id TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN tool_outcome TEXT NOT NULL DEFAULT '';

-- Allow role 'tool'. SQLite cannot alter a CHECK constraint; its documented
-- way to loosen one (https://www.sqlite.org/lang_altertable.html, "Making
-- Other Kinds Of Table Schema Changes") rewrites the table's CREATE TABLE
-- text in sqlite_schema. That is safe here because every stored row
-- satisfies the looser constraint, so nothing on disk changes. The full
-- rebuild (a new table, copy, drop, rename) is not possible inside this
-- step's transaction: dropping messages with foreign keys on would cascade
-- to images, message_documents, answer_sources and answer_retrieval, and
-- foreign keys cannot be turned off inside a transaction.
--
-- The steps of the procedure: the edit runs in this migration's
-- transaction; writable_schema = RESET turns the edit off and makes this
-- connection read the schema again; the DDL below (DROP and CREATE INDEX,
-- the triggers) each raises schema_version, so every other connection reads
-- it again too; the tests run integrity_check on migrated databases. The
-- ADD COLUMNs above come first: they edit the CREATE TABLE text themselves,
-- at an offset taken from the schema as this connection last read it.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
SET sql = replace(sql, 'CHECK (role IN (''system'', ''user'', ''assistant''))',
                       'CHECK (role IN (''system'', ''user'', ''assistant'', ''tool''))')
WHERE type = 'table' AND name = 'messages';
PRAGMA writable_schema = RESET;

-- Stop here, leaving the database at version 20, should the CHECK text not
-- have been the one above: inserting 0 into this table fails its CHECK.
CREATE TEMP TABLE migration_021_check (ok INTEGER CHECK (ok));
INSERT INTO migration_021_check
SELECT instr(sql, '''assistant'', ''tool'')') > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'messages';
DROP TABLE migration_021_check;

-- A conversation's tree holds its visible messages only. Queries on it say
-- role <> 'tool', which lets SQLite use this partial index; role is a
-- column of it too, or SQLite would read every row to test that term, and
-- the tree walk must stay on the index alone (012).
DROP INDEX messages_tree;
CREATE INDEX messages_tree ON messages (conversation_id, parent_id, shown_at, id, role) WHERE role <> 'tool';

-- Search never finds tool results (as 018 promised): the index keeps the
-- non-streaming messages that are not tool rows, and the 'delete' commands
-- rely on exactly that. A message's role never changes.
DROP TRIGGER messages_fts_after_insert;
DROP TRIGGER messages_fts_after_delete;
DROP TRIGGER messages_fts_after_update;

CREATE TRIGGER messages_fts_after_insert AFTER INSERT ON messages
WHEN new.state <> 'streaming' AND new.role <> 'tool'
BEGIN
    INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
END;

CREATE TRIGGER messages_fts_after_delete AFTER DELETE ON messages
WHEN old.state <> 'streaming' AND old.role <> 'tool'
BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;

CREATE TRIGGER messages_fts_after_update AFTER UPDATE OF content, state ON messages
WHEN (old.state <> 'streaming' OR new.state <> 'streaming') AND new.role <> 'tool'
BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content)
    SELECT 'delete', old.id, old.content WHERE old.state <> 'streaming';
    INSERT INTO messages_fts (rowid, content)
    SELECT new.id, new.content WHERE new.state <> 'streaming';
END;

-- The database itself refuses a tool row that answers no call of the
-- assistant message it follows, and a visible message that follows a tool
-- row. The store checks both first and says why in words of its own.
CREATE TRIGGER messages_tool_row_answers_a_call BEFORE INSERT ON messages
WHEN new.role = 'tool' AND (new.tool_call_id = '' OR NOT EXISTS (
    SELECT 1 FROM messages p, json_each(CASE WHEN json_valid(p.tool_calls) THEN p.tool_calls ELSE '[]' END) c
    WHERE p.id = new.parent_id AND p.role = 'assistant' AND json_extract(c.value, '$.id') = new.tool_call_id))
BEGIN
    SELECT raise(ABORT, 'a tool message must answer a call of the assistant message it follows');
END;

CREATE TRIGGER messages_not_after_tool_row BEFORE INSERT ON messages
WHEN new.role <> 'tool' AND new.parent_id IS NOT NULL
 AND (SELECT role FROM messages WHERE id = new.parent_id) = 'tool'
BEGIN
    SELECT raise(ABORT, 'a message cannot follow a tool message');
END;

-- Move every settled call's result and outcome into a tool row after its
-- assistant message, in the order of the calls. A call Brook never wrote
-- (no id, or an id repeated in one message) is left out rather than stop
-- Brook from opening the database.
INSERT OR IGNORE INTO messages
    (uid, conversation_id, role, content, state, created_at, updated_at, parent_id, shown_at, tool_call_id, tool_outcome)
SELECT m.uid || '/tool/' || json_extract(c.value, '$.id'), m.conversation_id, 'tool',
       coalesce(json_extract(c.value, '$.result'), ''), 'complete', m.updated_at, m.updated_at, m.id, 0,
       json_extract(c.value, '$.id'),
       CASE WHEN json_remove(c.value, '$.id', '$.name', '$.server', '$.arguments', '$.result') = '{}' THEN ''
            ELSE json_remove(c.value, '$.id', '$.name', '$.server', '$.arguments', '$.result') END
FROM messages m, json_each(m.tool_calls) c
WHERE m.role = 'assistant' AND m.tool_calls <> '' AND json_valid(m.tool_calls) AND json_type(m.tool_calls) = 'array'
  AND json_type(c.value) = 'object' AND json_type(c.value, '$.id') = 'text'
  AND json_remove(c.value, '$.id', '$.name', '$.server', '$.arguments') <> '{}'
ORDER BY m.id, c.key;

UPDATE messages SET tool_calls = (
    SELECT json_group_array(json_remove(c.value, '$.status', '$.result', '$.isError', '$.truncated', '$.fullBytes', '$.durationMs'))
    FROM json_each(messages.tool_calls) c)
WHERE role = 'assistant' AND tool_calls <> '' AND json_valid(tool_calls) AND json_type(tool_calls) = 'array';
