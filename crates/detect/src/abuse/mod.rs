//! Abuse: profanity and slurs (with severity), insults aimed at a person, threats and incitement to
//! self-harm. Robust to masking ("f**k", "sh1t", "b.i.t.c.h", "f u c k") through the word matcher in
//! [`lexicon`] and the spaced-letter merging of the tokenizer.
//!
//! The word lists and phrases are English: findings name "en" as their language.
//!
//! Profanity is reported wherever it is. Insult words ("idiot", "useless") are only harassment when
//! aimed at someone ("you idiot", "you're useless", "what an idiot"): "this bug is stupid" is not.

mod learned;
mod lexicon;
mod quick;

pub(crate) use learned::add_findings as add_model_findings;
pub(crate) use quick::may_match;

use crate::doc::Doc;
use crate::lang::Lang;
use crate::tokens::TokKind;
use crate::types::{Category, Kind};
use lexicon::{WordKind, fold, lookup};

/// A written word for abuse matching: glued letters, digits and mask symbols.
struct AbuseWord {
    start: usize,
    end: usize,
    /// The glued text when the word spans several tokens; None for one token (the common case,
    /// kept allocation-free).
    glued: Option<String>,
}

impl AbuseWord {
    fn text<'a>(&'a self, d: &'a Doc<'_>) -> &'a str {
        self.glued
            .as_deref()
            .unwrap_or_else(|| d.t.text(self.start))
    }
}

fn is_mask_sym(b: u8, inner: bool) -> bool {
    matches!(b, b'*' | b'#' | b'@' | b'$' | b'!' | b'%')
        || inner && matches!(b, b'.' | b'_' | b'-' | b'\'' | b'~' | b'+')
}

fn words(d: &Doc<'_>) -> Vec<AbuseWord> {
    let t = &d.t;
    let n = t.len();
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        let ok_start = match t.kind(i) {
            Some(TokKind::Word) => true,
            Some(TokKind::Sym(b)) => {
                is_mask_sym(b, false)
                    && t.kind(i + 1) == Some(TokKind::Word)
                    && t.toks.get(i + 1).is_some_and(|x| !x.space_before)
            }
            _ => false,
        };
        if !ok_start {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while let Some(tok) = t.toks.get(j) {
            let glue = !tok.space_before
                && match tok.kind {
                    TokKind::Word => true,
                    TokKind::Sym(b) => is_mask_sym(b, true),
                    TokKind::Other => false,
                };
            if !glue || j - i > 40 {
                break;
            }
            j += 1;
        }
        // Trailing punctuation is not part of the word ("shit!", "idiot...").
        let mut end = j;
        while end > i + 1
            && matches!(
                t.kind(end - 1),
                Some(TokKind::Sym(
                    b'.' | b'!' | b'-' | b'_' | b'\'' | b'~' | b'+'
                ))
            )
        {
            end -= 1;
        }
        let glued = (end > i + 1).then(|| (i..end).map(|k| t.text(k)).collect::<String>());
        out.push(AbuseWord {
            start: i,
            end,
            glued,
        });
        i = j;
    }
    out
}

fn is_you(w: &str) -> bool {
    matches!(
        w,
        "you"
            | "u"
            | "ur"
            | "your"
            | "youre"
            | "yourself"
            | "ya"
            | "yall"
            | "thou"
            | "you're"
            | "youse"
    )
}

/// Finds profanity, insults, threats and self-harm incitement.
pub(crate) fn detect(d: &mut Doc<'_>) {
    let ws = words(d);
    for w in &ws {
        let text = w.text(d);
        // Cheap gate: list words are 2..=40 bytes.
        if text.len() < 2 || text.len() > 40 {
            continue;
        }
        // Most words fail this without folding or hashing (see `quick`).
        if !may_match(text) {
            continue;
        }
        let Some((folded, disguised)) = fold(text) else {
            continue;
        };
        let Some(m) = lookup(&folded, disguised) else {
            continue;
        };
        let (kind, conf) = match m.kind {
            WordKind::Slur => (Some(Kind::Slur), 0.95),
            WordKind::Strong => (Some(Kind::Strong), 0.9),
            // "hell" alone is too mild to report by default ("the hell of timezones").
            WordKind::Mild if m.word == "hell" => (Some(Kind::Mild), 0.45),
            WordKind::Mild => (Some(Kind::Mild), 0.6),
            WordKind::Insult => (None, 0.0),
        };
        let rule = if m.disguised {
            "abuse.word.disguised"
        } else {
            "abuse.word"
        };
        if let Some(kind) = kind {
            d.push_in(
                Lang::En,
                Category::Profanity,
                kind,
                w.start,
                w.end,
                m.word.to_string(),
                conf,
                rule,
            );
        }
        if m.kind != WordKind::Mild && directed(d, w.start, w.end) && !d.negated_before(w.start, 4)
        {
            d.push_in(
                Lang::En,
                Category::Harassment,
                Kind::Insult,
                w.start,
                w.end,
                m.word.to_string(),
                0.85,
                "harassment.directed_insult",
            );
        }
    }
    threats(d);
}

