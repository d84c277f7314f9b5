//! Phone numbers in national and international formats, including spelled-out digits ("four one
//! five ..."), "double"/"triple", digits split by spaces, dots, commas, dashes, slashes, brackets or
//! filler words, and leetspeak digits (`O` for 0, `l` for 1) inside a run that is already numeric.
//!
//! A run of 7-15 digits is a phone number unless its shape or context says it is something else:
//! a date, a year range, an IP address or version, a price or amount (currency before, unit after,
//! thousands separators), an order/invoice/ticket number, or counting ("1 2 3 4 5 6 7").

use super::spoken;
use crate::doc::Doc;
use crate::lang::{EN, FR, Lang, Votes};
use crate::lexicon::{Lex, german_pair, number_word};
use crate::payment::financial::{issuer_ok, luhn_valid};
use crate::prefilter::is_number_word;
use crate::tokens::TokKind;
use crate::types::{Category, Kind};

/// One numeric run read from tokens.
#[derive(Debug, Default)]
pub(crate) struct Run {
    pub start: usize,
    pub end: usize,
    pub digits: String,
    /// Digit count of each group and the separator before it (0 = none/space).
    pub groups: Vec<(usize, u8)>,
    pub plus: bool,
    pub spelled: bool,
    pub leet: bool,
    /// Separator symbols of different kinds were mixed ("(415) 555-0100" or evasion).
    pub seps: Vec<u8>,
    /// The languages of the number words read (one vote per word and language).
    pub langs: Votes,
}

/// One item of a run: its digits, the token after it, whether it was words or leetspeak, and the
/// languages of its words (`lang` bits, 0 for digits).
struct Item {
    digits: String,
    next: usize,
    spelled: bool,
    leet: bool,
    langs: u8,
}

impl Item {
    fn digits(digits: String, next: usize) -> Item {
        Item {
            digits,
            next,
            spelled: false,
            leet: false,
            langs: 0,
        }
    }

    fn words(digits: String, next: usize, langs: u8) -> Item {
        Item {
            digits,
            next,
            spelled: true,
            leet: false,
            langs,
        }
    }
}

/// Digits of a word made of digits and digit look-alikes (`o`→0, `l`/`i`→1), needing a real digit.
fn leet_digits(w: &str) -> Option<String> {
    if !w.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    w.bytes()
        .map(|b| match b {
            b'0'..=b'9' => Some(char::from(b)),
            b'o' => Some('0'),
            b'l' | b'i' => Some('1'),
            _ => None,
        })
        .collect()
}

/// Digits of a word that glues digits and digit words together ("5five5", "12three",
/// "fouronefive"): every part must be a digit or one of zero…nine, with a digit and a word or at
/// least two words, so plain words never qualify.
pub(crate) fn glued_digits(w: &str) -> Option<String> {
    const WORDS: [(&str, char); 10] = [
        ("zero", '0'),
        ("one", '1'),
        ("two", '2'),
        ("three", '3'),
        ("four", '4'),
        ("five", '5'),
        ("six", '6'),
        ("seven", '7'),
        ("eight", '8'),
        ("nine", '9'),
    ];
    // Most words fail on their first letter, before anything is allocated.
    if !w.bytes().next().is_some_and(|b| {
        b.is_ascii_digit() || matches!(b, b'z' | b'o' | b't' | b'f' | b's' | b'e' | b'n')
    }) {
        return None;
    }
    let (mut out, mut rest) = (String::new(), w);
    let (mut digits, mut words) = (0, 0);
    while let Some(c) = rest.chars().next() {
        if c.is_ascii_digit() {
            out.push(c);
            digits += 1;
            rest = &rest[1..];
            continue;
        }
        let (word, digit) = WORDS.iter().find(|(word, _)| rest.starts_with(word))?;
        out.push(*digit);
        words += 1;
        rest = &rest[word.len()..];
    }
    (words >= 2 || digits > 0 && words > 0).then_some(out)
}

