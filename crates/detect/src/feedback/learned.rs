//! The learned feedback-pressure head beside the rules (issue 19, session 18).
//!
//! The rules find pressure said in the words they know and explain it; the model reads what they
//! have no rule for ("make it worth my while", "my profile can't take another hit") and the
//! languages they do not read. It reuses the toxicity model's file format and features
//! ([`crate::toxicity::Model`]): head 0 ([`HEAD`]) is feedback pressure; head 1 is trained on no
//! labels (its weights are zero, its threshold 0.5) and nothing reads it. The file is
//! `crates/detect/model/feedback.bin`, built in, written by `trustwork train-feedback`.
//!
//! The model is asked only about texts that name a rating ([`gate`]), and the prefilter mirrors
//! the gate, so a text without a rating word (nearly all) is never tokenised or scored for it. It
//! reads the whole skeleton as one window ([`Model::score_whole`]): a deal is often split over
//! sentences ("Review first? Then I'll deliver"). It reports only where the rules found nothing.

use std::sync::{Arc, LazyLock};

use crate::doc::Doc;
use crate::lang::{DE, ES, FR, Lang, PT, Votes};
use crate::tokens::TokKind;
use crate::toxicity::{Head, Model, confidence};
use crate::types::{Category, Kind};

/// The head of the model file that scores feedback pressure.
pub const HEAD: Head = Head::Offensive;

static BUILT_IN: LazyLock<Option<Arc<Model>>> = LazyLock::new(|| {
    Model::from_bytes(include_bytes!("../../model/feedback.bin"))
        .ok()
        .map(Arc::new)
});

/// The built-in feedback model (None only if the file in the repository is broken, which a test
/// guards).
pub fn built_in() -> Option<Arc<Model>> {
    BUILT_IN.clone()
}

/// Words that name a rating, beyond the rules' [`super::is_rating`]: other English spellings and
/// the rating words of the four other languages ([`foreign_rating`]), in skeleton spelling (lower
/// case, accents folded: "reseña" is "resena").
pub(crate) fn is_gate_word(w: &str) -> bool {
    super::is_rating(w)
        || foreign_rating(w) != 0
        || matches!(
            w,
            "rated"
                | "reviewed"
                | "reviewing"
                | "feedbacks"
                | "testimonials"
                | "recommend"
                | "recommendation"
                | "recommendations"
                | "endorsement"
                | "endorsements"
                | "comment"
                | "marks"
                | "thumbs"
                | "fivestars"
                | "evaluation"
                | "note"
                | "notes"
        )
}

/// The languages (bits of [`crate::lang`]) a rating word of another language belongs to; 0 for
/// English and other words. A rating word of a language counts as two marker words of it when the
/// finding's language is told ("Si me dejas 5 estrellas te hago…" has one marker, "hago").
fn foreign_rating(w: &str) -> u8 {
    match w {
        "resena" | "resenas" | "valoracion" | "valoraciones" | "calificacion"
        | "calificaciones" | "calificar" | "califica" | "estrella" | "estrellas" | "puntuacion" => {
            ES
        }
        "avaliacao" | "avaliacoes" | "avaliar" | "avalie" | "estrela" | "estrelas" => PT,
        "nota" | "notas" => ES | PT,
        "avis" | "etoile" | "etoiles" | "commentaire" | "evaluer" | "notation" => FR,
        "bewertung" | "bewertungen" | "bewerten" | "bewertet" | "rezension" | "rezensionen"
        | "stern" | "sterne" => DE,
        _ => 0,
    }
}

/// Star symbols in their UTF-8 bytes: "⭐" (U+2B50), "★" (U+2605), "☆" (U+2606), "🌟" (U+1F31F).
const STARS: [&[u8]; 4] = [
    b"\xe2\xad\x90",
    b"\xe2\x98\x85",
    b"\xe2\x98\x86",
    b"\xf0\x9f\x8c\x9f",
];

/// True when `s` holds a star symbol (normalising leaves them as they are): the prefilter's part
/// of [`gate`] for them, asked only about texts that are not ASCII.
pub(crate) fn has_star_symbol(s: &[u8]) -> bool {
    // `contains` on bytes is a search a word at a time: most texts hold no lead byte of a star.
    (s.contains(&0xe2) || s.contains(&0xf0))
        && s.iter().enumerate().any(|(p, &b)| {
            matches!(b, 0xe2 | 0xf0)
                && STARS
                    .iter()
                    .any(|st| s.get(p..).is_some_and(|r| r.starts_with(st)))
        })
}

