//! Building audit records. Every state change in a use case appends one in its transaction.

use trustwork_core::audit::AuditRecord;
use trustwork_core::{Actor, Restriction, Timestamp};
use trustwork_store::new_id;

pub(crate) struct Change<'a> {
    pub actor: &'a Actor,
    pub account_id: Option<&'a str>,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub reason: &'a str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl Change<'_> {
    pub fn record(self, at: Timestamp) -> AuditRecord {
        AuditRecord {
            id: new_id("aud"),
            at,
            actor: self.actor.clone(),
            account_id: self.account_id.map(str::to_owned),
            action: self.action.to_owned(),
            entity_type: self.entity_type.to_owned(),
            entity_id: self.entity_id.to_owned(),
            reason: self.reason.to_owned(),
            before: self.before.map(|v| v.to_string()),
            after: self.after.map(|v| v.to_string()),
        }
    }
}

/// The parts of a restriction worth keeping in its audit records.
pub(crate) fn restriction_json(r: &Restriction) -> serde_json::Value {
    let (lift_kind, lift_value) = r.lift.to_columns();
    serde_json::json!({
        "id": r.id,
        "reason": r.reason.as_str(),
        "severity": r.severity.as_str(),
        "scope": r.scope.to_text(),
        "lift": lift_kind,
        "lift_value": lift_value,
        "lifted_at": r.lifted_at.map(|t| t.to_rfc3339()),
    })
}
