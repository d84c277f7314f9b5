-- Counters kept in a bounded form, so that reading an account's counters costs the same however
-- much it did: counts per account, kind and hour bucket (a 30-day window is at most 720 rows),
-- and the people each account messaged with the last time (read newest first, at most a few
-- hundred). `signals` stays the record of which event each attempt, flag or dispute came from.
CREATE TABLE counter_buckets (
    account_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    bucket BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (account_id, kind, bucket)
);

CREATE TABLE recent_refs (
    account_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    ref_id TEXT NOT NULL,
    last_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, kind, ref_id)
);
CREATE INDEX recent_refs_by_time ON recent_refs (account_id, kind, last_at);

INSERT INTO counter_buckets (account_id, kind, bucket, n)
SELECT account_id, kind, (at / 3600000) * 3600000, COUNT(*) FROM signals
WHERE kind <> 'message_recipient' AND at >= 0
GROUP BY account_id, kind, (at / 3600000) * 3600000;

INSERT INTO recent_refs (account_id, kind, ref_id, last_at)
SELECT account_id, kind, ref_id, MAX(at) FROM signals
WHERE kind = 'message_recipient'
GROUP BY account_id, kind, ref_id;

DELETE FROM signals WHERE kind = 'message_recipient';
