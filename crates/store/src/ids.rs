/// A new id: a short type prefix and a time-ordered UUID (v7), e.g. `acc_0192f…`.
///
/// The prefix makes ids readable in logs and URLs; time order keeps index inserts local.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::now_v7().simple())
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_prefixed_and_unique() {
        let a = super::new_id("acc");
        let b = super::new_id("acc");
        assert!(a.starts_with("acc_"));
        assert_ne!(a, b);
    }
}
