//! What the event writer knows of the actors whose events it decides in memory: the account,
//! its restrictions, and the times of the signals its counters are made of.
//!
//! On SQLite the writer is the only one deciding events, so it keeps actors between groups and
//! reads the database only for actors it has not seen or that changed: triggers list every
//! account whose row or restrictions changed (`Tx::take_account_changes`), and events decided
//! outside the writer name their actors in [`Forgotten`]. On PostgreSQL several server nodes may
//! decide events for the same actor, so each group locks its actors' rows and loads them again.

use super::counters::{CONTACT_ATTEMPT, MESSAGE_RECIPIENT, PAYMENT_ATTEMPT};
use crate::AppResult;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use trustwork_core::{DAY_MS, HOUR_MS, Restriction, Timestamp};
use trustwork_store::Tx;
use trustwork_store::accounts::Account;

/// The counters' windows, as [`super::counters::load`] reads them.
const ATTEMPTS_WINDOW_MS: i64 = 30 * DAY_MS;
const RECIPIENTS_WINDOW_MS: i64 = HOUR_MS;

/// Beyond this many actors the cache starts again from empty: a bound on memory (about a
/// kilobyte an actor) that a busy hour of a large marketplace stays under.
const MAX_ACTORS: usize = 100_000;

/// An actor as the writer knows it.
#[derive(Debug, Clone)]
pub(super) struct Actor {
    pub account: Account,
    pub restrictions: Vec<Restriction>,
    contact_attempts: Vec<Timestamp>,
    payment_attempts: Vec<Timestamp>,
    /// Each person messaged, with the last time.
    recipients: HashMap<String, Timestamp>,
}

fn count_since(times: &[Timestamp], since: Timestamp) -> i64 {
    i64::try_from(times.iter().filter(|t| **t > since).count()).unwrap_or(i64::MAX)
}

impl Actor {
    fn new(account: Account) -> Self {
        Actor {
            account,
            restrictions: Vec::new(),
            contact_attempts: Vec::new(),
            payment_attempts: Vec::new(),
            recipients: HashMap::new(),
        }
    }

    pub fn contact_attempts_30d(&self, now: Timestamp) -> i64 {
        count_since(&self.contact_attempts, now.plus_millis(-ATTEMPTS_WINDOW_MS))
    }

    pub fn payment_attempts_30d(&self, now: Timestamp) -> i64 {
        count_since(&self.payment_attempts, now.plus_millis(-ATTEMPTS_WINDOW_MS))
    }

    pub fn recipients_1h(&self, now: Timestamp) -> i64 {
        let since = now.plus_millis(-RECIPIENTS_WINDOW_MS);
        i64::try_from(self.recipients.values().filter(|t| **t > since).count()).unwrap_or(i64::MAX)
    }

    /// Adds a signal of a kind the actor's counters read; other kinds change nothing.
    pub fn record(&mut self, kind: &str, ref_id: &str, at: Timestamp) {
        match kind {
            CONTACT_ATTEMPT => self.contact_attempts.push(at),
            PAYMENT_ATTEMPT => self.payment_attempts.push(at),
            MESSAGE_RECIPIENT => {
                let last = self.recipients.entry(ref_id.to_owned()).or_insert(at);
                *last = (*last).max(at);
            }
            _ => {}
        }
    }

    /// Drops what has left every window (the clock only moves forward).
    fn prune(&mut self, now: Timestamp) {
        let attempts = now.plus_millis(-ATTEMPTS_WINDOW_MS);
        self.contact_attempts.retain(|t| *t > attempts);
        self.payment_attempts.retain(|t| *t > attempts);
        let recipients = now.plus_millis(-RECIPIENTS_WINDOW_MS);
        self.recipients.retain(|_, t| *t > recipients);
    }
}

/// Actors whose signals were written outside the writer (an event decided on its own): the
/// writer forgets them before its next group.
#[derive(Default)]
pub(crate) struct Forgotten(Mutex<Vec<String>>);

impl Forgotten {
    pub fn push(&self, actor_id: &str) {
        if let Ok(mut ids) = self.0.lock() {
            ids.push(actor_id.to_owned());
        }
    }

    pub fn take(&self) -> Vec<String> {
        self.0
            .lock()
            .map(|mut ids| std::mem::take(&mut *ids))
            .unwrap_or_default()
    }
}

/// The writer's actors.
pub(super) struct ActorCache {
    actors: HashMap<String, Actor>,
    /// Kept from one group to the next (SQLite), or loaded again for each (PostgreSQL).
    keep: bool,
}

impl ActorCache {
    pub fn new(keep: bool) -> Self {
        ActorCache {
            actors: HashMap::new(),
            keep,
        }
    }

    /// At the start of a group, in its transaction: forgets the accounts `changed` since the
    /// last group and loads the actors of `ids` it does not hold (locking their rows on
    /// PostgreSQL). Answers how many it loaded.
    pub async fn prepare(
        &mut self,
        tx: &mut Tx,
        ids: &[&str],
        changed: &[String],
        forgotten: &[String],
        now: Timestamp,
    ) -> AppResult<usize> {
        if !self.clears_at_prepare() {
            for id in changed {
                self.actors.remove(id);
            }
        } else {
            self.actors.clear();
        }
        for id in forgotten {
            self.actors.remove(id);
        }
        if ids.is_empty() {
            return Ok(0);
        }
        let missing: Vec<&str> = ids
            .iter()
            .copied()
            .filter(|id| !self.actors.contains_key(*id))
            .collect();
        if missing.len() == ids.len() {
            // None held (always, on PostgreSQL): lock and read the accounts at once.
            let accounts = tx.lock_and_find_accounts(ids).await?;
            self.load_accounts(tx, accounts, ids, now).await?;
        } else {
            tx.lock_accounts(ids).await?;
            self.load(tx, &missing, now).await?;
        }
        Ok(missing.len())
    }

