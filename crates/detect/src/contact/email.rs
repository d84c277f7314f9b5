//! E-mail addresses: plain (`j.doe@gmail.com`), obfuscated (`j doe (at) gmail [dot] com`,
//! `jdoe at gmail dot com`, full-width `＠`), and a user name given with a mail provider and the rest
//! left out (`jdoe at gmail`, `my gmail is jdoe88`).

use super::Allow;
use super::domain::read_host;
use crate::doc::{Doc, is_stopword};
use crate::lexicon::{Lex, is_foreign_dot_word, is_tld};
use crate::tokens::{TokKind, Tokens};
use crate::types::{Category, Kind};

/// Words for "at": English "at" (also written by Germans, "max (at) web.de"), Spanish and
/// Portuguese "arroba", French "arobase".
fn is_at_word(t: &Tokens, i: usize) -> bool {
    t.kind(i) == Some(TokKind::Word) && matches!(t.text(i), "at" | "arroba" | "arobase")
}

/// The "at" marker at token `i`: `@`, `(at)`, `[at]`, `(@)`, or a bare "at" word.
/// Returns (first token, index after the marker, is the bare word).
fn at_marker(d: &Doc<'_>, i: usize) -> Option<(usize, usize, bool)> {
    let t = &d.t;
    if t.is_sym(i, b'@') {
        return Some((i, i + 1, false));
    }
    if matches!(t.kind(i), Some(TokKind::Sym(b'(' | b'[' | b'{' | b'<')))
        && (is_at_word(t, i + 1) || t.is_sym(i + 1, b'@'))
        && matches!(t.kind(i + 2), Some(TokKind::Sym(b')' | b']' | b'}' | b'>')))
    {
        return Some((i, i + 3, false));
    }
    if t.toks.get(i).is_some_and(|x| x.space_before) && is_at_word(t, i) {
        return Some((i, i + 1, true));
    }
    None
}

/// Reads the local part ending just before token `end` (exclusive), walking backwards over words
/// joined by `.`, `_`, `-`, `+` (no spaces inside unless `loose` and joined by a dot word).
fn local_part(d: &Doc<'_>, end: usize, loose: bool) -> Option<(usize, String)> {
    let t = &d.t;
    let mut i = end.checked_sub(1)?;
    if t.kind(i) != Some(TokKind::Word) {
        return None;
    }
    let mut parts: Vec<&str> = vec![t.text(i)];
    let mut start = i;
    while i >= 2 {
        let sep = i - 1;
        let prev = i - 2;
        let sep_tok = t.toks.get(sep)?;
        let cur_tok = t.toks.get(i)?;
        let glued = !sep_tok.space_before && !cur_tok.space_before;
        let sym_ok = matches!(sep_tok.kind, TokKind::Sym(b'.' | b'_' | b'-' | b'+')) && glued;
        let dot_word = loose
            && t.kind(sep) == Some(TokKind::Word)
            && (t.text(sep) == "dot" || is_foreign_dot_word(t.text(sep)));
        if !(sym_ok || dot_word) || t.kind(prev) != Some(TokKind::Word) {
            break;
        }
        parts.push(if dot_word { "." } else { t.text(sep) });
        parts.push(t.text(prev));
        i = prev;
        start = prev;
        if parts.len() > 16 {
            break;
        }
    }
    parts.reverse();
    let local: String = parts.concat();
    if local.is_empty() || local.len() > 64 {
        return None;
    }
    Some((start, local))
}

/// The provider domain if tokens `a..b` name a mail provider.
fn provider_at(d: &Doc<'_>, a: usize) -> Option<(usize, &'static str)> {
    d.names.iter().find_map(|h| match h.lex {
        Lex::Provider(_, domain) if h.start == a => Some((h.end, domain)),
        _ => None,
    })
}

