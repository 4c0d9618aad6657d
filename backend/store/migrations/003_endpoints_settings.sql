-- Model servers and the user's settings. There is deliberately no column for
-- API keys: they live in the OS keyring under the endpoint's id.
CREATE TABLE endpoints (
    id         TEXT    PRIMARY KEY,
    name       TEXT    NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('ollama', 'openai')),
    base_url   TEXT    NOT NULL,
    enabled    INTEGER NOT NULL DEFAULT 1,
    models     TEXT    NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL
);

-- Settings are one JSON document, so adding a preference needs no migration.
CREATE TABLE settings (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    data TEXT    NOT NULL
);
