//! What a clause around a payment word is about besides paying: work sent, the platform paid
//! through, someone else's request reported.

use super::is_platform;
use crate::doc::Doc;

/// Work sent rather than money ("send me the files directly").
pub(super) fn is_deliverable(w: &str) -> bool {
    matches!(
        w,
        "file"
            | "files"
            | "draft"
            | "drafts"
            | "design"
            | "designs"
            | "logo"
            | "photos"
            | "docs"
            | "documents"
            | "code"
            | "link"
            | "samples"
            | "mockups"
            | "video"
            | "videos"
            | "pdf"
            | "version"
            | "assets"
            | "source"
    )
}

/// The clause pays or refunds through the platform ("you will get your money back from the
/// platform", "straight to you through the platform"), unless it leaves it ("outside the site").
pub(super) fn through_platform(d: &Doc<'_>, a: usize, b: usize) -> bool {
    let t = &d.t;
    (a..b.min(t.len())).any(|k| {
        is_platform(t.text(k))
            && !matches!(t.text(k), "here" | "app" | "system")
            && (k.saturating_sub(2).max(a)..k)
                .any(|j| matches!(t.text(j), "through" | "via" | "from" | "by" | "thru"))
            && !(k.saturating_sub(3).max(a)..k).any(|j| {
                matches!(
                    t.text(j),
                    "outside" | "off" | "without" | "avoid" | "skip" | "bypass"
                )
            })
    })
}

/// Someone else's request told, or a question about the rules, within 40 words of token `i`:
/// "another client asked me to pay a fee via Western Union, is that allowed?", "I reported them".
pub(super) fn reported(d: &Doc<'_>, i: usize) -> bool {
    let t = &d.t;
    (i.saturating_sub(40)..(i + 40).min(t.len())).any(|k| {
        matches!(
            t.text(k),
            "client" | "someone" | "somebody" | "buyer" | "he" | "she" | "they"
        ) && matches!(t.text(k + 1), "asked" | "told" | "offered" | "insisted")
            || t.is_word(k, "allowed") && k >= 2 && t.is_word(k - 2, "is")
            || matches!(t.text(k), "reported" | "flagged")
            // "Is it true that asking for payment outside … can get your account suspended?":
            // the act as a topic (not "I'm asking for payment outside").
            || t.is_word(k, "asking")
                && matches!(t.text(k + 1), "for" | "to")
                && !(k >= 1 && matches!(t.text(k - 1), "m" | "am" | "im" | "re" | "are"))
    })
}
