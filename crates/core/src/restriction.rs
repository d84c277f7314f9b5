//! Restrictions: warnings, holds, suspensions and bans, each with a reason and a way out.
//!
//! Restrictions are never deleted. Lifting one records when and by whom, so "My Stats" can show
//! the history and the Top Rated check can look back 90 days.

use crate::actor::Actor;
use crate::capability::{Capability, CapabilitySet};
use crate::timestamp::Timestamp;
use serde::{Deserialize, Serialize};

/// Why a restriction exists. A closed set: reports and policies group by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReasonCode {
    UnverifiedIdentityDeadline,
    IdentityUncertainty,
    AccountSharing,
    MultipleAccounts,
    WrongAccountType,
    OffPlatformPayment,
    ContactInfoSharing,
    FailureToPerform,
    Spam,
    Harassment,
    FeedbackAbuse,
    Other,
    /// Not a restriction: a new freelancer's profile waits for approval (seed 001). It denies
    /// what [`crate::standing::PROFILE_GATE`] names, the way a hold's reason does.
    ProfileNotApproved,
}

impl ReasonCode {
    /// The reasons a restriction may carry ([`ReasonCode::ProfileNotApproved`] is not one: it is
    /// only ever a capability's answer, never applied, parsed or offered to agents).
    pub const ALL: [ReasonCode; 12] = [
        ReasonCode::UnverifiedIdentityDeadline,
        ReasonCode::IdentityUncertainty,
        ReasonCode::AccountSharing,
        ReasonCode::MultipleAccounts,
        ReasonCode::WrongAccountType,
        ReasonCode::OffPlatformPayment,
        ReasonCode::ContactInfoSharing,
        ReasonCode::FailureToPerform,
        ReasonCode::Spam,
        ReasonCode::Harassment,
        ReasonCode::FeedbackAbuse,
        ReasonCode::Other,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            ReasonCode::UnverifiedIdentityDeadline => "UNVERIFIED_IDENTITY_DEADLINE",
            ReasonCode::IdentityUncertainty => "IDENTITY_UNCERTAINTY",
            ReasonCode::AccountSharing => "ACCOUNT_SHARING",
            ReasonCode::MultipleAccounts => "MULTIPLE_ACCOUNTS",
            ReasonCode::WrongAccountType => "WRONG_ACCOUNT_TYPE",
            ReasonCode::OffPlatformPayment => "OFF_PLATFORM_PAYMENT",
            ReasonCode::ContactInfoSharing => "CONTACT_INFO_SHARING",
            ReasonCode::FailureToPerform => "FAILURE_TO_PERFORM",
            ReasonCode::Spam => "SPAM",
            ReasonCode::Harassment => "HARASSMENT",
            ReasonCode::FeedbackAbuse => "FEEDBACK_ABUSE",
            ReasonCode::Other => "OTHER",
            ReasonCode::ProfileNotApproved => "PROFILE_NOT_APPROVED",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// The sentence a freelancer reads about this reason.
    /// A short name for pickers and lists, in words.
    pub const fn label(self) -> &'static str {
        match self {
            ReasonCode::UnverifiedIdentityDeadline => "Identity not verified in time",
            ReasonCode::IdentityUncertainty => "Identity uncertain",
            ReasonCode::AccountSharing => "Account sharing",
            ReasonCode::MultipleAccounts => "Multiple accounts",
            ReasonCode::WrongAccountType => "Wrong account type",
            ReasonCode::OffPlatformPayment => "Off-platform payment",
            ReasonCode::ContactInfoSharing => "Contact details shared",
            ReasonCode::FailureToPerform => "Failure to perform",
            ReasonCode::Spam => "Spam",
            ReasonCode::Harassment => "Harassment",
            ReasonCode::FeedbackAbuse => "Feedback abuse",
            ReasonCode::Other => "Other violation",
            ReasonCode::ProfileNotApproved => "Profile not approved yet",
        }
    }

    pub const fn describe(self) -> &'static str {
        match self {
            ReasonCode::UnverifiedIdentityDeadline => {
                "Identity verification was not completed by the deadline."
            }
            ReasonCode::IdentityUncertainty => "We could not confirm your identity.",
            ReasonCode::AccountSharing => "The account was used by more than one person.",
            ReasonCode::MultipleAccounts => "More than one account belongs to the same person.",
            ReasonCode::WrongAccountType => "The account type does not match how it is used.",
            ReasonCode::OffPlatformPayment => {
                "Payment was asked for or taken outside the platform."
            }
            ReasonCode::ContactInfoSharing => {
                "Contact details were shared before a contract started."
            }
            ReasonCode::FailureToPerform => "Contract obligations were not fulfilled.",
            ReasonCode::Spam => "Repeated or generic messages or cover letters were sent.",
            ReasonCode::Harassment => "Messages were abusive or harassing.",
            ReasonCode::FeedbackAbuse => "Feedback was pressured or manipulated.",
            ReasonCode::Other => "A violation of the terms of service.",
            ReasonCode::ProfileNotApproved => {
                "Your profile has not been approved yet: submit it from Settings → Profile."
            }
        }
    }
}

