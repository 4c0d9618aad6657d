-- Model names the user added by hand, for servers that do not list them at
-- /v1/models: offered alongside those the server lists. A JSON array of text.
ALTER TABLE endpoints ADD COLUMN extra_models TEXT NOT NULL DEFAULT '[]';
-- The names of extra HTTP headers sent on every request to the endpoint
-- (a gateway's X-Api-Key, OpenRouter's HTTP-Referer). A JSON array of text.
-- Their values may be secrets: they live in the keyring, never here.
ALTER TABLE endpoints ADD COLUMN header_names TEXT NOT NULL DEFAULT '[]';