/// Reads the digit item at token `i`.
fn item(d: &Doc<'_>, i: usize, in_run: bool) -> Option<Item> {
    let t = &d.t;
    let tok = t.toks.get(i)?;
    if tok.kind != TokKind::Word {
        return None;
    }
    let w = t.text(i);
    if tok.has_digit && !tok.has_alpha {
        return Some(Item::digits(w.to_string(), i + 1));
    }
    if let Some(mult) = match w {
        "double" => Some(2),
        "triple" => Some(3),
        _ => None,
    } {
        // Not recursive: "double double ..." must not nest.
        let nw = t.text(i + 1);
        let (next, langs) = if nw.len() == 1 && nw.bytes().all(|b| b.is_ascii_digit()) {
            (Some(nw), EN | FR)
        } else {
            (
                number_word(nw),
                crate::lexicon::number_langs(nw) & (EN | FR),
            )
        };
        let next = next.filter(|v| v.len() == 1)?;
        // "double six" is English or French; with a digit or another language's word, English.
        let langs = if langs == 0 { EN } else { langs };
        return Some(Item::words(next.repeat(mult), i + 2, langs));
    }
    if in_run && (w == "hundred") {
        return Some(Item::words("00".into(), i + 1, EN));
    }
    if in_run && (w == "thousand") {
        return Some(Item::words("000".into(), i + 1, EN));
    }
    // Digit words and the pairs numbers are read in ("twenty one", "trente-quatre",
    // "quatre-vingt-dix-neuf", "zweiundvierzig"); "o", "oh" and the other words that are also
    // English words only inside a run (none of them is anything below either).
    if (is_number_word(w) || w.len() >= 13 && german_pair(w.as_bytes()).is_some())
        && let Some(s) = spoken::read(d, i, in_run)
    {
        return Some(Item::words(s.digits(), s.next, s.langs));
    }
    // An extension: "3560x4587" gives 3560 (the extension is not part of the number).
    if in_run
        && let Some((main, ext)) = w.split_once('x')
        && !main.is_empty()
        && main.bytes().all(|b| b.is_ascii_digit())
        && !ext.is_empty()
        && ext.bytes().all(|b| b.is_ascii_digit())
    {
        return Some(Item::digits(main.to_string(), i + 1));
    }
    if tok.has_alpha
        && (tok.has_digit || w.len() >= 6)
        && let Some(ds) = glued_digits(w)
    {
        return Some(Item::words(ds, i + 1, EN));
    }
    if tok.has_digit
        && (in_run || w.len() >= 3)
        && let Some(ds) = leet_digits(w)
    {
        return Some(Item {
            leet: true,
            ..Item::digits(ds, i + 1)
        });
    }
    None
}

/// Separators between items: up to two symbols among `- . / ( ) [ ] ,` plus spaces, or one filler
/// word. Returns the index of the next item and the separator symbol (0 for space or word).
fn separator(d: &Doc<'_>, i: usize, digits_so_far: usize) -> Option<(usize, u8)> {
    let t = &d.t;
    let mut j = i;
    let mut sym = 0u8;
    let mut count = 0;
    // Two symbols between groups, or (once the digits look like a phone being typed out) a run
    // of them: "(555)...123...4567", "555 --- 123 --- 4567".
    let most = if digits_so_far >= 3 { 8 } else { 2 };
    while let Some(TokKind::Sym(b)) = t.kind(j) {
        if !matches!(
            b,
            b'-' | b'.' | b'/' | b'(' | b')' | b'[' | b']' | b',' | b'_' | b'*' | b'~' | b'|'
        ) || count >= most
        {
            return None;
        }
        // ". " ends a sentence unless the digits already look like a phone being typed out.
        if b == b'.' && t.toks.get(j + 1).is_some_and(|x| x.space_before) && digits_so_far < 3 {
            return None;
        }
        sym = b;
        count += 1;
        j += 1;
    }
    // A filler word ("and", "then", "dash") only inside spelled-out or digit-by-digit numbers:
    // "25, 50 and 100" is a list.
    let prev = t.text(i.wrapping_sub(1));
    let prev_single = prev.len() == 1 || number_word(prev).is_some();
    // "2.3.1 then 2.4.0": a version's last part is no digit read out.
    let version =
        i >= 2 && t.is_sym(i - 2, b'.') && t.toks.get(i - 1).is_some_and(|x| !x.space_before);
    if count == 0
        && digits_so_far >= 3
        && prev_single
        && !version
        && matches!(
            t.text(j),
            "and" | "then" | "dash" | "hyphen" | "space" | "dot"
        )
        && t.toks.get(j).is_some_and(|x| x.kind == TokKind::Word)
    {
        j += 1;
    } else if digits_so_far >= 3
        && (count == 0 || count == 1 && sym == b',')
        && t.is_word(j, "then")
        && !version
        && (number_word(prev).is_some() || phone_word_before(d, i))
    {
        // "call 917 then 555 then 0134", "five five nine, then double five five": a number
        // dictated in pieces ("then" does not join the items of a list the way "and" does), in
        // words or after a phone word ("3200 then 4100 then 7300" are counts).
        j += 1;
    }
    // Bars join pieces only after a phone word ("number = 2 1 3 | 5 5 5 | …"), not table cells.
    if sym == b'|' && !phone_word_before(d, i) {
        return None;
    }
    // A line break ends the number: "Portugal 30971\n21 253 109 8211" is a postcode, then a phone.
    // Unless the number is written one piece per line ("my digits:\n7 0 8\n5 5 5\n0 1 5 9"): the
    // line before holds nothing but the number's pieces, and the text speaks of calling.
    if (i..=j).any(|k| t.toks.get(k).is_some_and(|x| x.nl_before)) && !digit_lines(d, i) {
        return None;
    }
    Some((j, sym))
}

