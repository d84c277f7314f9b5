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
    fn like_pattern_escapes_wildcards() {
        assert_eq!(super::like_pattern("A_b%"), "%a\\_b\\%%");
    }
}
