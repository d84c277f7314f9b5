//! Helpers shared by the repositories for turning stored text back into domain values.

use crate::{Backend, StoreError};
use trustwork_core::{Actor, Timestamp};

pub(crate) fn actor(entity: &'static str, id: &str, text: &str) -> Result<Actor, StoreError> {
    Actor::parse(text).ok_or_else(|| StoreError::corrupt(entity, id, format!("actor {text:?}")))
}

pub(crate) fn opt_actor(
    entity: &'static str,
    id: &str,
    text: Option<&str>,
) -> Result<Option<Actor>, StoreError> {
    text.map(|t| actor(entity, id, t)).transpose()
}

pub(crate) fn ts(ms: i64) -> Timestamp {
    Timestamp(ms)
}

pub(crate) fn opt_ts(ms: Option<i64>) -> Option<Timestamp> {
    ms.map(Timestamp)
}

/// Escapes `%`, `_` and `\` so user text is matched literally inside a LIKE pattern.
pub(crate) fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// `$first, $first+1, …` for `count` values: the list inside `IN (…)`.
pub(crate) fn placeholders(first: usize, count: usize) -> String {
    let mut out = String::with_capacity(count * 5);
    for i in 0..count {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('$');
        out.push_str(&(first + i).to_string());
    }
    out
}

/// `($1, $2), ($3, $4)` for `rows` rows of `columns` values: a multi-row `VALUES` list.
pub(crate) fn values_rows(rows: usize, columns: usize) -> String {
    let mut out = String::with_capacity(rows * columns * 5);
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        out.push_str(&placeholders(1 + r * columns, columns));
        out.push(')');
    }
    out
}

