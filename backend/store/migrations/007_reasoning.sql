-- What a reasoning model (DeepSeek-R1, Qwen3, gpt-oss…) thought before its
-- answer, kept with the answer so it can be shown and exported, and
-- checkpointed while it streams like the content. '' for user messages, for
-- models that do not reason and for every message written before this step.
-- It is never sent back to a model.
--
-- It is deliberately NOT in the search index (messages_fts stays on content
-- alone, and its triggers fire only on content and state): reasoning is long,
-- repetitive scratch work that would swamp results with near-duplicate hits
-- of every answer's thinking, and it is not what people remember or look
-- for; the answer is. Nothing here touches the index, so it stays exact.
ALTER TABLE messages ADD COLUMN reasoning   TEXT    NOT NULL DEFAULT '';
-- How long the model reasoned, in milliseconds, from its first thought to
-- its first word of answer; 0 when it did not reason or it is not known.
ALTER TABLE messages ADD COLUMN thinking_ms INTEGER NOT NULL DEFAULT 0;
