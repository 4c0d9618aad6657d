-- Placeholder for the mcp branch's 017, so that 018 is numbered in order on
-- the toolcalls branch. Delete this file when merging with mcp.
SELECT 1;
