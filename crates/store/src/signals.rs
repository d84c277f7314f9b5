//! What counters are computed from: signals per account and kind, near-duplicate letters with
//! their LSH band keys, identity fingerprints, and the policy versions that were live.

use crate::rows::{
    JsonRows, MAX_BINDS, MAX_IN, json_rows_fit, padded, placeholders, ts, values_rows,
};
use crate::{Result, Tx, new_id};
use trustwork_core::Timestamp;

const SIGNAL_COLUMNS: &str = "id, account_id, kind, ref_id, at";

/// A letter found similar by band key, for the caller to compare signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterCandidate {
    pub id: String,
    pub account_id: String,
    pub signature_hex: String,
    pub at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct CandidateRow {
    id: String,
    account_id: String,
    signature_hex: String,
    at: i64,
}

/// A signal to record: `kind` happened to `account_id` at `at`, about `ref_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSignal {
    pub account_id: String,
    pub kind: &'static str,
    pub ref_id: String,
    pub at: Timestamp,
}

/// What [`Tx::signal_times_of_accounts`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignalTimes {
    /// `(account, kind, at)`: one entry per signal.
    pub times: Vec<(String, String, Timestamp)>,
    /// `(account, ref_id, latest at)`, each pair once.
    pub refs: Vec<(String, String, Timestamp)>,
}

/// `signals` as rows for [`Tx::insert_json_rows`], each with a new id.
pub(crate) fn signal_json_rows(
    signals: &[NewSignal],
) -> std::result::Result<JsonRows, sqlx::Error> {
    let rows: Vec<_> = signals
        .iter()
        .map(|s| {
            (
                new_id("sig"),
                &s.account_id,
                s.kind,
                &s.ref_id,
                s.at.millis(),
            )
        })
        .collect();
    JsonRows::new("signals", SIGNAL_COLUMNS, &rows)
}

impl Tx {
    /// Records many signals in a few statements (the pipeline's group commit).
    pub async fn add_signals(&mut self, signals: &[NewSignal]) -> Result<()> {
        if json_rows_fit(self.backend, signals.len()) {
            self.insert_json_rows(&[signal_json_rows(signals)?]).await?;
            return Ok(());
        }
        for chunk in signals.chunks(MAX_BINDS / 5) {
            let sql = crate::rows::for_backend(
                self.backend,
                format!(
                    "INSERT INTO signals ({SIGNAL_COLUMNS}) VALUES {}",
                    values_rows(chunk.len(), 5)
                ),
            );
            let mut q = sqlx::query(sql).persistent(chunk.len() == 1);
            for s in chunk {
                q = q
                    .bind(new_id("sig"))
                    .bind(&s.account_id)
                    .bind(s.kind)
                    .bind(&s.ref_id)
                    .bind(s.at.millis());
            }
            q.execute(self.conn()).await?;
        }
        Ok(())
    }

    /// For many accounts at once, in one statement: when each had each signal of `kinds` since
    /// `since`, and the distinct `ref_id`s of `ref_kind` since `ref_since` with the latest time
    /// of each (the people each one messaged). Times, not counts, so that a caller keeping them
    /// can slide the window.
    pub async fn signal_times_of_accounts(
        &mut self,
        ids: &[&str],
        kinds: &[&str],
        since: Timestamp,
        ref_kind: &str,
        ref_since: Timestamp,
    ) -> Result<SignalTimes> {
        let mut found = SignalTimes::default();
        for chunk in ids.chunks(MAX_IN / 2) {
            let chunk = padded(chunk);
            let n = chunk.len();
            let k = kinds.len();
            let sql = crate::rows::for_backend(
                self.backend,
                format!(
                    "SELECT 'time' AS part, account_id, kind AS value, at FROM signals \
                 WHERE account_id IN ({}) AND kind IN ({}) AND at > ${} \
                 UNION ALL \
                 SELECT 'ref' AS part, account_id, ref_id AS value, MAX(at) AS at FROM signals \
                 WHERE account_id IN ({}) AND kind = ${} AND at > ${} GROUP BY account_id, ref_id",
                    placeholders(1, n),
                    placeholders(1 + n, k),
                    1 + n + k,
                    placeholders(2 + n + k, n),
                    2 + 2 * n + k,
                    3 + 2 * n + k,
                ),
            );
            let mut q = sqlx::query_as::<_, (String, String, String, i64)>(sql);
            for id in &chunk {
                q = q.bind(*id);
            }
            for kind in kinds {
                q = q.bind(*kind);
            }
            q = q.bind(since.millis());
            for id in &chunk {
                q = q.bind(*id);
            }
            let rows = q
                .bind(ref_kind)
                .bind(ref_since.millis())
                .fetch_all(self.conn())
                .await?;
            for (part, account, value, at) in rows {
                if part == "time" {
                    found.times.push((account, value, ts(at)));
                } else {
                    found.refs.push((account, value, ts(at)));
                }
            }
        }
        Ok(found)
    }

