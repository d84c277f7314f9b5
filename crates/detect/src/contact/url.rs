//! URLs, bare domains and deep links (`wa.me/…`, `t.me/…`, `linkedin.com/in/…`, `skype:…`).

use std::borrow::Cow;

use super::Allow;
use super::domain::read_host;
use crate::doc::{Doc, is_stopword};
use crate::lexicon::{is_dot_word, is_tld};
use crate::tokens::TokKind;
use crate::types::{Category, Kind};

/// Hosts whose links open a chat or a profile elsewhere: always contact info.
fn is_deep_link_host(host: &str) -> bool {
    matches!(
        host,
        "wa.me"
            | "t.me"
            | "telegram.me"
            | "m.me"
            | "fb.me"
            | "discord.gg"
            | "discord.com"
            | "instagram.com"
            | "facebook.com"
            | "linkedin.com"
            | "twitter.com"
            | "x.com"
            | "tiktok.com"
            | "snapchat.com"
            | "api.whatsapp.com"
            | "chat.whatsapp.com"
            | "join.skype.com"
            | "calendly.com"
            | "signal.me"
            | "line.me"
            | "vk.com"
            | "github.com"
            | "behance.net"
            | "dribbble.com"
    )
}

/// Technology names written like domains; mentioning them is not sharing a link.
fn is_tech_name(host: &str) -> bool {
    matches!(
        host,
        "asp.net"
            | "ado.net"
            | "vb.net"
            | "dot.net"
            | "socket.io"
            | "ml.net"
            | "entity.framework"
            | "chart.io"
    )
}

