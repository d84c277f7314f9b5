//! Display forms of domain records for the templates.

use trustwork_app::accounts::AccountView;
use trustwork_app::records::{Contract, Proposal};
use trustwork_core::audit::AuditRecord;
use trustwork_core::verification::VerificationCase;
use trustwork_core::{Restriction, Timestamp};

pub fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}${}.{:02}", c / 100, c % 100)
}

pub struct RestrictionView {
    pub id: String,
    pub reason_code: &'static str,
    pub reason_text: &'static str,
    pub severity: &'static str,
    pub scope: String,
    pub lift: String,
    pub note: String,
    pub actor: String,
    pub created_at: String,
    pub active: bool,
    pub ended: Option<String>,
}

impl RestrictionView {
    pub fn new(r: &Restriction, now: Timestamp) -> Self {
        let scope: Vec<&str> = r.scope.iter().map(|c| c.describe()).collect();
        Self {
            id: r.id.clone(),
            reason_code: r.reason.as_str(),
            reason_text: r.reason.describe(),
            severity: r.severity.as_str(),
            scope: if scope.is_empty() {
                "nothing (a warning)".into()
            } else {
                scope.join(", ")
            },
            lift: r.lift.describe(),
            note: r.note.clone(),
            actor: r.actor.to_text(),
            created_at: r.created_at.to_human(),
            active: r.is_active(now),
            ended: r.ended_at(now).map(Timestamp::to_human),
        }
    }
}

pub struct CaseView {
    pub id: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub open: bool,
    pub reason: String,
    pub requested_at: String,
    pub deadline_at: String,
    pub decided_at: Option<String>,
    pub decision_note: String,
}

impl CaseView {
    pub fn new(c: &VerificationCase) -> Self {
        use trustwork_core::verification::CaseStatus as S;
        Self {
            id: c.id.clone(),
            status: c.status.as_str(),
            status_label: match c.status {
                S::Pending => "Waiting for verification",
                S::NeedsDocuments => "Documents requested",
                S::Expired => "Deadline passed — account on hold",
                S::FurtherReview => "Under further review (1–2 days)",
                S::Verified => "Verified",
                S::Failed => "Not verified",
            },
            open: c.status.is_open(),
            reason: c.reason.clone(),
            requested_at: c.requested_at.to_human(),
            deadline_at: c.deadline_at.to_human(),
            decided_at: c.decided_at.map(Timestamp::to_human),
            decision_note: c.decision_note.clone().unwrap_or_default(),
        }
    }
}

pub struct ProposalView {
    pub id: String,
    pub job_title: String,
    pub status: &'static str,
    pub status_label: String,
    pub submitted_at: String,
}

impl ProposalView {
    pub fn new(p: &Proposal) -> Self {
        Self {
            id: p.id.clone(),
            job_title: p.job_title.clone(),
            status: p.status.as_str(),
            status_label: p.status.as_str().replace('_', " "),
            submitted_at: p.created_at.to_human(),
        }
    }
}

pub struct ContractView {
    pub id: String,
    pub title: String,
    pub status: &'static str,
    pub started_at: String,
}

impl ContractView {
    pub fn new(c: &Contract) -> Self {
        Self {
            id: c.id.clone(),
            title: c.title.clone(),
            status: c.status.as_str(),
            started_at: c.created_at.to_human(),
        }
    }
}

pub struct AccountRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: &'static str,
    pub verified: bool,
}

impl AccountRow {
    pub fn new(a: &AccountView) -> Self {
        Self {
            id: a.id.clone(),
            name: a.display_name.clone(),
            email: a.email.clone(),
            role: a.role.as_str(),
            verified: a.identity_verified_at.is_some(),
        }
    }
}

pub struct AuditView {
    pub at: String,
    /// Who, by name when the actor is a person.
    pub actor: String,
    /// What, in words ("Restriction applied").
    pub action: String,
    pub entity: String,
    pub reason: String,
    /// Field by field: what changed, before → after; for a new record, what it holds.
    pub changes: Vec<FieldChange>,
}