    pub async fn add_signal(
        &mut self,
        account_id: &str,
        kind: &'static str,
        ref_id: &str,
        at: Timestamp,
    ) -> Result<()> {
        self.add_signals(&[NewSignal {
            account_id: account_id.to_owned(),
            kind,
            ref_id: ref_id.to_owned(),
            at,
        }])
        .await
    }

    /// Signals of one kind for the account since `since`.
    pub async fn count_signals(
        &mut self,
        account_id: &str,
        kind: &str,
        since: Timestamp,
    ) -> Result<i64> {
        self.aggregate_signals("COUNT(*)", account_id, kind, since)
            .await
    }

    /// Distinct `ref_id`s of one kind for the account since `since` (e.g. people messaged).
    pub async fn count_distinct_signal_refs(
        &mut self,
        account_id: &str,
        kind: &str,
        since: Timestamp,
    ) -> Result<i64> {
        self.aggregate_signals("COUNT(DISTINCT ref_id)", account_id, kind, since)
            .await
    }

    async fn aggregate_signals(
        &mut self,
        aggregate: &'static str,
        account_id: &str,
        kind: &str,
        since: Timestamp,
    ) -> Result<i64> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {aggregate} FROM signals WHERE account_id = $1 AND kind = $2 AND at > $3"
        ));
        let n: i64 = sqlx::query_scalar(sql)
            .bind(account_id)
            .bind(kind)
            .bind(since.millis())
            .fetch_one(self.conn())
            .await?;
        Ok(n)
    }

    /// Stores a letter's signature and band keys.
    pub async fn insert_letter(
        &mut self,
        account_id: &str,
        signature_hex: &str,
        band_keys: &[u64],
        at: Timestamp,
    ) -> Result<String> {
        let id = new_id("ltr");
        sqlx::query(
            "INSERT INTO letters (id, account_id, signature_hex, at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&id)
        .bind(account_id)
        .bind(signature_hex)
        .bind(at.millis())
        .execute(self.conn())
        .await?;
        for key in band_keys {
            sqlx::query("INSERT INTO letter_bands (band_key, letter_id, account_id, at) VALUES ($1, $2, $3, $4)")
                // Stored as the same 64 bits in a signed column; only equality matters.
                .bind(i64::from_ne_bytes(key.to_ne_bytes()))
                .bind(&id)
                .bind(account_id)
                .bind(at.millis())
                .execute(self.conn())
                .await?;
        }
        Ok(id)
    }

    /// Letters since `since` that share a band key with `band_keys`; `account_id` narrows to one
    /// sender. Candidates only: compare signatures to decide.
    pub async fn letter_candidates(
        &mut self,
        band_keys: &[u64],
        account_id: Option<&str>,
        since: Timestamp,
        limit: i64,
    ) -> Result<Vec<LetterCandidate>> {
        if band_keys.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (0..band_keys.len())
            .map(|i| format!("${}", i + 3))
            .collect();
        let account_filter = if account_id.is_some() {
            format!(" AND b.account_id = ${}", band_keys.len() + 3)
        } else {
            String::new()
        };
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT DISTINCT l.id, l.account_id, l.signature_hex, l.at FROM letter_bands b JOIN letters l ON l.id = b.letter_id \
             WHERE b.at > $1 AND b.band_key IN ({}){account_filter} ORDER BY l.at DESC, l.id LIMIT $2",
            placeholders.join(", ")
        ));
        let mut q = sqlx::query_as::<_, CandidateRow>(sql)
            .bind(since.millis())
            .bind(limit);
        for key in band_keys {
            q = q.bind(i64::from_ne_bytes(key.to_ne_bytes()));
        }
        if let Some(a) = account_id {
            q = q.bind(a);
        }
        let rows = q.fetch_all(self.conn()).await?;
        Ok(rows
            .into_iter()
            .map(|r| LetterCandidate {
                id: r.id,
                account_id: r.account_id,
                signature_hex: r.signature_hex,
                at: ts(r.at),
            })
            .collect())
    }

    /// Remembers an identifying value of an account (normalised email, phone, device, payment).
    pub async fn add_identity_fingerprint(
        &mut self,
        account_id: &str,
        kind: &str,
        value: &str,
        at: Timestamp,
    ) -> Result<()> {
        sqlx::query("INSERT INTO identity_fingerprints (id, account_id, kind, value, at) VALUES ($1, $2, $3, $4, $5)")
            .bind(new_id("idf"))
            .bind(account_id)
            .bind(kind)
            .bind(value)
            .bind(at.millis())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// (kind, value) pairs known for the account, without repeats.
    pub async fn identity_fingerprints_of(
        &mut self,
        account_id: &str,
    ) -> Result<Vec<(String, String)>> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT DISTINCT kind, value FROM identity_fingerprints WHERE account_id = $1 ORDER BY kind, value",
        )
        .bind(account_id)
        .fetch_all(self.conn())
        .await?;
        Ok(rows)
    }

    pub async fn add_ban_fingerprint(
        &mut self,
        account_id: &str,
        kind: &str,
        value: &str,
        at: Timestamp,
    ) -> Result<()> {
        sqlx::query("INSERT INTO ban_fingerprints (id, kind, value, account_id, at) VALUES ($1, $2, $3, $4, $5)")
            .bind(new_id("ban"))
            .bind(kind)
            .bind(value)
            .bind(account_id)
            .bind(at.millis())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Takes an account's fingerprints off the ban list (its ban was overturned).
    pub async fn remove_ban_fingerprints(&mut self, account_id: &str) -> Result<u64> {
        let done = sqlx::query("DELETE FROM ban_fingerprints WHERE account_id = $1")
            .bind(account_id)
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected())
    }

    /// The banned account a fingerprint belongs to, if any.
    pub async fn banned_by_fingerprint(
        &mut self,
        kind: &str,
        value: &str,
    ) -> Result<Option<String>> {
        let id: Option<String> = sqlx::query_scalar(
            "SELECT account_id FROM ban_fingerprints WHERE kind = $1 AND value = $2 ORDER BY at LIMIT 1",
        )
        .bind(kind)
        .bind(value)
        .fetch_optional(self.conn())
        .await?;
        Ok(id)
    }

    /// Records a policy version's source (kept for audits and backtests); a repeat is ignored.
    pub async fn record_policy_version(
        &mut self,
        version: &str,
        source: &str,
        at: Timestamp,
    ) -> Result<()> {
        sqlx::query("INSERT INTO policy_versions (version, source, loaded_at) VALUES ($1, $2, $3) ON CONFLICT (version) DO NOTHING")
            .bind(version)
            .bind(source)
            .bind(at.millis())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn policy_source(&mut self, version: &str) -> Result<Option<String>> {
        let s: Option<String> =
            sqlx::query_scalar("SELECT source FROM policy_versions WHERE version = $1")
                .bind(version)
                .fetch_optional(self.conn())
                .await?;
        Ok(s)
    }
}
