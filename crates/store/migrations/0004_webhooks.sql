-- Webhooks: the operator's subscriptions and every delivery to them, written in the same
-- transaction as the change they announce (the outbox pattern) and sent after commit by a worker
-- that claims one at a time. Portable between SQLite and PostgreSQL (reference/rust-stack.md,
-- section 1.2): BIGINT unix milliseconds, TEXT ids, INTEGER 0/1 flags.

CREATE TABLE webhook_subscriptions (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    -- The `whsec_…` signing secret, stored as is: unlike a password or an API token it cannot be
    -- kept as a hash, because the sender needs the key itself to sign each delivery.
    secret TEXT NOT NULL,
    -- Space-separated, e.g. `decision.created standing.changed`, or `*` for every type.
    event_types TEXT NOT NULL,
    active INTEGER NOT NULL CHECK (active IN (0, 1)),
    created_at BIGINT NOT NULL,
    disabled_at BIGINT
);

CREATE TABLE webhook_deliveries (
    -- Sent as the `webhook-id` header: the same on every retry, so receivers can deduplicate.
    id TEXT PRIMARY KEY,
    subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions(id),
    event_type TEXT NOT NULL,
    -- The exact JSON body that is signed and sent.
    payload TEXT NOT NULL,
    -- pending, delivering, delivered or failed.
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    locked_until BIGINT,
    last_status_code INTEGER,
    last_error TEXT,
    -- The delivery this one replays, when an admin asked for it again.
    replay_of TEXT,
    created_at BIGINT NOT NULL,
    delivered_at BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_by_subscription ON webhook_deliveries (subscription_id, created_at);

-- One row per HTTP attempt, for the console and for debugging a receiver.
CREATE TABLE webhook_attempts (
    id TEXT PRIMARY KEY,
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries(id),
    at BIGINT NOT NULL,
    status_code INTEGER,
    error TEXT,
    duration_ms BIGINT NOT NULL
);
CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (delivery_id, at);
