-- Live identity verification: the one-time links, the queue and its calls, the chat transcript,
-- the questions asked from the account's records, and the evidence (encrypted before it gets
-- here: `sealed` is never the image itself).

ALTER TABLE verification_cases ADD COLUMN review_due_at BIGINT;
CREATE INDEX verification_cases_by_status ON verification_cases (status, review_due_at);

-- Facts about a person that the marketplace's records hold and a verification call asks about.
CREATE TABLE account_facts (
    account_id TEXT PRIMARY KEY REFERENCES accounts(id),
    street_address TEXT NOT NULL,
    college TEXT NOT NULL,
    -- One skill per line.
    skills TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE verification_sessions (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES verification_cases(id),
    account_id TEXT NOT NULL REFERENCES accounts(id),
    -- Keyed hash of the link's secret: the link works once.
    link_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    opened_at BIGINT,
    -- Keyed hash of the cookie the browser that opened the link holds.
    browser_hash TEXT,
    consent_at BIGINT
);
CREATE INDEX verification_sessions_by_case ON verification_sessions (case_id);

CREATE TABLE verification_calls (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES verification_cases(id),
    session_id TEXT NOT NULL REFERENCES verification_sessions(id),
    -- waiting | with_agent | ended | left
    status TEXT NOT NULL,
    joined_at BIGINT NOT NULL,
    agent_id TEXT,
    taken_at BIGINT,
    started_at BIGINT,
    ended_at BIGINT,
    -- When the member's page last asked for news: a member gone for a minute is not offered to
    -- agents (and gets the same place back on return).
    member_seen_at BIGINT
);
CREATE INDEX verification_calls_by_status ON verification_calls (status, joined_at);
CREATE INDEX verification_calls_by_case ON verification_calls (case_id);

CREATE TABLE verification_messages (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL,
    call_id TEXT NOT NULL,
    -- member | agent | system
    sender TEXT NOT NULL,
    body TEXT NOT NULL,
    sent_at BIGINT NOT NULL
);
CREATE INDEX verification_messages_by_case ON verification_messages (case_id, sent_at);

CREATE TABLE verification_questions (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL,
    -- Empty for a set drawn through the API outside a console call.
    call_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    topic TEXT NOT NULL,
    prompt TEXT NOT NULL,
    expected TEXT NOT NULL,
    -- matched | not_matched | not_asked
    mark TEXT NOT NULL,
    drawn_at BIGINT NOT NULL,
    marked_at BIGINT
);
CREATE INDEX verification_questions_by_case ON verification_questions (case_id, drawn_at, position);

CREATE TABLE verification_evidence (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES verification_cases(id),
    account_id TEXT NOT NULL,
    -- id_capture | id_front | id_back | selfie
    kind TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    -- base64 of nonce || ciphertext || tag; NULL once purged.
    sealed TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    purged_at BIGINT
);
CREATE INDEX verification_evidence_by_case ON verification_evidence (case_id);

-- Other accounts with the same device, phone, email or payment method (a duplicate account
-- opens a verification case).
CREATE INDEX identity_fingerprints_by_value ON identity_fingerprints (kind, value);

-- Agents with the verification queue open, for "agents available".
CREATE TABLE verification_agents (
    agent_id TEXT PRIMARY KEY,
    seen_at BIGINT NOT NULL
);
