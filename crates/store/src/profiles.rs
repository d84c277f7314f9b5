//! Freelancers' profiles.

use crate::rows::ts;
use crate::{Result, StoreError, Tx};
use trustwork_core::Timestamp;
use trustwork_core::profile::{ProfileInput, ProfileVisibility};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub account_id: String,
    pub input: ProfileInput,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
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
}

fn profile(r: ProfileRow) -> Result<Profile> {
    Ok(Profile {
        input: ProfileInput {
            skills: serde_json::from_str(&r.skills)
                .map_err(|_| StoreError::corrupt("profile", &r.account_id, "skills"))?,
            visibility: ProfileVisibility::parse(&r.visibility)
                .ok_or_else(|| StoreError::corrupt("profile", &r.account_id, "visibility"))?,
            title: r.title,
            overview: r.overview,
            hourly_rate_cents: r.hourly_rate_cents,
        },
        created_at: ts(r.created_at),
        updated_at: ts(r.updated_at),
        account_id: r.account_id,
    })
}

impl Tx {
    pub async fn find_profile(&mut self, account_id: &str) -> Result<Option<Profile>> {
        let row: Option<ProfileRow> = sqlx::query_as(
            "SELECT account_id, title, overview, hourly_rate_cents, skills, visibility, created_at, updated_at \
             FROM profiles WHERE account_id = $1",
        )
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
        sqlx::query(
            "INSERT INTO profiles (account_id, title, overview, hourly_rate_cents, skills, visibility, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) \
             ON CONFLICT (account_id) DO UPDATE SET title = excluded.title, overview = excluded.overview, \
             hourly_rate_cents = excluded.hourly_rate_cents, skills = excluded.skills, visibility = excluded.visibility, \
             updated_at = excluded.updated_at",
        )
        .bind(account_id)
        .bind(&p.title)
        .bind(&p.overview)
        .bind(p.hourly_rate_cents)
        .bind(skills)
        .bind(p.visibility.as_str())
        .bind(now.millis())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Accounts whose profile is private (left out of search).
    pub async fn private_profiles_among(&mut self, ids: &[String]) -> Result<Vec<String>> {
        let mut private = Vec::new();
        for id in ids {
            let found: Option<String> = sqlx::query_scalar(
                "SELECT account_id FROM profiles WHERE account_id = $1 AND visibility = 'private'",
            )
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
            private.extend(found);
        }
        Ok(private)
    }
}
