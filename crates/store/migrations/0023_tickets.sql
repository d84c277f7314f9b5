-- Support tickets (seeds 003 and 004): a human-readable number, category, status and priority,
-- public replies and internal notes, and the stretches the first-response clock stood still.
-- The service level is snapshotted at creation (target and calendar), as SLA policies do.
CREATE TABLE tickets (
    id TEXT PRIMARY KEY,
    number BIGINT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    category TEXT NOT NULL,
    subject TEXT NOT NULL,
    details TEXT NOT NULL,
    status TEXT NOT NULL,
    priority TEXT NOT NULL,
    assignee_id TEXT,
    sla_target_ms BIGINT NOT NULL,
    sla_calendar TEXT NOT NULL,
    first_response_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX tickets_number ON tickets (number);
CREATE INDEX tickets_by_account ON tickets (account_id, created_at);
CREATE INDEX tickets_by_status ON tickets (status, created_at);

CREATE TABLE ticket_messages (
    id TEXT PRIMARY KEY,
    ticket_id TEXT NOT NULL REFERENCES tickets(id),
    author_id TEXT,
    -- 1: sent to the member by email; 0: an internal note.
    public BIGINT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX ticket_messages_by_ticket ON ticket_messages (ticket_id, created_at);

CREATE TABLE ticket_pauses (
    ticket_id TEXT NOT NULL REFERENCES tickets(id),
    from_at BIGINT NOT NULL,
    until_at BIGINT,
    PRIMARY KEY (ticket_id, from_at)
);
