-- Pinning, archiving, unsent drafts and soft delete (so the UI can undo a
-- delete; PurgeDeleted removes them for good later).
ALTER TABLE conversations ADD COLUMN pinned     INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN archived   INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN draft      TEXT    NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN deleted_at INTEGER;

-- The sidebar lists live conversations pinned first, newest first.
DROP INDEX conversations_by_update;
CREATE INDEX conversations_listing ON conversations (archived, pinned DESC, updated_at DESC, id DESC)
WHERE deleted_at IS NULL;
CREATE INDEX conversations_deleted ON conversations (deleted_at) WHERE deleted_at IS NOT NULL;
