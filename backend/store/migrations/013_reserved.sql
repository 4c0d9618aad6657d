-- Reserved: another change on its way to main takes schema version 013.
-- This placeholder keeps the numbering whole on this branch; the merge
-- replaces it with that change's own step.
SELECT 1;
