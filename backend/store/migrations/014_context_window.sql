-- What a conversation does when it no longer fits its model's context
-- window: '' (ask before sending), 'grow' (ask the server for a larger
-- window, Ollama's num_ctx) or 'leave_out' (leave the oldest messages out).
ALTER TABLE conversations ADD COLUMN context_choice TEXT NOT NULL DEFAULT '';

-- Brook's estimate of an answer's prompt tokens when it was asked for,
-- beside what the server counted (prompt_tokens): their ratio corrects the
-- next estimates of the conversation. 0 when not estimated (older answers).
ALTER TABLE messages ADD COLUMN prompt_estimate INTEGER NOT NULL DEFAULT 0;

-- How many earlier messages were left out of an answer's request to fit
-- the window, so the window can say so beside the answer.
ALTER TABLE messages ADD COLUMN context_left_out INTEGER NOT NULL DEFAULT 0;
