-- Freelancers' profiles (seed 001, 004): title, overview, hourly rate, skills from the taxonomy
-- (a JSON array of slugs), visibility.

CREATE TABLE profiles (
    account_id TEXT PRIMARY KEY REFERENCES accounts(id),
    title TEXT NOT NULL,
    overview TEXT NOT NULL,
    hourly_rate_cents BIGINT NOT NULL,
    skills TEXT NOT NULL,
    visibility TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
