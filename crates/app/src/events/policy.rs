//! The live policy: loaded at start (the default, or the operator's file), swapped on reload
//! without a restart. Readers take a cheap `Arc` clone; a reload never blocks a decision.

use crate::{App, AppError, AppResult};
use std::sync::{Arc, RwLock};
use trustwork_core::enforcement::Policy;

/// The policy shipped with Trustwork: the rules of the seeds.
pub const DEFAULT_POLICY: &str = include_str!("../../policy/default.toml");

pub struct LivePolicy {
    current: RwLock<Arc<LoadedPolicy>>,
}

/// A parsed policy with the text it came from.
pub struct LoadedPolicy {
    pub policy: Policy,
    pub source: String,
}

impl LivePolicy {
    pub fn new(loaded: LoadedPolicy) -> Self {
        Self {
            current: RwLock::new(Arc::new(loaded)),
        }
    }

    /// The default policy. It is part of the build and its tests (`the_default_policy_parses`),
    /// so it always parses; should it ever not, the server starts with no rules rather than not
    /// at all, and says so.
    pub fn default_policy() -> Self {
        let policy = Policy::parse(DEFAULT_POLICY).unwrap_or_else(|e| {
            tracing::error!(error = %e, "the built-in policy does not parse; starting with no rules");
            Policy {
                version: "empty".into(),
                rules: Vec::new(),
                escalation: Vec::new(),
                warning_days: 90,
                spot_check_permille: 0,
                spot_checks_per_sender_per_day: 0,
                thresholds: Default::default(),
            }
        });
        Self::new(LoadedPolicy {
            policy,
            source: DEFAULT_POLICY.to_owned(),
        })
    }

    pub fn get(&self) -> Arc<LoadedPolicy> {
        match self.current.read() {
            Ok(p) => Arc::clone(&p),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    fn set(&self, loaded: LoadedPolicy) {
        match self.current.write() {
            Ok(mut p) => *p = Arc::new(loaded),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(loaded),
        }
    }
}

impl App {
    /// The version of the live policy.
    pub fn policy_version(&self) -> String {
        self.live_policy().get().policy.version.clone()
    }

    /// The live policy's text.
    pub fn policy_source(&self) -> String {
        self.live_policy().get().source.clone()
    }

    /// Validates and activates a new policy, on every server node: it is stored as the live
    /// policy, and the other nodes hear of it (PostgreSQL `NOTIFY`, see [`App::link_nodes`]).
    /// A policy that does not parse changes nothing.
    pub async fn load_policy(&self, source: &str) -> AppResult<String> {
        let policy = Policy::parse(source).map_err(AppError::Policy)?;
        let version = policy.version.clone();
        let mut tx = self.db().begin().await?;
        tx.record_policy_version(&version, source, self.now())
            .await?;
        tx.put_setting(LIVE_POLICY, source).await?;
        tx.notify(POLICY_CHANNEL).await?;
        tx.commit().await?;
        self.live_policy().set(LoadedPolicy {
            policy,
            source: source.to_owned(),
        });
        tracing::info!(%version, "policy loaded");
        Ok(version)
    }

    /// Puts the stored live policy in force here if it differs from this node's (at start, and
    /// when another node changed it). Answers whether it changed.
    pub async fn refresh_policy(&self) -> AppResult<bool> {
        let stored = {
            let mut tx = self.db().read().await?;
            tx.setting(LIVE_POLICY).await?
        };
        let Some(source) = stored else {
            return Ok(false);
        };
        if source == self.live_policy().get().source {
            return Ok(false);
        }
        // It parsed when it was stored; a build whose parser refuses it keeps what it has.
        let policy = Policy::parse(&source).map_err(AppError::Policy)?;
        tracing::info!(version = %policy.version, "policy changed on another node; in force here");
        self.live_policy().set(LoadedPolicy { policy, source });
        Ok(true)
    }
}

/// The setting holding the live policy's text.
const LIVE_POLICY: &str = "live_policy";
/// The PostgreSQL channel policy changes are announced on.
pub(crate) const POLICY_CHANNEL: &str = "trustwork_policy";

#[cfg(test)]
mod tests {
    #[test]
    fn the_default_policy_parses() {
        let p = trustwork_core::enforcement::Policy::parse(super::DEFAULT_POLICY).unwrap();
        assert!(p.rules.len() >= 10);
        assert_eq!(p.version, "seeds-2026-11-21");
    }
}
