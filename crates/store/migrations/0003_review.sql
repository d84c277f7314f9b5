-- Review queues, flags and appeals. Portable between SQLite and PostgreSQL (reference/rust-stack.md,
-- section 1.2): BIGINT unix milliseconds, TEXT ids, no BOOLEAN, SERIAL or JSONB.

-- What needs a human: opened by a decision of the events pipeline or by a user's flag.
CREATE TABLE review_cases (
    id TEXT PRIMARY KEY,
    -- contact_info, off_platform_payment, spam, harassment, feedback_abuse, negative_feedback,
    -- dispute or flag.
    queue TEXT NOT NULL,
    subject_account_id TEXT NOT NULL REFERENCES accounts(id),
    -- profile, job_post, proposal, message, feedback or account.
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    -- The text under review; may be empty.
    content TEXT NOT NULL,
    -- Findings with byte spans into content, rules fired, counters (JSON as text).
    explanation_json TEXT NOT NULL,
    decision_id TEXT,
    -- Higher first.
    priority BIGINT NOT NULL,
    -- Summed report weight, in thousandths (a flag weighs its reporter's accuracy).
    weight BIGINT NOT NULL,
    reports BIGINT NOT NULL DEFAULT 1,
    -- open or resolved.
    status TEXT NOT NULL,
    -- The agent account holding the case until claim_expires_at.
    claimed_by TEXT,
    claim_expires_at BIGINT,
    sla_due_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    -- dismissed, upheld or escalated.
    resolution TEXT,
    -- e.g. warning:SPAM
    resolution_action TEXT,
    restriction_id TEXT,
    resolved_by TEXT,
    resolved_at BIGINT,
    resolution_note TEXT
);
-- At most one open case per thing in a queue: a second report bumps the open case.
CREATE UNIQUE INDEX review_cases_one_open ON review_cases (queue, entity_type, entity_id)
    WHERE status = 'open';
CREATE INDEX review_cases_by_status ON review_cases (status, priority, sla_due_at);
CREATE INDEX review_cases_by_subject ON review_cases (subject_account_id, created_at);

-- A user's "flag as inappropriate". The outcome stays NULL until its case is dismissed or upheld,
-- and the outcomes make the reporter's weight.
CREATE TABLE flags (
    id TEXT PRIMARY KEY,
    reporter_account_id TEXT NOT NULL REFERENCES accounts(id),
    target_type TEXT NOT NULL,
    target_id TEXT NOT NULL,
    target_account_id TEXT NOT NULL REFERENCES accounts(id),
    reason TEXT NOT NULL,
    note TEXT NOT NULL,
    weight BIGINT NOT NULL,
    case_id TEXT NOT NULL REFERENCES review_cases(id),
    created_at BIGINT NOT NULL,
    outcome TEXT
);
CREATE UNIQUE INDEX flags_one_per_reporter_and_case ON flags (case_id, reporter_account_id);
CREATE INDEX flags_by_reporter ON flags (reporter_account_id, outcome);

-- One appeal per restriction, ever.
CREATE TABLE appeals (
    id TEXT PRIMARY KEY,
    restriction_id TEXT NOT NULL UNIQUE REFERENCES restrictions(id),
    account_id TEXT NOT NULL REFERENCES accounts(id),
    statement TEXT NOT NULL,
    -- open, upheld or overturned.
    status TEXT NOT NULL,
    filed_at BIGINT NOT NULL,
    decided_by TEXT,
    decided_at BIGINT,
    decision_note TEXT
);
CREATE INDEX appeals_by_status ON appeals (status, filed_at);
CREATE INDEX appeals_by_account ON appeals (account_id);

-- Set when an appeal overturns a restriction: it no longer counts against Top Rated or badges.
ALTER TABLE restrictions ADD COLUMN overturned_at BIGINT;
