//! Files on portfolio items (seed 001): a freelancer uploads an image or a PDF (its type read from
//! its bytes, at most 5 MB, at most 100 per account) and names it on an item; clients and agents
//! open it through the account.

use crate::{App, AppError, AppResult};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use trustwork_core::Role;
use trustwork_core::evidence::{FileType, sniff};
use trustwork_store::new_id;
use trustwork_store::portfolio_files::PortfolioFile;

pub const MAX_PORTFOLIO_FILE_BYTES: usize = 5 * 1024 * 1024;
pub const MAX_PORTFOLIO_FILES: usize = 100;

impl App {
    /// Keeps an uploaded file for the freelancer's portfolio.
    pub async fn add_portfolio_file(
        &self,
        account_id: &str,
        bytes: &[u8],
    ) -> AppResult<PortfolioFile> {
        let kind = checked_upload(bytes, MAX_PORTFOLIO_FILE_BYTES)?;
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let account = tx.account(account_id).await?;
        if account.role != Role::Freelancer {
            return Err(AppError::invalid(
                "account_id",
                "only freelancers have a portfolio",
            ));
        }
        tx.lock_account(account_id).await?;
        if tx.portfolio_files_of(account_id).await?.len() >= MAX_PORTFOLIO_FILES {
            return Err(AppError::Conflict(format!(
                "a portfolio holds at most {MAX_PORTFOLIO_FILES} files"
            )));
        }
        let file = PortfolioFile {
            id: new_id("pfl"),
            account_id: account_id.to_owned(),
            content_type: kind.content_type().to_owned(),
            size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
            created_at: now,
        };
        tx.insert_portfolio_file(&file, &to_stored(bytes)).await?;
        tx.commit().await?;
        Ok(file)
    }

    /// A file of the account's portfolio with its bytes.
    pub async fn portfolio_file(
        &self,
        account_id: &str,
        id: &str,
    ) -> AppResult<(PortfolioFile, Vec<u8>)> {
        let mut tx = self.db().read().await?;
        tx.account(account_id).await?;
        let (file, data) =
            tx.portfolio_file(account_id, id)
                .await?
                .ok_or_else(|| AppError::NotFound {
                    entity: "portfolio file",
                    id: id.to_owned(),
                })?;
        Ok((file, stored_bytes(&data, id)?))
    }
}

/// An uploaded file's type, read from its bytes (a JPEG, PNG or PDF of at most `max` bytes).
pub(crate) fn checked_upload(bytes: &[u8], max: usize) -> AppResult<FileType> {
    if bytes.len() > max {
        return Err(AppError::invalid(
            "file",
            format!(
                "at most {} MB (this one is {:.1} MB)",
                max / (1024 * 1024),
                bytes.len() as f64 / (1024.0 * 1024.0)
            ),
        ));
    }
    sniff(bytes).ok_or_else(|| {
        AppError::invalid(
            "file",
            "a JPEG or PNG image or a PDF (read from the file itself)",
        )
    })
}

/// A file's bytes from their stored base64 text.
pub(crate) fn stored_bytes(data: &str, id: &str) -> AppResult<Vec<u8>> {
    STANDARD
        .decode(data)
        .map_err(|e| AppError::Internal(format!("stored file {id} unreadable: {e}")))
}

/// The base64 text a file is stored as.
pub(crate) fn to_stored(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Checks that every file the items name is one of the account's uploads.
pub(crate) async fn check_files_in(
    tx: &mut trustwork_store::Tx,
    account_id: &str,
    details: &trustwork_core::profile_details::ProfileDetails,
) -> AppResult<()> {
    if details.portfolio.iter().all(|p| p.files.is_empty()) {
        return Ok(());
    }
    let mine: Vec<String> = tx
        .portfolio_files_of(account_id)
        .await?
        .into_iter()
        .map(|f| f.id)
        .collect();
    for (i, item) in details.portfolio.iter().enumerate() {
        if let Some(unknown) = item.files.iter().find(|f| !mine.contains(f)) {
            return Err(AppError::invalid(
                "portfolio",
                format!(
                    "item {}: {unknown} is not one of your uploaded files",
                    i + 1
                ),
            ));
        }
    }
    Ok(())
}
