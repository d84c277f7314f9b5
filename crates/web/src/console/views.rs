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
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub reason: String,
    pub change: String,
}

impl AuditView {
    pub fn new(r: &AuditRecord) -> Self {
        let change = match (&r.before, &r.after) {
            (Some(b), Some(a)) => format!("{b} → {a}"),
            (None, Some(a)) => a.clone(),
            (Some(b), None) => format!("{b} → (removed)"),
            (None, None) => String::new(),
        };
        Self {
            at: r.at.to_human(),
            actor: r.actor.to_text(),
            action: r.action.clone(),
            entity: format!("{} {}", r.entity_type, r.entity_id),
            reason: r.reason.clone(),
            change,
        }
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

/// Starts with a capital and ends with a full stop.
fn sentence(text: &str) -> String {
    let mut chars = text.trim().chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let mut out: String = first.to_uppercase().chain(chars).collect();
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
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