/// True when the line that ends before token `i` holds only a few plain digit groups (no prices,
/// dates or versions), and a phone word ("number", "call", "Handynummer") is said within the 16
/// tokens before that line, or the pieces are digits typed one by one ("7 1 8").
fn digit_lines(d: &Doc<'_>, i: usize) -> bool {
    let t = &d.t;
    let mut k = i;
    let mut singles = true;
    // A line of phone pieces is short: looking back at most 8 tokens keeps this linear.
    for _ in 0..8 {
        let Some(tok) = k.checked_sub(1).and_then(|p| t.toks.get(p)) else {
            return false;
        };
        let word = t.text(k - 1);
        let piece = match tok.kind {
            // Five digits only right after a phone word ("call me: 07911").
            TokKind::Word => {
                tok.has_digit
                    && !tok.has_alpha
                    && (word.len() <= 4 || word.len() == 5 && phone_word_leads(d, k - 1))
            }
            TokKind::Sym(b) => matches!(b, b'-' | b'(' | b')' | b'+'),
            TokKind::Other => false,
        };
        if !piece {
            // "call me: 07911\n123456": the line's pieces come right after a phone word.
            // One piece alone there must be a long one ("phone: 0800\n0900" are two times).
            let five = t.text(k).len() == 5;
            return k < i && (i - k >= 2 || five) && phone_word_leads(d, k);
        }
        singles &= tok.kind != TokKind::Word || word.len() == 1;
        k -= 1;
        if tok.nl_before {
            return singles || phone_word_before(d, k);
        }
    }
    false
}

/// True when a phone word ends right before token `i`, with at most "me", "on", "is", "at" or
/// a colon between ("call me:", "ring me on", "my number is"): not a phone word somewhere in the
/// sentence ("Call me tomorrow, the total is 4500" is followed by prices, not a number's end).
fn phone_word_leads(d: &Doc<'_>, i: usize) -> bool {
    let t = &d.t;
    let mut j = i;
    for _ in 0..3 {
        let Some(p) = j.checked_sub(1) else {
            return false;
        };
        let w = t.text(p);
        if is_phone_word(w) || w == "me" && p >= 1 && t.is_word(p - 1, "ring") {
            return true;
        }
        if !(matches!(w, "me" | "on" | "is" | "at") || t.is_sym(p, b':')) {
            return false;
        }
        j = p;
    }
    false
}

/// True when a phone word ([`is_phone_word`]) is among the 16 tokens before token `i`.
fn phone_word_before(d: &Doc<'_>, i: usize) -> bool {
    d.any_word(i.saturating_sub(16), i, is_phone_word)
}

/// The words that say a number is a phone's, for [`digit_lines`] (narrower than
/// [`is_phone_context`], whose "home" and "office" also name floor plans and pages).
fn is_phone_word(w: &str) -> bool {
    matches!(
        w,
        "number"
            | "phone"
            | "call"
            | "text"
            | "digits"
            | "cell"
            | "mobile"
            | "whatsapp"
            | "numero"
            | "nummer"
            | "handynummer"
            | "telefonnummer"
            | "telefono"
            | "telefone"
            | "celular"
            | "ligar"
            | "llamar"
            | "llamame"
            | "appelle"
            | "anrufen"
            | "handy"
    )
}

