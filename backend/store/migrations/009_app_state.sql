-- Brook's own state, apart from the user's preferences. The settings row is
-- one JSON document that Settings → Save rewrites whole; when the engine
-- kept the model used last in it too, a Save and a message sent at the same
-- moment could each overwrite the other's change. Here every value is its
-- own row, written on its own, and the settings row holds only what the
-- user chose.
CREATE TABLE app_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Move the values kept in the settings document until now.
INSERT INTO app_state (key, value)
SELECT 'last_endpoint_id', json_extract(data, '$.lastEndpointId') FROM settings
WHERE id = 1 AND json_valid(data) AND json_type(data, '$.lastEndpointId') = 'text'
  AND json_extract(data, '$.lastEndpointId') <> '';

INSERT INTO app_state (key, value)
SELECT 'last_model', json_extract(data, '$.lastModel') FROM settings
WHERE id = 1 AND json_valid(data) AND json_type(data, '$.lastModel') = 'text'
  AND json_extract(data, '$.lastModel') <> '';

INSERT INTO app_state (key, value)
SELECT 'seeded_ollama_url', json_extract(data, '$.seededOllamaUrl') FROM settings
WHERE id = 1 AND json_valid(data) AND json_type(data, '$.seededOllamaUrl') = 'text'
  AND json_extract(data, '$.seededOllamaUrl') <> '';

UPDATE settings SET data = json_remove(data, '$.lastEndpointId', '$.lastModel', '$.seededOllamaUrl')
WHERE id = 1 AND json_valid(data);