    /// Reads the actors of `ids` again from what the transaction holds.
    pub async fn load(&mut self, tx: &mut Tx, ids: &[&str], now: Timestamp) -> AppResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let accounts = tx.find_accounts(ids).await?;
        self.load_accounts(tx, accounts, ids, now).await
    }

    /// [`ActorCache::load`] with the accounts of `ids` already read.
    async fn load_accounts(
        &mut self,
        tx: &mut Tx,
        accounts: Vec<Account>,
        ids: &[&str],
        now: Timestamp,
    ) -> AppResult<()> {
        let mut loaded: HashMap<String, Actor> = accounts
            .into_iter()
            .map(|account| (account.id.clone(), Actor::new(account)))
            .collect();
        for r in tx.restrictions_of_accounts(ids).await? {
            if let Some(a) = loaded.get_mut(&r.account_id) {
                a.restrictions.push(r);
            }
        }
        let found = tx
            .signal_times_of_accounts(
                ids,
                &[CONTACT_ATTEMPT, PAYMENT_ATTEMPT],
                now.plus_millis(-ATTEMPTS_WINDOW_MS),
                MESSAGE_RECIPIENT,
                now.plus_millis(-RECIPIENTS_WINDOW_MS),
            )
            .await?;
        for (id, kind, at) in found.times {
            if let Some(a) = loaded.get_mut(&id) {
                a.record(&kind, "", at);
            }
        }
        for (id, recipient, at) in found.refs {
            if let Some(a) = loaded.get_mut(&id) {
                a.record(MESSAGE_RECIPIENT, &recipient, at);
            }
        }
        self.actors.extend(loaded);
        Ok(())
    }

    /// The actor, with what has left the counters' windows dropped.
    pub fn get_mut(&mut self, id: &str, now: Timestamp) -> Option<&mut Actor> {
        let actor = self.actors.get_mut(id)?;
        actor.prune(now);
        Some(actor)
    }

    pub fn forget(&mut self, id: &str) {
        self.actors.remove(id);
    }

    /// Whether actors are kept from one group to the next (SQLite): only then can the next
    /// group be decided ahead.
    pub fn kept(&self) -> bool {
        self.keep
    }

    /// Whether the next [`ActorCache::prepare`] forgets every actor (PostgreSQL, or too many
    /// held): work decided ahead from them would then not match what is loaded again.
    pub fn clears_at_prepare(&self) -> bool {
        !self.keep || self.actors.len() > MAX_ACTORS
    }

    /// After a failed group: what it decided in memory was never stored.
    pub fn clear(&mut self) {
        self.actors.clear();
    }

    /// Before the group commits: the accounts it changed. Those it warned in memory are up to
    /// date here, so their change notes are not news to the next group; any other (changed on
    /// the one-event path) is forgotten.
    pub async fn settle(&mut self, tx: &mut Tx, warned: &HashSet<String>) -> AppResult<()> {
        let changed = tx.take_account_changes().await?;
        self.settle_changed(&changed, warned);
        Ok(())
    }

    /// [`ActorCache::settle`] with the changes already taken.
    /// Answers the actors it forgot.
    pub fn settle_changed<'c>(
        &mut self,
        changed: &'c [String],
        warned: &HashSet<String>,
    ) -> Vec<&'c String> {
        if !self.keep {
            return Vec::new();
        }
        let forgotten: Vec<&String> = changed.iter().filter(|id| !warned.contains(*id)).collect();
        for id in &forgotten {
            self.actors.remove(*id);
        }
        forgotten
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use trustwork_core::Role;

    fn actor() -> Actor {
        Actor::new(Account {
            id: "acc_1".into(),
            email: "a@example.com".into(),
            display_name: "A".into(),
            role: Role::Freelancer,
            password_hash: String::new(),
            identity_verified_at: None,
            balance_cents: 0,
            created_at: Timestamp(0),
        })
    }

    #[test]
    fn counters_slide_with_the_clock() {
        let mut a = actor();
        let t0 = Timestamp(100 * DAY_MS);
        a.record(CONTACT_ATTEMPT, "evt_1", t0);
        a.record(CONTACT_ATTEMPT, "evt_2", t0.plus_millis(DAY_MS));
        a.record(PAYMENT_ATTEMPT, "evt_3", t0);
        a.record(MESSAGE_RECIPIENT, "c1", t0);
        a.record(MESSAGE_RECIPIENT, "c1", t0.plus_millis(30 * 60_000));
        a.record(MESSAGE_RECIPIENT, "c2", t0);
        a.record("flag_received", "x", t0);
        let now = t0.plus_millis(DAY_MS);
        assert_eq!(a.contact_attempts_30d(now), 2);
        assert_eq!(a.payment_attempts_30d(now), 1);
        // c1 again 30 minutes in: still messaged within the hour at t0 + 50 min; c2 is not.
        assert_eq!(a.recipients_1h(t0.plus_millis(50 * 60_000)), 2);
        assert_eq!(a.recipients_1h(t0.plus_millis(70 * 60_000)), 1);
        assert_eq!(a.recipients_1h(t0.plus_millis(100 * 60_000)), 0);
        // The window is "after since", as the database reads it: exactly 30 days old is out.
        let later = t0.plus_millis(30 * DAY_MS);
        assert_eq!(a.contact_attempts_30d(later), 1);
        a.prune(later);
        assert_eq!(a.contact_attempts.len(), 1);
        assert!(a.recipients.is_empty());
    }
}
