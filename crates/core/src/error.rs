//! Domain errors: a rule said no. Each has a stable machine-readable code.

use crate::capability::Capability;
use crate::restriction::ReasonCode;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("the account may not {}: {}", .capability.describe(), reasons_text(.reasons))]
    CapabilityDenied {
        capability: Capability,
        reasons: Vec<ReasonCode>,
    },
    #[error("verification case {case_id} is already open for this account")]
    VerificationAlreadyOpen { case_id: String },
    #[error("verification case {case_id} is closed ({status}); its outcome cannot change")]
    CaseClosed {
        case_id: String,
        status: &'static str,
    },
    #[error("restriction {restriction_id} was already lifted")]
    AlreadyLifted { restriction_id: String },
    #[error("{entity} {id} cannot go from {from} to {to}")]
    InvalidTransition {
        entity: &'static str,
        id: String,
        from: &'static str,
        to: &'static str,
    },
    #[error("insufficient balance: {available_cents} cents available, {requested_cents} requested")]
    InsufficientBalance {
        available_cents: i64,
        requested_cents: i64,
    },
}

fn reasons_text(reasons: &[ReasonCode]) -> String {
    reasons
        .iter()
        .map(|r| r.describe())
        .collect::<Vec<_>>()
        .join(" ")
}

impl DomainError {
    /// Stable snake_case code for API clients.
    pub const fn code(&self) -> &'static str {
        match self {
            DomainError::CapabilityDenied { .. } => "capability_denied",
            DomainError::VerificationAlreadyOpen { .. } => "verification_already_open",
            DomainError::CaseClosed { .. } => "case_closed",
            DomainError::AlreadyLifted { .. } => "already_lifted",
            DomainError::InvalidTransition { .. } => "invalid_transition",
            DomainError::InsufficientBalance { .. } => "insufficient_balance",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn denial_message_names_the_reason() {
        let e = DomainError::CapabilityDenied {
            capability: Capability::SubmitProposal,
            reasons: vec![ReasonCode::UnverifiedIdentityDeadline],
        };
        assert_eq!(e.code(), "capability_denied");
        assert_eq!(
            e.to_string(),
            "the account may not submit proposals: Identity verification was not completed by the deadline."
        );
    }
}
