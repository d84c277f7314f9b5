-- Phone verification attempts: a code (kept only as a keyed hash) sent by voice or SMS, ten
-- minutes to type it, three wrong tries. An account has at most one verified number.
CREATE TABLE phone_verifications (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    phone TEXT NOT NULL,
    channel TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    -- pending, verified or locked.
    status TEXT NOT NULL,
    wrong_codes BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    verified_at BIGINT
);
CREATE INDEX phone_verifications_by_account ON phone_verifications (account_id, created_at);
CREATE INDEX phone_verifications_by_phone ON phone_verifications (phone, created_at);
CREATE UNIQUE INDEX phone_verified_once_per_account ON phone_verifications (account_id)
    WHERE status = 'verified';
