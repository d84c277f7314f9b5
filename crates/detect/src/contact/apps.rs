//! Handles on named apps ("telegram: @x", "skype id x", "my IG is x", "discord x#1234") and
//! invitations to move to an app ("let's continue on WhatsApp", "whatsapp me"); this detector also
//! runs the requests for the other party's contact details ("send me your number", `requests`).
//! Negation and policy talk ("I can't share my WhatsApp here") and technical talk ("build a
//! Telegram bot") are not violations.

use super::email::user_name;
use super::handles;
use super::intl;
use crate::doc::{Doc, is_dev_word, is_stopword};
use crate::lang::{self, Lang};
use crate::lexicon::{Lex, Strength};
use crate::tokens::TokKind;
use crate::types::{Category, Kind};

/// Verbs and phrases that move a conversation somewhere.
fn is_move_verb(w: &str) -> bool {
    matches!(
        w,
        "sent"
            | "request"
            | "requested"
            | "invite"
            | "invited"
            | "touch"
            | "continue"
            | "talk"
            | "chat"
            | "move"
            | "switch"
            | "contact"
            | "reach"
            | "message"
            | "msg"
            | "text"
            | "txt"
            | "call"
            | "add"
            | "ping"
            | "dm"
            | "pm"
            | "hit"
            | "find"
            | "connect"
            | "discuss"
            | "communicate"
            | "speak"
            | "write"
            | "join"
            | "shift"
            | "follow"
            | "meet"
            | "catch"
            | "hmu"
            | "hop"
            | "jump"
            | "go"
            | "take"
            | "reply"
            | "respond"
            | "send"
            | "share"
            | "inbox"
            | "buzz"
            | "holla"
            | "video"
            | "voice"
            | "get"
            | "available"
            | "online"
            | "active"
            | "reachable"
            | "have"
            | "use"
            | "using"
            | "got"
            | "there"
            | "email"
            | "mail"
            | "let's"
            | "lets"
            | "can"
            | "should"
    )
}

/// Separator words between an app name and a user name.
fn is_handle_sep(d: &Doc<'_>, j: usize) -> bool {
    let t = &d.t;
    matches!(t.kind(j), Some(TokKind::Sym(b':' | b'-' | b'=' | b'>')))
        || [
            "id", "handle", "username", "user", "name", "is", "at", "account", "acc", "profile",
            "me",
        ]
        .iter()
        .any(|w| t.is_word(j, w))
        // "mi Insta es @lau", "mein Instagram ist lau_design": the copula of the other languages
        // only before something shaped like a handle ("mi Instagram es privado" is not one).
        || ["es", "est", "ist"].iter().any(|w| t.is_word(j, w)) && handle_shaped(d, j + 1)
        // Portuguese "é" is "e", also "and": only before '@' ("meu insta é @ana").
        || t.is_word(j, "e") && t.is_sym(j + 1, b'@')
}

/// True when tokens from `k` look like a user name rather than a word: an `@`, digits, or a `_`/`.`
/// glued inside.
fn handle_shaped(d: &Doc<'_>, k: usize) -> bool {
    let t = &d.t;
    t.is_sym(k, b'@')
        || t.toks
            .get(k)
            .is_some_and(|x| x.kind == TokKind::Word && x.has_digit)
        || t.kind(k) == Some(TokKind::Word)
            && t.toks
                .get(k + 1)
                .is_some_and(|x| matches!(x.kind, TokKind::Sym(b'_' | b'.')) && !x.space_before)
            && t.toks
                .get(k + 2)
                .is_some_and(|x| x.kind == TokKind::Word && !x.space_before)
}

