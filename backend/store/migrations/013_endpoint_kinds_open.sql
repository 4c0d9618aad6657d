-- An endpoint's kind is checked by Brook against the kinds it knows (each
-- kind is one package, registered in one place), no longer by a CHECK that
-- lists them: adding a kind needs no migration. SQLite cannot drop a
-- constraint, so the table is copied without it. Nothing refers to it.
CREATE TABLE endpoints_new (
    id           TEXT    PRIMARY KEY,
    name         TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind <> ''),
    base_url     TEXT    NOT NULL,
    enabled      INTEGER NOT NULL DEFAULT 1,
    models       TEXT    NOT NULL DEFAULT '[]',
    created_at   INTEGER NOT NULL,
    server_kind  TEXT    NOT NULL DEFAULT '',
    max_parallel INTEGER NOT NULL DEFAULT 0,
    extra_models TEXT    NOT NULL DEFAULT '[]',
    header_names TEXT    NOT NULL DEFAULT '[]'
);
INSERT INTO endpoints_new (rowid, id, name, kind, base_url, enabled, models, created_at, server_kind,
                           max_parallel, extra_models, header_names)
    SELECT rowid, id, name, kind, base_url, enabled, models, created_at, server_kind,
           max_parallel, extra_models, header_names
    FROM endpoints;
DROP TABLE endpoints;
ALTER TABLE endpoints_new RENAME TO endpoints;
