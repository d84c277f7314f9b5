//! Every threshold in one typed config. Defaults come from the seeds; operators may change them.

use crate::review::ReviewConfig;
use crate::timestamp::{DAY_MS, MINUTE_MS};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PolicyConfig {
    /// Time a freelancer has to pass a required identity verification (seeds: 7 days).
    pub verification_deadline_ms: i64,
    /// Days after a hold ends before Top Rated is possible again (seeds: 90).
    pub top_rated_hold_cooldown_days: i64,
    /// Failed sign-ins per email and address inside the window that cost nothing; after them
    /// each attempt waits a growing delay (four times as many per address, ten times as many per
    /// email from anywhere). See `sign_in`.
    pub login_max_failures: i64,
    pub login_window_ms: i64,
    /// How long a console session lasts without being used.
    pub session_idle_ms: i64,
    /// Days evidence of identity (ID stills, documents) is kept after a case's final outcome,
    /// unless an appeal is open then.
    pub evidence_retention_days: i64,
    /// How long a verification link (and the browser session it opens) stays usable.
    pub verification_link_ms: i64,
    /// Review queues, flags and appeals (`[policy.review]`).
    pub review: ReviewConfig,
    /// When a skill category has too many freelancers for its jobs (`[policy.profile_supply]`).
    pub profile_supply: crate::profile_approval::SupplyRule,
    /// A freelancer who signs up through the marketplace starts with a draft profile (seed 001).
    /// Whatever this says, a freelancer whose profile is in the approval flow and not approved
    /// may not submit proposals or appear in search; turned off, sign-ups start with no profile
    /// and are not held back until they write one. Accounts an admin creates likewise.
    pub profile_approval_required: bool,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        Self {
            verification_deadline_ms: 7 * DAY_MS,
            top_rated_hold_cooldown_days: 90,
            login_max_failures: 5,
            login_window_ms: 15 * MINUTE_MS,
            session_idle_ms: 7 * DAY_MS,
            evidence_retention_days: 30,
            verification_link_ms: DAY_MS,
            review: ReviewConfig::default(),
            profile_supply: crate::profile_approval::SupplyRule::default(),
            profile_approval_required: true,
        }
    }
}
