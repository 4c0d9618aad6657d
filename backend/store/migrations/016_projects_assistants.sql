-- Projects group chats under shared instructions and defaults; assistants
-- are saved chat set-ups (instructions, model, parameters) a new chat can
-- start from. Both are deleted softly (deleted_at), so the UI can undo.
--
-- A project's and an assistant's parameters are a JSON document exactly as
-- a conversation's params: the thinking level is its "think" field, so a
-- conversation takes them over as they are.
CREATE TABLE projects (
    id           INTEGER PRIMARY KEY,
    uid          TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    -- Optional marks the sidebar shows: '#rrggbb' and one emoji, or ''.
    colour       TEXT    NOT NULL DEFAULT '',
    emoji        TEXT    NOT NULL DEFAULT '',
    instructions TEXT    NOT NULL DEFAULT '',
    endpoint_id  TEXT    NOT NULL DEFAULT '',
    model        TEXT    NOT NULL DEFAULT '',
    params       TEXT    NOT NULL DEFAULT '{}',
    sort_order   INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    deleted_at   INTEGER
);

CREATE INDEX projects_listing ON projects (sort_order, id) WHERE deleted_at IS NULL;

CREATE TABLE assistants (
    id            INTEGER PRIMARY KEY,
    uid           TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    instructions  TEXT    NOT NULL DEFAULT '',
    endpoint_id   TEXT    NOT NULL DEFAULT '',
    model         TEXT    NOT NULL DEFAULT '',
    params        TEXT    NOT NULL DEFAULT '{}',
    -- What the assistant says first in a chat started from it; '' for nothing.
    first_message TEXT    NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    deleted_at    INTEGER
);

-- A chat belongs to at most one project. Projects are deleted softly, and
-- the store moves a project's chats out (or to the trash) itself; SET NULL
-- covers the purge of a deleted project for good.
ALTER TABLE conversations ADD COLUMN project_id INTEGER REFERENCES projects (id) ON DELETE SET NULL;

-- The assistant a chat was started from, and its name as it was then: a
-- later rename or change of the assistant never rewrites past chats, and
-- the name stays when the assistant is purged (SET NULL).
ALTER TABLE conversations ADD COLUMN assistant_id   INTEGER REFERENCES assistants (id) ON DELETE SET NULL;
ALTER TABLE conversations ADD COLUMN assistant_name TEXT NOT NULL DEFAULT '';

-- A project's chats in sidebar order (pinned first, newest first), and
-- the chats outside any project (project_id IS NULL uses it too). Scoped
-- search starts from the same index: the project's chats, then their
-- messages by messages_by_conversation.
CREATE INDEX conversations_by_project ON conversations (project_id, archived, pinned DESC, updated_at DESC, id DESC)
WHERE deleted_at IS NULL;

-- Purging a project or an assistant for good looks up the chats that refer
-- to it, trashed ones too, which the partial index above leaves out.
CREATE INDEX conversations_project   ON conversations (project_id)   WHERE project_id IS NOT NULL;
CREATE INDEX conversations_assistant ON conversations (assistant_id) WHERE assistant_id IS NOT NULL;
