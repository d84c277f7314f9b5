//! Accounts: one login per person.

use crate::rows::{MAX_IN, in_lists, opt_ts, ts};
use crate::{Result, StoreError, Tx};
use trustwork_core::search::search_key;
use trustwork_core::{Role, Timestamp};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    /// Lower-cased; unique.
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// An argon2 PHC string.
    pub password_hash: String,
    pub identity_verified_at: Option<Timestamp>,
    /// When the marketplace reported a payment method the policy accepted (a client who can
    /// pay: their clean job posts go live without waiting for review).
    pub payment_verified_at: Option<Timestamp>,
    pub balance_cents: i64,
    pub created_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: String,
    email: String,
    display_name: String,
    role: String,
    password_hash: String,
    identity_verified_at: Option<i64>,
    payment_verified_at: Option<i64>,
    balance_cents: i64,
    created_at: i64,
}

const COLUMNS: &str = "id, email, display_name, role, password_hash, identity_verified_at, payment_verified_at, balance_cents, created_at";

impl TryFrom<AccountRow> for Account {
    type Error = StoreError;
    fn try_from(r: AccountRow) -> Result<Self> {
        let role = Role::parse(&r.role)
            .ok_or_else(|| StoreError::corrupt("account", &r.id, format!("role {:?}", r.role)))?;
        Ok(Account {
            id: r.id,
            email: r.email,
            display_name: r.display_name,
            role,
            password_hash: r.password_hash,
            identity_verified_at: opt_ts(r.identity_verified_at),
            payment_verified_at: opt_ts(r.payment_verified_at),
            balance_cents: r.balance_cents,
            created_at: ts(r.created_at),
        })
    }
}

/// What search compares against: name and email, case and accents folded.
fn account_search_text(display_name: &str, email: &str) -> String {
    search_key(&format!("{display_name} {email}"))
}

/// Fills the search text of accounts made before it existed; returns how many.
pub(crate) async fn backfill_search_text(pool: &sqlx::AnyPool) -> Result<usize> {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT id, display_name, email FROM accounts WHERE search_text = ''")
            .fetch_all(pool)
            .await?;
    for (id, name, email) in &rows {
        sqlx::query("UPDATE accounts SET search_text = $1 WHERE id = $2")
            .bind(account_search_text(name, email))
            .bind(id)
            .execute(pool)
            .await?;
    }
    Ok(rows.len())
}

impl Tx {
    pub async fn insert_account(&mut self, a: &Account) -> Result<()> {
        sqlx::query(
            "INSERT INTO accounts (id, email, display_name, role, password_hash, identity_verified_at, balance_cents, created_at, search_text) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&a.id)
        .bind(&a.email)
        .bind(&a.display_name)
        .bind(a.role.as_str())
        .bind(&a.password_hash)
        .bind(a.identity_verified_at.map(|t| t.millis()))
        .bind(a.balance_cents)
        .bind(a.created_at.millis())
        .bind(account_search_text(&a.display_name, &a.email))
        .execute(self.conn())
        .await
        .map_err(|e| StoreError::on_unique(e, "an account with this email already exists"))?;
        Ok(())
    }

    pub async fn account(&mut self, id: &str) -> Result<Account> {
        self.find_account(id)
            .await?
            .ok_or_else(|| StoreError::not_found("account", id))
    }

    pub async fn find_account(&mut self, id: &str) -> Result<Option<Account>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM accounts WHERE id = $1"));
        let row: Option<AccountRow> = sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.map(Account::try_from).transpose()
    }

