-- Contracts that can be trusted (seed 004): verified payment methods, the platform NDA, the work
-- diary's 10-minute segments, fixed-price milestones with their history, and disputes.
-- Portable SQL as in 0001: BIGINT unix milliseconds, TEXT ids, flags INTEGER 0/1.

ALTER TABLE contracts ADD COLUMN kind TEXT NOT NULL DEFAULT 'hourly';
ALTER TABLE contracts ADD COLUMN hourly_rate_cents BIGINT;
ALTER TABLE contracts ADD COLUMN weekly_limit_hours BIGINT;
ALTER TABLE contracts ADD COLUMN ended_at BIGINT;

-- The provider's answer to the card check; `fingerprint` is the card's, as the provider gives it
-- (the same card on two accounts has one fingerprint), never the card number.
CREATE TABLE payment_methods (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    kind TEXT NOT NULL,
    provider TEXT NOT NULL,
    provider_ref TEXT,
    fingerprint TEXT NOT NULL,
    label TEXT NOT NULL,
    status TEXT NOT NULL,
    failure_reason TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX payment_methods_by_account ON payment_methods (account_id, status);

CREATE TABLE nda_acceptances (
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    account_id TEXT NOT NULL REFERENCES accounts(id),
    nda_version TEXT NOT NULL,
    ip TEXT,
    accepted_at BIGINT NOT NULL,
    PRIMARY KEY (contract_id, account_id)
);

CREATE TABLE work_diary_segments (
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    start_at BIGINT NOT NULL,
    tracked BIGINT NOT NULL,
    keyboard_events BIGINT NOT NULL,
    mouse_events BIGINT NOT NULL,
    screenshot_sha256 TEXT,
    memo TEXT,
    logged_at BIGINT NOT NULL,
    PRIMARY KEY (contract_id, start_at)
);

CREATE TABLE milestones (
    id TEXT PRIMARY KEY,
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    title TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX milestones_by_contract ON milestones (contract_id, created_at);

-- Every move of a milestone, who made it and the note they gave: what an agent reads in a
-- dispute.
CREATE TABLE milestone_history (
    milestone_id TEXT NOT NULL REFERENCES milestones(id),
    seq BIGINT NOT NULL,
    status TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    note TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (milestone_id, seq)
);

CREATE TABLE disputes (
    id TEXT PRIMARY KEY,
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    subject TEXT NOT NULL,
    -- The milestone's id or the week (`2026-W49`).
    subject_ref TEXT NOT NULL,
    opened_by TEXT NOT NULL REFERENCES accounts(id),
    reason TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    case_id TEXT NOT NULL,
    status TEXT NOT NULL,
    outcome TEXT,
    freelancer_cents BIGINT,
    resolved_by TEXT,
    resolution_note TEXT,
    created_at BIGINT NOT NULL,
    resolved_at BIGINT
);
CREATE INDEX disputes_by_contract ON disputes (contract_id, created_at);
-- At most one open dispute per milestone and per contract week.
CREATE UNIQUE INDEX disputes_open_per_subject ON disputes (contract_id, subject_ref) WHERE status = 'open';
