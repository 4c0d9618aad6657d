-- Tool calls. An assistant message that asked for tools carries its calls,
-- in order, as a JSON array in tool_calls: each call's id (which links it to
-- its result), the tool, its arguments as the model wrote them, and, once
-- the call is over, its outcome and result. A result is the message of role
-- "tool" that answers the call with that id: it is kept with its call, so
-- versions, forks, bundles and exports carry calls and results together.
-- '' means no calls. Results are not in the search index.
ALTER TABLE messages ADD COLUMN tool_calls TEXT NOT NULL DEFAULT '';

-- The tools the user enabled for a conversation, and those they allowed
-- always in it ("Always allow this tool in this chat").
CREATE TABLE conversation_tools (
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    server_id       TEXT    NOT NULL,
    tool_name       TEXT    NOT NULL,
    enabled         INTEGER NOT NULL DEFAULT 0,
    always_allowed  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (conversation_id, server_id, tool_name)
) WITHOUT ROWID;