pub struct FieldChange {
    pub field: String,
    /// `None` for a record that did not exist before.
    pub before: Option<String>,
    pub after: String,
}

impl AuditView {
    /// `names` maps account ids to display names, for actors and values that are accounts.
    pub fn new(r: &AuditRecord, names: &std::collections::HashMap<String, String>) -> Self {
        let actor = match &r.actor {
            trustwork_core::Actor::Account(id) => {
                names.get(id).cloned().unwrap_or_else(|| r.actor.to_text())
            }
            trustwork_core::Actor::ApiToken(id) => format!("API token {id}"),
            trustwork_core::Actor::System(what) => {
                format!("Trustwork ({})", what.replace('_', " "))
            }
        };
        Self {
            at: r.at.to_human(),
            actor,
            action: words(&r.action),
            entity: format!("{} {}", r.entity_type.replace('_', " "), r.entity_id),
            reason: r.reason.clone(),
            changes: field_changes(r.before.as_deref(), r.after.as_deref(), names),
        }
    }
}

/// `restriction.applied` → "Restriction applied".
fn words(action: &str) -> String {
    sentence(&action.replace(['.', '_'], " "))
        .trim_end_matches('.')
        .to_owned()
}

/// The fields that differ between two JSON objects (every field of `after` when there was no
/// `before`), with values as people read them. Text that is not a JSON object is shown whole.
pub fn field_changes(
    before: Option<&str>,
    after: Option<&str>,
    names: &std::collections::HashMap<String, String>,
) -> Vec<FieldChange> {
    use serde_json::{Map, Value};
    let object = |text: Option<&str>| -> Option<Map<String, Value>> {
        match serde_json::from_str(text?) {
            Ok(Value::Object(map)) => Some(map),
            _ => None,
        }
    };
    let shown = |v: Option<&Value>| -> String {
        match v {
            None | Some(Value::Null) => "—".to_owned(),
            Some(Value::String(s)) => names.get(s).cloned().unwrap_or_else(|| s.clone()),
            Some(other) => other.to_string(),
        }
    };
    let (b, a) = (object(before), object(after));
    match (b, a) {
        (Some(b), Some(a)) => {
            let mut keys: Vec<&String> = a
                .keys()
                .chain(b.keys().filter(|k| !a.contains_key(*k)))
                .collect();
            keys.dedup();
            keys.into_iter()
                .filter(|k| a.get(*k) != b.get(*k))
                .map(|k| FieldChange {
                    field: k.replace('_', " "),
                    before: Some(shown(b.get(k))),
                    after: shown(a.get(k)),
                })
                .collect()
        }
        (None, Some(a)) if before.is_none() => a
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| FieldChange {
                field: k.replace('_', " "),
                before: None,
                after: shown(Some(v)),
            })
            .collect(),
        _ => match (before, after) {
            (None, None) => Vec::new(),
            (b, a) => vec![FieldChange {
                field: "record".to_owned(),
                before: b.map(str::to_owned),
                after: a.unwrap_or("(removed)").to_owned(),
            }],
        },
    }
}

/// A reason code in a picker: its words, with the code for agents who know them.
pub struct ReasonOption {
    pub code: &'static str,
    pub label: &'static str,
}

/// Every reason code, for an agent's picker.
pub fn reason_options() -> Vec<ReasonOption> {
    trustwork_core::ReasonCode::ALL
        .iter()
        .map(|r| ReasonOption {
            code: r.as_str(),
            label: r.label(),
        })
        .collect()
}

