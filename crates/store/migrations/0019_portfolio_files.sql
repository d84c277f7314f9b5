-- Files on portfolio items (seed 001): images and PDFs, their type read from the bytes, kept as
-- base64 text (one portable column type on both databases).
CREATE TABLE portfolio_files (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    data TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX portfolio_files_by_account ON portfolio_files (account_id);
