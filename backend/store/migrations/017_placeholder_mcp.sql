-- PLACEHOLDER on the retrieval branch only: number 017 belongs to the MCP
-- branch. Migration numbers must run without gaps, so this empty step
-- stands in for it until the branches merge; delete this file at the merge.
SELECT 1;
