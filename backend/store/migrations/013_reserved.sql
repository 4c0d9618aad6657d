-- Reserved: migration 013 belongs to another branch (endpoint kinds). This
-- empty step only keeps the numbers of this branch without a gap; drop this
-- file when that branch's 013 is merged.
SELECT 1;
