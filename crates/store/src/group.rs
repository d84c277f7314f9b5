//! The two ends of the event pipeline's group commit, each one round trip on SQLite's write
//! connection: the transaction begins with what the group must know first, and ends with its
//! rows.

use crate::audit::audit_json_rows;
use crate::conversations::message_json_rows;
use crate::events::{StoredDecision, StoredEvent, decision_json_rows, event_json_rows};
use crate::outbox::OutboxMessage;
use crate::outbox::outbox_json_rows;
use crate::restrictions::restriction_json_rows;
use crate::review::case_json_rows;
use crate::rows::{JsonRows, MAX_IN, json_rows_fit, padded, placeholders};
use crate::signals::{NewSignal, signal_json_rows};
use crate::timers::timer_json_rows;
use crate::webhooks::WebhookDelivery;
use crate::webhooks::delivery_json_rows;
use crate::{Backend, Db, Result, StoreError, Tx};
use std::collections::HashSet;
use trustwork_core::audit::AuditRecord;
use trustwork_core::conversation::Message;
use trustwork_core::review::ReviewCase;
use trustwork_core::{Restriction, Timestamp};

/// A group's write transaction, begun.
pub struct GroupStart {
    pub tx: Tx,
    /// The group's idempotency keys already stored.
    pub taken: HashSet<String>,
    /// Accounts changed since they were last taken (see [`Tx::take_account_changes`]), sorted.
    pub changed: Vec<String>,
}

impl Db {
    /// Begins a group's transaction, finds which of `keys` are taken and takes the account
    /// changes: on SQLite in one round trip to the write connection's thread (the writer waits
    /// for each, and under load the thread waits for a core).
    pub async fn begin_group(&self, keys: &[&str]) -> Result<GroupStart> {
        if let Some(writer) = self.writer()
            && !keys.is_empty()
            && keys.len() <= MAX_IN
        {
            let keys = padded(keys);
            let sql = sqlx::AssertSqlSafe(format!(
                "BEGIN IMMEDIATE; \
                 SELECT 'key', idempotency_key FROM events WHERE idempotency_key IN ({}); \
                 DELETE FROM account_changes RETURNING 'changed', account_id;",
                placeholders(1, keys.len())
            ));
            let (slot, rows) = writer.begin_with(sql, &keys).await?;
            let mut start = GroupStart {
                tx: Tx::on_writer(slot),
                taken: HashSet::new(),
                changed: Vec::new(),
            };
            for (what, value) in rows {
                if what == "key" {
                    start.taken.insert(value);
                } else {
                    start.changed.push(value);
                }
            }
            start.changed.sort_unstable();
            start.changed.dedup();
            return Ok(start);
        }
        let mut tx = self.begin().await?;
        let taken = tx.keys_taken(keys).await?;
        let changed = tx.take_account_changes().await?;
        Ok(GroupStart { tx, taken, changed })
    }
}

/// A timer to schedule (see [`Tx::schedule_timer`]).
pub struct NewTimer<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    pub subject_id: &'a str,
    pub due_at: Timestamp,
    pub created_at: Timestamp,
}

/// Everything a group decided in memory: its events, decisions and signals, the warnings it
/// gave (restrictions with their audit records, timers and emails), the review cases it opened
/// (each new: a message's case is about the message alone) and the webhook deliveries.
pub struct GroupRows<'a> {
    pub events: &'a [StoredEvent],
    pub decisions: &'a [StoredDecision],
    pub signals: &'a [NewSignal],
    pub restrictions: Vec<&'a Restriction>,
    pub audits: Vec<&'a AuditRecord>,
    pub timers: Vec<NewTimer<'a>>,
    pub emails: Vec<&'a OutboxMessage>,
    pub cases: Vec<&'a ReviewCase>,
    pub deliveries: &'a [WebhookDelivery],
    /// Messages kept in their threads.
    pub messages: Vec<&'a Message>,
}

/// A constraint failed on a group's rows: the group is decided again one event at a time,
/// which names what was taken (an idempotency key, mostly).
fn group_conflict(err: sqlx::Error) -> StoreError {
    StoreError::on_unique(err, "a row of the group is already stored")
}

