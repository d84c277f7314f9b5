//! Freelancers' profiles.

use crate::rows::{MAX_IN, opt_ts, padded, placeholders, ts};
use crate::{Result, StoreError, Tx};
use trustwork_core::Timestamp;
use trustwork_core::profile::{ProfileInput, ProfileVisibility};
use trustwork_core::profile_approval::{ApprovalStatus, RejectionReason};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub account_id: String,
    pub input: ProfileInput,
    pub approval: Approval,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// Where the profile's approval stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub status: ApprovalStatus,
    pub reason: Option<RejectionReason>,
    /// The agent's note (sent with a refusal or a request for changes).
    pub note: Option<String>,
    pub resubmit_after: Option<Timestamp>,
    pub review_case_id: Option<String>,
    pub submitted_at: Option<Timestamp>,
    pub decided_at: Option<Timestamp>,
    pub decided_by: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ProfileRow {
    account_id: String,
    title: String,
    overview: String,
    hourly_rate_cents: i64,
    skills: String,
    visibility: String,
    created_at: i64,
    updated_at: i64,
    approval_status: String,
    approval_reason: Option<String>,
    approval_note: Option<String>,
    resubmit_after: Option<i64>,
    review_case_id: Option<String>,
    submitted_at: Option<i64>,
    decided_at: Option<i64>,
    decided_by: Option<String>,
    details: String,
}

const PROFILE_COLUMNS: &str = "account_id, title, overview, hourly_rate_cents, skills, visibility, created_at, updated_at, \
     approval_status, approval_reason, approval_note, resubmit_after, review_case_id, submitted_at, decided_at, decided_by, details";

fn profile(r: ProfileRow) -> Result<Profile> {
    let approval = Approval {
        status: ApprovalStatus::parse(&r.approval_status)
            .ok_or_else(|| StoreError::corrupt("profile", &r.account_id, "approval_status"))?,
        reason: r
            .approval_reason
            .as_deref()
            .and_then(RejectionReason::parse),
        note: r.approval_note,
        resubmit_after: opt_ts(r.resubmit_after),
        review_case_id: r.review_case_id,
        submitted_at: opt_ts(r.submitted_at),
        decided_at: opt_ts(r.decided_at),
        decided_by: r.decided_by,
    };
    Ok(Profile {
        approval,
        input: ProfileInput {
            skills: serde_json::from_str(&r.skills)
                .map_err(|_| StoreError::corrupt("profile", &r.account_id, "skills"))?,
            visibility: ProfileVisibility::parse(&r.visibility)
                .ok_or_else(|| StoreError::corrupt("profile", &r.account_id, "visibility"))?,
            title: r.title,
            overview: r.overview,
            hourly_rate_cents: r.hourly_rate_cents,
            details: serde_json::from_str(&r.details)
                .map_err(|_| StoreError::corrupt("profile", &r.account_id, "details"))?,
        },
        created_at: ts(r.created_at),
        updated_at: ts(r.updated_at),
        account_id: r.account_id,
    })
}

impl Tx {
    pub async fn find_profile(&mut self, account_id: &str) -> Result<Option<Profile>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {PROFILE_COLUMNS} FROM profiles WHERE account_id = $1"
        ));
        let row: Option<ProfileRow> = sqlx::query_as(sql)
            .bind(account_id)
            .fetch_optional(self.conn())
            .await?;
        row.map(profile).transpose()
    }

    /// Writes the profile (a first save creates it).
    pub async fn put_profile(
        &mut self,
        account_id: &str,
        p: &ProfileInput,
        now: Timestamp,
    ) -> Result<()> {
        let skills = serde_json::to_string(&p.skills)
            .map_err(|e| StoreError::Backend(sqlx::Error::Encode(Box::new(e))))?;
        let details = serde_json::to_string(&p.details)
            .map_err(|e| StoreError::Backend(sqlx::Error::Encode(Box::new(e))))?;
        sqlx::query(
            "INSERT INTO profiles (account_id, title, overview, hourly_rate_cents, skills, visibility, created_at, updated_at, details) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8) \
             ON CONFLICT (account_id) DO UPDATE SET title = excluded.title, overview = excluded.overview, \
             hourly_rate_cents = excluded.hourly_rate_cents, skills = excluded.skills, visibility = excluded.visibility, \
             updated_at = excluded.updated_at, details = excluded.details",
        )
        .bind(account_id)
        .bind(&p.title)
        .bind(&p.overview)
        .bind(p.hourly_rate_cents)
        .bind(skills)
        .bind(p.visibility.as_str())
        .bind(now.millis())
        .bind(details)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The profiles with this approval status (at most `limit`).
    pub async fn profiles_with_status(
        &mut self,
        status: ApprovalStatus,
        limit: i64,
    ) -> Result<Vec<Profile>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {PROFILE_COLUMNS} FROM profiles WHERE approval_status = $1 ORDER BY updated_at DESC LIMIT $2"
        ));
        let rows: Vec<ProfileRow> = sqlx::query_as(sql)
            .bind(status.as_str())
            .bind(limit)
            .fetch_all(self.conn())
            .await?;
        rows.into_iter().map(profile).collect()
    }

    /// The profile's approval status, if the account has a profile.
    pub async fn profile_approval_status(
        &mut self,
        account_id: &str,
    ) -> Result<Option<ApprovalStatus>> {
        let status: Option<String> =
            sqlx::query_scalar("SELECT approval_status FROM profiles WHERE account_id = $1")
                .bind(account_id)
                .fetch_optional(self.conn())
                .await?;
        status
            .map(|s| {
                ApprovalStatus::parse(&s).ok_or_else(|| {
                    StoreError::corrupt("profile", account_id, format!("approval status {s:?}"))
                })
            })
            .transpose()
    }

    /// Records the profile's approval as it now stands.
    pub async fn set_approval(
        &mut self,
        account_id: &str,
        a: &Approval,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE profiles SET approval_status = $1, approval_reason = $2, approval_note = $3, resubmit_after = $4, \
             review_case_id = $5, submitted_at = $6, decided_at = $7, decided_by = $8, updated_at = $9 WHERE account_id = $10",
        )
        .bind(a.status.as_str())
        .bind(a.reason.map(|r| r.as_str()))
        .bind(a.note.as_deref())
        .bind(a.resubmit_after.map(Timestamp::millis))
        .bind(a.review_case_id.as_deref())
        .bind(a.submitted_at.map(Timestamp::millis))
        .bind(a.decided_at.map(Timestamp::millis))
        .bind(a.decided_by.as_deref())
        .bind(now.millis())
        .bind(account_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Accounts whose profile is private (left out of search), in one query per 512.
    pub async fn private_profiles_among(&mut self, ids: &[String]) -> Result<Vec<String>> {
        let mut private = Vec::new();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        for chunk in ids.chunks(MAX_IN) {
            let chunk = padded(chunk);
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT account_id FROM profiles WHERE visibility = 'private' AND account_id IN ({})",
                placeholders(1, chunk.len())
            ));
            let mut q = sqlx::query_scalar::<_, String>(sql);
            for id in &chunk {
                q = q.bind(*id);
            }
            private.extend(q.fetch_all(self.conn()).await?);
        }
        Ok(private)
    }
}