/// Finds e-mail addresses. Marks the tokens it used in `used` so the URL detector skips them.
pub(crate) fn detect(d: &mut Doc<'_>, allow: &Allow<'_>, used: &mut [bool]) {
    let n = d.t.len();
    let mut i = 0;
    while i < n {
        let Some((m_start, m_end, bare)) = at_marker(d, i) else {
            i += 1;
            continue;
        };
        let marker_obfuscated = bare || m_end - m_start > 1;
        let Some((l_start, local)) = local_part(d, m_start, marker_obfuscated) else {
            i += 1;
            continue;
        };
        // "meu insta é @ana": a one-letter word before a spaced '@' ("é" is "e") is a word, not a
        // local part; the handle after it is read as one.
        if local.len() == 1 && d.t.toks.get(m_start).is_some_and(|x| x.space_before) {
            i += 1;
            continue;
        }
        // "blogging at site.com", "based at acme.io": a verb or participle before a bare "at".
        if bare
            && (is_stopword(&local)
                || local.len() < 2
                || local.ends_with("ing")
                || local.ends_with("ed"))
        {
            i += 1;
            continue;
        }
        // The host: strictly first; loosely (spaces, dot words) when that gives a better host.
        let strict = read_host(&d.t, m_end, false);
        let loose = read_host(&d.t, m_end, true);
        let host = match (strict, loose) {
            (Some(s), Some(l)) if l.labels.len() > s.labels.len() && is_tld(l.tld()) => Some(l),
            (Some(s), _) => Some(s),
            (None, l) => l,
        };
        let Some(host) = host else {
            i += 1;
            continue;
        };
        // "the site is live at www.bakery.com": a bare "at" before a web address is a place, not
        // an e-mail marker (the URL detector reads the address).
        if bare && host.labels.first().is_some_and(|l| l == "www") {
            i += 1;
            continue;
        }
        let provider = provider_at(d, m_end);
        let (domain, end, rule, conf) = if host.labels.len() >= 2
            && (is_tld(host.tld())
                || (!bare
                    && host.tld().len() >= 2
                    && host.tld().bytes().all(|b| b.is_ascii_alphabetic())))
            && !host
                .labels
                .iter()
                .take(host.labels.len() - 1)
                .any(|l| is_stopword(l) && l != "mail" && l != "email")
        {
            let obf = marker_obfuscated || host.obfuscated;
            (
                host.name(),
                host.end,
                if obf {
                    "email.obfuscated"
                } else {
                    "email.plain"
                },
                if obf { 0.9 } else { 0.97 },
            )
        } else if let Some((p_end, domain)) = provider {
            (domain.to_string(), p_end, "email.provider_only", 0.85)
        } else {
            i += 1;
            continue;
        };
        if allow.allows(&domain) || (bare && is_stopword(&domain)) {
            i = end;
            continue;
        }
        let value = format!("{local}@{domain}");
        for u in used.iter_mut().take(end).skip(l_start) {
            *u = true;
        }
        d.push(
            Category::ContactInfo,
            Kind::Email,
            l_start,
            end,
            value,
            conf,
            rule,
        );
        i = end;
    }
    provider_handles(d, used);
}

/// "my gmail is jdoe88", "gmail: jane.doe", "yahoo id jdoe_1": a user name next to a provider.
fn provider_handles(d: &mut Doc<'_>, used: &mut [bool]) {
    let hits: Vec<(usize, usize, &'static str)> = d
        .names
        .iter()
        .filter_map(|h| match h.lex {
            Lex::Provider(_, domain) => Some((h.start, h.end, domain)),
            _ => None,
        })
        .collect();
    for (start, end, domain) in hits {
        if used.get(start).copied().unwrap_or(true) {
            continue;
        }
        let t = &d.t;
        let mut j = end;
        let mut explicit = false;
        for _ in 0..3 {
            let sep = t.is_sym(j, b':') || t.is_sym(j, b'-') || t.is_sym(j, b'=');
            let word = [
                "is", "id", "address", "account", "acc", "username", "user", "handle",
                // "mi gmail es …", "mon gmail est …", "mein Gmail ist …".
                "es", "est", "ist",
            ]
            .iter()
            .any(|w| t.is_word(j, w));
            if !(sep || word) {
                break;
            }
            explicit = true;
            j += 1;
        }
        let Some((u_end, user)) = user_name(d, j) else {
            continue;
        };
        let mine = start >= 1
            && matches!(
                d.t.text(start - 1),
                "my" | "our" | "mi" | "meu" | "minha" | "mon" | "ma" | "mein" | "meine"
            );
        let strong_user = user
            .bytes()
            .any(|b| b.is_ascii_digit() || b == b'.' || b == b'_');
        if !(explicit && (mine || strong_user) || strong_user && mine) {
            continue;
        }
        if d.negated_before(start, 8) {
            continue;
        }
        for u in used.iter_mut().take(u_end).skip(start) {
            *u = true;
        }
        let value = format!("{user}@{domain}");
        d.push(
            Category::ContactInfo,
            Kind::Email,
            start,
            u_end,
            value,
            0.85,
            "email.provider_user",
        );
    }
}

/// A user name at token `i`: words joined by `.`, `_`, `-` without spaces, 3-32 characters, with a
/// letter, not a common word.
pub(crate) fn user_name(d: &Doc<'_>, i: usize) -> Option<(usize, String)> {
    let t = &d.t;
    if t.kind(i) != Some(TokKind::Word) {
        return None;
    }
    let mut s = t.text(i).to_string();
    let mut j = i + 1;
    while matches!(t.kind(j), Some(TokKind::Sym(b'.' | b'_' | b'-')))
        && t.toks.get(j).is_some_and(|x| !x.space_before)
        && t.toks
            .get(j + 1)
            .is_some_and(|x| x.kind == TokKind::Word && !x.space_before)
    {
        s.push_str(t.text(j));
        s.push_str(t.text(j + 1));
        j += 2;
    }
    let ok = (3..=32).contains(&s.len())
        && s.bytes().any(|b| b.is_ascii_alphabetic())
        && !is_stopword(&s);
    ok.then_some((j, s))
}
