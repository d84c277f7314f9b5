//! Names the detectors look for: messaging apps, mail providers, payment brands, top-level domains
//! and number words, with evasion-tolerant matching of app and brand names.
//!
//! App and brand names are matched on a *key*: the name with leetspeak undone (`0`→o, `1`→i,
//! `3`→e, `4`→a, `5`→s, `7`→t, `@`→a, `$`→s) and repeated letters collapsed, across up to three
//! adjacent pieces ("whats app", "wh@ts app", "what'sapp", "paaaypal" all key to "whatsap" or
//! "paypal"). Leetspeak is folded only here, inside the candidate, so a phone number is never read
//! as letters.

use std::collections::HashMap;

use crate::fxhash::FxBuild;
use crate::lang::{DE, EN, ES, FR, PT};
use std::sync::LazyLock;

use crate::nametrie::{NAME_TOKENS, Names};
use crate::tokens::{TokKind, Tokens};

/// How strongly a name on its own points at an off-platform channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Strength {
    /// Unambiguous product name (WhatsApp, Telegram, PayPal).
    Strong,
    /// Also an ordinary word or a common work tool (Signal, Line, Teams, Wise, wire).
    Weak,
}

/// What a matched name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lex {
    /// A messaging or social app.
    App(&'static str, Strength),
    /// A mail provider; the second field is the domain a bare user name would be at.
    Provider(&'static str, &'static str),
    /// A payment brand or rail.
    Brand(&'static str, Strength),
}

impl Lex {
    /// The canonical name reported as a finding's value.
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn name(self) -> &'static str {
        match self {
            Lex::App(n, _) | Lex::Provider(n, _) | Lex::Brand(n, _) => n,
        }
    }
}

use Strength::{Strong, Weak};

const APPS: &[(&str, &str, Strength)] = &[
    ("whatsapp", "whatsapp", Strong),
    ("watsapp", "whatsapp", Strong),
    ("whatapp", "whatsapp", Strong),
    ("whatsap", "whatsapp", Strong),
    ("wapp", "whatsapp", Strong),
    ("wa", "whatsapp", Weak),
    ("telegram", "telegram", Strong),
    ("telegramm", "telegram", Strong),
    ("tg", "telegram", Weak),
    ("skype", "skype", Strong),
    ("skpe", "skype", Strong),
    ("viber", "viber", Strong),
    ("wechat", "wechat", Strong),
    ("weixin", "wechat", Strong),
    ("kik", "kik", Weak),
    ("snapchat", "snapchat", Strong),
    ("snap", "snapchat", Weak),
    ("instagram", "instagram", Strong),
    ("insta", "instagram", Strong),
    ("ig", "instagram", Weak),
    ("facebook", "facebook", Strong),
    ("fb", "facebook", Weak),
    ("messenger", "messenger", Weak),
    ("discord", "discord", Strong),
    ("signal", "signal", Weak),
    ("line", "line", Weak),
    ("imessage", "imessage", Strong),
    ("facetime", "facetime", Strong),
    ("threema", "threema", Strong),
    ("wickr", "wickr", Strong),
    ("linkedin", "linkedin", Strong),
    ("twitter", "twitter", Weak),
    ("tiktok", "tiktok", Strong),
    ("slack", "slack", Weak),
    ("zoom", "zoom", Weak),
    ("teams", "teams", Weak),
    ("googlemeet", "google meet", Weak),
    ("hangouts", "hangouts", Strong),
    ("googlechat", "google chat", Weak),
    ("email", "email", Weak),
    ("mail", "email", Weak),
    ("emai", "email", Weak),
    ("gmail", "gmail", Strong),
    // Spanish and Brazilian names for WhatsApp ("hablamos por wasap", "me chama no zapzap"). The
    // short Brazilian "zap", "whats" and "wpp" are read only after a Portuguese word
    // (`contact::intl`): "zap" and "whats" ("what's") are English words too.
    ("wasap", "whatsapp", Strong),
    ("guasap", "whatsapp", Strong),
    ("zapzap", "whatsapp", Strong),
];

