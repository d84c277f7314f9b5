-- An account's decisions as agents read them (the account page, the support desk's member
-- panel) are those that did something: a rule fired, an action, a review. A busy member's
-- allowed messages buried its warnings there. Indexing only those decisions by account also
-- spares every allowed message a random page of `decisions_by_actor` (20-31 of the 102-123 WAL
-- pages a group of 30 messages wrote on SQLite, scripts/wal-pages.py). Decisions stored before
-- this migration count as having acted (they stay listed as before).
ALTER TABLE decisions ADD COLUMN acted BIGINT NOT NULL DEFAULT 1;
DROP INDEX decisions_by_actor;
CREATE INDEX decisions_by_actor ON decisions (actor_id, created_at) WHERE acted = 1;
