//! Events and the decisions taken on them. An event's idempotency key is unique: the second
//! insert of the same key fails, and the caller answers with the first decision.

use crate::rows::{JsonRows, MAX_BINDS, MAX_IN, in_lists, json_rows_fit, ts, values_rows};
use crate::signals::{NewSignal, signal_json_rows};
use crate::{Result, StoreError, Tx};
use std::collections::HashSet;
use trustwork_core::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub id: String,
    pub idempotency_key: String,
    pub event_type: String,
    pub actor_id: String,
    pub occurred_at: Timestamp,
    pub received_at: Timestamp,
    pub data_json: String,
    pub decision_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDecision {
    pub id: String,
    pub event_id: String,
    pub actor_id: String,
    pub verdict: String,
    pub reason: String,
    /// Findings with spans, rules fired, counters, actions: the whole explanation.
    pub explanation_json: String,
    pub policy_version: String,
    pub created_at: Timestamp,
    /// It did something: a rule fired, an action was taken or a review asked for. Only these
    /// are listed by account ([`Tx::decisions_of`]), and only these are indexed by account: an
    /// allowed message is one random index page less to write.
    pub acted: bool,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: String,
    idempotency_key: String,
    event_type: String,
    actor_id: String,
    occurred_at: i64,
    received_at: i64,
    data_json: String,
    decision_id: String,
}

#[derive(sqlx::FromRow)]
struct DecisionRow {
    id: String,
    event_id: String,
    actor_id: String,
    verdict: String,
    reason: String,
    explanation_json: String,
    policy_version: String,
    created_at: i64,
    acted: i64,
}

impl From<EventRow> for StoredEvent {
    fn from(r: EventRow) -> Self {
        StoredEvent {
            id: r.id,
            idempotency_key: r.idempotency_key,
            event_type: r.event_type,
            actor_id: r.actor_id,
            occurred_at: ts(r.occurred_at),
            received_at: ts(r.received_at),
            data_json: r.data_json,
            decision_id: r.decision_id,
        }
    }
}

impl From<DecisionRow> for StoredDecision {
    fn from(r: DecisionRow) -> Self {
        StoredDecision {
            id: r.id,
            event_id: r.event_id,
            actor_id: r.actor_id,
            verdict: r.verdict,
            reason: r.reason,
            explanation_json: r.explanation_json,
            policy_version: r.policy_version,
            created_at: ts(r.created_at),
            acted: r.acted != 0,
        }
    }
}

const EVENT_COLUMNS: &str =
    "id, idempotency_key, event_type, actor_id, occurred_at, received_at, data_json, decision_id";
const DECISION_COLUMNS: &str =
    "id, event_id, actor_id, verdict, reason, explanation_json, policy_version, created_at, acted";

/// `events` as rows for [`Tx::insert_json_rows`].
pub(crate) fn event_json_rows(
    events: &[StoredEvent],
) -> std::result::Result<JsonRows, sqlx::Error> {
    let rows: Vec<_> = events
        .iter()
        .map(|e| {
            (
                &e.id,
                &e.idempotency_key,
                &e.event_type,
                &e.actor_id,
                e.occurred_at.millis(),
                e.received_at.millis(),
                &e.data_json,
                &e.decision_id,
            )
        })
        .collect();
    JsonRows::new("events", EVENT_COLUMNS, &rows)
}

/// `decisions` as rows for [`Tx::insert_json_rows`].
pub(crate) fn decision_json_rows(
    decisions: &[StoredDecision],
) -> std::result::Result<JsonRows, sqlx::Error> {
    let rows: Vec<_> = decisions
        .iter()
        .map(|d| {
            (
                &d.id,
                &d.event_id,
                &d.actor_id,
                &d.verdict,
                &d.reason,
                &d.explanation_json,
                &d.policy_version,
                d.created_at.millis(),
                i64::from(d.acted),
            )
        })
        .collect();
    JsonRows::new("decisions", DECISION_COLUMNS, &rows)
}

/// The only unique value of an inserted event, decision or signal that does not come from
/// `new_id` is the event's idempotency key.
fn key_taken(err: sqlx::Error) -> StoreError {
    StoreError::on_unique(err, "an event with this idempotency key already exists")
}

impl Tx {
    /// Records a group's events with their decisions and signals (the pipeline's group commit):
    /// on SQLite, in one round trip when there is more than one event. The same conditions as
    /// [`Tx::insert_events`]: any key already taken fails the call, and the transaction must
    /// then be rolled back.
    pub async fn insert_decided(
        &mut self,
        events: &[StoredEvent],
        decisions: &[StoredDecision],
        signals: &[NewSignal],
    ) -> Result<()> {
        if !json_rows_fit(self.backend, events.len()) {
            self.insert_events(events).await?;
            self.insert_decisions(decisions).await?;
            return self.add_signals(signals).await;
        }
        let mut tables = vec![event_json_rows(events)?, decision_json_rows(decisions)?];
        if !signals.is_empty() {
            tables.extend(signal_json_rows(signals)?);
        }
        self.insert_json_rows(&tables).await.map_err(key_taken)
    }

    /// Records an event. A second event with the same idempotency key is a conflict.
    pub async fn insert_event(&mut self, e: &StoredEvent) -> Result<()> {
        self.insert_events(std::slice::from_ref(e)).await
    }