const PROVIDERS: &[(&str, &str, &str)] = &[
    ("gmail", "gmail", "gmail.com"),
    ("googlemail", "googlemail", "googlemail.com"),
    ("yahoo", "yahoo", "yahoo.com"),
    ("ymail", "ymail", "ymail.com"),
    ("hotmail", "hotmail", "hotmail.com"),
    ("outlook", "outlook", "outlook.com"),
    ("protonmail", "protonmail", "protonmail.com"),
    ("proton", "proton", "proton.me"),
    ("icloud", "icloud", "icloud.com"),
    ("aol", "aol", "aol.com"),
    ("gmx", "gmx", "gmx.com"),
    ("yandex", "yandex", "yandex.com"),
    ("zoho", "zoho", "zoho.com"),
    ("mailru", "mail.ru", "mail.ru"),
    ("tutanota", "tutanota", "tutanota.com"),
    ("live", "live", "live.com"),
    ("msn", "msn", "msn.com"),
];

const BRANDS: &[(&str, &str, Strength)] = &[
    ("paypal", "paypal", Strong),
    ("paypall", "paypal", Strong),
    ("paypa", "paypal", Strong),
    ("payoneer", "payoneer", Strong),
    ("wise", "wise", Weak),
    ("transferwise", "wise", Strong),
    ("westernunion", "western union", Strong),
    ("wu", "western union", Weak),
    ("moneygram", "moneygram", Strong),
    ("zelle", "zelle", Strong),
    ("venmo", "venmo", Strong),
    ("cashapp", "cash app", Strong),
    ("revolut", "revolut", Strong),
    ("skrill", "skrill", Strong),
    ("neteller", "neteller", Strong),
    ("payeer", "payeer", Strong),
    ("webmoney", "webmoney", Strong),
    ("perfectmoney", "perfect money", Strong),
    ("banktransfer", "bank transfer", Strong),
    ("banktransfers", "bank transfer", Strong),
    ("bankdeposit", "bank transfer", Strong),
    ("bankaccount", "bank account", Weak),
    ("wiretransfer", "wire transfer", Strong),
    ("wire", "wire transfer", Weak),
    ("swift", "swift", Weak),
    ("sepa", "sepa", Weak),
    ("iban", "iban", Weak),
    ("ach", "ach", Weak),
    ("directdeposit", "direct deposit", Strong),
    ("moneyorder", "money order", Strong),
    ("bitcoin", "bitcoin", Strong),
    ("btc", "bitcoin", Strong),
    ("ethereum", "ethereum", Strong),
    ("eth", "ethereum", Weak),
    ("usdt", "usdt", Strong),
    ("usdc", "usdc", Strong),
    ("tether", "usdt", Weak),
    ("crypto", "crypto", Weak),
    ("cryptocurrency", "crypto", Weak),
    ("binance", "binance", Strong),
    ("binancepay", "binance", Strong),
    ("coinbase", "coinbase", Strong),
    ("litecoin", "litecoin", Strong),
    ("trc20", "usdt", Strong),
    ("erc20", "usdt", Weak),
    ("metamask", "metamask", Strong),
    ("giftcard", "gift card", Strong),
    ("giftcards", "gift card", Strong),
    ("itunescard", "gift card", Strong),
    ("amazoncard", "gift card", Strong),
    ("steamcard", "gift card", Strong),
    ("googlepay", "google pay", Strong),
    ("gpay", "google pay", Strong),
    ("applepay", "apple pay", Strong),
    ("upi", "upi", Weak),
    ("paytm", "paytm", Strong),
    ("gcash", "gcash", Strong),
    ("alipay", "alipay", Strong),
    ("wechatpay", "wechat pay", Strong),
    ("mpesa", "m-pesa", Strong),
    ("cash", "cash", Weak),
    // Rails and wallets of Spain, Latin America, Brazil, France, Switzerland and Germany. "Pix"
    // and "Lydia" are also an English word and a name: `payment` reads them only in a Portuguese
    // or French clause.
    ("bizum", "bizum", Strong),
    ("mercadopago", "mercado pago", Strong),
    ("nequi", "nequi", Strong),
    ("yape", "yape", Strong),
    ("pix", "pix", Weak),
    ("lydia", "lydia", Weak),
    ("paylib", "paylib", Strong),
    ("twint", "twint", Strong),
    ("interac", "interac", Strong),
    ("etransfer", "interac", Strong),
    ("mbway", "mb way", Strong),
    ("pagseguro", "pagseguro", Strong),
    ("picpay", "picpay", Strong),
    ("sofortuberweisung", "bank transfer", Strong),
    ("cripto", "crypto", Weak),
    ("transferencia", "bank transfer", Weak),
    ("transferenciabancaria", "bank transfer", Strong),
    ("virement", "bank transfer", Weak),
    ("virementbancaire", "bank transfer", Strong),
    ("uberweisung", "bank transfer", Weak),
    ("bankuberweisung", "bank transfer", Strong),
];

