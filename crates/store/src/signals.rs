//! What counters are computed from: signals per account and kind, near-duplicate letters with
//! their LSH band keys, identity fingerprints, and the policy versions that were live.

use crate::rows::{JsonRows, MAX_IN, padded, placeholders, ts};
use crate::{Result, Tx, new_id};
use std::collections::{BTreeMap, HashMap};
use trustwork_core::Timestamp;
use trustwork_core::enforcement::counters::{
    ATTEMPTS_WINDOW_MS, ActorCounters, CONTACT_ATTEMPT, MAX_RECENT_REFS, MESSAGE_RECIPIENT,
    PAYMENT_ATTEMPT, RECIPIENTS_WINDOW_MS, SPOT_CHECK, bucket_of, first_bucket, ref_time,
};

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
pub use trustwork_core::enforcement::counters::Signal as NewSignal;

/// `signals` as rows for [`Tx::insert_json_rows`]: the record of each signal (a message's
/// recipients aside, which only count), its hour buckets and the recent recipients, each
/// counted once per key so that a group's rows add to what is stored.
pub(crate) fn signal_json_rows(
    signals: &[NewSignal],
) -> std::result::Result<Vec<JsonRows>, sqlx::Error> {
    let mut tables = Vec::new();
    let records: Vec<_> = signals
        .iter()
        .filter(|s| s.bucketed())
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
    if !records.is_empty() {
        tables.push(JsonRows::new("signals", SIGNAL_COLUMNS, &records)?);
    }
    let mut buckets: BTreeMap<(&str, &str, i64), i64> = BTreeMap::new();
    let mut refs: BTreeMap<(&str, &str, &str), i64> = BTreeMap::new();
    for s in signals {
        if s.bucketed() {
            *buckets
                .entry((&s.account_id, s.kind, bucket_of(s.at)))
                .or_default() += 1;
        } else {
            let last = refs.entry((&s.account_id, s.kind, &s.ref_id)).or_default();
            *last = (*last).max(ref_time(s.at).millis());
        }
    }
    if !buckets.is_empty() {
        let rows: Vec<_> = buckets
            .into_iter()
            .map(|((account, kind, bucket), n)| (account, kind, bucket, n))
            .collect();
        tables.push(
            JsonRows::new("counter_buckets", "account_id, kind, bucket, n", &rows)?.upserting(
                "(account_id, kind, bucket) DO UPDATE SET n = counter_buckets.n + excluded.n",
            ),
        );
    }
    if !refs.is_empty() {
        let rows: Vec<_> = refs
            .into_iter()
            .map(|((account, kind, ref_id), at)| (account, kind, ref_id, at))
            .collect();
        tables.push(
            JsonRows::new("recent_refs", "account_id, kind, ref_id, last_at", &rows)?.upserting(
                "(account_id, kind, ref_id) DO UPDATE SET last_at = excluded.last_at \
                 WHERE excluded.last_at > recent_refs.last_at",
            ),
        );
    }
    Ok(tables)
}

impl Tx {
    /// Records signals: their record, and the counters they add to.
    pub async fn add_signals(&mut self, signals: &[NewSignal]) -> Result<()> {
        let tables = signal_json_rows(signals)?;
        if tables.is_empty() {
            return Ok(());
        }
        self.insert_rows(&tables).await?;
        Ok(())
    }

    /// The counters the event writer keeps for each of these accounts, in one statement: the
    /// hour buckets of contact and payment attempts in the last 30 days, and the newest
    /// [`MAX_RECENT_REFS`] people each messaged in the last hour. Bounded whatever the history.
    pub async fn actor_counters(
        &mut self,
        ids: &[&str],
        now: Timestamp,
    ) -> Result<HashMap<String, ActorCounters>> {
        let mut found: HashMap<String, ActorCounters> = HashMap::new();
        for chunk in ids.chunks(MAX_IN / 2) {
            let chunk = padded(chunk);
            let n = chunk.len();
            // Placeholders in order of appearance, bound in the same order.
            let sql = crate::rows::for_backend(
                self.backend,
                format!(
                    "SELECT 'bucket' AS part, account_id, kind AS value, bucket AS at, n FROM counter_buckets \
                     WHERE account_id IN ({}) AND kind IN (${}, ${}, ${}) AND bucket >= ${} \
                     UNION ALL \
                     SELECT 'ref', account_id, ref_id, last_at, 1 FROM ( \
                       SELECT account_id, ref_id, last_at, \
                         ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY last_at DESC, ref_id) AS newest \
                       FROM recent_refs WHERE account_id IN ({}) AND kind = ${} AND last_at > ${}) r \
                     WHERE newest <= ${}",
                    placeholders(1, n),
                    n + 1,
                    n + 2,
                    n + 3,
                    n + 4,
                    placeholders(n + 5, n),
                    2 * n + 5,
                    2 * n + 6,
                    2 * n + 7,
                ),
            );
            let mut q = sqlx::query_as::<_, (String, String, String, i64, i64)>(sql);
            for id in &chunk {
                q = q.bind(*id);
            }
            q = q
                .bind(CONTACT_ATTEMPT)
                .bind(PAYMENT_ATTEMPT)
                .bind(SPOT_CHECK)
                // The widest window of the three (the spot checks' 24 hours are cut in memory).
                .bind(first_bucket(now, ATTEMPTS_WINDOW_MS));
            for id in &chunk {
                q = q.bind(*id);
            }
            q = q
                .bind(MESSAGE_RECIPIENT)
                .bind(now.plus_millis(-RECIPIENTS_WINDOW_MS).millis())
                .bind(i64::try_from(MAX_RECENT_REFS).unwrap_or(i64::MAX));
            for (part, account, value, at, count) in q.fetch_all(self.conn()).await? {
                let counters = found.entry(account).or_default();
                if part == "bucket" {
                    counters.record(&value, "", ts(at), count);
                } else {
                    counters.record(MESSAGE_RECIPIENT, &value, ts(at), 1);
                }
            }
        }
        Ok(found)
    }

    /// Deletes up to `limit` recipients last messaged before `before` (they have left every
    /// window); answers how many went.
    pub async fn prune_recent_refs(&mut self, before: Timestamp, limit: i64) -> Result<u64> {
        let done = sqlx::query(
            "DELETE FROM recent_refs WHERE (account_id, kind, ref_id) IN \
             (SELECT account_id, kind, ref_id FROM recent_refs WHERE last_at < $1 LIMIT $2)",
        )
        .bind(before.millis())
        .bind(limit)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected())
    }

    /// The account's count of `kind` over a window of `window_ms` ending at `now`, from its
    /// hour buckets.
    pub async fn counted(
        &mut self,
        account_id: &str,
        kind: &str,
        window_ms: i64,
        now: Timestamp,
    ) -> Result<i64> {
        let n: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(SUM(n) AS BIGINT) FROM counter_buckets \
             WHERE account_id = $1 AND kind = $2 AND bucket >= $3",
        )
        .bind(account_id)
        .bind(kind)
        .bind(first_bucket(now, window_ms))
        .fetch_one(self.conn())
        .await?;
        Ok(n.unwrap_or(0))
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
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM signals WHERE account_id = $1 AND kind = $2 AND at > $3",
        )
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