    pub async fn account_by_email(&mut self, email: &str) -> Result<Option<Account>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM accounts WHERE email = $1"));
        let row: Option<AccountRow> = sqlx::query_as(sql)
            .bind(email.to_lowercase())
            .fetch_optional(self.conn())
            .await?;
        row.map(Account::try_from).transpose()
    }

    /// Accounts whose email, name or id contains `query` (case-insensitive), newest first.
    pub async fn search_accounts(&mut self, query: &str, limit: i64) -> Result<Vec<Account>> {
        let pattern = crate::rows::like_pattern(&search_key(query));
        let id_pattern = crate::rows::like_pattern(query.trim());
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM accounts \
             WHERE search_text LIKE $1 ESCAPE '\\' OR id LIKE $2 ESCAPE '\\' \
             ORDER BY created_at DESC, id LIMIT $3"
        ));
        let rows: Vec<AccountRow> = sqlx::query_as(sql)
            .bind(pattern)
            .bind(id_pattern)
            .bind(limit)
            .fetch_all(self.conn())
            .await?;
        rows.into_iter().map(Account::try_from).collect()
    }

    /// The first accepted payment method counts; later ones change nothing.
    pub async fn set_payment_verified(&mut self, id: &str, at: Timestamp) -> Result<()> {
        sqlx::query(
            "UPDATE accounts SET payment_verified_at = $1 WHERE id = $2 AND payment_verified_at IS NULL",
        )
        .bind(at.millis())
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn set_identity_verified(&mut self, id: &str, at: Timestamp) -> Result<()> {
        let done = sqlx::query("UPDATE accounts SET identity_verified_at = $1 WHERE id = $2")
            .bind(at.millis())
            .bind(id)
            .execute(self.conn())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found("account", id));
        }
        Ok(())
    }

    /// Adds `delta_cents` (negative to take money out) to the balance.
    pub async fn add_to_balance(&mut self, id: &str, delta_cents: i64) -> Result<()> {
        let done =
            sqlx::query("UPDATE accounts SET balance_cents = balance_cents + $1 WHERE id = $2")
                .bind(delta_cents)
                .bind(id)
                .execute(self.conn())
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found("account", id));
        }
        Ok(())
    }

    /// Takes a row lock on the account until the transaction ends, so that concurrent use cases
    /// on one account run one after the other. PostgreSQL needs it (`FOR UPDATE`); SQLite
    /// write transactions are already serialised by `BEGIN IMMEDIATE`.
    pub async fn lock_account(&mut self, id: &str) -> Result<()> {
        if self.backend == crate::Backend::Postgres {
            sqlx::query("SELECT id FROM accounts WHERE id = $1 FOR UPDATE")
                .bind(id)
                .fetch_optional(self.conn())
                .await?;
        }
        Ok(())
    }

    /// The accounts with these ids that exist.
    pub async fn find_accounts(&mut self, ids: &[&str]) -> Result<Vec<Account>> {
        self.accounts_in(ids, "").await
    }

    /// The accounts of `ids`, `suffix` appended to each `SELECT … WHERE id IN (…)`.
    async fn accounts_in(&mut self, ids: &[&str], suffix: &str) -> Result<Vec<Account>> {
        let mut out = Vec::with_capacity(ids.len());
        for (list, chunk) in in_lists(ids, MAX_IN, 1) {
            let sql = crate::rows::for_backend(
                self.backend,
                format!("SELECT {COLUMNS} FROM accounts WHERE id IN ({list}){suffix}"),
            );
            let mut q = sqlx::query_as::<_, AccountRow>(sql);
            for id in &chunk {
                q = q.bind(*id);
            }
            for row in q.fetch_all(self.conn()).await? {
                out.push(Account::try_from(row)?);
            }
        }
        Ok(out)
    }

    /// [`Tx::find_accounts`] and, on PostgreSQL, [`Tx::lock_accounts`] in the same statement.
    pub async fn lock_and_find_accounts(&mut self, ids: &[&str]) -> Result<Vec<Account>> {
        if self.backend != crate::Backend::Postgres {
            return self.find_accounts(ids).await;
        }
        let mut sorted = ids.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        self.accounts_in(&sorted, " ORDER BY id FOR UPDATE").await
    }

    /// [`Tx::lock_account`] for many accounts, in id order so that two transactions locking
    /// overlapping sets cannot deadlock on each other.
    pub async fn lock_accounts(&mut self, ids: &[&str]) -> Result<()> {
        if self.backend != crate::Backend::Postgres {
            return Ok(());
        }
        let mut sorted = ids.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        for (list, chunk) in in_lists(&sorted, MAX_IN, 1) {
            let sql = crate::rows::for_backend(
                self.backend,
                format!("SELECT id FROM accounts WHERE id IN ({list}) ORDER BY id FOR UPDATE"),
            );
            let mut q = sqlx::query_scalar::<_, String>(sql);
            for id in &chunk {
                q = q.bind(*id);
            }
            q.fetch_all(self.conn()).await?;
        }
        Ok(())
    }

    /// Takes `cents` out of the balance if it is there; false (and nothing changed) if not.
    pub async fn take_from_balance(&mut self, id: &str, cents: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE accounts SET balance_cents = balance_cents - $1 WHERE id = $2 AND balance_cents >= $1",
        )
        .bind(cents)
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Accounts with a role (the admins to tell of an overdue queue), oldest first.
    pub async fn accounts_with_role(&mut self, role: Role, limit: i64) -> Result<Vec<Account>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM accounts WHERE role = $1 ORDER BY created_at, id LIMIT $2"
        ));
        let rows: Vec<AccountRow> = sqlx::query_as(sql)
            .bind(role.as_str())
            .bind(limit)
            .fetch_all(self.conn())
            .await?;
        rows.into_iter().map(Account::try_from).collect()
    }

    pub async fn count_accounts(&mut self) -> Result<i64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
            .fetch_one(self.conn())
            .await?;
        Ok(n)
    }
}
