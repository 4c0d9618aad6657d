-- The user's MCP servers, whose tools a model may call. A server is either a
-- command Brook starts (stdio: command, args, and the names of environment
-- variables it gets) or a URL (http: streamable HTTP, and the names of extra
-- headers sent to it). Only names are kept here: the values of environment
-- variables and headers may be secrets and live in the keyring (or the key
-- file), never in the database.
CREATE TABLE tool_servers (
    id              TEXT    PRIMARY KEY,
    name            TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('stdio', 'http')),
    command         TEXT    NOT NULL DEFAULT '',
    -- JSON arrays of text.
    args            TEXT    NOT NULL DEFAULT '[]',
    env_names       TEXT    NOT NULL DEFAULT '[]',
    url             TEXT    NOT NULL DEFAULT '',
    header_names    TEXT    NOT NULL DEFAULT '[]',
    enabled         INTEGER NOT NULL DEFAULT 1,
    -- The per-call timeout; 0 means Brook's default.
    timeout_seconds INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL
);

-- Tools the user allowed always, in Settings: their calls run without asking.
-- Nothing is allowed by default, so a tool without a row asks every time.
CREATE TABLE tool_permissions (
    server_id TEXT NOT NULL REFERENCES tool_servers (id) ON DELETE CASCADE,
    tool      TEXT NOT NULL,
    PRIMARY KEY (server_id, tool)
);
