-- Statistics about each answer, and how it ended or was recovered.
ALTER TABLE messages ADD COLUMN first_token_ms    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN tokens_per_second REAL    NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN prompt_tokens     INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN completion_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN recovered         INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN recovery_reason   TEXT    NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN end_reason        TEXT    NOT NULL DEFAULT '';
