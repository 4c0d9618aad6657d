-- The context window, in tokens, the user gives an endpoint whose server
-- does not say how large its models' windows are (OpenAI, OpenRouter, a
-- proxy); 0 means ask the server.
ALTER TABLE endpoints ADD COLUMN context_window INTEGER NOT NULL DEFAULT 0;
