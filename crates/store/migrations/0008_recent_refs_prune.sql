-- Rows of `recent_refs` older than the hour are never read; this index lets a periodic pass
-- delete them (`Tx::prune_recent_refs`), so the table holds the last hour's pairs, not every
-- pair ever.
CREATE INDEX recent_refs_by_last ON recent_refs (last_at);