/// Words allowed between "you" and an insult: "you are such a stupid lazy idiot".
fn is_insult_filler(w: &str) -> bool {
    matches!(
        w,
        "are"
            | "re"
            | "r"
            | "'"
            | "a"
            | "an"
            | "such"
            | "so"
            | "the"
            | "fucking"
            | "fking"
            | "freaking"
            | "complete"
            | "total"
            | "absolute"
            | "utter"
            | "little"
            | "big"
            | "stupid"
            | "dumb"
            | "lazy"
            | "useless"
            | "worthless"
            | "pathetic"
            | "fat"
            | "ugly"
            | "damn"
            | "bloody"
            | "piece"
            | "of"
            | "just"
            | "really"
            | "truly"
            | "being"
            | "acting"
            | "like"
            | "look"
            | "sound"
            | "incompetent"
            | "fucking'"
            | "bunch"
            | "total'"
            | "most"
            | "biggest"
    )
}

/// True when the word at tokens `a..b` is aimed at the reader: "you [are a ...] idiot", "idiot!
/// you", "fuck you", "what an idiot", "stop being such a dick".
fn directed(d: &Doc<'_>, a: usize, b: usize) -> bool {
    let t = &d.t;
    let c0 = t.clause_start(a, 8);
    let mut k = a;
    let mut before = false;
    while k > c0 && a - k < 8 {
        k -= 1;
        let w = t.text(k);
        if is_you(w) {
            before = true;
            break;
        }
        if !(is_insult_filler(w) || t.is_sym(k, b'\'')) {
            break;
        }
    }
    let after = (b..(b + 2).min(t.len()))
        .any(|k| matches!(t.text(k), "you" | "u" | "ya" | "yourself"))
        || t.is_word(b, "off");
    let what_a =
        a >= 2 && matches!(t.text(a - 2), "what" | "such") && matches!(t.text(a - 1), "a" | "an");
    before || after || what_a
}

/// Verbs of violence in threats.
fn is_harm_verb(w: &str) -> bool {
    matches!(
        w,
        "kill"
            | "hurt"
            | "murder"
            | "beat"
            | "stab"
            | "shoot"
            | "destroy"
            | "end"
            | "find"
            | "rape"
            | "punch"
            | "slap"
            | "smash"
            | "break"
            | "strangle"
            | "choke"
            | "burn"
            | "bury"
            | "hunt"
            | "ruin"
            | "dox"
            | "doxx"
            | "expose"
            | "attack"
            | "fuck"
            | "kick"
            | "cut"
            | "harm"
            | "hang"
            | "torture"
    )
}

/// True when the "die" at token `i` is wished on the reader: "(I) hope/wish/want you (would,
/// will, 'd, 'll, to) die", or "you deserve/need/ought to die".
fn wished_death(t: &crate::tokens::Tokens, i: usize) -> bool {
    // Back over the words that may stand between "you" and "die".
    let mut j = i;
    while j > 0
        && matches!(
            t.text(j - 1),
            "would" | "will" | "d" | "ll" | "'" | "to" | "just"
        )
    {
        j -= 1;
    }
    let you = |k: usize| matches!(t.text(k), "you" | "u" | "ya");
    let Some(k) = j.checked_sub(1) else {
        return false;
    };
    if you(k) {
        return k > 0 && matches!(t.text(k - 1), "hope" | "hoping" | "wish" | "want" | "pray");
    }
    // "you deserve to die": the verb stands between "you" and "to".
    matches!(t.text(k), "deserve" | "need" | "ought") && k > 0 && you(k - 1) && j < i
}

fn tg_after(target: Option<usize>) -> usize {
    target.map_or(usize::MAX, |k| k + 1)
}

