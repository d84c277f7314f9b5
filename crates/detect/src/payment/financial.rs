//! Payment details that are violations on their own: IBANs (mod-97 checksum), card numbers (Luhn
//! and issuer prefix) and crypto wallet addresses (Bitcoin legacy and bech32, Ethereum, Tron).

use crate::doc::Doc;
use crate::tokens::TokKind;
use crate::types::{Category, Kind};

/// Expected IBAN length per country (ISO 13616 registry, the common ones).
fn iban_len(cc: &str) -> Option<usize> {
    Some(match cc {
        "no" => 15,
        "be" => 16,
        "dk" | "fi" | "fo" | "gl" | "nl" => 18,
        "mk" | "si" => 19,
        "at" | "ba" | "ee" | "kz" | "lt" | "lu" | "xk" => 20,
        "ch" | "cr" | "hr" | "li" | "lv" => 21,
        "bg" | "bh" | "de" | "ge" | "gb" | "ie" | "me" | "rs" | "va" => 22,
        "ae" | "gi" | "il" | "iq" | "tl" => 23,
        "ad" | "cz" | "es" | "md" | "pk" | "ro" | "sa" | "se" | "sk" | "tn" | "vg" => 24,
        "pt" | "st" => 25,
        "is" | "tr" => 26,
        "fr" | "gr" | "it" | "mc" | "mr" | "sm" => 27,
        "al" | "az" | "by" | "cy" | "do" | "gt" | "hu" | "lb" | "pl" | "sv" => 28,
        "br" | "eg" | "ps" | "qa" | "ua" => 29,
        "jo" | "kw" | "mu" => 30,
        "mt" | "sc" => 31,
        "lc" => 32,
        "ru" => 33,
        _ => return None,
    })
}

