//! Background work every server process runs: delivering the outbox and firing due timers.
//! Both claim rows in the database, so several processes can run them side by side.

use crate::mailer::Email;
use crate::standing::RESTRICTION_END;
use crate::verification::DEADLINE_TIMER;
use crate::{App, AppError, AppResult};
use std::time::Duration;
use tokio::sync::watch;
use trustwork_core::enforcement::counters::RECIPIENTS_WINDOW_MS;
use trustwork_core::{Actor, Timestamp, timestamp::MINUTE_MS};
use trustwork_store::outbox::OutboxMessage;
use trustwork_store::timers::Timer;

/// After this many failed attempts a message or timer is marked failed for an admin to see.
pub const MAX_ATTEMPTS: i64 = 8;
/// How long a claim lasts before another process may take the work over.
const LOCK_MS: i64 = 5 * MINUTE_MS;
/// How often the workers look for due work when nobody wakes them.
const POLL: Duration = Duration::from_secs(2);
/// Messages claimed together by the outbox worker.
const MAIL_BATCH: i64 = 50;
/// How often the timer runner deletes what the counters no longer read, and how many rows a
/// transaction deletes at most.
const PRUNE_EVERY: Duration = Duration::from_secs(600);
const PRUNE_BATCH: i64 = 5_000;
/// How long a backlog read for `/metrics` is reused.
const BACKLOG_FRESH: Duration = Duration::from_secs(1);
/// After a wake-up, a worker waits this long for more work before it starts: under load the
/// event writer wakes the workers with nearly every group, and each pass costs write
/// transactions that the writer then waits behind.
pub(crate) const GATHER: Duration = Duration::from_millis(100);

/// Waits until woken (then [`GATHER`] more) or [`POLL`] passes; `false` when shutting down.
pub(crate) async fn wait_for_work(
    wakeup: &tokio::sync::Notify,
    shutdown: &mut watch::Receiver<bool>,
) -> bool {
    tokio::select! {
        _ = wakeup.notified() => {
            tokio::select! {
                _ = tokio::time::sleep(GATHER) => {}
                _ = shutdown.changed() => return false,
            }
        }
        _ = tokio::time::sleep(POLL) => {}
        _ = shutdown.changed() => return false,
    }
    !*shutdown.borrow()
}

/// Exponential backoff: 30 s, 1 min, 2 min, … capped at one hour.
pub fn backoff_ms(attempts: i64) -> i64 {
    let exp = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    (30_000i64.saturating_mul(1i64 << exp)).min(60 * MINUTE_MS)
}

impl App {
    /// Delivers one due message. Returns whether there was one.
    pub async fn deliver_one_message(&self) -> AppResult<bool> {
        Ok(self.deliver_mail(1).await? > 0)
    }