/// Finds URLs and domains, skipping tokens already used by e-mails.
pub(crate) fn detect(d: &mut Doc<'_>, allow: &Allow<'_>, used: &mut [bool]) {
    let n = d.t.len();
    let mut i = 0;
    while i < n {
        if used.get(i).copied().unwrap_or(true) || d.t.kind(i) != Some(TokKind::Word) {
            i += 1;
            continue;
        }
        // Cheap gate first: a host needs a dot-like token right after its first label (or a
        // hyphen joining labels), a URL a scheme; most words are followed by another word.
        let next_dotlike = match d.t.kind(i + 1) {
            Some(TokKind::Sym(b'.' | b'(' | b'[' | b'{' | b'<' | b'-')) => true,
            Some(TokKind::Sym(b':')) => d.t.text(i).starts_with('h'),
            Some(TokKind::Word) => is_dot_word(d.t.text(i + 1)),
            _ => false,
        };
        if !next_dotlike {
            i += 1;
            continue;
        }
        // A label glued after '@' or '.' belongs to something already rejected.
        if i > 0
            && matches!(d.t.kind(i - 1), Some(TokKind::Sym(b'@' | b'.')))
            && !d.t.toks.get(i).is_some_and(|x| x.space_before)
        {
            i += 1;
            continue;
        }
        let (start, host_at, scheme) = scheme_at(d, i);
        // Cheap gate: a host needs a dot-like token right after its first label (or a hyphen
        // joining labels); most words are followed by a space and another word.
        let gate = |k: usize| {
            matches!(
                d.t.kind(k),
                Some(TokKind::Sym(b'.' | b'(' | b'[' | b'{' | b'<' | b'-'))
            ) || d.t.kind(k) == Some(TokKind::Word) && is_dot_word(d.t.text(k))
        };
        if !scheme && !gate(i + 1) {
            i += 1;
            continue;
        }
        let strict = read_host(&d.t, host_at, false);
        let loose = read_host(&d.t, host_at, true);
        let host = match (strict, loose) {
            (Some(s), Some(l))
                if l.labels.len() > s.labels.len() && is_tld(l.tld()) && l.obfuscated =>
            {
                Some(l)
            }
            (s, _) => s,
        };
        let Some(host) = host else {
            i += 1;
            continue;
        };
        let tld_ok = is_tld(host.tld())
            || (scheme
                && host.tld().len() >= 2
                && host.tld().bytes().all(|b| b.is_ascii_alphabetic()));
        let labels_ok = host.labels.len() >= 2 && host.labels.iter().all(|l| !l.is_empty());
        let obf_ok = !host.obfuscated
            || host
                .labels
                .iter()
                .take(host.labels.len().saturating_sub(1))
                .all(|l| !is_stopword(l) && l.len() >= 2);
        if !(tld_ok && labels_ok && obf_ok) {
            i = host.end.max(i + 1);
            continue;
        }
        // Joined only for the hosts that pass the checks above (most candidates do not).
        let name = host.name();
        if is_tech_name(&name) || sentence_glue(d, host_at, &host.labels, scheme) {
            i = host.end.max(i + 1);
            continue;
        }
        // Path, query and port: glued tokens after the host.
        let mut end = host.end;
        let mut path = String::new();
        if matches!(d.t.kind(end), Some(TokKind::Sym(b'/' | b':' | b'?' | b'#')))
            && d.t.toks.get(end).is_some_and(|x| !x.space_before)
        {
            while let Some(tok) = d.t.toks.get(end) {
                if tok.space_before || path.len() > 512 {
                    break;
                }
                path.push_str(d.t.text(end));
                end += 1;
            }
            // A sentence's final punctuation is not part of the link.
            while matches!(
                path.as_bytes().last(),
                Some(b'.' | b',' | b'!' | b'?' | b')' | b';' | b':')
            ) && end > host.end + 1
            {
                path.pop();
                end -= 1;
            }
        }
        if allow.allows(&name) {
            i = end;
            continue;
        }
        let www = host.labels.first().is_some_and(|l| l == "www");
        // "message.it k", "you.my mom", "differ.be": two words glued by a missing space, where the
        // second is a country code that is also an English word. Only with a scheme, "www", a
        // path or more labels is it a link.
        let word_tld = matches!(
            host.tld(),
            "it" | "my"
                | "be"
                | "in"
                | "no"
                | "to"
                | "at"
                | "us"
                | "id"
                | "is"
                | "so"
                | "do"
                | "am"
        );
        if word_tld
            && !scheme
            && !www
            && path.is_empty()
            && host.labels.len() == 2
            && !host.obfuscated
        {
            i = end.max(i + 1);
            continue;
        }
        // "a meeting point at the station", "der Punkt in": a dot word that is an ordinary word,
        // then a country code that is an English word, is a sentence.
        if word_tld && host.word_dot && !scheme && path.is_empty() {
            i = end.max(i + 1);
            continue;
        }
        // "point me to the file", "mi punto de vista", "el punto es": with a dot word that is an
        // ordinary word, a short first label or a top-level domain that is also a word of the
        // sentence is a sentence, unless the domain is one of the common ones.
        if host.word_dot
            && !scheme
            && path.is_empty()
            && (host.labels.first().is_some_and(|l| l.len() <= 3)
                || matches!(
                    host.tld(),
                    "me" | "do" | "da" | "du" | "la" | "le" | "el" | "en" | "un"
                ))
            && !matches!(host.tld(), "com" | "net" | "org" | "io")
        {
            i = end.max(i + 1);
            continue;
        }
        let bare = name.trim_start_matches("www.");
        let deep = is_deep_link_host(bare)
            && (!path.is_empty() || matches!(bare, "wa.me" | "t.me" | "m.me"));
        let (rule, conf) = if deep {
            ("url.deep_link", 0.97)
        } else if !host.obfuscated && work_link(d, start, bare) {
            // The work itself ("the finished site is live at …", a staging or prototype link):
            // kept as evidence below the default threshold.
            ("url.work_link", 0.4)
        } else if scheme || www || !path.is_empty() {
            ("url.link", 0.95)
        } else if host.obfuscated {
            ("url.obfuscated", 0.9)
        } else {
            ("url.bare_domain", 0.85)
        };
        for u in used.iter_mut().take(end).skip(start) {
            *u = true;
        }
        let value = format!("{name}{path}");
        d.push(
            Category::ContactInfo,
            Kind::Url,
            start,
            end,
            value,
            conf,
            rule,
        );
        i = end.max(i + 1);
    }
    skype_uri(d, used);
}

