-- The enforcement pipeline: events with their idempotency keys, the decisions that explain
-- themselves, the signals counters are computed from, near-duplicate letter signatures with their
-- LSH band keys, identity fingerprints of banned accounts, and the policy versions.

CREATE TABLE events (
    id TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    event_type TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    occurred_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    data_json TEXT NOT NULL,
    decision_id TEXT NOT NULL
);
CREATE INDEX events_by_actor ON events (actor_id, received_at);
CREATE INDEX events_by_received ON events (received_at);

CREATE TABLE decisions (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    verdict TEXT NOT NULL,
    reason TEXT NOT NULL,
    explanation_json TEXT NOT NULL,
    policy_version TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX decisions_by_actor ON decisions (actor_id, created_at);

CREATE TABLE signals (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    ref_id TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX signals_by_account_kind ON signals (account_id, kind, at);

CREATE TABLE letters (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    signature_hex TEXT NOT NULL,
    at BIGINT NOT NULL
);

CREATE TABLE letter_bands (
    band_key BIGINT NOT NULL,
    letter_id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX letter_bands_by_key ON letter_bands (band_key, at);

CREATE TABLE ban_fingerprints (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    account_id TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX ban_fingerprints_by_value ON ban_fingerprints (kind, value);

CREATE TABLE identity_fingerprints (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX identity_fingerprints_by_account ON identity_fingerprints (account_id);

CREATE TABLE policy_versions (
    version TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    loaded_at BIGINT NOT NULL
);
