-- Images a user attached to a message, for vision models. The bytes live
-- here, beside their metadata; a message's images go with it when it is
-- deleted (and so with its conversation when that is purged).
CREATE TABLE images (
    id         INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    name       TEXT    NOT NULL DEFAULT '',
    mime       TEXT    NOT NULL,
    width      INTEGER NOT NULL DEFAULT 0,
    height     INTEGER NOT NULL DEFAULT 0,
    size       INTEGER NOT NULL,
    data       BLOB    NOT NULL
);
CREATE INDEX images_message ON images(message_id);