/// Reads the numeric run starting at token `i`.
pub(crate) fn read_run(d: &Doc<'_>, i: usize) -> Option<Run> {
    let t = &d.t;
    let mut run = Run {
        start: i,
        ..Run::default()
    };
    let mut j = i;
    if t.is_sym(j, b'+') && t.toks.get(j + 1).is_some_and(|x| !x.space_before) {
        run.plus = true;
        j += 1;
    } else if t.is_word(j, "plus") {
        run.plus = true;
        run.spelled = true;
        j += 1;
    }
    let first = item(d, j, false)?;
    run.digits.push_str(&first.digits);
    run.groups.push((first.digits.len(), 0));
    run.spelled |= first.spelled;
    run.leet |= first.leet;
    run.langs.add(first.langs);
    let mut next = first.next;
    run.end = next;
    while run.digits.len() <= 20 {
        let Some((k, sym)) = separator(d, next, run.digits.len()) else {
            break;
        };
        let Some(it) = item(d, k, true) else {
            break;
        };
        // A spelled item after plain digits (or the reverse) is fine; a bare "o" needs digits around.
        run.digits.push_str(&it.digits);
        run.groups.push((it.digits.len(), sym));
        if sym != 0 && !run.seps.contains(&sym) {
            run.seps.push(sym);
        }
        run.spelled |= it.spelled;
        run.leet |= it.leet;
        run.langs.add(it.langs);
        next = it.next;
        run.end = next;
    }
    // "+41 (0)71 ...": the national trunk zero in brackets is not dialled from abroad.
    if run.plus
        && let (Some(&(cc, _)), Some(&(1, b'('))) = (run.groups.first(), run.groups.get(1))
        && run.digits.as_bytes().get(cc) == Some(&b'0')
    {
        run.digits.remove(cc);
    }
    if run.plus && run.digits.starts_with("00") {
        run.digits.drain(..2);
    } else if run.digits.starts_with("00") && run.groups.first().is_some_and(|g| g.0 <= 4) {
        run.plus = true;
        run.digits.drain(..2);
    }
    Some(run)
}

fn group_values(d: &Doc<'_>, run: &Run) -> Vec<u32> {
    let mut out = Vec::with_capacity(run.groups.len());
    let mut pos = 0;
    for &(len, _) in &run.groups {
        let v = run
            .digits
            .get(pos..pos + len)
            .and_then(|s| s.parse().ok())
            .unwrap_or(u32::MAX);
        out.push(v);
        pos += len;
    }
    let _ = d;
    out
}

/// A day in digits, a month named by a word that is also a number word, and a year in digits:
/// "15 dez 2024" (Portuguese "dez" is ten and, as in German, December; French "sept" is seven
/// and, as in English, September), read as 15, 10, 2024 otherwise.
fn month_word_date(d: &Doc<'_>, run: &Run) -> bool {
    let t = &d.t;
    let digits = |k: usize| {
        let w = t.text(k);
        (t.kind(k) == Some(TokKind::Word) && !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()))
            .then(|| (w.len(), w.parse::<u32>().unwrap_or(u32::MAX)))
    };
    let dot = |k: usize| t.is_sym(k, b'.') || t.is_sym(k, b',');
    (run.start..run.end).any(|k| {
        if !matches!(t.text(k), "dez" | "sept") {
            return false;
        }
        let Some(before) = k.checked_sub(1 + usize::from(k > 0 && dot(k - 1))) else {
            return false;
        };
        let after = k + 1 + usize::from(dot(k + 1));
        let day = digits(before).is_some_and(|(len, v)| len <= 2 && (1..=31).contains(&v));
        let year = digits(after)
            .is_some_and(|(len, v)| len == 2 || len == 4 && (1900..=2099).contains(&v));
        day && year
    })
}