/// Collapses repeated letters and undoes leetspeak: the key names are matched on.
pub(crate) fn push_key(out: &mut String, piece: &str) {
    for c in piece.chars() {
        let c = match c {
            '0' => 'o',
            '1' | '!' | '|' => 'i',
            '3' => 'e',
            '4' | '@' => 'a',
            '5' | '$' => 's',
            '7' => 't',
            c if c.is_ascii_alphanumeric() => c,
            _ => continue,
        };
        if !out.ends_with(c) {
            out.push(c);
        }
    }
}

fn key(s: &str) -> String {
    let mut k = String::new();
    push_key(&mut k, s);
    k
}

/// All names, by key. A key can be several things (gmail is a provider and an app).
pub(crate) static TABLE: LazyLock<HashMap<String, Vec<Lex>, FxBuild>> = LazyLock::new(|| {
    let mut m: HashMap<String, Vec<Lex>, FxBuild> = HashMap::default();
    let mut add = |k: &str, lex: Lex| {
        let v = m.entry(key(k)).or_default();
        if !v.contains(&lex) {
            v.push(lex);
        }
    };
    for &(k, name, s) in APPS {
        add(k, Lex::App(name, s));
    }
    for &(k, name, domain) in PROVIDERS {
        add(k, Lex::Provider(name, domain));
    }
    for &(k, name, s) in BRANDS {
        add(k, Lex::Brand(name, s));
    }
    m
});

/// A name found in the tokens: tokens `start..end` spell it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NameHit {
    pub start: usize,
    pub end: usize,
    pub lex: Lex,
}

/// Finds every app, provider and brand name in the tokens (longest match at each start, then
/// skipping past it). Linear: at most five pieces are joined per start.
pub(crate) fn find_names(t: &Tokens) -> Vec<NameHit> {
    // The key is walked down the trie of the keys (`nametrie`) instead of being built as a
    // string and looked up in a set of prefixes: same keys, no hashing.
    let names = Names::get();
    let mut hits = Vec::new();
    let mut i = 0;
    while i < t.len() {
        let Some(first) = t.toks.get(i) else { break };
        if first.kind != TokKind::Word || !first.has_alpha || t.text(i).len() > 24 {
            i += 1;
            continue;
        }
        let mut k = names.start();
        let mut best: Option<(usize, &[Lex])> = None;
        let mut j = i;
        let mut words = 0;
        while j < t.len() && j < i + NAME_TOKENS && k.len <= 24 {
            let Some(tok) = t.toks.get(j) else { break };
            match tok.kind {
                TokKind::Word => {
                    if j > i && tok.nl_before {
                        break;
                    }
                    words += 1;
                    if words > 3 {
                        break;
                    }
                    if !names.push(&mut k, t.text(j)) {
                        break;
                    }
                    if let Some(v) = names.names(&k) {
                        best = Some((j + 1, v));
                    }
                }
                TokKind::Sym(b'@' | b'$' | b'!' | b'|') if j > i && !tok.space_before => {
                    names.push(&mut k, t.text(j));
                }
                TokKind::Sym(b'\'' | b'-' | b'.' | b'_') if j > i && !tok.space_before => {}
                _ => break,
            }
            j += 1;
        }
        match best {
            Some((end, v)) => {
                for &lex in v.iter() {
                    hits.push(NameHit { start: i, end, lex });
                }
                i = end;
            }
            None => i += 1,
        }
    }
    hits
}