/// `sql` as the backend runs it fastest. SQLite takes `$N` for a named parameter: preparing a
/// statement looks each name up in a list of those seen so far, and sqlx looks up each one's
/// name again to bind it, both linear, so a statement of 900 values cost 800,000 string
/// comparisons. Anonymous `?` parameters are numbered in order of appearance at no cost; the
/// text is rewritten only when its `$N` appear exactly in order `$1, $2, …`, which is what the
/// generated lists here produce. PostgreSQL gets the text unchanged. It reads every `$N` in the
/// text, quoted or not: use it only on statements without a literal like `'$1'`.
pub(crate) fn for_backend(backend: Backend, sql: String) -> sqlx::AssertSqlSafe<String> {
    if backend != Backend::Sqlite {
        return sqlx::AssertSqlSafe(sql);
    }
    let bytes = sql.as_bytes();
    let mut out = String::with_capacity(sql.len());
    let mut next = 1_usize;
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            let digits = bytes[i + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if digits > 0 {
                let number = &sql[i + 1..i + 1 + digits];
                if number.parse::<usize>().ok() != Some(next) {
                    return sqlx::AssertSqlSafe(sql);
                }
                out.push_str(&sql[copied..i]);
                out.push('?');
                next += 1;
                i += 1 + digits;
                copied = i;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&sql[copied..]);
    sqlx::AssertSqlSafe(out)
}

/// One table's rows for [`crate::Tx::insert_json_rows`]: a JSON array of arrays, each in
/// `columns` order.
pub(crate) struct JsonRows {
    table: &'static str,
    columns: &'static str,
    json: String,
    /// `ON CONFLICT …` for a table whose rows add to existing ones (the counters).
    on_conflict: Option<&'static str>,
}

impl JsonRows {
    pub(crate) fn new<T: serde::Serialize>(
        table: &'static str,
        columns: &'static str,
        rows: &[T],
    ) -> Result<Self, sqlx::Error> {
        let json = serde_json::to_string(rows).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        Ok(Self {
            table,
            columns,
            json,
            on_conflict: None,
        })
    }

    /// Rows that update the existing row with the same key instead of failing: `clause` is
    /// what follows `ON CONFLICT`, the same on both databases. The rows themselves must have
    /// distinct keys (PostgreSQL cannot update one row twice in a statement).
    pub(crate) fn upserting(mut self, clause: &'static str) -> Self {
        self.on_conflict = Some(clause);
        self
    }
}

impl crate::Tx {
    /// On SQLite, inserts each table's rows with `INSERT OR FAIL INTO table (columns) SELECT …
    /// FROM jsonb_each($n)`: a table's rows go in as one JSON array of arrays bound to one
    /// parameter, and all the tables in one round trip to the connection's thread (sqlx runs the
    /// statements of one query string in turn, binding `$n` by number). The statement text
    /// depends only on the tables, so it is prepared once, where a `VALUES` list is prepared
    /// again for every row count (a tenth of the write connection's time under load) and binds
    /// each value on its own. (`json_each` was slower than the lists: it prints each row and
    /// parses it again for every column; `jsonb_each` hands over blobs.)
    ///
    /// `OR FAIL`: a constraint that fails stops the statement but keeps the rows it inserted
    /// before, so SQLite does not copy every page the statement changes to a statement journal
    /// first (7% of the write connection's time); the statements after it do not run. The
    /// caller must roll the transaction back on an error, which every caller does: the group
    /// commit decides its events again one by one.
    pub(crate) async fn insert_json_rows(
        &mut self,
        tables: &[JsonRows],
    ) -> Result<(), sqlx::Error> {
        self.insert_json_rows_then(tables, "").await?;
        Ok(())
    }

    /// [`Tx::insert_json_rows`] followed, in the same round trip, by the statements `then`;
    /// answers the strings they return.
    pub(crate) async fn insert_json_rows_then(
        &mut self,
        tables: &[JsonRows],
        then: &str,
    ) -> Result<Vec<String>, sqlx::Error> {
        let mut sql = String::new();
        for (i, t) in tables.iter().enumerate() {
            let values: Vec<String> = (0..t.columns.split(',').count())
                .map(|c| format!("value ->> {c}"))
                .collect();
            // `WHERE true`: SQLite's documented way to keep `ON CONFLICT` from reading as a join.
            let (verb, upsert) = match t.on_conflict {
                Some(clause) => (
                    "INSERT",
                    format!(" WHERE true ORDER BY key ON CONFLICT {clause}"),
                ),
                None => ("INSERT OR FAIL", " ORDER BY key".to_owned()),
            };
            sql.push_str(&format!(
                "{verb} INTO {} ({}) SELECT {} FROM jsonb_each(${}){upsert};",
                t.table,
                t.columns,
                values.join(", "),
                i + 1
            ));
        }
        sql.push_str(then);
        let mut query = sqlx::query_scalar(sqlx::AssertSqlSafe(sql));
        for t in tables {
            query = query.bind(t.json.as_str());
        }
        query.fetch_all(self.conn()).await
    }
}

impl JsonRows {
    /// The rows as a JSON array of objects keyed by column name, for PostgreSQL's
    /// `jsonb_populate_recordset`.
    fn as_objects(&self) -> Result<String, sqlx::Error> {
        let encode = |e: serde_json::Error| sqlx::Error::Encode(Box::new(e));
        let rows: Vec<Vec<serde_json::Value>> = serde_json::from_str(&self.json).map_err(encode)?;
        let columns: Vec<&str> = self.columns.split(',').map(str::trim).collect();
        let objects: Vec<serde_json::Map<String, serde_json::Value>> = rows
            .into_iter()
            .map(|row| columns.iter().map(|c| (*c).to_owned()).zip(row).collect())
            .collect();
        serde_json::to_string(&objects).map_err(encode)
    }
}

impl crate::Tx {
    /// On PostgreSQL, inserts every table's rows in one statement: `WITH t0 AS (INSERT INTO a
    /// (columns) SELECT columns FROM jsonb_populate_recordset(NULL::a, $1::jsonb)), … INSERT
    /// INTO z …`. Each table's rows go in as one JSON array of objects, typed by the table's own
    /// row type, and the statement text depends only on the tables (prepared once). A failing
    /// constraint fails the whole statement, and the transaction with it.
    pub(crate) async fn insert_json_rows_postgres(
        &mut self,
        tables: &[JsonRows],
    ) -> Result<(), sqlx::Error> {
        let Some((last, first)) = tables.split_last() else {
            return Ok(());
        };
        let insert = |i: usize, t: &JsonRows| {
            format!(
                "INSERT INTO {table} ({columns}) SELECT {columns} FROM jsonb_populate_recordset(NULL::{table}, ${n}::jsonb){upsert}",
                table = t.table,
                columns = t.columns,
                n = i + 1,
                upsert = t
                    .on_conflict
                    .map(|c| format!(" ON CONFLICT {c}"))
                    .unwrap_or_default()
            )
        };
        let mut sql = String::new();
        for (i, t) in first.iter().enumerate() {
            sql.push_str(if i == 0 { "WITH " } else { ", " });
            sql.push_str(&format!("t{i} AS ({})", insert(i, t)));
        }
        sql.push(' ');
        sql.push_str(&insert(first.len(), last));
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for t in tables {
            query = query.bind(t.as_objects()?);
        }
        query.execute(self.conn()).await?;
        Ok(())
    }
}

impl crate::Tx {
    /// Inserts the rows of each table, whatever their number, in one round trip on either
    /// database: the one-row and the group inserts of a table share its encoder.
    pub(crate) async fn insert_rows(&mut self, tables: &[JsonRows]) -> Result<(), sqlx::Error> {
        match self.backend {
            Backend::Postgres => self.insert_json_rows_postgres(tables).await,
            Backend::Sqlite => self.insert_json_rows(tables).await,
        }
    }
}

/// Whether [`crate::Tx::insert_json_rows`] takes these rows: on SQLite, more than one (a single
/// row keeps its own prepared one-row statement).
pub(crate) fn json_rows_fit(backend: Backend, rows: usize) -> bool {
    backend == Backend::Sqlite && rows > 1
}

/// What a claim's inner `SELECT` adds so that nodes claiming work at once on PostgreSQL each
/// take other rows instead of queueing behind one another's lock (and all but one then finding
/// nothing): ` FOR UPDATE SKIP LOCKED`. SQLite serialises writers anyway.
pub(crate) fn skip_locked(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    }
}

