-- A profile's approval (seed 001): submitted, reviewed, approved or refused with a reason, a
-- letter and the date it may be submitted again.
ALTER TABLE profiles ADD COLUMN approval_status TEXT NOT NULL DEFAULT 'draft';
ALTER TABLE profiles ADD COLUMN approval_reason TEXT;
ALTER TABLE profiles ADD COLUMN approval_note TEXT;
ALTER TABLE profiles ADD COLUMN resubmit_after BIGINT;
ALTER TABLE profiles ADD COLUMN review_case_id TEXT;
ALTER TABLE profiles ADD COLUMN submitted_at BIGINT;
ALTER TABLE profiles ADD COLUMN decided_at BIGINT;
ALTER TABLE profiles ADD COLUMN decided_by TEXT;
CREATE INDEX profiles_by_approval ON profiles (approval_status);
