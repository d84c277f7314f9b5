//! Small named values kept across restarts (e.g. the demo test clock's offset).

use crate::{Result, Tx};

impl Tx {
    pub async fn setting(&mut self, key: &str) -> Result<Option<String>> {
        let v: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(self.conn())
            .await?;
        Ok(v)
    }

    /// Tells the other server nodes listening on `channel` ([`crate::Db::listener`]), when
    /// this transaction commits (PostgreSQL; nothing on SQLite).
    pub async fn notify(&mut self, channel: &str) -> Result<()> {
        if self.backend == crate::Backend::Postgres {
            sqlx::query("SELECT pg_notify($1, '')")
                .bind(channel)
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }

    pub async fn put_setting(&mut self, key: &str, value: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
