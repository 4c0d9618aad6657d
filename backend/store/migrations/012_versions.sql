-- Messages form a tree: every message has a parent (NULL for the first of a
-- conversation), and the children of one parent are versions of one turn:
-- each Retry, Regenerate and Edit adds a version beside the one it replaces
-- instead of overwriting it.
--
-- There is deliberately no foreign key on parent_id: a cascading delete
-- runs as nested triggers, which SQLite stops at 1,000 levels, and a
-- conversation can be deeper than that. The store deletes subtrees itself.
ALTER TABLE messages ADD COLUMN parent_id INTEGER;

-- When a version was last put on show (created, or switched to), in Unix
-- milliseconds. At every level the shown path takes the child shown last,
-- so a conversation remembers the path it shows, and which version was
-- shown beneath every other one, with one small write per switch.
ALTER TABLE messages ADD COLUMN shown_at INTEGER NOT NULL DEFAULT 0;

-- An answer that Brook finished after a restart: it was cut by a quit, a
-- crash or a power cut and continued at the next start.
ALTER TABLE messages ADD COLUMN resumed INTEGER NOT NULL DEFAULT 0;

-- Until now a conversation was a list. Each message follows the one before
-- it, except that an answer right after another answer was added by
-- Regenerate: it is a version of that answer, beside it under the same
-- question. Only the newest of those was sent to the model in later turns
-- and the next question follows it, which the shown path keeps (the newest
-- version is shown).
UPDATE messages SET parent_id = (
    SELECT p.id FROM messages p
    WHERE p.conversation_id = messages.conversation_id AND p.id < messages.id
      AND (messages.role <> 'assistant' OR p.role <> 'assistant')
    ORDER BY p.id DESC LIMIT 1
);
UPDATE messages SET shown_at = created_at;

-- A conversation's tree is read level by level: the children of a parent,
-- and which of them was shown last. Covering, so the walk never reads rows.
CREATE INDEX messages_tree ON messages (conversation_id, parent_id, shown_at, id);
CREATE INDEX messages_parent ON messages (parent_id) WHERE parent_id IS NOT NULL;

-- Answers that Brook's closing cut short, resumed at the next start: found
-- at every start without reading the whole table.
CREATE INDEX messages_to_resume ON messages (id) WHERE state = 'interrupted' AND end_reason = 'app_closed';
