//! Domain errors: a rule said no. Each has a stable machine-readable code.

use crate::capability::Capability;
use crate::restriction::ReasonCode;
use crate::timestamp::Timestamp;

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
    #[error("review case {case_id} is already resolved")]
    ReviewCaseResolved { case_id: String },
    #[error("review case {case_id} is claimed by {claimed_by} until {until}")]
    ReviewCaseClaimed {
        case_id: String,
        claimed_by: String,
        until: Timestamp,
    },
    #[error("review case {case_id} must be claimed by the acting agent first")]
    ReviewClaimRequired { case_id: String },
    #[error("this reporter has already flagged it (review case {case_id})")]
    AlreadyFlagged { case_id: String },
    #[error("this restriction was already appealed (appeal {appeal_id}); it can be appealed once")]
    AppealAlreadyFiled { appeal_id: String },
    #[error("restriction {restriction_id} could be appealed until {closed_at}")]
    AppealWindowClosed {
        restriction_id: String,
        closed_at: Timestamp,
    },
    #[error("restriction {restriction_id} was already overturned")]
    AlreadyOverturned { restriction_id: String },
    #[error("appeal {appeal_id} is already decided")]
    AppealAlreadyDecided { appeal_id: String },
    #[error(
        "appeal {appeal_id} must be decided by an agent other than the one who placed the restriction"
    )]
    AppealSameAgent { appeal_id: String },
    #[error("the client has no verified payment method; add one before hiring")]
    PaymentMethodNotVerified { client_id: String },
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
            DomainError::ReviewCaseResolved { .. } => "review_case_resolved",
            DomainError::ReviewCaseClaimed { .. } => "review_case_claimed",
            DomainError::ReviewClaimRequired { .. } => "review_claim_required",
            DomainError::AlreadyFlagged { .. } => "already_flagged",
            DomainError::AppealAlreadyFiled { .. } => "appeal_already_filed",
            DomainError::AppealWindowClosed { .. } => "appeal_window_closed",
            DomainError::AlreadyOverturned { .. } => "already_overturned",
            DomainError::AppealAlreadyDecided { .. } => "appeal_already_decided",
            DomainError::AppealSameAgent { .. } => "appeal_same_agent",
            DomainError::PaymentMethodNotVerified { .. } => "payment_method_not_verified",
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
