-- PLACEHOLDER on the retrieval branch only: number 018 belongs to the tool
-- calls branch. Migration numbers must run without gaps, so this empty step
-- stands in for it until the branches merge; delete this file at the merge.
SELECT 1;
