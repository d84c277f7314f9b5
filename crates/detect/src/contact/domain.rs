//! Reading host names out of tokens, plain ("gmail.com") or obfuscated ("gmail dot com",
//! "gmail [dot] com", "gmail(.)com"). Shared by the e-mail and URL detectors.

use std::borrow::Cow;

use crate::lexicon::{is_dot_word, is_foreign_dot_word};
use crate::tokens::{TokKind, Tokens};

/// A host read from tokens `start..end`.
#[derive(Debug, Clone)]
pub(crate) struct Host<'t> {
    pub end: usize,
    /// Borrowed from the tokens unless joined by `-` (`my-site`): most hosts read are
    /// candidates rejected right after, so copying every label showed in profiles.
    pub labels: Vec<Cow<'t, str>>,
    /// A "dot" word or a bracketed dot was used: the writer was hiding the host.
    pub obfuscated: bool,
    /// A dot word that is also an ordinary word ("punto", "point", "Punkt") was used.
    pub word_dot: bool,
}

impl Host<'_> {
    pub fn name(&self) -> String {
        self.labels.join(".")
    }

    pub fn tld(&self) -> &str {
        self.labels.last().map_or("", |l| l.as_ref())
    }
}

/// Matches a dot at token `i`: `.`, `dot`, `(dot)`, `[dot]`, `{dot}`, `(.)`, `[.]`, and the dot
/// words of the other languages ("punto", "ponto", "point", "Punkt"). Returns the index after it
/// and whether it was obfuscated. `loose` allows spaces and dot words.
fn dot_at(t: &Tokens, i: usize, loose: bool) -> Option<(usize, bool)> {
    let tok = t.toks.get(i)?;
    if t.is_sym(i, b'.') {
        if !loose && tok.space_before {
            return None;
        }
        let after = t.toks.get(i + 1)?;
        if !loose && after.space_before {
            return None;
        }
        if tok.space_before != after.space_before {
            return None;
        }
        return Some((i + 1, tok.space_before));
    }
    if matches!(tok.kind, TokKind::Sym(b'(' | b'[' | b'{' | b'<')) {
        let inner = i + 1;
        let close = inner + 1;
        let ok_inner = t.is_word(inner, "dot") || t.is_sym(inner, b'.');
        let ok_close = matches!(t.kind(close), Some(TokKind::Sym(b')' | b']' | b'}' | b'>')));
        if ok_inner && ok_close {
            return Some((close + 1, true));
        }
        return None;
    }
    if loose && tok.kind == TokKind::Word && is_dot_word(t.text(i)) && tok.space_before {
        return Some((i + 1, true));
    }
    None
}

/// A host label: one word, or words joined by `-` without spaces (`my-site`).
fn label_at(t: &Tokens, i: usize, first: bool, loose: bool) -> Option<(usize, Cow<'_, str>)> {
    let tok = t.toks.get(i)?;
    if tok.kind != TokKind::Word {
        return None;
    }
    if !first && !loose && tok.space_before {
        return None;
    }
    let mut s = Cow::Borrowed(t.text(i));
    let mut j = i + 1;
    while t.is_sym(j, b'-')
        && t.toks.get(j).is_some_and(|x| !x.space_before)
        && t.toks
            .get(j + 1)
            .is_some_and(|x| x.kind == TokKind::Word && !x.space_before)
    {
        let s = s.to_mut();
        s.push('-');
        s.push_str(t.text(j + 1));
        j += 2;
    }
    if s.len() > 63 {
        return None;
    }
    Some((j, s))
}

/// Reads a host starting at token `i`: label (dot label)+. `loose` accepts spaces around dots and
/// dot words. At most 8 labels.
pub(crate) fn read_host(t: &Tokens, i: usize, loose: bool) -> Option<Host<'_>> {
    let (mut end, first) = label_at(t, i, true, loose)?;
    let mut labels = vec![first];
    let mut obfuscated = false;
    let mut word_dot = false;
    while labels.len() < 8 {
        let Some((after_dot, obf)) = dot_at(t, end, loose) else {
            break;
        };
        let Some((after_label, label)) = label_at(t, after_dot, false, loose) else {
            break;
        };
        obfuscated |= obf;
        word_dot |= is_foreign_dot_word(t.text(end));
        labels.push(label);
        end = after_label;
    }
    Some(Host {
        end,
        labels,
        obfuscated,
        word_dot,
    })
}

/// Domains reserved for documentation and tests (RFC 2606 / RFC 6761): never anyone's contact.
pub(crate) fn is_reserved(host: &str) -> bool {
    matches!(
        host,
        "example.com" | "example.org" | "example.net" | "localhost"
    ) || [
        ".example.com",
        ".example.org",
        ".example.net",
        ".example",
        ".test",
        ".invalid",
        ".localhost",
    ]
    .iter()
    .any(|s| host.ends_with(s))
}

/// True when `host` is `allowed` or one of its subdomains.
pub(crate) fn is_allowed(host: &str, allowed: &str) -> bool {
    let allowed = allowed.trim().trim_start_matches('.').to_ascii_lowercase();
    !allowed.is_empty()
        && (host == allowed
            || (host.len() > allowed.len()
                && host.ends_with(&allowed)
                && host.as_bytes().get(host.len() - allowed.len() - 1) == Some(&b'.')))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::tokenize;

    fn host(s: &str, loose: bool) -> Option<(String, bool)> {
        let t = tokenize(s);
        read_host(&t, 0, loose).map(|h| (h.name(), h.obfuscated))
    }

    #[test]
    fn plain_and_obfuscated_hosts() {
        assert_eq!(host("gmail.com", false), Some(("gmail.com".into(), false)));
        assert_eq!(
            host("gmail dot com", true),
            Some(("gmail.com".into(), true))
        );
        assert_eq!(
            host("host [dot] org", true),
            Some(("host.org".into(), true))
        );
        assert_eq!(
            host("my-site(.)co.uk", false),
            Some(("my-site.co.uk".into(), true))
        );
        assert_eq!(host("gmail . com", false), Some(("gmail".into(), false)));
    }

    #[test]
    fn allow_list_matches_subdomains_only() {
        assert!(is_allowed("trustwork.example", "trustwork.example"));
        assert!(is_allowed("help.trustwork.example", "trustwork.example"));
        assert!(!is_allowed("eviltrustwork.example", "trustwork.example"));
    }
}
