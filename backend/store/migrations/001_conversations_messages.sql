-- Conversations and their messages. Integer primary keys are explicit so
-- that VACUUM never renumbers them (the search index refers to messages.id);
-- uid is the stable identity used by export and import.
CREATE TABLE conversations (
    id            INTEGER PRIMARY KEY,
    uid           TEXT    NOT NULL UNIQUE,
    title         TEXT    NOT NULL,
    title_is_auto INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    endpoint_id   TEXT    NOT NULL DEFAULT '',
    model         TEXT    NOT NULL DEFAULT '',
    system_prompt TEXT    NOT NULL DEFAULT '',
    params        TEXT    NOT NULL DEFAULT '{}'
);

CREATE INDEX conversations_by_update ON conversations (updated_at DESC);

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    uid             TEXT    NOT NULL UNIQUE,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    role            TEXT    NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
    content         TEXT    NOT NULL DEFAULT '',
    state           TEXT    NOT NULL CHECK (state IN ('complete', 'streaming', 'interrupted', 'stopped', 'failed')),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    endpoint_id     TEXT    NOT NULL DEFAULT '',
    model           TEXT    NOT NULL DEFAULT '',
    error           TEXT    NOT NULL DEFAULT ''
);

CREATE INDEX messages_by_conversation ON messages (conversation_id, id);

-- Start-up recovery looks for answers left streaming; this partial index
-- keeps that lookup instant however many messages there are.
CREATE INDEX messages_streaming ON messages (id) WHERE state = 'streaming';