/// True when the run's shape is a date, year range, IP/version, amount or counting.
fn bad_shape(d: &Doc<'_>, run: &Run) -> bool {
    let g = &run.groups;
    let sizes: Vec<usize> = g.iter().map(|x| x.0).collect();
    let seps: Vec<u8> = g.iter().skip(1).map(|x| x.1).collect();
    let same_sep = seps.windows(2).all(|w| w.first() == w.get(1));
    let sep = seps.first().copied().unwrap_or(0);
    let vals = group_values(d, run);
    let is_year = |v: u32| (1900..=2099).contains(&v);
    // Dates: d/m/yyyy, yyyy-mm-dd, dd.mm.yy, also when a time follows ("2000-04-16 11:34").
    let seps3: Vec<u8> = g.iter().skip(1).take(2).map(|x| x.1).collect();
    // A date has three parts: four or more joined by the same symbol are a phone number written
    // the French way ("06.12.34.56.78"), not a date.
    let phone_like = g.len() >= 4 && same_sep;
    if g.len() >= 3
        && !phone_like
        && seps3.first() == seps3.get(1)
        && matches!(sep, b'/' | b'-' | b'.')
    {
        let (a, b, c) = (
            vals.first().copied().unwrap_or(0),
            vals.get(1).copied().unwrap_or(0),
            vals.get(2).copied().unwrap_or(0),
        );
        let dmy = sizes.first().is_some_and(|&s| s <= 2)
            && sizes.get(1).is_some_and(|&s| s <= 2)
            && a <= 31
            && b <= 31;
        let ymd = sizes.first() == Some(&4) && is_year(a) && b <= 12 && c <= 31;
        if dmy || ymd {
            return true;
        }
    }
    // US social security numbers: 123-45-6789.
    if sizes == [3, 2, 4] && same_sep && sep == b'-' {
        return true;
    }
    // Years: "2019 2020 2021", "2019-2024".
    if g.len() >= 2 && sizes.iter().all(|&s| s == 4) && vals.iter().all(|&v| is_year(v)) {
        return true;
    }
    // IP addresses (and four-part versions).
    if sep == b'.' && same_sep && g.len() == 4 && sizes.iter().all(|&s| s <= 3) {
        return true;
    }
    // Thousands separators and decimals: 1,234,567 / 12.500.000 / 1,234.56 / 1234.50.
    if g.len() >= 2
        && sizes.first().is_some_and(|&s| s <= 3)
        && sizes.iter().skip(1).all(|&s| s == 3)
        && matches!(sep, b',' | b'.')
        && same_sep
    {
        return true;
    }
    if g.len() == 2 && sep == b'.' && sizes.get(1).is_some_and(|&s| s <= 2) {
        return true;
    }
    // Lists: "1405, 1680, 1843" (same-size groups after commas).
    if g.len() >= 3
        && sep == b','
        && same_sep
        && sizes.windows(2).all(|w| w.first() == w.get(1))
        && !run.spelled
    {
        return true;
    }
    // Lists: "16, 32, 64, 128".
    if g.len() >= 4 && sep == b',' && !run.spelled {
        return true;
    }
    // Counting: 1 2 3 4 5 6 7.
    if g.len() >= 4
        && vals
            .windows(2)
            .all(|w| w.get(1).copied() == w.first().and_then(|v| v.checked_add(1)))
    {
        return true;
    }
    // Ranges and lists of small numbers separated by commas: "10, 20, 30, 40".
    if g.len() >= 3 && sep == b',' && sizes.iter().all(|&s| s <= 2) && !run.spelled {
        return true;
    }
    false
}