/// Top-level domains accepted for bare domains. File extensions that are also country codes and
/// common in developer talk (`.md`, `.rs`, `.py`, `.sh`, `.pl`, `.js`-like) are left out on purpose.
pub(crate) fn is_tld(s: &str) -> bool {
    matches!(
        s,
        "com"
            | "net"
            | "org"
            | "io"
            | "co"
            | "me"
            | "info"
            | "biz"
            | "us"
            | "uk"
            | "de"
            | "fr"
            | "es"
            | "it"
            | "nl"
            | "ca"
            | "au"
            | "in"
            | "ru"
            | "br"
            | "jp"
            | "cn"
            | "app"
            | "dev"
            | "xyz"
            | "site"
            | "online"
            | "store"
            | "shop"
            | "tech"
            | "ly"
            | "gg"
            | "tv"
            | "eu"
            | "ch"
            | "se"
            | "no"
            | "dk"
            | "fi"
            | "be"
            | "at"
            | "nz"
            | "za"
            | "ng"
            | "pk"
            | "bd"
            | "ph"
            | "ua"
            | "mx"
            | "ar"
            | "cl"
            | "pe"
            | "ke"
            | "gh"
            | "eg"
            | "tr"
            | "ae"
            | "sa"
            | "edu"
            | "gov"
            | "page"
            | "link"
            | "click"
            | "live"
            | "pro"
            | "agency"
            | "studio"
            | "design"
            | "digital"
            | "art"
            | "blog"
            | "website"
            | "space"
            | "cloud"
            | "email"
            | "ws"
            | "to"
            | "id"
            | "vn"
            | "my"
            | "sg"
            | "hk"
            | "tw"
            | "kr"
            | "ie"
            | "pt"
            | "gr"
            | "ro"
            | "hu"
            | "cz"
            | "sk"
            | "bg"
            | "lk"
            | "np"
            | "ma"
            | "tn"
            | "dz"
    )
}

/// Value of a number word as digits ("seven" → "7", "twenty" → "20", "oh" → "0", "cinco" → "5").
pub(crate) fn number_word(s: &str) -> Option<&'static str> {
    Some(match s {
        "zero" | "oh" | "o" | "nil" | "nought" => "0",
        "one" => "1",
        "two" => "2",
        "three" => "3",
        "four" => "4",
        "five" => "5",
        "six" => "6",
        "seven" => "7",
        "eight" => "8",
        "nine" => "9",
        "ten" => "10",
        "eleven" => "11",
        "twelve" => "12",
        "thirteen" => "13",
        "fourteen" => "14",
        "fifteen" => "15",
        "sixteen" => "16",
        "seventeen" => "17",
        "eighteen" => "18",
        "nineteen" => "19",
        "twenty" => "20",
        "thirty" => "30",
        "forty" | "fourty" => "40",
        "fifty" => "50",
        "sixty" => "60",
        "seventy" => "70",
        "eighty" => "80",
        "ninety" => "90",
        // Spanish, Portuguese, French and German digits and the tens a number is read in (accents
        // are folded before: "três" is "tres", "zéro" is "zero", "fünf" is "funf").
        "cero" | "null" => "0",
        "uno" | "um" | "un" | "eins" => "1",
        "dos" | "dois" | "duas" | "deux" | "zwei" | "zwo" => "2",
        "tres" | "trois" | "drei" => "3",
        "cuatro" | "quatro" | "quatre" | "vier" => "4",
        "cinco" | "cinq" | "funf" | "fuenf" => "5",
        // "meia" is six when Brazilians read out a phone number ("meia dúzia").
        "seis" | "meia" | "sechs" => "6",
        "siete" | "sete" | "sept" | "sieben" => "7",
        "ocho" | "oito" | "huit" | "acht" => "8",
        "nueve" | "nove" | "neuf" | "neun" => "9",
        "diez" | "dez" | "dix" | "zehn" => "10",
        "doce" | "doze" | "douze" | "zwolf" => "12",
        "veinte" | "vinte" | "vingt" | "zwanzig" => "20",
        "treinta" | "trinta" | "trente" | "dreissig" => "30",
        "cuarenta" | "quarenta" | "quarante" | "vierzig" => "40",
        "cincuenta" | "cinquenta" | "cinquante" | "funfzig" | "fuenfzig" => "50",
        "sesenta" | "sessenta" | "soixante" | "sechzig" => "60",
        // Teens and the tens above 60. French says 70 as "soixante-dix" and 80 as
        // "quatre-vingts" (`contact::spoken` reads those); Belgian and Swiss French have one
        // word. "once", "seize" and "elf" are English words too: a phone number is only read
        // on through them, never started at them.
        "once" | "onze" | "elf" => "11",
        "trece" | "treze" | "treize" | "dreizehn" => "13",
        "catorce" | "catorze" | "quatorze" | "vierzehn" => "14",
        "quince" | "quinze" | "funfzehn" | "fuenfzehn" => "15",
        "dieciseis" | "dezesseis" | "dezasseis" | "seize" | "sechzehn" => "16",
        "diecisiete" | "dezessete" | "dezassete" | "siebzehn" => "17",
        "dieciocho" | "dezoito" | "achtzehn" => "18",
        "diecinueve" | "dezenove" | "dezanove" | "neunzehn" => "19",
        "vingts" => "20",
        "veintiuno" => "21",
        "veintidos" => "22",
        "veintitres" => "23",
        "veinticuatro" => "24",
        "veinticinco" => "25",
        "veintiseis" => "26",
        "veintisiete" => "27",
        "veintiocho" => "28",
        "veintinueve" => "29",
        "setenta" | "septante" | "siebzig" => "70",
        "ochenta" | "oitenta" | "huitante" | "octante" | "achtzig" => "80",
        "noventa" | "nonante" | "neunzig" => "90",
        _ => return None,
    })
}

