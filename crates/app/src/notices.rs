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
        Notice::DeadlineHoldApplied => (
            "Your account is on hold".into(),
            format!(
                "You did not complete identity verification by {}, so your account has been \
                 placed on hold. You cannot withdraw earnings, submit proposals or appear in \
                 search results, and your active proposals have been cancelled. You can keep \
                 working on your active contracts.\n\nComplete verification at {settings} to \
                 lift the hold.",
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
        Notice::Verified => (
            "Your identity is verified".into(),
            "Thank you — your identity has been verified. Any hold waiting for verification \
             has been lifted."
                .into(),
        ),
        Notice::Failed => (
            "We could not verify your identity".into(),
            format!(
                "We could not verify your identity, and your account has been placed on hold. \
                 See {settings} for what to do next."
            ),
        ),
    }
}

pub(crate) fn restriction_applied_email(r: &Restriction) -> (String, String) {
    let lost: Vec<&str> = r.scope.iter().map(|c| c.describe()).collect();
    let effect = if lost.is_empty() {
        "This is a warning; your account keeps working as before.".to_owned()
    } else {
        format!("While it lasts you cannot {}.", lost.join(", "))
    };
    (
        format!("Account {}: {}", r.severity.as_str(), r.reason.as_str()),
        format!(
            "A {} has been placed on your account. Reason: {}\n\n{effect}\nIt will be {}.",
            r.severity.as_str(),
            r.reason.describe(),
            r.lift.describe()
        ),
    )
}

pub(crate) fn restriction_lifted_email(r: &Restriction) -> (String, String) {
    (
        format!("Account {} lifted", r.severity.as_str()),
        format!(
            "The {} on your account ({}) has been lifted.",
            r.severity.as_str(),
            r.reason.describe()
        ),
    )
}