/// Words just before a number that make it something other than a phone number.
fn is_id_or_amount_word(w: &str) -> bool {
    matches!(
        w,
        "usd"
            | "eur"
            | "gbp"
            | "inr"
            | "rs"
            | "pkr"
            | "ngn"
            | "aud"
            | "cad"
            | "price"
            | "cost"
            | "budget"
            | "salary"
            | "rate"
            | "total"
            | "amount"
            | "order"
            | "orders"
            | "invoice"
            | "inv"
            | "ref"
            | "reference"
            | "ticket"
            | "tracking"
            | "case"
            | "po"
            | "sku"
            | "isbn"
            | "id"
            | "version"
            | "v"
            | "ver"
            | "build"
            | "zip"
            | "postcode"
            | "postal"
            | "acct"
            | "transaction"
            | "txn"
            | "receipt"
            | "serial"
            | "model"
            | "part"
            | "item"
            | "pin"
            | "otp"
            | "code"
            | "account"
            | "iban"
            | "swift"
            | "routing"
            | "sort"
            | "license"
            | "licence"
            | "vat"
            | "tax"
            | "ein"
            | "ssn"
            | "batch"
            | "lot"
            | "issue"
            | "pr"
            | "commit"
            | "release"
            | "page"
            | "pages"
            | "contract"
            | "job"
            | "project"
            | "milestone"
            | "room"
            | "flight"
            | "booking"
            | "confirmation"
            | "policy"
            | "claim"
            | "member"
            | "customer"
            | "user"
            | "uid"
            | "hash"
            | "block"
            | "coordinates"
            | "lat"
            | "lng"
            | "latitude"
            | "longitude"
            | "gps"
            | "social"
            | "card"
            | "cc"
            | "approx"
            | "about"
            | "paid"
            | "earned"
            | "spent"
            | "raised"
            | "revenue"
            | "views"
            | "followers"
            | "downloads"
            | "installs"
            | "cny"
            | "jpy"
            | "chf"
            | "sek"
            // Orders, invoices, ids and amounts in Spanish, Portuguese, French and German ("el
            // número de pedido 4587123", "meu CPF é 123.456.789-09").
            | "pedido"
            | "orden"
            | "factura"
            | "fatura"
            | "nota"
            | "referencia"
            | "commande"
            | "facture"
            | "bestellung"
            | "bestellnummer"
            | "rechnung"
            | "rechnungsnummer"
            | "auftrag"
            | "auftragsnummer"
            | "kundennummer"
            | "precio"
            | "preco"
            | "prix"
            | "preis"
            | "importe"
            | "valor"
            | "montant"
            | "betrag"
            | "presupuesto"
            | "orcamento"
            | "cuenta"
            | "conta"
            | "compte"
            | "konto"
            | "cpf"
            | "cnpj"
            | "dni"
            | "nif"
            | "nie"
            | "cif"
            | "siret"
            | "siren"
            | "cep"
            | "seguimiento"
            | "rastreio"
            | "suivi"
            | "sendungsnummer"
    )
}

/// Words just after a number that make it a quantity.
fn is_unit_word(w: &str) -> bool {
    matches!(
        w,
        "usd"
            | "dollars"
            | "dollar"
            | "eur"
            | "euros"
            | "euro"
            | "gbp"
            | "pounds"
            | "inr"
            | "rupees"
            | "k"
            | "m"
            | "mm"
            | "bn"
            | "words"
            | "pages"
            | "hours"
            | "hrs"
            | "hr"
            | "h"
            | "minutes"
            | "mins"
            | "min"
            | "seconds"
            | "secs"
            | "s"
            | "ms"
            | "days"
            | "weeks"
            | "months"
            | "years"
            | "items"
            | "units"
            | "pcs"
            | "pieces"
            | "followers"
            | "views"
            | "likes"
            | "subscribers"
            | "subs"
            | "times"
            | "people"
            | "users"
            | "rows"
            | "records"
            | "lines"
            | "downloads"
            | "installs"
            | "visits"
            | "visitors"
            | "sales"
            | "am"
            | "pm"
            | "x"
            | "px"
            | "mb"
            | "gb"
            | "kb"
            | "tb"
            | "sq"
            | "ft"
            | "km"
            | "miles"
            | "kg"
            | "lbs"
            | "characters"
            | "chars"
            | "tokens"
            | "requests"
            | "emails"
            | "leads"
            | "products"
            | "orders"
            | "entries"
            | "contacts"
            | "members"
            | "customers"
            | "clients"
            | "impressions"
            | "clicks"
            | "steps"
            | "calories"
            | "points"
            | "pts"
            | "stars"
            | "reviews"
            | "sqft"
            | "cm"
            | "inches"
            | "in"
            | "dpi"
            | "fps"
            | "hz"
            | "mhz"
            | "ghz"
            | "rpm"
            | "mah"
            | "w"
            | "kw"
            | "v"
            | "ppm"
            | "bps"
            | "kbps"
            | "mbps"
            | "percent"
            | "usdt"
            | "btc"
            | "eth"
            | "naira"
            | "pesos"
            | "street"
            | "st"
            | "avenue"
            | "ave"
            | "road"
            | "rd"
            | "drive"
            | "dr"
            | "lane"
            | "ln"
            | "blvd"
            | "boulevard"
            | "way"
            | "place"
            | "square"
            | "close"
            | "rue"
            | "suite"
            | "apt"
            | "amounts"
            | "yen"
            | "yuan"
            | "aed"
            | "sar"
            | "cad"
            | "aud"
            | "fr"
            | "chf"
            | "reais"
            | "real"
            | "soles"
            | "dolares"
            | "horas"
            | "dias"
            | "jours"
            | "heures"
            | "stunden"
            | "tage"
            | "palabras"
            | "palavras"
            | "mots"
            | "worter"
            | "paginas"
            | "seiten"
    )
}

