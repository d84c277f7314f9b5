//! The way back for a member who cannot sign in (seed 003: a suspended or inactive account is
//! told why, whether it can be reversed, and how to ask). They give their email on a signed-out
//! page; a link sent there proves it is theirs. The link opens a page with each restriction's
//! reason in words, whether it can be appealed and until when, the appeal itself, and a message
//! to support that becomes a ticket.

use super::{NewTicket, TicketView};
use crate::tokens::constant_time_eq;
use crate::{App, AppError, AppResult, notices};
use trustwork_core::appeal::may_file;
use trustwork_core::tickets::TicketCategory;
use trustwork_core::{Actor, Capability, Restriction, Severity, Timestamp};

const HELP_SUBJECT: &str = "Your link to Trustwork support";
const RESEND_MS: i64 = 10 * trustwork_core::timestamp::MINUTE_MS;

/// How long the emailed link works.
const LINK_MS: i64 = 24 * trustwork_core::HOUR_MS;

/// A restriction as the member reads it on the help page.
#[derive(Debug, Clone)]
pub struct HelpRestriction {
    pub id: String,
    /// "Account closed", "Account suspended", "Account on hold" or "Warning".
    pub kind: &'static str,
    pub reason: &'static str,
    pub explanation: &'static str,
    pub since: Timestamp,
    /// How it ends: "lifted automatically at …", "lifted by a trust & safety agent".
    pub ends: String,
    pub blocks_sign_in: bool,
    /// Whether an appeal may be filed now; otherwise why not.
    pub appeal: Result<Timestamp, String>,
    /// The appeal already filed, with where it stands.
    pub appeal_status: Option<String>,
}

/// What the emailed link opens.
#[derive(Debug, Clone)]
pub struct HelpAccess {
    pub account_id: String,
    pub display_name: String,
    pub email: String,
    pub restrictions: Vec<HelpRestriction>,
}

fn kind_of(severity: Severity) -> &'static str {
    match severity {
        Severity::Ban => "Account closed",
        Severity::Suspension => "Account suspended",
        Severity::Hold => "Account on hold",
        Severity::Warning => "Warning",
    }
}

