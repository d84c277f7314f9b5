//! Which accounts changed since the event writer last asked (SQLite only): what lets it keep
//! actors in memory between transactions without reading a stale restriction or role.

use crate::{Backend, Result, Tx};

impl Tx {
    /// The accounts whose row or restrictions changed since the last call (each id once), and
    /// forgets them. On SQLite, triggers record every change, whichever connection or process
    /// made it; on PostgreSQL nothing is recorded and the answer is always empty.
    pub async fn take_account_changes(&mut self) -> Result<Vec<String>> {
        if self.backend != Backend::Sqlite {
            return Ok(Vec::new());
        }
        let mut ids: Vec<String> =
            sqlx::query_scalar("DELETE FROM account_changes RETURNING account_id")
                .fetch_all(self.conn())
                .await?;
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }
}