/// True when the skeleton `s` (or an ASCII text, in any case) holds five stars or a top mark the
/// way [`is_gate_token`] reads them ("5*", "5/5", "10/10"): the prefilter's part of [`gate`] for
/// them, asked only about texts with the word "5" or "10".
pub(crate) fn rating_marks(s: &[u8]) -> bool {
    let alnum = |q: usize| s.get(q).is_some_and(u8::is_ascii_alphanumeric);
    // The word `w` of digits ends just before byte `p`, alone (no letter or digit before it).
    let word_before = |p: usize, w: &[u8]| {
        p >= w.len()
            && s.get(p - w.len()..p) == Some(w)
            && (p == w.len() || !alnum(p - w.len() - 1))
    };
    let top_mark = |p: usize, w: &[u8]| {
        word_before(p, w) && s.get(p + 1..p + 1 + w.len()) == Some(w) && !alnum(p + 1 + w.len())
    };
    s.iter().enumerate().any(|(p, &b)| match b {
        b'*' => word_before(p, b"5"),
        b'/' => top_mark(p, b"5") || top_mark(p, b"10"),
        _ => false,
    })
}

/// True when token `k` names a rating: a rating word, a star symbol, five stars ("5*"; other
/// counts are not read: "2" and "4" are words of texting, "4 u", and every text with one would
/// have to be read twice by the prefilter), or a top mark ("5/5", "10/10"). The prefilter lets
/// through every text with one of these: a listed word (its `RATING` bit), or what
/// [`rating_marks`] and [`has_star_symbol`] find.
fn is_gate_token(d: &Doc<'_>, k: usize) -> bool {
    let t = &d.t;
    let glued = |j: usize| t.toks.get(j).is_some_and(|x| !x.space_before);
    match t.kind(k) {
        Some(TokKind::Word) => {
            let w = t.text(k);
            is_gate_word(w)
                || w == "5" && t.is_sym(k + 1, b'*') && glued(k + 1)
                || matches!(w, "5" | "10")
                    && t.is_sym(k + 1, b'/')
                    && t.is_word(k + 2, w)
                    && glued(k + 1)
                    && glued(k + 2)
        }
        Some(TokKind::Other) => has_star_symbol(t.text(k).as_bytes()),
        _ => false,
    }
}

/// The tokens that name a rating; the model is asked about a text only when there is one.
pub(crate) fn gate<'d>(d: &'d Doc<'_>) -> impl Iterator<Item = usize> + 'd {
    // "a two star motel" names no rating.
    (0..d.t.len()).filter(|&k| is_gate_token(d, k) && !super::star_of_a_place(d, k))
}

/// True when the model would be asked about `text` (training reads the same texts as the
/// scanner: everyday texts without a rating word are never scored, so they teach nothing).
pub fn would_score(text: &str) -> bool {
    let d = Doc::from_normalized(crate::normalize::normalize(text), false);
    gate(&d).next().is_some()
}

/// The language of the text: English unless its marker words (and its rating words, two votes
/// each) give a language of the rules two votes or more.
fn language(d: &Doc<'_>) -> Lang {
    let n = d.t.len();
    let mut votes = Votes::of(d, 0, n);
    for k in 0..n {
        if d.t.kind(k) == Some(TokKind::Word) {
            let bits = foreign_rating(d.t.text(k));
            votes.add(bits);
            votes.add(bits);
        }
    }
    votes
        .best(&Votes::default())
        .filter(|&l| votes.count(l) >= 2)
        .unwrap_or(Lang::En)
}

/// Scores the text of `d` when it names a rating and the rules found no feedback pressure in it,
/// and reports what the model finds: the rating word nearest the word that weighed most.
pub(crate) fn add_findings(model: &Model, d: &mut Doc<'_>) {
    if d.findings
        .iter()
        .any(|f| f.category == Category::FeedbackPressure)
    {
        return;
    }
    let Some(first) = gate(d).next() else {
        return;
    };
    let s = model.score_whole(HEAD, d.skeleton());
    if !model.fires(HEAD, s.p) {
        return;
    }
    let at = |k: usize| d.t.toks.get(k).map_or(0, |t| t.start as usize);
    let k = gate(d)
        .min_by_key(|&k| at(k).abs_diff(s.evidence.0))
        .unwrap_or(first);
    let value = d.t.text(k).to_string();
    let lang = language(d);
    let conf = confidence(s.p, model.head(HEAD).threshold);
    d.push_in(
        lang,
        Category::FeedbackPressure,
        Kind::RatingPressure,
        k,
        k + 1,
        value,
        conf,
        "feedback.model",
    );
}

#[cfg(test)]
#[path = "learned_tests.rs"]
mod tests;
