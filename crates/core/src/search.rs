//! Search keys: what a person types and what is stored are compared after folding case and
//! accents, so "lopez" finds "López", "MULLER" finds "Müller" and "ǆ" finds "dž".

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// `text` in compatibility-decomposed form, lowercase, without combining marks, with runs of
/// whitespace as one space. Letters that do not decompose (ø, ł, ß) are kept as they are.
pub fn search_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.nfkd().filter(|c| !is_combining_mark(*c)) {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::search_key;

    #[test]
    fn case_and_accents_fold_away() {
        assert_eq!(search_key("Maria López"), "maria lopez");
        assert_eq!(search_key("  MÜLLER\tJosé "), "muller jose");
        assert_eq!(search_key("Ｆｕｌｌｗｉｄｔｈ"), "fullwidth");
        assert_eq!(search_key("Øresund"), "øresund");
        assert_eq!(search_key(""), "");
    }

    proptest::proptest! {
        #[test]
        fn folding_is_idempotent(text in "\\PC{0,40}") {
            let once = search_key(&text);
            proptest::prop_assert_eq!(search_key(&once), once);
        }
    }
}