/// Words in the clause that make a number more likely a phone.
fn is_phone_context(w: &str) -> bool {
    matches!(
        w,
        "call"
            | "text"
            | "phone"
            | "number"
            | "num"
            | "mobile"
            | "cell"
            | "cellphone"
            | "tel"
            | "telephone"
            | "ph"
            | "sms"
            | "dial"
            | "ring"
            | "reach"
            | "contact"
            | "msg"
            | "message"
            | "fone"
            | "office"
            | "fax"
            | "desk"
            | "home"
            | "numero"
            | "whatsapp"
            | "wa"
            | "viber"
            | "telegram"
            | "signal"
            | "hotline"
            | "landline"
            | "digits"
            | "txt"
            | "mob"
            | "cel"
            | "contacts"
            | "ping"
            // Spanish, Portuguese, French and German.
            | "telefono"
            | "telefone"
            | "telefon"
            | "celular"
            | "movil"
            | "portable"
            | "handy"
            | "handynummer"
            | "telefonnummer"
            | "mobilnummer"
            | "nummer"
            | "llamame"
            | "llama"
            | "llamar"
            | "liga"
            | "ligar"
            | "ligue"
            | "appelle"
            | "appelez"
            | "appeler"
            | "anrufen"
            | "ruf"
            | "zap"
            | "whats"
            | "wpp"
    )
}

/// Finds phone numbers not already covered by `used` tokens.
pub(crate) fn detect(d: &mut Doc<'_>, used: &mut [bool]) {
    let n = d.t.len();
    let mut i = 0;
    while i < n {
        if used.get(i).copied().unwrap_or(true) {
            i += 1;
            continue;
        }
        // Cheap gate: a run starts with a digit, '+', or a word `item` can read without one (a
        // number word, "plus", "double", "triple", digit words glued together, a German pair).
        let can_start = d.t.toks.get(i).is_some_and(|t| match t.kind {
            TokKind::Word => {
                let w = d.t.text(i);
                t.has_digit
                    || if t.merged {
                        // A number spelled letter by letter ("s-e-v-e-n", "o n e").
                        crate::lexicon::number_word(w).is_some()
                    } else {
                        is_number_word(w) || matches!(w, "plus" | "double" | "triple")
                    }
                    // Two digit words glued take six letters ("onesix"): `item` asks no shorter.
                    || w.len() >= 6 && glued_digits(w).is_some()
                    || german_pair(w.as_bytes()).is_some()
            }
            TokKind::Sym(b'+') => true,
            _ => false,
        });
        if !can_start {
            i += 1;
            continue;
        }
        let Some(run) = read_run(d, i) else {
            i += 1;
            continue;
        };
        let next = run.end.max(i + 1);
        if let Some((value, conf, rule, lang)) = judge(d, &run) {
            for u in used.iter_mut().take(run.end).skip(run.start) {
                *u = true;
            }
            let (a, b) = (run.start, run.end);
            match lang {
                Some(l) => d.push_in(
                    l,
                    Category::ContactInfo,
                    Kind::Phone,
                    a,
                    b,
                    value,
                    conf,
                    rule,
                ),
                None => d.push(Category::ContactInfo, Kind::Phone, a, b, value, conf, rule),
            }
        }
        i = next;
    }
}