/// At most this many values in one `IN (…)` list.
pub(crate) const MAX_IN: usize = 512;

/// `values` padded with copies of its last value to the next power of two (at least 4), so that
/// lists of different lengths share a few statement texts and their prepared statements are
/// reused. A repeated value changes nothing in an `IN (…)` list.
pub(crate) fn padded<'a>(values: &[&'a str]) -> Vec<&'a str> {
    let mut out = values.to_vec();
    if let Some(last) = values.last() {
        out.resize(values.len().next_power_of_two().max(4), last);
    }
    out
}

/// `values` cut into `IN (…)` lists of at most `max`, each [`padded`], with its placeholders
/// numbered from `$first`.
pub(crate) fn in_lists<'a>(
    values: &[&'a str],
    max: usize,
    first: usize,
) -> Vec<(String, Vec<&'a str>)> {
    values
        .chunks(max)
        .map(|chunk| {
            let chunk = padded(chunk);
            (placeholders(first, chunk.len()), chunk)
        })
        .collect()
}

/// How many values one statement binds at most: SQLite builds before 3.32 stop at 999.
pub(crate) const MAX_BINDS: usize = 900;

#[cfg(test)]
mod tests {
    #[test]
    fn padded_lists_share_lengths() {
        assert_eq!(super::padded(&["a"]), vec!["a", "a", "a", "a"]);
        assert_eq!(super::padded(&["a", "b", "c", "d", "e"]).len(), 8);
        assert!(super::padded(&[]).is_empty());
    }

    #[test]
    fn placeholder_lists() {
        assert_eq!(super::placeholders(3, 3), "$3, $4, $5");
        assert_eq!(super::values_rows(2, 2), "($1, $2), ($3, $4)");
    }

    #[test]
    fn sqlite_gets_anonymous_parameters_only_when_in_order() {
        use super::{Backend, for_backend};
        let sql = "INSERT INTO t VALUES ($1, $2), ($3, $4) -- '$.x' $";
        assert_eq!(
            for_backend(Backend::Sqlite, sql.into()).0,
            "INSERT INTO t VALUES (?, ?), (?, ?) -- '$.x' $"
        );
        assert_eq!(for_backend(Backend::Postgres, sql.into()).0, sql);
        for out_of_order in [
            "SELECT $2, $1",
            "SELECT $1, $1",
            "SELECT $1, $3",
            "SELECT $10",
        ] {
            assert_eq!(
                for_backend(Backend::Sqlite, out_of_order.into()).0,
                out_of_order
            );
        }
    }

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(super::like_pattern("A_b%"), "%a\\_b\\%%");
    }
}
