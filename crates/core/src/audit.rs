//! The audit trail: who did what, when, why, and the state before and after. Append-only.

use crate::actor::Actor;
use crate::timestamp::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: String,
    pub at: Timestamp,
    pub actor: Actor,
    /// The account the change concerns, when there is one.
    pub account_id: Option<String>,
    /// A dotted verb, e.g. `restriction.applied`.
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub reason: String,
    /// JSON of the state before and after, when they apply.
    pub before: Option<String>,
    pub after: Option<String>,
}
