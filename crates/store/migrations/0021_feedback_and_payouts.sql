-- Double-blind feedback on ended contracts (seeds 003 and 004) and the freelancer's payouts: a
-- week's hours once its review window closed, a released milestone, a dispute's settlement.
-- Portable SQL as in 0001.

CREATE TABLE contract_feedback (
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    from_account_id TEXT NOT NULL REFERENCES accounts(id),
    to_account_id TEXT NOT NULL REFERENCES accounts(id),
    rating BIGINT NOT NULL,
    public_text TEXT NOT NULL,
    -- How likely the writer is to recommend the other (0-10); read by the platform only.
    private_score BIGINT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (contract_id, from_account_id)
);
CREATE INDEX contract_feedback_to ON contract_feedback (to_account_id, created_at);

-- One payout per contract, kind and subject (a week, a milestone, a dispute): paying twice is
-- refused by the database.
CREATE TABLE payouts (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    kind TEXT NOT NULL,
    subject_ref TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    paid_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX payouts_once ON payouts (contract_id, kind, subject_ref);
CREATE INDEX payouts_by_account ON payouts (account_id, paid_at);
