//! Files on a ticket (a screenshot of an error, a bank statement): the type read from the bytes
//! (JPEG, PNG or PDF), at most 5 MB each and 20 per ticket, kept like verification documents.
//! The member and support staff add and open them.

use crate::portfolio_files::{checked_upload, stored_bytes, to_stored};
use crate::{App, AppError, AppResult};
use trustwork_core::tickets::TicketStatus;
use trustwork_store::new_id;
use trustwork_store::ticket_desk::TicketAttachment;

pub const MAX_ATTACHMENT_BYTES: usize = 5 * 1024 * 1024;
const MAX_ATTACHMENTS: usize = 20;

impl App {
    /// Keeps `bytes` on the ticket, added by `uploader` (its member or staff).
    pub async fn attach_to_ticket(
        &self,
        ticket_id: &str,
        uploader_id: &str,
        bytes: &[u8],
    ) -> AppResult<TicketAttachment> {
        let kind = checked_upload(bytes, MAX_ATTACHMENT_BYTES)?;
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let ticket = tx.ticket(ticket_id).await?;
        let uploader = tx.account(uploader_id).await?;
        if uploader.id != ticket.account_id && !uploader.role.is_staff() {
            return Err(AppError::Forbidden(
                "only the ticket's member and support staff add files".into(),
            ));
        }
        if ticket.status == TicketStatus::Closed {
            return Err(AppError::Conflict(
                "the ticket is closed; open a new one".into(),
            ));
        }
        // Locks the member's row so two uploads at once cannot both pass the count.
        tx.lock_account(&ticket.account_id).await?;
        if tx.ticket_attachments(ticket_id).await?.len() >= MAX_ATTACHMENTS {
            return Err(AppError::Conflict(format!(
                "a ticket holds at most {MAX_ATTACHMENTS} files"
            )));
        }
        let file = TicketAttachment {
            id: new_id("tka"),
            ticket_id: ticket.id.clone(),
            uploaded_by: uploader.id.clone(),
            content_type: kind.content_type().to_owned(),
            size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
            created_at: now,
        };
        tx.insert_ticket_attachment(&file, &to_stored(bytes))
            .await?;
        tx.commit().await?;
        Ok(file)
    }

    /// One of the ticket's files with its bytes.
    pub async fn ticket_attachment(
        &self,
        ticket_id: &str,
        id: &str,
    ) -> AppResult<(TicketAttachment, Vec<u8>)> {
        let mut tx = self.db().read().await?;
        tx.ticket(ticket_id).await?;
        let (file, data) =
            tx.ticket_attachment(ticket_id, id)
                .await?
                .ok_or_else(|| AppError::NotFound {
                    entity: "attachment",
                    id: id.to_owned(),
                })?;
        Ok((file, stored_bytes(&data, id)?))
    }
}