/// How serious a restriction is. Ordered: a ban outranks everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Warning,
    Hold,
    Suspension,
    Ban,
}

/// What a hold takes away: the seeds' "no withdrawals, no proposals, not in search", plus posting
/// jobs and starting contracts. Login, active contracts and their messages go on.
pub const HOLD_SCOPE: CapabilitySet = CapabilitySet::of(&[
    Capability::SubmitProposal,
    Capability::WithdrawEarnings,
    Capability::AppearInSearch,
    Capability::PostJob,
    Capability::StartContract,
]);

/// A suspension also stops work and messages, but the person can still sign in to read why and
/// to appeal.
pub const SUSPENSION_SCOPE: CapabilitySet = CapabilitySet::of(&[
    Capability::SubmitProposal,
    Capability::WithdrawEarnings,
    Capability::AppearInSearch,
    Capability::PostJob,
    Capability::StartContract,
    Capability::WorkOnActiveContracts,
    Capability::SendMessages,
]);

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Warning,
        Severity::Hold,
        Severity::Suspension,
        Severity::Ban,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Hold => "hold",
            Severity::Suspension => "suspension",
            Severity::Ban => "ban",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The capabilities a restriction of this severity takes away unless a narrower scope is
    /// given.
    pub const fn default_scope(self) -> CapabilitySet {
        match self {
            Severity::Warning => CapabilitySet::EMPTY,
            Severity::Hold => HOLD_SCOPE,
            Severity::Suspension => SUSPENSION_SCOPE,
            Severity::Ban => CapabilitySet::all(),
        }
    }

    /// Holds and worse count on My Stats and against Top Rated.
    pub const fn counts_as_hold(self) -> bool {
        !matches!(self, Severity::Warning)
    }
}

/// Something the account holder can do to lift a restriction by themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequiredAction {
    PassIdentityVerification,
}

impl RequiredAction {
    pub const fn as_str(self) -> &'static str {
        match self {
            RequiredAction::PassIdentityVerification => "pass_identity_verification",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pass_identity_verification" => Some(RequiredAction::PassIdentityVerification),
            _ => None,
        }
    }
}

/// How a restriction ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum LiftCondition {
    /// When the account holder does something (e.g. passes identity verification).
    OnAction(RequiredAction),
    /// By itself at a time (a timed restriction); an agent may still lift it earlier.
    AtTime(Timestamp),
    /// Only an agent or admin lifts it.
    Manual,
}

impl LiftCondition {
    /// Stored as two columns: a kind and a value.
    pub fn to_columns(self) -> (&'static str, Option<String>) {
        match self {
            LiftCondition::OnAction(a) => ("on_action", Some(a.as_str().to_owned())),
            LiftCondition::AtTime(t) => ("at_time", Some(t.millis().to_string())),
            LiftCondition::Manual => ("manual", None),
        }
    }

    pub fn from_columns(kind: &str, value: Option<&str>) -> Option<Self> {
        match (kind, value) {
            ("on_action", Some(v)) => RequiredAction::parse(v).map(LiftCondition::OnAction),
            ("at_time", Some(v)) => v
                .parse::<i64>()
                .ok()
                .map(|ms| LiftCondition::AtTime(Timestamp(ms))),
            ("manual", _) => Some(LiftCondition::Manual),
            _ => None,
        }
    }

    pub fn describe(self) -> String {
        match self {
            LiftCondition::OnAction(RequiredAction::PassIdentityVerification) => {
                "lifted when identity verification is passed".to_owned()
            }
            LiftCondition::AtTime(t) => format!("lifted automatically at {}", t.to_human()),
            LiftCondition::Manual => "lifted by a trust & safety agent".to_owned(),
        }
    }
}

/// A restriction as stored: active until lifted (or until its time passes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restriction {
    pub id: String,
    pub account_id: String,
    pub reason: ReasonCode,
    pub severity: Severity,
    pub scope: CapabilitySet,
    pub lift: LiftCondition,
    pub actor: Actor,
    pub note: String,
    pub created_at: Timestamp,
    pub lifted_at: Option<Timestamp>,
    pub lifted_by: Option<Actor>,
    pub lift_note: Option<String>,
    /// Set when an appeal overturned it: it was wrong, so it no longer counts anywhere (Top
    /// Rated, badges), though it stays in the history.
    pub overturned_at: Option<Timestamp>,
}

impl Restriction {
    /// Active means it restricts now: not lifted, and not past its own end time.
    pub fn is_active(&self, now: Timestamp) -> bool {
        self.lifted_at.is_none() && !self.expired_by_time(now)
    }

