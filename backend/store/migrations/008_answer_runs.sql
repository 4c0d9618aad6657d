-- Each time an answer is produced (sent, retried, continued) it gets a new
-- run number, and every checkpoint and final write names its run: a late
-- write from an earlier run can never overwrite a newer one.
ALTER TABLE messages ADD COLUMN run INTEGER NOT NULL DEFAULT 0;