/// The value of a number word ([`number_word`]) as a number.
pub(crate) fn number_value(s: &str) -> Option<u8> {
    number_word(s).and_then(|v| v.parse().ok())
}

/// Number words a phone number is only read on through, never started at: they are English words
/// or month abbreviations too ("once", "seize", "elf", "sept"), or an English letter ("o").
pub(crate) fn number_word_in_run_only(s: &str) -> bool {
    // Also month abbreviations: "Sept 15, 2024".
    matches!(s, "o" | "oh" | "once" | "seize" | "elf" | "sept" | "dez")
}

/// The languages (`lang` bits) of a number word ([`number_word`]), for naming the language of a
/// number read out in words.
pub(crate) fn number_langs(s: &str) -> u8 {
    match s {
        "zero" => EN | PT | FR,
        "six" => EN | FR,
        "double" | "triple" => EN | FR,
        "tres" | "cinco" | "seis" | "setenta" | "noventa" => ES | PT,
        "un" => ES | FR,
        "onze" | "quatorze" | "quinze" => PT | FR,
        "cero" | "uno" | "dos" | "cuatro" | "siete" | "ocho" | "nueve" | "diez" | "doce"
        | "veinte" | "treinta" | "cuarenta" | "cincuenta" | "sesenta" | "once" | "trece"
        | "catorce" | "quince" | "dieciseis" | "diecisiete" | "dieciocho" | "diecinueve"
        | "veintiuno" | "veintidos" | "veintitres" | "veinticuatro" | "veinticinco"
        | "veintiseis" | "veintisiete" | "veintiocho" | "veintinueve" | "ochenta" => ES,
        "um" | "dois" | "duas" | "quatro" | "meia" | "sete" | "oito" | "nove" | "dez" | "doze"
        | "vinte" | "trinta" | "quarenta" | "cinquenta" | "sessenta" | "treze" | "catorze"
        | "dezesseis" | "dezasseis" | "dezessete" | "dezassete" | "dezoito" | "dezenove"
        | "dezanove" | "oitenta" => PT,
        "deux" | "trois" | "quatre" | "cinq" | "sept" | "huit" | "neuf" | "dix" | "douze"
        | "vingt" | "vingts" | "trente" | "quarante" | "cinquante" | "soixante" | "treize"
        | "seize" | "septante" | "huitante" | "octante" | "nonante" => FR,
        "null" | "eins" | "zwei" | "zwo" | "drei" | "vier" | "funf" | "fuenf" | "sechs"
        | "sieben" | "acht" | "neun" | "zehn" | "zwolf" | "zwanzig" | "dreissig" | "vierzig"
        | "funfzig" | "fuenfzig" | "sechzig" | "elf" | "dreizehn" | "vierzehn" | "funfzehn"
        | "fuenfzehn" | "sechzehn" | "siebzehn" | "achtzehn" | "neunzehn" | "siebzig"
        | "achtzig" | "neunzig" => DE,
        _ if number_word(s).is_some() => EN,
        _ => 0,
    }
}