    /// Delivers up to `limit` due messages, claimed in one transaction and recorded in another.
    /// Returns how many it claimed.
    pub async fn deliver_mail(&self, limit: i64) -> AppResult<usize> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let claimed = tx
            .claim_outbox_batch(now, now.plus_millis(LOCK_MS), limit)
            .await?;
        if claimed.is_empty() {
            return Ok(0);
        }
        tx.commit().await?;
        let mut results = Vec::with_capacity(claimed.len());
        for msg in &claimed {
            let email = Email {
                to: msg.recipient.clone(),
                subject: msg.subject.clone(),
                body: msg.body.clone(),
            };
            results.push(self.mailer().send(&email).await);
        }
        let now = self.now();
        let mut tx = self.db().begin().await?;
        for (msg, result) in claimed.iter().zip(results) {
            match result {
                Ok(()) => {
                    tx.mark_outbox_delivered(&msg.id, self.mailer().transport_name(), now)
                        .await?
                }
                Err(e) => {
                    tracing::warn!(message_id = %msg.id, attempts = msg.attempts, error = %e, "email delivery failed");
                    let retry = (msg.attempts < MAX_ATTEMPTS)
                        .then(|| now.plus_millis(backoff_ms(msg.attempts)));
                    tx.mark_outbox_failed(&msg.id, &e.to_string(), retry)
                        .await?;
                }
            }
        }
        tx.commit().await?;
        Ok(claimed.len())
    }

    /// Fires one due timer. Returns whether there was one.
    pub async fn fire_one_timer(&self) -> AppResult<bool> {
        let now = self.now();
        let runner = self.config().node_id.clone();
        let mut tx = self.db().begin().await?;
        let Some(timer) = tx
            .claim_timer(&runner, now, now.plus_millis(LOCK_MS))
            .await?
        else {
            return Ok(false);
        };
        tx.commit().await?;
        match self.run_timer(&timer, &runner).await {
            Ok(()) => {}
            Err(e) => {
                tracing::warn!(timer_id = %timer.id, kind = %timer.kind, attempts = timer.attempts, error = %e.detail(), "timer failed");
                let now = self.now();
                let retry = (timer.attempts < MAX_ATTEMPTS)
                    .then(|| now.plus_millis(backoff_ms(timer.attempts)));
                let mut tx = self.db().begin().await?;
                tx.fail_timer(&timer.id, &e.detail(), retry, now).await?;
                tx.commit().await?;
            }
        }
        self.wake_outbox();
        Ok(true)
    }

    /// The timer's work and its completion, in one transaction: a crash in between leaves the
    /// timer claimed, and it runs again once the claim expires (the work is idempotent).
    async fn run_timer(&self, timer: &Timer, runner: &str) -> AppResult<()> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        match timer.kind.as_str() {
            DEADLINE_TIMER => {
                self.expire_verification_in(&mut tx, &timer.subject_id, now)
                    .await?
            }
            crate::evidence::PURGE_TIMER => {
                self.purge_evidence_in(&mut tx, &timer.subject_id, now)
                    .await?
            }
            crate::contracts::AUTO_RELEASE_TIMER => {
                self.auto_release_in(&mut tx, &timer.subject_id, now)
                    .await?
            }
            crate::tickets::ABANDON_TIMER => {
                self.abandon_chat_in(&mut tx, &timer.subject_id, now)
                    .await?
            }
            crate::tickets::SLA_TIMER => {
                self.check_first_response_in(&mut tx, &timer.subject_id, now)
                    .await?
            }
            crate::contracts::WEEK_PAYOUT_TIMER => {
                self.pay_week_in(&mut tx, &timer.subject_id, now).await?
            }
            RESTRICTION_END => {
                let r = tx.restriction(&timer.subject_id).await?;
                if r.lifted_at.is_none() {
                    let actor = Actor::system("restriction_end");
                    crate::standing::lift_in(
                        self,
                        &mut tx,
                        &actor,
                        &r,
                        "its time ran out",
                        now,
                        crate::standing::Announce::Email,
                    )
                    .await?;
                }
            }
            other => return Err(AppError::Internal(format!("unknown timer kind {other:?}"))),
        }
        tx.finish_timer(&timer.id, runner, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Runs until `shutdown` turns true: delivers mail whenever woken or every few seconds.
    pub async fn run_outbox_worker(&self, mut shutdown: watch::Receiver<bool>) {
        loop {
            loop {
                match self.deliver_mail(MAIL_BATCH).await {
                    Ok(n) if n > 0 => continue,
                    Ok(_) => break,
                    Err(e) => {
                        tracing::error!(error = %e.detail(), "outbox worker");
                        break;
                    }
                }
            }
            if !wait_for_work(self.outbox_wakeup(), &mut shutdown).await {
                return;
            }
        }
    }

    /// Deletes what the counters no longer read (recipients messaged over an hour ago), a batch
    /// at a time so that no transaction holds the writer long. Answers how many rows went.
    pub async fn prune_counters(&self) -> AppResult<u64> {
        let before = self.now().plus_millis(-RECIPIENTS_WINDOW_MS);
        let mut pruned = 0;
        loop {
            let mut tx = self.db().begin().await?;
            let n = tx.prune_recent_refs(before, PRUNE_BATCH).await?;
            tx.commit().await?;
            pruned += n;
            if n < PRUNE_BATCH as u64 {
                return Ok(pruned);
            }
        }
    }

    /// Runs until `shutdown` turns true: fires due timers whenever woken or every few seconds,
    /// and prunes the counters every [`PRUNE_EVERY`].
    pub async fn run_timer_runner(&self, mut shutdown: watch::Receiver<bool>) {
        let mut pruned_at = std::time::Instant::now();
        loop {
            if pruned_at.elapsed() >= PRUNE_EVERY {
                pruned_at = std::time::Instant::now();
                if let Err(e) = self.prune_counters().await {
                    tracing::warn!(error = %e.detail(), "pruning the counters");
                }
            }
            if let Err(e) = self.escalate_breached_reviews().await {
                tracing::warn!(error = %e.detail(), "escalating overdue reviews");
            }
            loop {
                match self.fire_one_timer().await {
                    Ok(true) => continue,
                    Ok(false) => break,
                    Err(e) => {
                        tracing::error!(error = %e.detail(), "timer runner");
                        break;
                    }
                }
            }
            tokio::select! {
                _ = self.timer_wakeup().notified() => {}
                _ = tokio::time::sleep(POLL) => {}
                _ = shutdown.changed() => return,
            }
            if *shutdown.borrow() {
                return;
            }
        }
    }

    /// Moves the demo's test clock forward and fires what fell due. Refused outside demo mode.
    pub async fn advance_clock(&self, actor: &Actor, seconds: i64) -> AppResult<Timestamp> {
        if !self.config().demo_mode {
            return Err(AppError::NotFound {
                entity: "endpoint",
                id: "test clock".into(),
            });
        }
        if !(1..=366 * 24 * 3600).contains(&seconds) {
            return Err(AppError::invalid(
                "seconds",
                "must be between 1 and 31622400 (a year)",
            ));
        }
        let before = self.now();
        let now = self
            .clock()
            .advance(seconds * 1000)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let mut tx = self.db().begin().await?;
        // Business time moved, not the browser's: keep people signed in.
        tx.extend_sessions(now.millis() - before.millis()).await?;
        tx.append_audit(
            &crate::audit::Change {
                actor,
                account_id: None,
                action: "test_clock.advanced",
                entity_type: "test_clock",
                entity_id: "test_clock",
                reason: &format!("advanced {seconds} s"),
                before: Some(serde_json::json!({"now": before.to_rfc3339()})),
                after: Some(serde_json::json!({"now": now.to_rfc3339()})),
            }
            .record(now),
        )
        .await?;
        tx.commit().await?;
        // Fire what is due now, so the caller sees the effects when this returns.
        while self.fire_one_timer().await? {}
        self.escalate_breached_reviews().await?;
        self.wake_timers();
        Ok(now)
    }

    /// What waits to be sent or fired, for `/metrics`: read at most every [`BACKLOG_FRESH`],
    /// so that however often anyone asks, the database counts once a second.
    pub async fn backlog(&self) -> AppResult<trustwork_store::timers::Backlog> {
        if let Ok(cached) = self.backlog_cache().lock()
            && let Some((at, backlog)) = *cached
            && at.elapsed() < BACKLOG_FRESH
        {
            return Ok(backlog);
        }
        let mut tx = self.db().read().await?;
        let backlog = tx.backlog(self.now()).await?;
        if let Ok(mut cached) = self.backlog_cache().lock() {
            *cached = Some((std::time::Instant::now(), backlog));
        }
        Ok(backlog)
    }

    /// Pending, running and failed timers, for admins.
    pub async fn timers(&self) -> AppResult<Vec<Timer>> {
        let mut tx = self.db().begin().await?;
        Ok(tx.timers_in(&["pending", "running", "failed"], 200).await?)
    }

    pub async fn retry_timer(&self, id: &str) -> AppResult<()> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        tx.retry_failed_timer(id, now).await?;
        tx.commit().await?;
        self.wake_timers();
        Ok(())
    }

    /// Recent outbox messages (the dev mailbox shows them), optionally to one address.
    pub async fn mailbox(&self, recipient: Option<&str>) -> AppResult<Vec<OutboxMessage>> {
        let mut tx = self.db().read().await?;
        Ok(tx.outbox_messages(recipient, 200).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::backoff_ms;

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff_ms(1), 30_000);
        assert_eq!(backoff_ms(2), 60_000);
        assert_eq!(backoff_ms(3), 120_000);
        assert_eq!(backoff_ms(30), 3_600_000);
    }
}
