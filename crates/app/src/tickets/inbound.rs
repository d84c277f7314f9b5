//! Members' emails into tickets: the mail provider's inbound hook hands each message here.

use super::{NewTicket, TicketView};
use crate::{App, AppError, AppResult};
use trustwork_core::Actor;
use trustwork_core::tickets::{TicketCategory, TicketStatus};

/// What an emailed message became.
#[derive(Debug, Clone)]
pub struct Inbound {
    pub ticket: TicketView,
    /// A new ticket (no number in the subject, or a closed or someone else's ticket).
    pub opened: bool,
}

/// `Name <a@b.c>` or `a@b.c` → `a@b.c`, lower-cased.
fn address_of(from: &str) -> String {
    let inner = match (from.rfind('<'), from.rfind('>')) {
        (Some(a), Some(b)) if a < b => &from[a + 1..b],
        _ => from,
    };
    inner.trim().to_lowercase()
}

impl App {
    /// A member's email (from the mail provider's inbound hook): a reply to the ticket its
    /// subject names (`[#100042]`), with the quoted message left out, or a new ticket. Only the
    /// ticket's own member adds to it; any other sender's mail opens a ticket of their own.
    pub async fn receive_email(&self, from: &str, subject: &str, text: &str) -> AppResult<Inbound> {
        let address = address_of(from);
        let account = {
            let mut tx = self.db().read().await?;
            tx.account_by_email(&address).await?
        }
        .ok_or_else(|| AppError::invalid("from", "no member has this email address"))?;
        let body = trustwork_core::tickets::reply_text(text);
        if body.is_empty() {
            return Err(AppError::invalid("text", "the email has no new text"));
        }
        let existing = match trustwork_core::tickets::number_in_subject(subject) {
            None => None,
            Some(n) => {
                let mut tx = self.db().read().await?;
                tx.ticket_by_number(n)
                    .await?
                    .filter(|t| t.account_id == account.id && t.status != TicketStatus::Closed)
            }
        };
        if let Some(t) = existing {
            let ticket = self
                .reply_to_ticket(&t.id, &account.id, &body, true, None)
                .await?;
            return Ok(Inbound {
                ticket,
                opened: false,
            });
        }
        let subject = match subject.trim() {
            "" => "(no subject)",
            s => s,
        };
        let subject: String = subject.chars().take(200).collect();
        let details: String = body.chars().take(20_000).collect();
        let ticket = self
            .open_ticket(
                &Actor::Account(account.id.clone()),
                &NewTicket {
                    account_id: &account.id,
                    category: TicketCategory::Other.as_str(),
                    subject: &subject,
                    details: &details,
                    priority: None,
                    subcategory: None,
                    channel: "email",
                },
            )
            .await?;
        Ok(Inbound {
            ticket,
            opened: true,
        })
    }
}