/// The value of a German number from 21 to 99 written as one word, unit "und" ten
/// ("zweiundvierzig" → 42, "einundzwanzig" → 21, "dreiunddreissig" → 33). Either case: the
/// prefilter reads an ASCII text before it is lower-cased. Words shorter than 13 letters or not
/// ending in "g" are rejected on those two checks.
pub(crate) fn german_pair(w: &[u8]) -> Option<u8> {
    const UNITS: [(&[u8], u8); 10] = [
        (b"ein", 1),
        (b"zwei", 2),
        (b"drei", 3),
        (b"vier", 4),
        (b"funf", 5),
        (b"fuenf", 5),
        (b"sechs", 6),
        (b"sieben", 7),
        (b"acht", 8),
        (b"neun", 9),
    ];
    const TENS: [(&[u8], u8); 9] = [
        (b"zwanzig", 20),
        (b"dreissig", 30),
        (b"vierzig", 40),
        (b"funfzig", 50),
        (b"fuenfzig", 50),
        (b"sechzig", 60),
        (b"siebzig", 70),
        (b"achtzig", 80),
        (b"neunzig", 90),
    ];
    if w.len() < 13 || !w.last().is_some_and(|b| b.eq_ignore_ascii_case(&b'g')) {
        return None;
    }
    let strip = |w: &'_ [u8], p: &[u8]| -> Option<usize> {
        w.get(..p.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(p))
            .then_some(p.len())
    };
    let (unit, at) = UNITS
        .iter()
        .find_map(|&(p, v)| strip(w, p).map(|n| (v, n)))?;
    let rest = w.get(at..)?;
    let rest = rest.get(strip(rest, b"und")?..)?;
    let ten = TENS
        .iter()
        .find_map(|&(p, v)| rest.eq_ignore_ascii_case(p).then_some(v))?;
    Some(ten + unit)
}

/// Words for the dot of an obfuscated address: English "dot" (and "dt"), Spanish "punto",
/// Portuguese "ponto", French "point", German "Punkt".
pub(crate) fn is_dot_word(w: &str) -> bool {
    matches!(w, "dot" | "dt") || is_foreign_dot_word(w)
}

/// The dot words that are ordinary words of their language ("un point important", "ein wichtiger
/// Punkt"): a host read with them needs a top-level domain that is not also a word.
pub(crate) fn is_foreign_dot_word(w: &str) -> bool {
    matches!(w, "punto" | "ponto" | "point" | "punkt")
}

/// Negation and policy words: "not", "never", "can't" (as `can ' t`), "only here".
pub(crate) fn is_negation(t: &Tokens, i: usize) -> bool {
    let w = t.text(i);
    if matches!(
        w,
        "not"
            | "never"
            | "no"
            | "cannot"
            | "cant"
            | "dont"
            | "wont"
            | "shouldnt"
            | "mustnt"
            | "isnt"
            | "arent"
            | "didnt"
            | "doesnt"
            | "wouldnt"
            | "couldnt"
            | "refuse"
            | "nor"
            | "without"
            | "against"
            | "prohibited"
            | "forbidden"
            | "avoid"
            | "scam"
            | "scams"
            | "scammer"
            | "scammers"
            | "fraud"
            | "phishing"
            | "beware"
            | "suspicious"
            | "policy"
            | "tos"
            | "violate"
            | "violates"
            | "violation"
            | "unable"
            | "neither"
    ) {
        return true;
    }
    // "instead of WhatsApp", "rather than PayPal" (but "I'd rather pay directly" is a preference).
    if (w == "instead" && t.text(i + 1) == "of") || (w == "rather" && t.text(i + 1) == "than") {
        return true;
    }
    // "can't", "don't": the word `t` after an apostrophe after a word ending in n.
    w == "t" && t.is_sym(i.wrapping_sub(1), b'\'') && t.text(i.wrapping_sub(2)).ends_with('n')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize;
    use crate::tokens::tokenize;

    fn names(s: &str) -> Vec<&'static str> {
        let n = normalize(s);
        let t = tokenize(n.as_str());
        find_names(&t).into_iter().map(|h| h.lex.name()).collect()
    }

    #[test]
    fn finds_names_through_evasion() {
        assert_eq!(names("add me on WhatsApp"), ["whatsapp"]);
        assert_eq!(names("whats app"), ["whatsapp"]);
        assert_eq!(names("what's app"), ["whatsapp"]);
        assert_eq!(names("wh@tsaaapp"), ["whatsapp"]);
        assert_eq!(names("t e l e g r a m"), ["telegram"]);
        assert_eq!(names("P4yP4l"), ["paypal"]);
        assert_eq!(
            names("cash app or western union"),
            ["cash app", "western union"]
        );
    }

    #[test]
    fn ordinary_words_are_not_names() {
        assert!(names("the weather is fine and I will pay through the platform").is_empty());
    }

    #[test]
    fn negation_words() {
        let n = normalize("I can't share");
        let t = tokenize(n.as_str());
        assert!(is_negation(&t, 3));
        assert!(!is_negation(&t, 4));
    }
}