    /// A timed restriction whose end has passed, though nobody has recorded the lift yet.
    pub fn expired_by_time(&self, now: Timestamp) -> bool {
        matches!(self.lift, LiftCondition::AtTime(until) if now >= until)
    }

    /// When it stopped restricting, if it has: the recorded lift, or its own end time.
    pub fn ended_at(&self, now: Timestamp) -> Option<Timestamp> {
        match (self.lifted_at, self.lift) {
            (Some(at), _) => Some(at),
            (None, LiftCondition::AtTime(until)) if now >= until => Some(until),
            _ => None,
        }
    }

    pub fn denies(&self, cap: Capability, now: Timestamp) -> bool {
        self.is_active(now) && self.scope.contains(cap)
    }
}

/// What is needed to create a restriction; the application adds the id and the clock time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRestriction {
    pub reason: ReasonCode,
    pub severity: Severity,
    pub scope: CapabilitySet,
    pub lift: LiftCondition,
    pub note: String,
}

impl NewRestriction {
    /// A restriction with the default scope for its severity.
    pub fn new(reason: ReasonCode, severity: Severity, lift: LiftCondition, note: &str) -> Self {
        Self {
            reason,
            severity,
            scope: severity.default_scope(),
            lift,
            note: note.to_owned(),
        }
    }

    /// Holds and worse take the account out of the market, so its open proposals are cancelled
    /// (the seeds: "any active proposals that you have submitted will also be canceled").
    pub fn cancels_active_proposals(&self) -> bool {
        self.severity.counts_as_hold() && self.scope.contains(Capability::SubmitProposal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hold(lift: LiftCondition) -> Restriction {
        Restriction {
            id: "r1".into(),
            account_id: "a1".into(),
            reason: ReasonCode::Spam,
            severity: Severity::Hold,
            scope: HOLD_SCOPE,
            lift,
            actor: Actor::system("test"),
            note: String::new(),
            created_at: Timestamp(0),
            lifted_at: None,
            lifted_by: None,
            lift_note: None,
            overturned_at: None,
        }
    }

    #[test]
    fn codes_round_trip() {
        for code in ReasonCode::ALL {
            assert_eq!(ReasonCode::parse(code.as_str()), Some(code));
        }
        for sev in Severity::ALL {
            assert_eq!(Severity::parse(sev.as_str()), Some(sev));
        }
        assert_eq!(ReasonCode::parse("SPAMMY"), None);
    }

    #[test]
    fn lift_condition_columns_round_trip() {
        for lift in [
            LiftCondition::Manual,
            LiftCondition::AtTime(Timestamp(42)),
            LiftCondition::OnAction(RequiredAction::PassIdentityVerification),
        ] {
            let (kind, value) = lift.to_columns();
            assert_eq!(
                LiftCondition::from_columns(kind, value.as_deref()),
                Some(lift)
            );
        }
        assert_eq!(LiftCondition::from_columns("at_time", Some("x")), None);
    }

    #[test]
    fn hold_scope_matches_the_seeds() {
        for cap in [
            Capability::WithdrawEarnings,
            Capability::SubmitProposal,
            Capability::AppearInSearch,
            Capability::PostJob,
            Capability::StartContract,
        ] {
            assert!(HOLD_SCOPE.contains(cap), "{cap:?}");
        }
        for cap in [
            Capability::Login,
            Capability::WorkOnActiveContracts,
            Capability::SendMessages,
        ] {
            assert!(!HOLD_SCOPE.contains(cap), "{cap:?}");
        }
        assert!(Severity::Ban.default_scope().contains(Capability::Login));
        assert!(
            !Severity::Suspension
                .default_scope()
                .contains(Capability::Login)
        );
    }

    #[test]
    fn timed_restriction_ends_by_itself() {
        let r = hold(LiftCondition::AtTime(Timestamp(100)));
        assert!(r.is_active(Timestamp(99)));
        assert!(!r.is_active(Timestamp(100)));
        assert_eq!(r.ended_at(Timestamp(150)), Some(Timestamp(100)));
        assert_eq!(r.ended_at(Timestamp(50)), None);
    }

    #[test]
    fn lifted_restriction_is_inactive() {
        let mut r = hold(LiftCondition::Manual);
        assert!(r.denies(Capability::SubmitProposal, Timestamp(5)));
        r.lifted_at = Some(Timestamp(10));
        assert!(!r.denies(Capability::SubmitProposal, Timestamp(11)));
        assert_eq!(r.ended_at(Timestamp(11)), Some(Timestamp(10)));
    }

    #[test]
    fn warnings_do_not_cancel_proposals() {
        let warn = NewRestriction::new(
            ReasonCode::Spam,
            Severity::Warning,
            LiftCondition::Manual,
            "",
        );
        assert!(!warn.cancels_active_proposals());
        let hold = NewRestriction::new(ReasonCode::Spam, Severity::Hold, LiftCondition::Manual, "");
        assert!(hold.cancels_active_proposals());
    }
}
