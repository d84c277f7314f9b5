-- Conversations (seed 002): threads about a job, a proposal or a contract (or direct), their
-- messages as decided (a blocked message is kept for review, never delivered), invitations to
-- interview, and calls started in a thread.

-- Threads opened in the console (and their participants); a thread known only from the
-- marketplace's events is described by its first message.
CREATE TABLE threads (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    -- The job, proposal or contract the thread is about (none for a direct thread).
    subject_id TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX threads_by_subject ON threads (kind, subject_id);

-- Who takes part in a thread opened in the console; a thread known only from the
-- marketplace's `message.sent` events has the senders and recipients of its messages.
CREATE TABLE thread_participants (
    thread_id TEXT NOT NULL REFERENCES threads(id),
    account_id TEXT NOT NULL,
    PRIMARY KEY (thread_id, account_id)
);
CREATE INDEX thread_participants_by_account ON thread_participants (account_id);

-- A thread's messages are its `message.sent` events: a message's id is its event's id, its
-- sender, recipients and text are the event's, its status its decision's verdict. Only this
-- small row is written per message, so that keeping conversations costs the pipeline little.
CREATE TABLE messages (
    thread_id TEXT NOT NULL,
    id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (thread_id, id)
);

CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    job_id TEXT NOT NULL REFERENCES job_posts(id),
    client_id TEXT NOT NULL REFERENCES accounts(id),
    freelancer_id TEXT NOT NULL REFERENCES accounts(id),
    message TEXT NOT NULL,
    -- The thread the invitation's note opened (the interview's, once accepted).
    thread_id TEXT NOT NULL REFERENCES threads(id),
    status TEXT NOT NULL,
    -- The interview's proposal, once accepted.
    proposal_id TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX invitations_once_per_job ON invitations (job_id, freelancer_id);
CREATE INDEX invitations_by_freelancer ON invitations (freelancer_id, created_at);

CREATE TABLE thread_calls (
    id TEXT PRIMARY KEY,
    thread_id TEXT NOT NULL REFERENCES threads(id),
    kind TEXT NOT NULL,
    started_by TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    connected_at BIGINT,
    ended_at BIGINT,
    ended_by TEXT
);
CREATE INDEX thread_calls_by_thread ON thread_calls (thread_id, started_at);
