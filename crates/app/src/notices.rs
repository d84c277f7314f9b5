//! The emails Trustwork sends, queued in the outbox in the same transaction as their cause.

use crate::App;
use trustwork_core::verification::{Notice, VerificationCase};
use trustwork_core::{Restriction, Timestamp};
use trustwork_store::accounts::Account;
use trustwork_store::outbox::OutboxMessage;
use trustwork_store::{Tx, new_id};

/// Queues an email to the account holder.
pub(crate) async fn queue(
    app: &App,
    tx: &mut Tx,
    account: &Account,
    subject: String,
    body: String,
    now: Timestamp,
) -> crate::AppResult<()> {
    tx.enqueue_outbox(&email(app, account, subject, body, now))
        .await?;
    Ok(())
}

/// The email to the account, signed, due now.
pub(crate) fn email(
    app: &App,
    account: &Account,
    subject: String,
    body: String,
    now: Timestamp,
) -> OutboxMessage {
    let body = format!(
        "Hello {},\n\n{body}\n\nTrustwork — {}\n",
        account.display_name,
        app.config().public_url
    );
    OutboxMessage {
        id: new_id("msg"),
        kind: "email".into(),
        account_id: Some(account.id.clone()),
        recipient: account.email.clone(),
        subject,
        body,
        status: "pending".into(),
        attempts: 0,
        next_attempt_at: now,
        last_error: None,
        transport: None,
        created_at: now,
        delivered_at: None,
    }
}

pub(crate) fn verification_email(
    app: &App,
    notice: Notice,
    case: &VerificationCase,
) -> (String, String) {
    let settings = format!("{}/settings/identity", app.config().public_url);
    match notice {
        Notice::VerificationRequired => (
            "Action required: verify your identity".into(),
            format!(
                "We need to verify your identity. Please go to Settings → Identity Verification \
                 ({settings}) and start the video verification before {}.\n\n\
                 If you do not complete it by then, your account will be placed on hold: you \
                 will not be able to withdraw earnings, submit proposals or appear in search \
                 results, and your active proposals will be cancelled. Your active contracts are \
                 not affected.",
                case.deadline_at.to_human()
            ),
        ),
        Notice::DocumentsNeeded => (
            "More documents needed for identity verification".into(),
            format!(
                "To finish verifying your identity we need a few more documents. Please follow \
                 the instructions at {settings}."
            ),
        ),
        Notice::FurtherReview => (
            "Your identity verification needs a second look".into(),
            format!(
                "Thank you for completing the verification call. Another member of our team \
                 will review it and we will email you the result within 1–2 days (by {}). You \
                 do not need to do anything in the meantime.",
                case.review_due_at.map(|t| t.to_human()).unwrap_or_default()
            ),
        ),
        Notice::Verified => (
            "Your identity is verified".into(),
            "Thank you — your identity has been verified. Any hold waiting for verification \
             has been lifted."
                .into(),
        ),
    }
}

/// The email for a new restriction, in the member's words: what it is, why, what it stops, what
/// goes on, how it ends and how to appeal.
pub(crate) fn restriction_applied_email(app: &App, r: &Restriction) -> (String, String) {
    use trustwork_core::{LiftCondition, RequiredAction, Severity};
    let url = &app.config().public_url;
    let (subject, intro) = match r.severity {
        Severity::Warning => (
            "A warning on your account",
            "We have placed a warning on your account.",
        ),
        Severity::Hold => (
            "Your account is on hold",
            "We have placed your account on hold.",
        ),
        Severity::Suspension => (
            "Your account is suspended",
            "We have suspended your account.",
        ),
        Severity::Ban => (
            "Your account is closed",
            "We have closed your account permanently.",
        ),
    };
    let lost: Vec<&str> = r.scope.iter().map(|c| c.describe()).collect();
    let mut effect = if lost.is_empty() {
        "Your account keeps working as before.".to_owned()
    } else {
        format!("While it lasts you cannot {}.", lost.join(", "))
    };
    if r.severity == Severity::Hold {
        effect.push_str(
            " Your active proposals have been cancelled; you can keep working on your active \
             contracts.",
        );
    }
    let ends = match r.lift {
        LiftCondition::OnAction(RequiredAction::PassIdentityVerification) => format!(
            "It will be lifted as soon as you complete identity verification: go to Settings → \
             Identity Verification ({url}/settings/identity)."
        ),
        LiftCondition::AtTime(t) => format!("It ends on {}.", t.to_human()),
        LiftCondition::Manual if r.severity == Severity::Ban => String::new(),
        LiftCondition::Manual => {
            "A member of our trust & safety team will lift it once the matter is resolved."
                .to_owned()
        }
    };
    (
        subject.to_owned(),
        format!(
            "{intro}\n\nWhy: {}\n\n{effect}\n\n{ends}\n\nIf you think this is a mistake, you can \
             appeal from My Stats ({url}/stats).",
            r.reason.describe()
        )
        .replace("\n\n\n\n", "\n\n"),
    )
}

pub(crate) fn restriction_lifted_email(r: &Restriction) -> (String, String) {
    (
        match r.severity {
            trustwork_core::Severity::Warning => "The warning on your account has ended",
            _ => "Your account is back in good standing",
        }
        .to_owned(),
        format!(
            "The {} on your account has been lifted. It was placed because: {}",
            r.severity.as_str(),
            r.reason.describe()
        ),
    )
}

/// The email to a client whose job post was rejected or sent back for changes.
pub(crate) fn job_review_email(
    app: &App,
    title: &str,
    decision: trustwork_core::marketplace::JobReviewDecision,
    note: &str,
) -> (String, String) {
    use trustwork_core::marketplace::JobReviewDecision as D;
    let url = &app.config().public_url;
    match decision {
        D::RequestChanges => (
            format!("Changes needed before your job post \u{201c}{title}\u{201d} goes live"),
            format!(
                "We reviewed your job post \u{201c}{title}\u{201d} and it needs a few changes before \
                 freelancers can see it:\n\n{note}\n\nEdit the post and submit it again; it will be \
                 reviewed again, usually within 30 minutes. ({url})"
            ),
        ),
        D::Reject | D::Approve => (
            format!("Your job post \u{201c}{title}\u{201d} was not approved"),
            format!(
                "We reviewed your job post \u{201c}{title}\u{201d} and could not approve it:\n\n\
                 {note}\n\nIt is not listed and takes no proposals. If you think this is a \
                 mistake, reply to this email or contact support. ({url})"
            ),
        ),
    }
}

/// The letter to a freelancer whose profile was not approved (seed 001): why, what to do, and
/// from when it may be submitted again.
pub(crate) fn profile_letter(
    app: &App,
    reason: trustwork_core::profile_approval::RejectionReason,
    note: &str,
    resubmit_after: Timestamp,
) -> (String, String) {
    let url = &app.config().public_url;
    let note = if note.is_empty() {
        String::new()
    } else {
        format!("\n\nFrom the reviewer: {note}")
    };
    (
        "Your freelancer profile was not approved".to_owned(),
        format!(
            "Thank you for creating a profile. {}{note}\n\n{}\n\nYou may submit your profile again from {}. ({url})",
            reason.letter(),
            reason.advice(),
            resubmit_after.to_human()
        ),
    )
}

/// The email to a freelancer whose profile needs changes before approval.
pub(crate) fn profile_changes_letter(app: &App, note: &str) -> (String, String) {
    let url = &app.config().public_url;
    (
        "Changes needed before your profile is approved".to_owned(),
        format!(
            "We reviewed your freelancer profile and it needs a few changes:\n\n{note}\n\nUpdate it and submit it again. ({url})"
        ),
    )
}