/// Why a member may not do something, in words, with what to do about it when there is a way.
pub fn denial_text(
    cap: trustwork_core::Capability,
    reasons: &[trustwork_core::ReasonCode],
) -> String {
    use trustwork_core::ReasonCode;
    let why: Vec<&str> = reasons.iter().map(|r| r.describe()).collect();
    let mut text = format!("You can't {} right now. {}", cap.describe(), why.join(" "));
    if reasons.iter().any(|r| {
        matches!(
            r,
            ReasonCode::UnverifiedIdentityDeadline | ReasonCode::IdentityUncertainty
        )
    }) {
        text.push_str(
            " Complete identity verification (Settings → Identity Verification) to lift it.",
        );
    }
    text.trim_end().to_owned()
}

/// An error as a member reads it: money in currency, reasons in words, no codes or ids.
pub fn member_error(e: &trustwork_app::AppError) -> String {
    use trustwork_app::AppError;
    use trustwork_core::DomainError;
    match e {
        AppError::Domain(DomainError::CapabilityDenied {
            capability,
            reasons,
        }) => denial_text(*capability, reasons),
        AppError::Domain(DomainError::InsufficientBalance {
            available_cents,
            requested_cents,
        }) => format!(
            "You asked for {} but {} is available.",
            money(*requested_cents),
            money(*available_cents)
        ),
        AppError::Invalid { message, .. } => sentence(message),
        AppError::Conflict(message) => sentence(message),
        other => sentence(&other.to_string()),
    }
}

/// `text` with a capital first letter.
pub fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Starts with a capital and ends with a full stop.
fn sentence(text: &str) -> String {
    let mut out = capitalized(text.trim());
    if out.is_empty() {
        return out;
    }
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn audit_changes_read_field_by_field_with_names() {
        let names: std::collections::HashMap<String, String> =
            [("acc_1".to_owned(), "Tomás Agent".to_owned())].into();
        let changes = super::field_changes(
            Some(r#"{"status":"pending","decided_by":null,"deadline_at":"2026-12-13T00:00:00Z"}"#),
            Some(
                r#"{"status":"verified","decided_by":"acc_1","deadline_at":"2026-12-13T00:00:00Z"}"#,
            ),
            &names,
        );
        let lines: Vec<String> = changes
            .iter()
            .map(|c| {
                format!(
                    "{}: {} → {}",
                    c.field,
                    c.before.as_deref().unwrap_or(""),
                    c.after
                )
            })
            .collect();
        // Fields in name order.
        assert_eq!(
            lines,
            vec!["decided by: — → Tomás Agent", "status: pending → verified"]
        );
        let created = super::field_changes(
            None,
            Some(r#"{"severity":"hold","lifted_at":null}"#),
            &names,
        );
        assert_eq!(created.len(), 1);
        assert_eq!(
            (created[0].field.as_str(), created[0].after.as_str()),
            ("severity", "hold")
        );
        assert_eq!(super::words("restriction.applied"), "Restriction applied");
    }

    #[test]
    fn members_read_errors_in_words() {
        use trustwork_app::AppError;
        use trustwork_core::{Capability, DomainError, ReasonCode};
        let denied = AppError::Domain(DomainError::CapabilityDenied {
            capability: Capability::SubmitProposal,
            reasons: vec![ReasonCode::UnverifiedIdentityDeadline],
        });
        let text = super::member_error(&denied);
        assert!(
            text.starts_with("You can't submit proposals right now."),
            "{text}"
        );
        assert!(text.contains("Settings → Identity Verification"), "{text}");
        assert!(!text.contains("UNVERIFIED") && !text.contains("the account may not"));
        let poor = AppError::Domain(DomainError::InsufficientBalance {
            available_cents: 122_500,
            requested_cents: 200_000,
        });
        assert_eq!(
            super::member_error(&poor),
            "You asked for $2000.00 but $1225.00 is available."
        );
        assert_eq!(
            super::member_error(&AppError::Conflict(
                "you were already hired for this job".into()
            )),
            "You were already hired for this job."
        );
    }

    #[test]
    fn money_formats_cents() {
        assert_eq!(super::money(125_000), "$1250.00");
        assert_eq!(super::money(5), "$0.05");
        assert_eq!(super::money(-150), "-$1.50");
    }
}