impl Tx {
    /// Writes a group's rows without committing: on SQLite (more than one event) one round trip
    /// of `jsonb_each` inserts ([`Tx::insert_json_rows`]), on PostgreSQL one statement
    /// ([`Tx::insert_json_rows_postgres`]), otherwise statement by statement. On an error the
    /// transaction must be rolled back.
    pub async fn insert_group_rows(&mut self, rows: &GroupRows<'_>) -> Result<()> {
        if !rows.events.is_empty()
            && (self.backend == Backend::Postgres || json_rows_fit(self.backend, rows.events.len()))
        {
            let tables = group_json_rows(rows)?;
            return match self.backend {
                Backend::Postgres => self.insert_json_rows_postgres(&tables).await,
                Backend::Sqlite => self.insert_json_rows(&tables).await,
            }
            .map_err(group_conflict);
        }
        self.insert_decided(rows.events, rows.decisions, rows.signals)
            .await?;
        for r in &rows.restrictions {
            self.insert_restriction(r).await?;
        }
        for a in &rows.audits {
            self.append_audit(a).await?;
        }
        for t in &rows.timers {
            self.schedule_timer(t.id, t.kind, t.subject_id, t.due_at, t.created_at)
                .await?;
        }
        for m in &rows.emails {
            self.enqueue_outbox(m).await?;
        }
        for c in &rows.cases {
            let (_, opened) = self.open_or_report_case(c).await?;
            if !opened {
                return Err(StoreError::Conflict {
                    what: "a review case was already open for the entity",
                });
            }
        }
        if !rows.deliveries.is_empty() {
            self.insert_webhook_deliveries(rows.deliveries).await?;
        }
        for message in &rows.messages {
            self.insert_message(message).await?;
        }
        Ok(())
    }

    /// Writes a group's rows ([`Tx::insert_group_rows`]) and commits, answering the accounts the
    /// rows changed (see [`Tx::take_account_changes`]; taken, so the next group does not see them
    /// again). On SQLite's write connection it is one round trip: the inserts, then the change
    /// notes are taken and the transaction commits, in the same query string. If it fails,
    /// nothing was committed.
    pub async fn commit_group(mut self, rows: &GroupRows<'_>) -> Result<Vec<String>> {
        if !(self.on_write_connection() && json_rows_fit(self.backend, rows.events.len())) {
            self.insert_group_rows(rows).await?;
            let changed = self.take_account_changes().await?;
            self.commit().await?;
            return Ok(changed);
        }
        let tables = group_json_rows(rows)?;
        let mut changed: Vec<String> = self
            .insert_json_rows_then(
                &tables,
                "DELETE FROM account_changes RETURNING account_id; COMMIT;",
            )
            .await
            .map_err(group_conflict)?;
        self.committed_by_statement();
        changed.sort_unstable();
        changed.dedup();
        Ok(changed)
    }
}

/// The group's rows as [`JsonRows`], the tables with none left out.
fn group_json_rows(rows: &GroupRows<'_>) -> Result<Vec<JsonRows>> {
    let mut tables = vec![
        event_json_rows(rows.events)?,
        decision_json_rows(rows.decisions)?,
    ];
    if !rows.signals.is_empty() {
        tables.extend(signal_json_rows(rows.signals)?);
    }
    if !rows.restrictions.is_empty() {
        tables.push(restriction_json_rows(&rows.restrictions)?);
    }
    if !rows.audits.is_empty() {
        tables.push(audit_json_rows(&rows.audits)?);
    }
    if !rows.timers.is_empty() {
        tables.push(timer_json_rows(&rows.timers)?);
    }
    if !rows.emails.is_empty() {
        tables.push(outbox_json_rows(&rows.emails)?);
    }
    if !rows.cases.is_empty() {
        tables.push(case_json_rows(&rows.cases)?);
    }
    if !rows.deliveries.is_empty() {
        tables.push(delivery_json_rows(rows.deliveries.iter())?);
    }
    if !rows.messages.is_empty() {
        tables.push(message_json_rows(&rows.messages)?);
    }
    Ok(tables)
}
