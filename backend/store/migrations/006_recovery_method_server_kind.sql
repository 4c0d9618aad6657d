-- How a recovered answer was completed: 'continued' (the partial answer was
-- continued) or 'reasked' (the question was asked again); '' when not recovered.
ALTER TABLE messages ADD COLUMN recovery_method TEXT NOT NULL DEFAULT '';

-- The user's word on what software serves an endpoint; '' means Brook detects it.
ALTER TABLE endpoints ADD COLUMN server_kind  TEXT    NOT NULL DEFAULT '';
-- How many answers Brook sends to an endpoint at once; 0 means the server's default.
ALTER TABLE endpoints ADD COLUMN max_parallel INTEGER NOT NULL DEFAULT 0;
