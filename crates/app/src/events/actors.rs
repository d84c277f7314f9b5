//! What the event writer knows of the actors whose events it decides in memory: the account,
//! its restrictions, and the times of the signals its counters are made of.
//!
//! On SQLite the writer is the only one deciding events, so it keeps actors between groups and
//! reads the database only for actors it has not seen or that changed: triggers list every
//! account whose row or restrictions changed (`Tx::take_account_changes`), and events decided
//! outside the writer name their actors in [`Forgotten`]. On PostgreSQL several server nodes may
//! decide events for the same actor, so each group locks its actors' rows and loads them again.

use crate::AppResult;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use trustwork_core::enforcement::counters::{ActorCounters, Signal};
use trustwork_core::enforcement::{ActorFacts, Event, EventData};
use trustwork_core::{Restriction, Timestamp};
use trustwork_store::Tx;
use trustwork_store::accounts::Account;

/// Beyond this many actors the cache starts again from empty: a bound on memory (about a
/// kilobyte an actor, its counters bounded by `core`) that a busy hour of a large marketplace
/// stays under.
const MAX_ACTORS: usize = 100_000;

/// An actor as the writer knows it.
#[derive(Debug, Clone)]
pub(crate) struct Actor {
    pub account: Account,
    pub restrictions: Vec<Restriction>,
    pub counters: ActorCounters,
}

impl Actor {
    pub fn facts(&self) -> ActorFacts {
        facts_of(&self.account)
    }

    /// What a decision about this actor wrote: its new restrictions, and its signals.
    pub fn apply(&mut self, restrictions: &[Restriction], signals: &[Signal]) {
        self.restrictions.extend(restrictions.iter().cloned());
        for s in signals {
            self.record(s);
        }
    }

    /// Records a decision's signals and answers those that change what is stored: a message to
    /// someone already written to this minute adds nothing to `recent_refs`, and writing it
    /// again would cost a lookup in the database for nothing (most of a busy sender's messages).
    pub fn record_new(&mut self, signals: Vec<Signal>) -> Vec<Signal> {
        signals.into_iter().filter(|s| self.record(s)).collect()
    }

    /// Adds one signal to the counters; false only for one of this actor's that changes nothing
    /// stored. Signals about other accounts change nothing here and are always written.
    fn record(&mut self, s: &Signal) -> bool {
        s.account_id != self.account.id || self.counters.record(s.kind, &s.ref_id, s.at, 1)
    }
}

/// What the planner needs of an account.
pub(super) fn facts_of(account: &Account) -> ActorFacts {
    ActorFacts {
        role: account.role,
        identity_verified: account.identity_verified_at.is_some(),
        payment_verified: account.payment_verified_at.is_some(),
        created_at: account.created_at,
    }
}

/// Events whose decision reads nothing but their actor's account, restrictions and counters:
/// the writer decides these from the actors it holds. Others read the database too (letters,
/// another account's counters, fingerprints, a sign-up's new account).
pub(super) fn reads_only_the_actor(event: &Event) -> bool {
    matches!(
        event.data,
        EventData::MessageSent(_)
            | EventData::ProfileUpdated(_)
            | EventData::WithdrawalRequested(_)
    )
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
        let mut counters = tx.actor_counters(ids, now).await?;
        let mut loaded: HashMap<String, Actor> = accounts
            .into_iter()
            .map(|account| {
                let counters = counters.remove(&account.id).unwrap_or_default();
                let actor = Actor {
                    account,
                    restrictions: Vec::new(),
                    counters,
                };
                (actor.account.id.clone(), actor)
            })
            .collect();
        for r in tx.restrictions_of_accounts(ids).await? {
            if let Some(a) = loaded.get_mut(&r.account_id) {
                a.restrictions.push(r);
            }
        }
        self.actors.extend(loaded);
        Ok(())
    }

    /// The actor, with what has left the counters' windows dropped.
    pub fn get_mut(&mut self, id: &str, now: Timestamp) -> Option<&mut Actor> {
        let actor = self.actors.get_mut(id)?;
        actor.counters.prune(now);
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
