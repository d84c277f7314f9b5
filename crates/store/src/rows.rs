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

#[cfg(test)]
mod tests {
    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(super::like_pattern("A_b%"), "%a\\_b\\%%");
    }
}
