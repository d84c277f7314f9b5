-- The support desk around tickets (issue 18): subcategory and channel, merging, escalation on a
-- breached first response, solving and the one-question survey; attachments kept like
-- verification documents; canned replies (macros); agents' chat capacity; live chats and their
-- lines (a chat's transcript becomes its ticket's history).
ALTER TABLE tickets ADD COLUMN subcategory TEXT;
ALTER TABLE tickets ADD COLUMN channel TEXT NOT NULL DEFAULT 'web';
ALTER TABLE tickets ADD COLUMN merged_into TEXT;
ALTER TABLE tickets ADD COLUMN escalated_at BIGINT;
ALTER TABLE tickets ADD COLUMN solved_at BIGINT;
ALTER TABLE tickets ADD COLUMN satisfaction TEXT;
ALTER TABLE tickets ADD COLUMN satisfaction_comment TEXT;
CREATE INDEX tickets_by_assignee ON tickets (assignee_id, status);

CREATE TABLE ticket_attachments (
    id TEXT PRIMARY KEY,
    ticket_id TEXT NOT NULL REFERENCES tickets(id),
    uploaded_by TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    data TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX ticket_attachments_by_ticket ON ticket_attachments (ticket_id, created_at);

CREATE TABLE ticket_macros (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    -- The status a reply made with the macro leaves the ticket in; none keeps the default.
    status TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX ticket_macros_name ON ticket_macros (name);

CREATE TABLE support_agents (
    account_id TEXT PRIMARY KEY REFERENCES accounts(id),
    -- How many chats the agent takes at once.
    capacity BIGINT NOT NULL,
    -- 1 while the agent takes chats.
    available BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE chats (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    category TEXT NOT NULL,
    -- waiting, active, ended
    status TEXT NOT NULL,
    agent_id TEXT,
    ticket_id TEXT,
    created_at BIGINT NOT NULL,
    accepted_at BIGINT,
    ended_at BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX chats_by_status ON chats (status, created_at);
CREATE INDEX chats_by_agent ON chats (agent_id, status);
CREATE INDEX chats_by_account ON chats (account_id, created_at);

CREATE TABLE chat_lines (
    id TEXT PRIMARY KEY,
    chat_id TEXT NOT NULL REFERENCES chats(id),
    seq BIGINT NOT NULL,
    -- None for what the desk itself says (an agent joined, a transfer).
    author_id TEXT,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX chat_lines_seq ON chat_lines (chat_id, seq);