    /// Records many events in a few statements (the pipeline's group commit). Any key already
    /// taken fails the call, and the transaction must then be rolled back (on SQLite, the rows
    /// before the conflicting one stay in it); the caller checked the keys with
    /// [`Tx::keys_taken`] first.
    pub async fn insert_events(&mut self, events: &[StoredEvent]) -> Result<()> {
        if json_rows_fit(self.backend, events.len()) {
            let rows = event_json_rows(events)?;
            return self.insert_json_rows(&[rows]).await.map_err(key_taken);
        }
        for chunk in events.chunks(MAX_BINDS / 8) {
            let sql = crate::rows::for_backend(
                self.backend,
                format!(
                    "INSERT INTO events ({EVENT_COLUMNS}) VALUES {}",
                    values_rows(chunk.len(), 8)
                ),
            );
            // One-row statements recur: keep those prepared; longer ones vary in length.
            let mut q = sqlx::query(sql).persistent(chunk.len() == 1);
            for e in chunk {
                q = q
                    .bind(&e.id)
                    .bind(&e.idempotency_key)
                    .bind(&e.event_type)
                    .bind(&e.actor_id)
                    .bind(e.occurred_at.millis())
                    .bind(e.received_at.millis())
                    .bind(&e.data_json)
                    .bind(&e.decision_id);
            }
            q.execute(self.conn()).await.map_err(|err| {
                StoreError::on_unique(err, "an event with this idempotency key already exists")
            })?;
        }
        Ok(())
    }

    /// Which of these idempotency keys are already used.
    pub async fn keys_taken(&mut self, keys: &[&str]) -> Result<HashSet<String>> {
        let mut taken = HashSet::new();
        for (list, chunk) in in_lists(keys, MAX_IN, 1) {
            let sql = crate::rows::for_backend(
                self.backend,
                format!("SELECT idempotency_key FROM events WHERE idempotency_key IN ({list})"),
            );
            let mut q = sqlx::query_scalar::<_, String>(sql);
            for k in &chunk {
                q = q.bind(*k);
            }
            taken.extend(q.fetch_all(self.conn()).await?);
        }
        Ok(taken)
    }

    pub async fn event_by_key(&mut self, key: &str) -> Result<Option<StoredEvent>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE idempotency_key = $1"
        ));
        let row: Option<EventRow> = sqlx::query_as(sql)
            .bind(key)
            .fetch_optional(self.conn())
            .await?;
        Ok(row.map(StoredEvent::from))
    }

    /// Events received in `[from, to)`, oldest first, at most `limit` (for backtests).
    pub async fn events_between(
        &mut self,
        from: Timestamp,
        to: Timestamp,
        limit: i64,
    ) -> Result<Vec<StoredEvent>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE received_at >= $1 AND received_at < $2 ORDER BY received_at, id LIMIT $3"
        ));
        let rows: Vec<EventRow> = sqlx::query_as(sql)
            .bind(from.millis())
            .bind(to.millis())
            .bind(limit)
            .fetch_all(self.conn())
            .await?;
        Ok(rows.into_iter().map(StoredEvent::from).collect())
    }

    pub async fn insert_decision(&mut self, d: &StoredDecision) -> Result<()> {
        self.insert_decisions(std::slice::from_ref(d)).await
    }

    /// Records many decisions in a few statements (the pipeline's group commit).
    pub async fn insert_decisions(&mut self, decisions: &[StoredDecision]) -> Result<()> {
        if json_rows_fit(self.backend, decisions.len()) {
            self.insert_json_rows(&[decision_json_rows(decisions)?])
                .await?;
            return Ok(());
        }
        for chunk in decisions.chunks(MAX_BINDS / 9) {
            let sql = crate::rows::for_backend(
                self.backend,
                format!(
                    "INSERT INTO decisions ({DECISION_COLUMNS}) VALUES {}",
                    values_rows(chunk.len(), 9)
                ),
            );
            let mut q = sqlx::query(sql).persistent(chunk.len() == 1);
            for d in chunk {
                q = q
                    .bind(&d.id)
                    .bind(&d.event_id)
                    .bind(&d.actor_id)
                    .bind(&d.verdict)
                    .bind(&d.reason)
                    .bind(&d.explanation_json)
                    .bind(&d.policy_version)
                    .bind(d.created_at.millis())
                    .bind(i64::from(d.acted));
            }
            q.execute(self.conn()).await?;
        }
        Ok(())
    }

    pub async fn decision(&mut self, id: &str) -> Result<StoredDecision> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {DECISION_COLUMNS} FROM decisions WHERE id = $1"
        ));
        let row: Option<DecisionRow> = sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.map(StoredDecision::from)
            .ok_or_else(|| StoreError::not_found("decision", id))
    }

    /// The account's decisions that did something (see [`StoredDecision::acted`]), newest first.
    pub async fn decisions_of(
        &mut self,
        actor_id: &str,
        limit: i64,
    ) -> Result<Vec<StoredDecision>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {DECISION_COLUMNS} FROM decisions WHERE actor_id = $1 AND acted = 1 ORDER BY created_at DESC, id DESC LIMIT $2"
        ));
        let rows: Vec<DecisionRow> = sqlx::query_as(sql)
            .bind(actor_id)
            .bind(limit)
            .fetch_all(self.conn())
            .await?;
        Ok(rows.into_iter().map(StoredDecision::from).collect())
    }

    pub async fn count_events(&mut self) -> Result<i64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
            .fetch_one(self.conn())
            .await?;
        Ok(n)
    }
}
