//! The append-only audit log. There is no update or delete here on purpose.

use crate::rows::{actor, ts};
use crate::{Result, Tx};
use trustwork_core::audit::AuditRecord;

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: String,
    at: i64,
    actor: String,
    account_id: Option<String>,
    action: String,
    entity_type: String,
    entity_id: String,
    reason: String,
    before_json: Option<String>,
    after_json: Option<String>,
}

impl Tx {
    pub async fn append_audit(&mut self, r: &AuditRecord) -> Result<()> {
        self.insert_rows(&[audit_json_rows(&[r])?]).await?;
        Ok(())
    }

    /// The account's audit records, newest first.
    pub async fn audit_of(&mut self, account_id: &str, limit: i64) -> Result<Vec<AuditRecord>> {
        let rows: Vec<AuditRow> = sqlx::query_as(
            "SELECT id, at, actor, account_id, action, entity_type, entity_id, reason, before_json, after_json \
             FROM audit_log WHERE account_id = $1 ORDER BY at DESC, id DESC LIMIT $2",
        )
        .bind(account_id)
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(AuditRecord {
                    actor: actor("audit record", &r.id, &r.actor)?,
                    at: ts(r.at),
                    account_id: r.account_id,
                    action: r.action,
                    entity_type: r.entity_type,
                    entity_id: r.entity_id,
                    reason: r.reason,
                    before: r.before_json,
                    after: r.after_json,
                    id: r.id,
                })
            })
            .collect()
    }
}

/// Audit records as rows of `audit_log`, for the one-row and the group inserts alike.
pub(crate) fn audit_json_rows(
    records: &[&AuditRecord],
) -> std::result::Result<crate::rows::JsonRows, sqlx::Error> {
    let values: Vec<_> = records
        .iter()
        .map(|a| {
            (
                &a.id,
                a.at.millis(),
                a.actor.to_text(),
                a.account_id.as_deref(),
                &a.action,
                &a.entity_type,
                &a.entity_id,
                &a.reason,
                a.before.as_deref(),
                a.after.as_deref(),
            )
        })
        .collect();
    crate::rows::JsonRows::new(
        "audit_log",
        "id, at, actor, account_id, action, entity_type, entity_id, reason, before_json, after_json",
        &values,
    )
}
