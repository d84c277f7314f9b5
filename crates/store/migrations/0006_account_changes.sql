-- Accounts whose row or restrictions changed since the event writer last looked: on SQLite the
-- writer keeps actors in memory between transactions and forgets the ones listed here. Filled by
-- triggers that are SQLite's own syntax, so they are created by `Db::migrate`
-- (src/account_changes.sql), not here; on PostgreSQL the table stays empty and unused.
CREATE TABLE account_changes (
    account_id TEXT NOT NULL
);