fn threats(d: &mut Doc<'_>) {
    let n = d.t.len();
    let mut i = 0;
    while i < n {
        let t = &d.t;
        let w = t.text(i);
        // "kill yourself", "kys", "go die", "hope you die".
        let self_harm = match w {
            "kys" => Some(i + 1),
            "kill" | "hang" | "neck" | "end" | "shoot" | "off"
                if t.is_word(i + 1, "yourself") || t.is_word(i + 1, "urself") =>
            {
                Some(i + 2)
            }
            "die"
                if i >= 1
                    && matches!(t.text(i - 1), "go" | "should" | "just" | "please" | "pls")
                    || t.is_word(i + 1, "in") && t.is_word(i + 3, "fire") =>
            {
                Some(i + 1)
            }
            _ => None,
        };
        if let Some(end) = self_harm {
            let dev = i >= 1 && t.is_word(i - 1, "process");
            if !dev && !d.negated_before(i, 4) {
                d.push_in(
                    Lang::En,
                    Category::Harassment,
                    Kind::SelfHarm,
                    i,
                    end,
                    "self-harm incitement".into(),
                    0.93,
                    "harassment.self_harm",
                );
                i = end;
                continue;
            }
        }
        // "I will kill you", "I'm gonna find you", "you will regret this", "watch your back".
        let fixed = match w {
            "watch" if t.is_word(i + 1, "your") && t.is_word(i + 2, "back") => Some(i + 3),
            "know"
                if t.is_word(i + 1, "where")
                    && t.is_word(i + 2, "you")
                    && (t.is_word(i + 3, "live") || t.is_word(i + 3, "sleep")) =>
            {
                Some(i + 4)
            }
            "regret"
                if i >= 2
                    && (t.is_word(i - 2, "you")
                        || t.is_word(i - 2, "u")
                        || t.is_word(i - 1, "ll"))
                    && t.is_word(i + 1, "this") =>
            {
                Some(i + 2)
            }
            "pay"
                if i >= 2
                    && t.is_word(i - 2, "you")
                    && (t.is_word(i + 1, "for") && t.is_word(i + 2, "this")) =>
            {
                Some(i + 3)
            }
            "dead"
                if i >= 1
                    && (t.is_word(i - 1, "re")
                        || t.is_word(i - 1, "are")
                        || t.is_word(i - 1, "youre"))
                    && (i >= 2
                        && (t.text(i - 2) == "you"
                            || t.text(i - 2) == "'"
                            || t.text(i - 2) == "u")) =>
            {
                Some(i + 1)
            }
            // A death wish: "hope you die", "I wish you'd die", "want you to die", "you deserve
            // to die". Not "die-cut" stickers nor "dye your hair" misspelled.
            "die"
                if wished_death(t, i)
                    && !t.is_sym(i + 1, b'-')
                    && !matches!(
                        t.text(i + 1),
                        "your" | "cut" | "cutting" | "cast" | "casting"
                    ) =>
            {
                Some(i + 1)
            }
            "life"
                if i >= 2
                    && t.is_word(i - 1, "your")
                    && matches!(t.text(i - 2), "make" | "ruin" | "destroy") =>
            {
                Some(i + 1)
            }
            _ => None,
        };
        if let Some(end) = fixed
            && !d.negated_before(i, 4)
        {
            {
                d.push_in(
                    Lang::En,
                    Category::Harassment,
                    Kind::Threat,
                    i,
                    end,
                    "threat".into(),
                    0.88,
                    "harassment.threat_phrase",
                );
                i = end;
                continue;
            }
        }
        if is_harm_verb(w) && i >= 1 {
            // Future or intent before the verb, "you"/"your family" after it.
            let lo = t.clause_start(i, 5);
            let intent = (lo..i).any(|k| {
                matches!(
                    t.text(k),
                    "will"
                        | "ll"
                        | "gonna"
                        | "going"
                        | "gon"
                        | "shall"
                        | "wanna"
                        | "want"
                        | "swear"
                        | "coming"
                )
            });
            let i_subject =
                (lo..i).any(|k| matches!(t.text(k), "i" | "we" | "ill" | "im" | "gonna"));
            let target = (i + 1..(i + 3).min(n))
                .find(|&k| matches!(t.text(k), "you" | "u" | "ya" | "your" | "ur" | "yourself"));
            // "I'll find you a developer", "I'll end your contract" are offers and decisions.
            let offer = t.is_word(tg_after(target), "a")
                || t.is_word(tg_after(target), "an")
                || t.is_word(tg_after(target), "the")
                || t.is_word(tg_after(target), "someone")
                || t.is_word(tg_after(target), "something");
            if let Some(tg) = target
                && !offer
                && intent
                && i_subject
                && !d.negated_near(i, 3)
                && !(t.is_word(tg, "your")
                    && (tg + 1..(tg + 3).min(n)).any(|k| {
                        matches!(
                            t.text(k),
                            "code"
                                | "bug"
                                | "bugs"
                                | "competition"
                                | "deadline"
                                | "task"
                                | "problem"
                                | "issue"
                                | "issues"
                                | "errors"
                                | "score"
                                | "record"
                        )
                    }))
            {
                d.push_in(
                    Lang::En,
                    Category::Harassment,
                    Kind::Threat,
                    i,
                    tg + 1,
                    "threat".into(),
                    0.88,
                    "harassment.threat_intent",
                );
                i = tg + 1;
                continue;
            }
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests;
