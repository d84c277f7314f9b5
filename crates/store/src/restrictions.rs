//! Restrictions are kept forever; lifting records when, by whom and why.

use crate::rows::{actor, opt_actor, opt_ts, ts};
use crate::{Result, StoreError, Tx};
use trustwork_core::capability::CapabilitySet;
use trustwork_core::{Actor, LiftCondition, ReasonCode, Restriction, Severity, Timestamp};

#[derive(sqlx::FromRow)]
struct RestrictionRow {
    id: String,
    account_id: String,
    reason: String,
    severity: String,
    scope: String,
    lift_kind: String,
    lift_value: Option<String>,
    actor: String,
    note: String,
    created_at: i64,
    lifted_at: Option<i64>,
    lifted_by: Option<String>,
    lift_note: Option<String>,
    overturned_at: Option<i64>,
}

const COLUMNS: &str = "id, account_id, reason, severity, scope, lift_kind, lift_value, actor, note, created_at, lifted_at, lifted_by, lift_note, overturned_at";

impl TryFrom<RestrictionRow> for Restriction {
    type Error = StoreError;
    fn try_from(r: RestrictionRow) -> Result<Self> {
        let bad = |what: &str| StoreError::corrupt("restriction", &r.id, what.to_owned());
        Ok(Restriction {
            reason: ReasonCode::parse(&r.reason).ok_or_else(|| bad("reason"))?,
            severity: Severity::parse(&r.severity).ok_or_else(|| bad("severity"))?,
            scope: CapabilitySet::parse(&r.scope).map_err(|_| bad("scope"))?,
            lift: LiftCondition::from_columns(&r.lift_kind, r.lift_value.as_deref())
                .ok_or_else(|| bad("lift condition"))?,
            actor: actor("restriction", &r.id, &r.actor)?,
            lifted_by: opt_actor("restriction", &r.id, r.lifted_by.as_deref())?,
            note: r.note,
            created_at: ts(r.created_at),
            lifted_at: opt_ts(r.lifted_at),
            lift_note: r.lift_note,
            overturned_at: opt_ts(r.overturned_at),
            account_id: r.account_id,
            id: r.id,
        })
    }
}

impl Tx {
    pub async fn insert_restriction(&mut self, r: &Restriction) -> Result<()> {
        self.insert_rows(&[restriction_json_rows(&[r])?]).await?;
        Ok(())
    }

    /// Every restriction of the account, lifted or not, oldest first.
    pub async fn restrictions_of(&mut self, account_id: &str) -> Result<Vec<Restriction>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM restrictions WHERE account_id = $1 ORDER BY created_at, id"
        ));
        let rows: Vec<RestrictionRow> = sqlx::query_as(sql)
            .bind(account_id)
            .fetch_all(self.conn())
            .await?;
        rows.into_iter().map(Restriction::try_from).collect()
    }

    /// Every restriction of these accounts, oldest first.
    pub async fn restrictions_of_accounts(&mut self, ids: &[&str]) -> Result<Vec<Restriction>> {
        let mut out = Vec::new();
        for (list, chunk) in crate::rows::in_lists(ids, crate::rows::MAX_IN, 1) {
            let sql = crate::rows::for_backend(
                self.backend,
                format!(
                    "SELECT {COLUMNS} FROM restrictions WHERE account_id IN ({list}) ORDER BY created_at, id"
                ),
            );
            let mut q = sqlx::query_as::<_, RestrictionRow>(sql);
            for id in &chunk {
                q = q.bind(*id);
            }
            for row in q.fetch_all(self.conn()).await? {
                out.push(Restriction::try_from(row)?);
            }
        }
        Ok(out)
    }

    pub async fn restriction(&mut self, id: &str) -> Result<Restriction> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM restrictions WHERE id = $1"));
        let row: Option<RestrictionRow> = sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.map(Restriction::try_from)
            .transpose()?
            .ok_or_else(|| StoreError::not_found("restriction", id))
    }

    /// Records the lift. Returns false when it was already lifted (nothing changes then).
    pub async fn lift_restriction(
        &mut self,
        id: &str,
        at: Timestamp,
        by: &Actor,
        note: &str,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE restrictions SET lifted_at = $1, lifted_by = $2, lift_note = $3 \
             WHERE id = $4 AND lifted_at IS NULL",
        )
        .bind(at.millis())
        .bind(by.to_text())
        .bind(note)
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Marks a restriction overturned on appeal. Returns false when it already was.
    pub async fn overturn_restriction(&mut self, id: &str, at: Timestamp) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE restrictions SET overturned_at = $1 WHERE id = $2 AND overturned_at IS NULL",
        )
        .bind(at.millis())
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

/// Restrictions as rows of `restrictions`, for the one-row and the group inserts alike.
pub(crate) fn restriction_json_rows(
    restrictions: &[&Restriction],
) -> std::result::Result<crate::rows::JsonRows, sqlx::Error> {
    let values: Vec<_> = restrictions
        .iter()
        .map(|r| {
            let (lift_kind, lift_value) = r.lift.to_columns();
            (
                &r.id,
                &r.account_id,
                r.reason.as_str(),
                r.severity.as_str(),
                r.scope.to_text(),
                lift_kind,
                lift_value,
                r.actor.to_text(),
                &r.note,
                r.created_at.millis(),
                r.lifted_at.map(|t| t.millis()),
                r.lifted_by.as_ref().map(Actor::to_text),
                r.lift_note.as_deref(),
                r.overturned_at.map(|t| t.millis()),
            )
        })
        .collect();
    crate::rows::JsonRows::new(
        "restrictions",
        "id, account_id, reason, severity, scope, lift_kind, lift_value, actor, note, created_at, lifted_at, lifted_by, lift_note, overturned_at",
        &values,
    )
}
