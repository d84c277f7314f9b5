//! Helpers shared by the repositories for turning stored text back into domain values.

use crate::StoreError;
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

/// How many values one statement binds at most: SQLite builds before 3.32 stop at 999.
pub(crate) const MAX_BINDS: usize = 900;

#[cfg(test)]
mod tests {
    #[test]
    fn placeholder_lists() {
        assert_eq!(super::placeholders(3, 3), "$3, $4, $5");
        assert_eq!(super::values_rows(2, 2), "($1, $2), ($3, $4)");
    }

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(super::like_pattern("A_b%"), "%a\\_b\\%%");
    }
}