/// Decides whether a run is a phone number; returns (value, confidence, rule, language). A number
/// read out in words names the language of its words (the clause's markers break ties: "zero six"
/// is English or French); digits name none.
fn judge(d: &Doc<'_>, run: &Run) -> Option<(String, f32, &'static str, Option<Lang>)> {
    let n = run.digits.len();
    if !(7..=15).contains(&n) || run.digits.bytes().all(|b| b == b'0') {
        return None;
    }
    let t = &d.t;
    // Glued to letters or to a currency/hash sign: part of a code, price or id.
    let before = run.start.checked_sub(1);
    if let Some(b) = before {
        let glued = t.toks.get(run.start).is_some_and(|x| !x.space_before);
        match t.kind(b) {
            Some(TokKind::Sym(b'$' | b'#' | b'%' | b'=' | b'/' | b':' | b'.' | b'-' | b'_'))
                if glued && !run.plus =>
            {
                return None;
            }
            Some(TokKind::Word) if glued => return None,
            Some(TokKind::Other) => {
                if matches!(
                    t.text(b),
                    "€" | "£" | "¥" | "₹" | "₦" | "₱" | "₽" | "₺" | "₩"
                ) {
                    return None;
                }
            }
            _ => {}
        }
    }
    // Glued to letters after: a code like "12345678abc".
    if t.toks
        .get(run.end)
        .is_some_and(|x| !x.space_before && x.kind == TokKind::Word)
    {
        return None;
    }
    // A payment card number is reported by the payment detector, not as a phone.
    if n >= 13 && !run.plus && luhn_valid(&run.digits) && issuer_ok(&run.digits) {
        return None;
    }
    // Counting out loud, digit by digit: "one, two, three, … eight", "dix, neuf, huit, …".
    let ds = run.digits.as_bytes();
    if run.spelled
        && ds.len() >= 5
        && (ds
            .windows(2)
            .all(|w| w.get(1) == w.first().map(|a| a + 1).as_ref())
            || ds
                .windows(2)
                .all(|w| w.first() == w.get(1).map(|b| b + 1).as_ref()))
    {
        return None;
    }
    if run.spelled && month_word_date(d, run) {
        return None;
    }
    let evasive = run.spelled || run.leet;
    if !evasive {
        if bad_shape(d, run) {
            return None;
        }
        let lo = run.start.saturating_sub(3);
        let clause = t.clause_start(run.start, 3).max(lo);
        if d.any_word(clause, run.start, is_id_or_amount_word)
            || (clause..run.start).any(|k| t.is_sym(k, b'#') || t.is_sym(k, b'$'))
        {
            return None;
        }
        if d.any_word(run.end, run.end + 1, is_unit_word) || t.is_sym(run.end, b'%') {
            return None;
        }
    }
    // Context may sit on the line before ("Phone:\n467 3395").
    let c0 = t
        .clause_start(run.start, 12)
        .min(run.start.saturating_sub(4));
    let c1 = t.clause_end(run.end.saturating_sub(1), 6);
    let context = d.any_word(c0, c1, is_phone_context)
        || d.names
            .iter()
            .any(|h| h.start >= c0 && h.start < c1 && matches!(h.lex, Lex::App(..)));
    let separated = run.groups.len() >= 2;
    let mut conf: f32 = match n {
        10..=15 if separated || run.plus => 0.85,
        10..=13 => 0.6,
        _ if run.groups.len() >= 3 => 0.5,
        _ if separated => 0.45,
        _ => 0.4,
    };
    if run.plus {
        conf += 0.1;
    }
    if context {
        conf += 0.2;
    }
    if evasive {
        conf += 0.25;
    }
    let value = format_value(run);
    let lang = if run.spelled {
        run.langs.best(&Votes::of(d, c0, c1))
    } else {
        None
    };
    let rule = if run.spelled {
        "phone.spelled"
    } else if run.leet {
        "phone.leet"
    } else if run.plus {
        "phone.international"
    } else {
        "phone.national"
    };
    Some((value, conf.min(0.99), rule, lang))
}

/// "+14155550100" for NANP numbers and numbers written with a country code; digits otherwise.
fn format_value(run: &Run) -> String {
    let ds = &run.digits;
    let b = ds.as_bytes();
    let nanp = |s: &[u8]| {
        s.len() == 10
            && s.first().is_some_and(|&c| c >= b'2')
            && s.get(3).is_some_and(|&c| c >= b'2')
    };
    if run.plus {
        format!("+{ds}")
    } else if nanp(b) {
        format!("+1{ds}")
    } else if b.len() == 11 && b.first() == Some(&b'1') && nanp(b.get(1..).unwrap_or(&[])) {
        format!("+{ds}")
    } else {
        ds.clone()
    }
}
