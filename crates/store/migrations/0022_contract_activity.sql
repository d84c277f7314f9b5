-- When a contract first started (both sides accepted the NDA) and since when it has been active
-- this time (resumed after a pause): an offer withdrawn before it started gets no feedback and no
-- place in the Job Success Score, and time is logged only for the contract's active stretch.
ALTER TABLE contracts ADD COLUMN started_at BIGINT;
ALTER TABLE contracts ADD COLUMN active_since BIGINT;
UPDATE contracts SET started_at = created_at, active_since = updated_at WHERE status IN ('active', 'paused', 'ended');