impl App {
    /// Emails a help link to `email` if an account uses it. The answer is the same either way, so
    /// the form does not tell who has an account.
    pub async fn send_help_link(&self, email: &str) -> AppResult<()> {
        let email = email.trim().to_lowercase();
        if email.is_empty() || email.len() > 320 || !email.contains('@') {
            return Err(AppError::invalid(
                "email",
                "enter the email you sign in with",
            ));
        }
        let now = self.now();
        let account = {
            let mut tx = self.db().read().await?;
            tx.account_by_email(&email).await?
        };
        let Some(account) = account else {
            return Ok(());
        };
        // One link per account every ten minutes: the form cannot be used to flood an inbox.
        let recent = self
            .mailbox(Some(&account.email))
            .await?
            .iter()
            .any(|m| m.subject == HELP_SUBJECT && m.created_at > now.plus_millis(-RESEND_MS));
        if recent {
            return Ok(());
        }
        let mut tx = self.db().begin().await?;
        let link = format!(
            "{}/help/{}",
            self.config().public_url.trim_end_matches('/'),
            self.help_token(&account.id, now.plus_millis(LINK_MS))
        );
        notices::queue(
            self,
            &mut tx,
            &account,
            HELP_SUBJECT.to_owned(),
            format!(
                "Someone (we hope you) asked for help with the account that uses this address.\n\nOpen this link within 24 hours to see your account's standing, appeal a decision or write to support: {link}\n\nIf it was not you, ignore this email."
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        self.wake_outbox();
        Ok(())
    }

    /// `account.expires.tag`, where only this server can make the tag.
    fn help_token(&self, account_id: &str, expires: Timestamp) -> String {
        let tag = self.session_tag("help", &format!("help\n{account_id}\n{}", expires.millis()));
        format!("{account_id}.{}.{tag}", expires.millis())
    }

    /// The account a help link proves, if it is genuine and unexpired.
    async fn help_account(&self, token: &str) -> AppResult<trustwork_store::accounts::Account> {
        let expired = || {
            AppError::Forbidden(
                "this help link is not valid or has expired; ask for a new one".into(),
            )
        };
        let mut parts = token.rsplitn(3, '.');
        let (Some(tag), Some(expires), Some(account_id)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Err(expired());
        };
        let expires: i64 = expires.parse().map_err(|_| expired())?;
        let expected = self.session_tag("help", &format!("help\n{account_id}\n{expires}"));
        if !constant_time_eq(&expected, tag) || self.now().millis() >= expires {
            return Err(expired());
        }
        let mut tx = self.db().read().await?;
        tx.account(account_id).await.map_err(|_| expired())
    }

    /// What the help link shows: each restriction in force, or recent enough to appeal.
    pub async fn help_access(&self, token: &str) -> AppResult<HelpAccess> {
        let account = self.help_account(token).await?;
        let now = self.now();
        let window = self.policy().review.appeal_window_days;
        let mut tx = self.db().read().await?;
        let mut restrictions = Vec::new();
        for r in tx.restrictions_of(&account.id).await? {
            let appealable_or_active = r.is_active(now) || now < r.created_at.plus_days(window);
            if !appealable_or_active || r.overturned_at.is_some() {
                continue;
            }
            let existing = tx.appeal_of_restriction(&r.id).await?;
            let appeal = may_file(&r, existing.as_ref(), now, window)
                .map(|()| r.created_at.plus_days(window))
                .map_err(|e| why_no_appeal(&e));
            restrictions.push(help_restriction(&r, appeal, existing, now));
        }
        Ok(HelpAccess {
            account_id: account.id,
            display_name: account.display_name,
            email: account.email,
            restrictions,
        })
    }

    /// Files the appeal of one of the link's account's restrictions.
    pub async fn appeal_from_help(
        &self,
        token: &str,
        restriction_id: &str,
        statement: &str,
    ) -> AppResult<trustwork_core::appeal::Appeal> {
        let account = self.help_account(token).await?;
        self.file_appeal(&Actor::Account(account.id), restriction_id, statement)
            .await
    }

    /// A message to support from the help page: a ticket about holds and suspensions, answered
    /// by email.
    pub async fn message_from_help(&self, token: &str, message: &str) -> AppResult<TicketView> {
        let account = self.help_account(token).await?;
        let message = super::text("message", message, 20_000)?;
        let subject = super::subject_of(&message);
        self.open_ticket(
            &Actor::Account(account.id.clone()),
            &NewTicket {
                account_id: &account.id,
                category: TicketCategory::HoldsAndSuspensions.as_str(),
                subject: &subject,
                details: &message,
                priority: None,
                subcategory: Some("cannot sign in"),
                channel: "help_form",
            },
        )
        .await
    }
}

/// Why an appeal cannot be filed, in the member's words (no ids).
fn why_no_appeal(e: &trustwork_core::DomainError) -> String {
    use trustwork_core::DomainError;
    match e {
        DomainError::AppealAlreadyFiled { .. } => {
            "you have appealed it already; we will email you the decision".into()
        }
        DomainError::AppealWindowClosed { closed_at, .. } => {
            format!("the time to appeal ended on {}", closed_at.to_human())
        }
        DomainError::AlreadyOverturned { .. } => "it was overturned already".into(),
        other => other.to_string(),
    }
}

fn help_restriction(
    r: &Restriction,
    appeal: Result<Timestamp, String>,
    existing: Option<trustwork_core::appeal::Appeal>,
    now: Timestamp,
) -> HelpRestriction {
    HelpRestriction {
        id: r.id.clone(),
        kind: kind_of(r.severity),
        reason: r.reason.label(),
        explanation: r.reason.describe(),
        since: r.created_at,
        ends: if r.is_active(now) {
            r.lift.describe()
        } else {
            "no longer in force".to_owned()
        },
        blocks_sign_in: r.denies(Capability::Login, now),
        appeal,
        appeal_status: existing.map(|a| a.status.as_str().replace('_', " ")),
    }
}
