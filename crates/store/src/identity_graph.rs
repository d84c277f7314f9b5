//! The identity graph's reads and writes: which other accounts hold a value, what two accounts
//! share, and the sign-ins account sharing is read from.

use crate::rows::ts;
use crate::{Result, Tx, new_id};
use trustwork_core::Timestamp;

/// A sign-in as kept for account sharing.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSignIn {
    pub at: Timestamp,
    pub device_id: Option<String>,
    /// Degrees, when the operator located it.
    pub place: Option<(f64, f64)>,
}

/// `(at, device_id, latitude_e6, longitude_e6)`.
type SignInRow = (i64, Option<String>, Option<i64>, Option<i64>);

fn e6(deg: f64) -> i64 {
    (deg * 1e6).round() as i64
}

fn deg(e6: i64) -> f64 {
    e6 as f64 / 1e6
}

impl Tx {
    /// When the account last used each of these values, in one query: `(kind, value, at)` for
    /// those it holds (at most 16 values are asked about).
    pub async fn identity_values_last_used(
        &mut self,
        account_id: &str,
        values: &[(&str, &str)],
    ) -> Result<Vec<(String, String, Timestamp)>> {
        let values = &values[..values.len().min(16)];
        if values.is_empty() {
            return Ok(Vec::new());
        }
        let any: Vec<String> = (0..values.len())
            .map(|i| format!("(kind = ${} AND value = ${})", 2 + 2 * i, 3 + 2 * i))
            .collect();
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT kind, value, MAX(at) FROM identity_fingerprints WHERE account_id = $1 AND ({}) \
             GROUP BY kind, value",
            any.join(" OR ")
        ));
        let mut q = sqlx::query_as::<_, (String, String, i64)>(sql).bind(account_id);
        for (kind, value) in values {
            q = q.bind(*kind).bind(*value);
        }
        Ok(q.fetch_all(self.conn())
            .await?
            .into_iter()
            .map(|(k, v, at)| (k, v, ts(at)))
            .collect())
    }

    /// Records that the account used a value it already holds again, now.
    pub async fn touch_identity_value(
        &mut self,
        account_id: &str,
        kind: &str,
        value: &str,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE identity_fingerprints SET at = $4 WHERE account_id = $1 AND kind = $2 AND value = $3",
        )
        .bind(account_id)
        .bind(kind)
        .bind(value)
        .bind(now.millis())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The other accounts that used this value at or after `since` (at most 20, by id).
    pub async fn accounts_holding_since(
        &mut self,
        kind: &str,
        value: &str,
        except: &str,
        since: Timestamp,
    ) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT account_id FROM identity_fingerprints \
             WHERE kind = $1 AND value = $2 AND account_id <> $3 AND at >= $4 \
             ORDER BY account_id LIMIT 20",
        )
        .bind(kind)
        .bind(value)
        .bind(except)
        .bind(since.millis())
        .fetch_all(self.conn())
        .await?)
    }

    /// The values two accounts share, as `(kind, value)`; a value of one of `recent_kinds`
    /// counts only if both used it at or after `since`.
    pub async fn identity_values_shared(
        &mut self,
        account_id: &str,
        other_id: &str,
        recent_kinds: &[&str],
        since: Timestamp,
    ) -> Result<Vec<(String, String)>> {
        let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
            "SELECT a.kind, a.value, MAX(a.at), MAX(b.at) FROM identity_fingerprints a \
             JOIN identity_fingerprints b ON b.kind = a.kind AND b.value = a.value \
             WHERE a.account_id = $1 AND b.account_id = $2 \
             GROUP BY a.kind, a.value ORDER BY a.kind, a.value LIMIT 100",
        )
        .bind(account_id)
        .bind(other_id)
        .fetch_all(self.conn())
        .await?;
        Ok(rows
            .into_iter()
            .filter(|(kind, _, mine, theirs)| {
                !recent_kinds.contains(&kind.as_str())
                    || (*mine >= since.millis() && *theirs >= since.millis())
            })
            .map(|(kind, value, _, _)| (kind, value))
            .collect())
    }

    /// Keeps a sign-in.
    pub async fn insert_sign_in(&mut self, account_id: &str, sign_in: &StoredSignIn) -> Result<()> {
        sqlx::query(
            "INSERT INTO account_sign_ins (id, account_id, at, device_id, latitude_e6, longitude_e6) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(new_id("sgn"))
        .bind(account_id)
        .bind(sign_in.at.millis())
        .bind(sign_in.device_id.as_deref())
        .bind(sign_in.place.map(|p| e6(p.0)))
        .bind(sign_in.place.map(|p| e6(p.1)))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The account's latest sign-ins, newest first (at most `limit`).
    pub async fn recent_sign_ins(
        &mut self,
        account_id: &str,
        limit: i64,
    ) -> Result<Vec<StoredSignIn>> {
        let rows: Vec<SignInRow> = sqlx::query_as(
            "SELECT at, device_id, latitude_e6, longitude_e6 FROM account_sign_ins \
             WHERE account_id = $1 ORDER BY at DESC LIMIT $2",
        )
        .bind(account_id)
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(at, device_id, lat, lon)| StoredSignIn {
                at: ts(at),
                device_id,
                place: lat.zip(lon).map(|(a, o)| (deg(a), deg(o))),
            })
            .collect())
    }
}