/// Finds handles, app invitations and contact requests. `intl` runs the requests and slang app
/// names of the other languages (`intl`), which the prefilter saw a reason for.
pub(crate) fn detect(d: &mut Doc<'_>, used: &mut [bool], intl: bool) {
    let hits: Vec<(usize, usize, &'static str, Strength, bool)> = d
        .names
        .iter()
        .filter_map(|h| match h.lex {
            Lex::App(name, s) => Some((h.start, h.end, name, s, false)),
            Lex::Provider(name, _) => Some((h.start, h.end, name, Strength::Weak, true)),
            Lex::Brand(..) => None,
        })
        .collect();
    let mut done_until = 0;
    for (start, end, name, strength, provider) in hits {
        if start < done_until || used.get(start).copied().unwrap_or(true) {
            continue;
        }
        let c0 = d.t.clause_start(start, 12);
        let c1 = d.t.clause_end(start, 12);
        // What could be reported at all, read first (it reads only the tokens): when nothing
        // could, and the clause is English, the context below (developer talk, negation, scams,
        // brands) would decide nothing, and most mentions of a name are such ("live", "line").
        let after = if provider {
            None
        } else {
            handle_after(d, end, strength).or_else(|| handles::handle_near(d, end))
        };
        let before = if provider {
            None
        } else {
            handle_before(d, start)
        };
        let english = invitation(
            d,
            c0,
            start,
            end,
            strength,
            if provider { "email" } else { name },
        );
        // The clause's foreign languages (none for English).
        let foreign = intl::clause_langs(d, c0, c1, start);
        if after.is_none() && before.is_none() && english.is_none() && foreign.is_empty() {
            continue;
        }
        if (c0..c1).any(|j| d.any_word(j, j + 1, is_dev_word) && !in_at_name(d, j)) {
            continue;
        }
        // The languages in which the mention is not negated: Portuguese "no" before the app is
        // "in the", Spanish "no" is "not".
        let open: Vec<Lang> = foreign
            .iter()
            .copied()
            .filter(|&l| !lang::negated_before(d, start, 10, l))
            .collect();
        let negated = if foreign.is_empty() {
            d.negated_before(start, 10) || d.scam_talk(start)
        } else {
            open.is_empty() || lang::scam_talk(d, start)
        };
        // A brand's or a company's public account, named as the work's subject ("the Twitter
        // handle for the brand is @coffeeshop"), is no way to reach the sender.
        let brand_account = !provider && brands_account(d, c0, c1);
        // 1. A user name right after the app name.
        if !provider
            && !negated
            && !brand_account
            && let Some((h_end, handle, conf)) = after
        {
            {
                for u in used.iter_mut().take(h_end).skip(start) {
                    *u = true;
                }
                d.push(
                    Category::ContactInfo,
                    Kind::Handle,
                    start,
                    h_end,
                    format!("{name}:{handle}"),
                    conf,
                    "handle.after_app",
                );
                done_until = h_end;
                continue;
            }
        }
        // 2. "@jane_doe on instagram".
        if !provider
            && !negated
            && !brand_account
            && let Some((h_start, handle)) = before
        {
            {
                d.push(
                    Category::ContactInfo,
                    Kind::Handle,
                    h_start,
                    end,
                    format!("{name}:{handle}"),
                    0.85,
                    "handle.before_app",
                );
                done_until = end;
                continue;
            }
        }
        if negated {
            continue;
        }
        // 3. An invitation to move to the app: in the clause's languages first, then in English
        // ("hola! add me on WhatsApp").
        let mail = provider || matches!(name, "email" | "gmail");
        let found = open
            .iter()
            .find_map(|&l| intl::invitation(d, c0, (start, end), strength, mail, l).map(|c| (c, l)))
            .or_else(|| english.map(|c| (c, Lang::En)));
        if let Some((conf, l)) = found {
            d.push_in(
                l,
                Category::ContactInfo,
                Kind::MessagingApp,
                start,
                end,
                name.to_string(),
                conf,
                "app.invitation",
            );
            done_until = end;
        }
    }
    super::requests::contact_requests(d);
    if intl {
        intl::requests(d);
        intl::slang(d, used);
    }
}

/// True when the clause `a..b` is about a brand's or a company's account and names neither party
/// ("the brand's Instagram is @glowskin", not "my Instagram is @glowskin").
fn brands_account(d: &Doc<'_>, a: usize, b: usize) -> bool {
    d.any_word(a, b, |w| {
        matches!(
            w,
            "brand" | "brands" | "company" | "companys" | "business" | "competitor" | "competitors"
        )
    }) && !d.any_word(a, b, |w| {
        matches!(
            w,
            "my" | "me"
                | "mine"
                | "i"
                | "you"
                | "your"
                | "u"
                | "ur"
                | "dm"
                | "message"
                | "text"
                | "reach"
                | "contact"
                | "add"
                | "chat"
                | "talk"
                | "personal"
        )
    })
}

/// A user name after an app name: `telegram: @x`, `skype id x`, `IG is x`, `discord x#1234`.
/// A word glued to an `@` through other words and `_ . -`: a part of a user name
/// ("@mx_frontend"), which says nothing about what the clause is about.
fn in_at_name(d: &Doc<'_>, j: usize) -> bool {
    let t = &d.t;
    let mut k = j;
    for _ in 0..8 {
        if k == 0 || t.toks.get(k).is_none_or(|x| x.space_before) {
            return false;
        }
        k -= 1;
        if t.is_sym(k, b'@') {
            return true;
        }
        let joins = t.kind(k) == Some(TokKind::Word)
            || t.is_sym(k, b'_')
            || t.is_sym(k, b'.')
            || t.is_sym(k, b'-');
        if !joins {
            return false;
        }
    }
    false
}

fn handle_after(d: &Doc<'_>, end: usize, strength: Strength) -> Option<(usize, String, f32)> {
    let t = &d.t;
    let mut j = end;
    let mut explicit = false;
    for _ in 0..3 {
        if is_handle_sep(d, j) || t.is_word(j, "my") {
            explicit |= !t.is_word(j, "me") && !t.is_word(j, "my");
            j += 1;
        } else {
            break;
        }
    }
    let at = t.is_sym(j, b'@');
    if at {
        j += 1;
    }
    let (mut h_end, mut handle) = user_name(d, j).or_else(|| {
        // Short or numeric handles are fine after '@' or an explicit separator.
        let w = t.text(j);
        (t.kind(j) == Some(TokKind::Word) && (at || explicit) && w.len() >= 2 && !is_stopword(w))
            .then(|| (j + 1, w.to_string()))
    })?;
    // discord x#1234
    if t.is_sym(h_end, b'#')
        && t.toks
            .get(h_end + 1)
            .is_some_and(|x| x.has_digit && !x.has_alpha && !x.space_before)
    {
        handle.push('#');
        handle.push_str(t.text(h_end + 1));
        h_end += 2;
        explicit = true;
    }
    // Pure digits are phone numbers, reported by the phone detector.
    if !handle.bytes().any(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let marked = handle
        .bytes()
        .any(|b| b.is_ascii_digit() || b == b'_' || b == b'.' || b == b'#');
    let conf = if at {
        0.92
    } else if explicit && (marked || strength == Strength::Strong) {
        0.88
    } else if marked && strength == Strength::Strong {
        0.75
    } else {
        return None;
    };
    Some((h_end, handle, conf))
}

/// "@jane_doe on instagram": a '@' handle up to three tokens before the app with on/via/in between.
fn handle_before(d: &Doc<'_>, start: usize) -> Option<(usize, String)> {
    let t = &d.t;
    let prep = start.checked_sub(1)?;
    if !["on", "via", "in", "at"].iter().any(|w| t.is_word(prep, w)) {
        return None;
    }
    // Find '@' within the 4 tokens before the preposition.
    let lo = prep.saturating_sub(5);
    let at = (lo..prep)
        .rev()
        .find(|&k| t.is_sym(k, b'@') && t.toks.get(k + 1).is_some_and(|x| !x.space_before))?;
    let (h_end, handle) = user_name(d, at + 1).or_else(|| {
        let w = t.text(at + 1);
        (w.len() >= 2).then(|| (at + 2, w.to_string()))
    })?;
    (h_end == prep).then_some((at, handle))
}

/// Confidence that an app mention is an invitation to move there, or None.
fn invitation(
    d: &Doc<'_>,
    c0: usize,
    start: usize,
    end: usize,
    strength: Strength,
    name: &str,
) -> Option<f32> {
    let t = &d.t;
    let lo = start.saturating_sub(7).max(c0);
    let verb_before = (lo..start).any(|k| {
        t.kind(k) == Some(TokKind::Word) && is_move_verb(t.text(k)) && !others_do(d, k, start)
    });
    let prep_before = start.checked_sub(1).is_some_and(|p| {
        ["on", "via", "over", "through", "in", "by", "to", "thru"]
            .iter()
            .any(|w| t.is_word(p, w))
    });
    let me_after = ["me", "us", "me.", "u"].iter().any(|w| t.is_word(end, w));
    let question = (end..(end + 3).min(t.len())).any(|k| t.is_sym(k, b'?'))
        && (lo..start).any(|k| {
            t.is_word(k, "you") || t.is_word(k, "u") || t.is_word(k, "your") || t.is_word(k, "ur")
        });
    let my_app = start
        .checked_sub(1)
        .is_some_and(|p| t.is_word(p, "my") || t.is_word(p, "your") || t.is_word(p, "ur"))
        && (end..(end + 3).min(t.len()))
            .any(|k| t.is_word(k, "is") || t.is_sym(k, b':') || t.is_word(k, "number"));
    let weak_mail =
        matches!(name, "email" | "gmail" | "yahoo" | "hotmail" | "outlook") || name.len() <= 3;
    match strength {
        Strength::Strong if me_after || verb_before && prep_before || question || my_app => {
            Some(0.88)
        }
        Strength::Strong if verb_before => Some(0.75),
        Strength::Weak if weak_mail && me_after && !matches!(name, "email") => Some(0.75),
        Strength::Weak
            if !weak_mail && (verb_before && prep_before || me_after && name != "line") =>
        {
            Some(0.7)
        }
        Strength::Weak if !weak_mail && question && prep_before => Some(0.65),
        _ => None,
    }
}

/// Whether the verb at token `k` tells what other people do rather than asking the reader to
/// move ("Do people in LA use WhatsApp?", "most of my clients have Slack"): a third-person
/// subject in its clause before it, no first or second person there, no "me" or "us" between
/// it and the app at `app`, and no "add me there" after the app.
fn others_do(d: &Doc<'_>, k: usize, app: usize) -> bool {
    let lo = d.t.clause_start(k, 8);
    let me = |w: &str| matches!(w, "me" | "us" | "u" | "you");
    let invited_after = (app + 1..(app + 8).min(d.t.len())).any(|v| {
        d.t.kind(v) == Some(TokKind::Word)
            && is_move_verb(d.t.text(v))
            && d.any_word(v + 1, v + 3, |w| matches!(w, "me" | "us"))
    });
    d.any_word(lo, k, is_third_person)
        && !d.any_word(lo, k, is_first_or_second_person)
        && !d.any_word(k + 1, app, me)
        && !invited_after
}

fn is_third_person(w: &str) -> bool {
    matches!(
        w,
        "people"
            | "they"
            | "he"
            | "she"
            | "everyone"
            | "everybody"
            | "anyone"
            | "anybody"
            | "nobody"
            | "someone"
            | "somebody"
            | "users"
            | "clients"
            | "customers"
            | "folks"
            | "many"
            | "most"
            | "others"
            | "companies"
            | "businesses"
            | "teams"
            | "who"
    )
}

fn is_first_or_second_person(w: &str) -> bool {
    matches!(
        w,
        "i" | "i'm"
            | "im"
            | "we"
            | "we're"
            | "let's"
            | "lets"
            | "us"
            | "me"
            | "you"
            | "you're"
            | "u"
    )
}