/// The IBAN mod-97 check over a lowercase alphanumeric string.
pub(crate) fn iban_valid(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(cc) = s.get(..2) else { return false };
    if iban_len(cc) != Some(b.len())
        || !b
            .get(2..4)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    {
        return false;
    }
    let mut rem: u32 = 0;
    for &c in b.iter().skip(4).chain(b.iter().take(4)) {
        let v = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'a'..=b'z' => u32::from(c - b'a') + 10,
            _ => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// The Luhn check over ASCII digits.
pub(crate) fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, c) in digits.bytes().rev().enumerate() {
        let mut v = u32::from(c.wrapping_sub(b'0'));
        if v > 9 {
            return false;
        }
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

/// True when a card number's prefix belongs to a major issuer (Visa, Mastercard, Amex, Discover,
/// JCB, Diners, UnionPay, Maestro), which keeps Luhn-valid order numbers out.
pub(crate) fn issuer_ok(d: &str) -> bool {
    let n = d.len();
    let p2: u32 = d.get(..2).and_then(|s| s.parse().ok()).unwrap_or(0);
    let p4: u32 = d.get(..4).and_then(|s| s.parse().ok()).unwrap_or(0);
    match d.as_bytes().first() {
        Some(b'4') => matches!(n, 13 | 16 | 19),
        Some(b'5') => {
            (51..=55).contains(&p2) && n == 16
                || matches!(p2, 50 | 56..=58) && (12..=19).contains(&n)
        }
        Some(b'2') if p4 == 2131 => n == 15,
        Some(b'2') => (2221..=2720).contains(&p4) && n == 16,
        Some(b'3') => {
            matches!(p2, 34 | 37) && n == 15
                || matches!(p2, 35) && n == 16
                || matches!(p2, 30 | 36 | 38) && n == 14
        }
        Some(b'6') => matches!(p2, 60 | 62 | 63 | 64 | 65 | 67) && (12..=19).contains(&n),
        Some(b'1') => p4 == 1800 && n == 15,
        _ => false,
    }
}

/// Finds IBANs, cards and crypto addresses.
pub(crate) fn detect(d: &mut Doc<'_>) {
    ibans(d);
    cards(d);
    crypto(d);
}

fn ibans(d: &mut Doc<'_>) {
    let n = d.t.len();
    let mut i = 0;
    while i < n {
        let t = &d.t;
        let w = t.text(i);
        let starts = t.kind(i) == Some(TokKind::Word)
            && w.len() >= 4
            && w.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
            && w.as_bytes().get(1).is_some_and(u8::is_ascii_alphabetic)
            && w.as_bytes().get(2).is_some_and(u8::is_ascii_digit)
            && w.as_bytes().get(3).is_some_and(u8::is_ascii_digit);
        if !starts {
            i += 1;
            continue;
        }
        // Join following alphanumeric groups separated by single spaces or dashes.
        let mut s = w.to_string();
        let mut j = i + 1;
        let mut best: Option<(usize, String)> = iban_valid(&s).then(|| (j, s.clone()));
        while s.len() < 34 {
            let k = if t.is_sym(j, b'-') { j + 1 } else { j };
            let Some(tok) = t.toks.get(k) else { break };
            if tok.kind != TokKind::Word || tok.nl_before || tok.end - tok.start > 8 {
                break;
            }
            s.push_str(t.text(k));
            j = k + 1;
            if iban_valid(&s) {
                best = Some((j, s.clone()));
            }
        }
        if let Some((end, value)) = best {
            d.push(
                Category::OffPlatformPayment,
                Kind::Iban,
                i,
                end,
                value.to_ascii_uppercase(),
                0.97,
                "payment.iban",
            );
            i = end;
        } else {
            i += 1;
        }
    }
}

fn cards(d: &mut Doc<'_>) {
    let n = d.t.len();
    // Cheap gate: a card needs at least 12 digits in the text.
    let digits: usize =
        d.t.toks
            .iter()
            .filter(|t| t.has_digit)
            .map(|t| (t.end - t.start) as usize)
            .sum();
    if digits < 12 {
        return;
    }
    let mut i = 0;
    while i < n {
        let t = &d.t;
        let Some(tok) = t.toks.get(i) else { break };
        if tok.kind != TokKind::Word || !tok.has_digit || tok.has_alpha {
            i += 1;
            continue;
        }
        let mut digits = t.text(i).to_string();
        let mut j = i + 1;
        let mut best = None;
        loop {
            let card_word = (i.saturating_sub(4)..i).any(|k| {
                matches!(
                    t.text(k),
                    "card" | "cc" | "credit" | "debit" | "visa" | "mastercard" | "amex" | "maestro"
                )
            });
            if (12..=19).contains(&digits.len())
                && luhn_valid(&digits)
                && (issuer_ok(&digits) || card_word)
            {
                best = Some((j, digits.clone()));
            }
            if digits.len() >= 19 {
                break;
            }
            let k = if t.is_sym(j, b'-') || t.is_sym(j, b'.') {
                j + 1
            } else {
                j
            };
            let Some(next) = t.toks.get(k) else { break };
            if next.kind != TokKind::Word
                || next.has_alpha
                || next.nl_before
                || (k == j && !next.space_before)
            {
                break;
            }
            digits.push_str(t.text(k));
            j = k + 1;
        }
        if let Some((end, value)) = best {
            d.push(
                Category::OffPlatformPayment,
                Kind::Card,
                i,
                end,
                value,
                0.9,
                "payment.card",
            );
            i = end;
        } else {
            i += 1;
        }
    }
}

const B58: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

fn crypto(d: &mut Doc<'_>) {
    let n = d.t.len();
    for i in 0..n {
        let t = &d.t;
        let Some(tok) = t.toks.get(i) else { break };
        if tok.kind != TokKind::Word || tok.merged {
            continue;
        }
        let w = t.text(i);
        if !(26..=62).contains(&w.len()) {
            continue;
        }
        // Original casing matters for base58.
        let orig = d.original_text(i, i + 1);
        let (ok, rule) = if w.len() == 42
            && w.starts_with("0x")
            && w.bytes().skip(2).all(|b| b.is_ascii_hexdigit())
        {
            (true, "payment.crypto.eth")
        } else if w.starts_with("bc1")
            && (42..=62).contains(&w.len())
            && w.bytes()
                .skip(3)
                .all(|b| b"qpzry9x8gf2tvdw0s3jn54khce6mua7l".contains(&b))
        {
            (true, "payment.crypto.bech32")
        } else if (26..=35).contains(&orig.len())
            && orig.bytes().all(|b| B58.contains(&b))
            && (orig.starts_with('1') || orig.starts_with('3') || orig.starts_with('T'))
            && orig.bytes().any(|b| b.is_ascii_uppercase())
            && orig.bytes().any(|b| b.is_ascii_lowercase())
            && orig.bytes().any(|b| b.is_ascii_digit())
        {
            (
                true,
                if orig.starts_with('T') {
                    "payment.crypto.tron"
                } else {
                    "payment.crypto.btc"
                },
            )
        } else {
            (false, "")
        };
        if ok {
            let value = if rule == "payment.crypto.eth" || rule == "payment.crypto.bech32" {
                w.to_string()
            } else {
                orig.to_string()
            };
            d.push(
                Category::OffPlatformPayment,
                Kind::CryptoAddress,
                i,
                i + 1,
                value,
                0.9,
                rule,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iban_checksum() {
        assert!(iban_valid("gb82west12345698765432"));
        assert!(iban_valid("de89370400440532013000"));
        assert!(!iban_valid("gb82west12345698765433"));
        assert!(!iban_valid("gb82"));
    }

    #[test]
    fn luhn_and_issuer() {
        assert!(luhn_valid("4111111111111111") && issuer_ok("4111111111111111"));
        assert!(luhn_valid("378282246310005") && issuer_ok("378282246310005"));
        assert!(!luhn_valid("4111111111111112"));
        assert!(!issuer_ok("1234567812345670"));
    }
}