/// `http://`, `https://` before token `i`: returns (span start, host start, has scheme).
/// A link to the work rather than to the person: a staging, demo or prototype host, a host of
/// hosted previews and shared files, or a clause about the work going live ("your new site is
/// deployed at", "la maquette est en ligne ici"), unless the clause points at the sender ("my
/// site", "my portfolio", "contact me").
fn work_link(d: &Doc<'_>, at: usize, host: &str) -> bool {
    let first = host.split('.').next().unwrap_or("");
    let work_host = matches!(
        first,
        "staging" | "stage" | "preprod" | "demo" | "dev" | "test" | "beta" | "preview" | "uat"
    ) || [
        ".netlify.app",
        ".vercel.app",
        ".herokuapp.com",
        ".github.io",
        ".pages.dev",
        ".web.app",
        ".firebaseapp.com",
        ".webflow.io",
        ".wixsite.com",
        ".myshopify.com",
        ".framer.website",
    ]
    .iter()
    .any(|s| host.ends_with(s))
        || matches!(
            host,
            "figma.com" | "www.figma.com" | "canva.com" | "loom.com"
        );
    let a = d.t.clause_start(at, 30);
    let b = d.t.clause_end(at, 30);
    // One pass over the clause: who the link belongs to, and whether it is about the work.
    let mut about_work = work_host;
    for k in a..b {
        let w = d.t.text(k);
        let next = d.t.text(k + 1);
        if w == "my"
            && matches!(
                next,
                "site"
                    | "website"
                    | "portfolio"
                    | "page"
                    | "blog"
                    | "shop"
                    | "store"
                    | "link"
                    | "number"
                    | "profile"
                    | "channel"
            )
            || matches!(
                w,
                "contact" | "reach" | "dm" | "hire" | "find" | "catch" | "call" | "text" | "join"
            ) && matches!(next, "me" | "us")
        {
            return false;
        }
        about_work = about_work
            // "the site is live", not "I'm live on Twitch".
            || w == "live" && k > a && matches!(d.t.text(k - 1), "is" | "are" | "went" | "now" | "goes")
            || matches!(
                w,
                "deployed"
                    | "launched"
                    | "staging"
                    | "prototype"
                    | "mockup"
                    | "preview"
                    | "finished"
                    | "deployment"
                    // Spanish, Portuguese, French, German.
                    | "prueba"
                    | "maqueta"
                    | "prototipo"
                    | "teste"
                    | "maquette"
                    | "testseite"
                    | "vorschau"
            )
            || matches!(w, "your" | "the")
                && matches!(next, "new" | "site" | "website" | "store" | "shop")
                && d.any_word(k + 1, (k + 4).min(b), |x| {
                    matches!(x, "site" | "website" | "store" | "shop")
                });
    }
    about_work
}

fn scheme_at(d: &Doc<'_>, i: usize) -> (usize, usize, bool) {
    let t = &d.t;
    if (t.is_word(i, "http")
        || t.is_word(i, "https")
        || t.is_word(i, "hxxp")
        || t.is_word(i, "hxxps"))
        && t.is_sym(i + 1, b':')
        && t.is_sym(i + 2, b'/')
        && t.is_sym(i + 3, b'/')
    {
        return (i, i + 4, true);
    }
    (i, i, false)
}

/// "thanks.Me too": a sentence glued to the next one is not a domain. Detected from the original
/// casing: a capital after the dot with a lower-case letter before it.
fn sentence_glue(d: &Doc<'_>, host_at: usize, labels: &[Cow<'_, str>], scheme: bool) -> bool {
    if scheme || labels.len() != 2 {
        return false;
    }
    let orig = d.original_text(host_at, host_at + 3);
    let mut parts = orig.splitn(2, '.');
    let before = parts.next().unwrap_or("");
    let after = parts.next().unwrap_or("");
    let last_before = before.chars().last();
    let first_after = after.chars().next();
    matches!((last_before, first_after), (Some(b), Some(a)) if b.is_lowercase() && a.is_uppercase())
}

/// `skype:live:jane.doe?chat` and `skype:jdoe`.
fn skype_uri(d: &mut Doc<'_>, used: &mut [bool]) {
    let n = d.t.len();
    for i in 0..n {
        if !d.t.is_word(i, "skype")
            || !d.t.is_sym(i + 1, b':')
            || d.t.toks.get(i + 2).is_none_or(|x| x.space_before)
        {
            continue;
        }
        if used.get(i).copied().unwrap_or(true) {
            continue;
        }
        let mut end = i + 2;
        let mut value = String::from("skype:");
        while let Some(tok) = d.t.toks.get(end) {
            if tok.space_before
                || value.len() > 80
                || matches!(tok.kind, TokKind::Sym(b',' | b'!' | b')' | b'?'))
            {
                break;
            }
            value.push_str(d.t.text(end));
            end += 1;
        }
        while value.ends_with('.') || value.ends_with('?') {
            value.pop();
            end -= 1;
        }
        for u in used.iter_mut().take(end).skip(i) {
            *u = true;
        }
        d.push(
            Category::ContactInfo,
            Kind::Handle,
            i,
            end,
            value,
            0.95,
            "handle.skype_uri",
        );
    }
}
