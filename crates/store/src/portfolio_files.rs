//! Files on portfolio items: kept as base64 text with their type and size.

use crate::rows::ts;
use crate::{Result, Tx};
use trustwork_core::Timestamp;

/// A file as listed (without its bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortfolioFile {
    pub id: String,
    pub account_id: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub created_at: Timestamp,
}

impl Tx {
    pub async fn insert_portfolio_file(
        &mut self,
        f: &PortfolioFile,
        data_base64: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO portfolio_files (id, account_id, content_type, size_bytes, data, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&f.id)
        .bind(&f.account_id)
        .bind(&f.content_type)
        .bind(f.size_bytes)
        .bind(data_base64)
        .bind(f.created_at.millis())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The account's file with its base64 data.
    pub async fn portfolio_file(
        &mut self,
        account_id: &str,
        id: &str,
    ) -> Result<Option<(PortfolioFile, String)>> {
        let row: Option<(String, String, String, i64, String, i64)> = sqlx::query_as(
            "SELECT id, account_id, content_type, size_bytes, data, created_at FROM portfolio_files \
             WHERE id = $1 AND account_id = $2",
        )
        .bind(id)
        .bind(account_id)
        .fetch_optional(self.conn())
        .await?;
        Ok(
            row.map(|(id, account_id, content_type, size_bytes, data, at)| {
                (
                    PortfolioFile {
                        id,
                        account_id,
                        content_type,
                        size_bytes,
                        created_at: ts(at),
                    },
                    data,
                )
            }),
        )
    }

    /// The account's files, newest first (at most 200), without their data.
    pub async fn portfolio_files_of(&mut self, account_id: &str) -> Result<Vec<PortfolioFile>> {
        let rows: Vec<(String, String, String, i64, i64)> = sqlx::query_as(
            "SELECT id, account_id, content_type, size_bytes, created_at FROM portfolio_files \
             WHERE account_id = $1 ORDER BY created_at DESC, id LIMIT 200",
        )
        .bind(account_id)
        .fetch_all(self.conn())
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, account_id, content_type, size_bytes, at)| PortfolioFile {
                    id,
                    account_id,
                    content_type,
                    size_bytes,
                    created_at: ts(at),
                },
            )
            .collect())
    }
}
