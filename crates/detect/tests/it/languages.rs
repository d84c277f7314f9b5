//! Our labelled cases in Spanish, Portuguese, French and German (`testdata/marketplace_languages.jsonl`,
//! issue 19): every case gets exactly the contact-info and off-platform-payment labels it has, and
//! every such finding names the case's language or none (an address, digits, an IBAN are
//! language-neutral). The other categories (no case here is abusive) are scored by `trustwork
//! evaluate` with the rest.

use trustwork_detect::{Category, ScanContext, Source, scan};

/// One labelled case.
struct Case {
    id: String,
    lang: String,
    text: String,
    labels: Vec<String>,
    contract_active: bool,
}

/// A JSON value of the shapes the file uses: strings, arrays of strings, booleans.
enum Value {
    Str(String),
    List(Vec<String>),
    Bool(bool),
}

/// Reads a JSON string starting at the opening quote; returns it and the rest.
fn string(s: &str) -> (String, &str) {
    let mut out = String::new();
    let mut chars = s.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return (out, &s[i + 1..]),
            '\\' => match chars.next().map(|(_, c)| c) {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('u') => {
                    let h: String = chars.by_ref().take(4).map(|(_, c)| c).collect();
                    let v =
                        u32::from_str_radix(&h, 16).unwrap_or_else(|e| panic!("\\u escape: {e}"));
                    out.push(
                        char::from_u32(v).unwrap_or_else(|| panic!("not a scalar value: {v}")),
                    );
                }
                Some(c) => out.push(c),
                None => break,
            },
            c => out.push(c),
        }
    }
    panic!("unterminated string in {s:?}");
}

/// The fields of one line (a flat object).
fn fields(line: &str) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let mut rest = line
        .trim()
        .strip_prefix('{')
        .unwrap_or_else(|| panic!("not an object: {line}"));
    loop {
        rest = rest.trim_start_matches([' ', ',']);
        if rest.starts_with('}') || rest.is_empty() {
            return out;
        }
        let (key, r) = string(rest);
        let r = r
            .trim_start()
            .strip_prefix(':')
            .unwrap_or_else(|| panic!("no colon: {line}"))
            .trim_start();
        let (value, r) = if r.starts_with('"') {
            let (v, r) = string(r);
            (Value::Str(v), r)
        } else if let Some(mut r) = r.strip_prefix('[') {
            let mut items = Vec::new();
            loop {
                r = r.trim_start_matches([' ', ',']);
                if let Some(after) = r.strip_prefix(']') {
                    break (Value::List(items), after);
                }
                let (v, after) = string(r);
                items.push(v);
                r = after;
            }
        } else if let Some(r) = r.strip_prefix("true") {
            (Value::Bool(true), r)
        } else if let Some(r) = r.strip_prefix("false") {
            (Value::Bool(false), r)
        } else {
            panic!("unexpected value in {line:?}");
        };
        out.push((key, value));
        rest = r;
    }
}

fn cases() -> Vec<Case> {
    let text = include_str!("../../testdata/marketplace_languages.jsonl");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let mut c = Case {
                id: String::new(),
                lang: String::new(),
                text: String::new(),
                labels: Vec::new(),
                contract_active: false,
            };
            for (k, v) in fields(line) {
                match (k.as_str(), v) {
                    ("id", Value::Str(s)) => c.id = s,
                    ("lang", Value::Str(s)) => c.lang = s,
                    ("text", Value::Str(s)) => c.text = s,
                    ("labels", Value::List(l)) => c.labels = l,
                    ("contract_active", Value::Bool(b)) => c.contract_active = b,
                    ("source", Value::Str(s)) => assert_eq!(s, "message", "{line}"),
                    (k, _) => panic!("unexpected field {k} in {line}"),
                }
            }
            c
        })
        .collect()
}

#[test]
fn the_file_has_thirty_cases_or_more_per_language_with_both_kinds_and_clean_ones() {
    let all = cases();
    for lang in ["es", "pt", "fr", "de"] {
        let of = |label: Option<&str>| {
            all.iter()
                .filter(|c| c.lang == lang)
                .filter(|c| match label {
                    Some(l) => c.labels.iter().any(|x| x == l),
                    None => c.labels.is_empty(),
                })
                .count()
        };
        let total = all.iter().filter(|c| c.lang == lang).count();
        assert!(total >= 30, "{lang}: {total} cases");
        assert!(of(Some("contact_info")) >= 10, "{lang}");
        assert!(of(Some("off_platform_payment")) >= 8, "{lang}");
        assert!(of(None) >= 12, "{lang}");
    }
    let mut ids: Vec<&str> = all.iter().map(|c| c.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all.len(), "ids are unique");
}

/// The categories the cases are written for.
const CATEGORIES: [Category; 2] = [Category::ContactInfo, Category::OffPlatformPayment];

#[test]
fn every_case_gets_its_labels_and_findings_name_its_language() {
    let mut errors = Vec::new();
    for c in cases() {
        let ctx = ScanContext {
            contract_active: c.contract_active,
            ..ScanContext::new(Source::Message)
        };
        let findings: Vec<_> = scan(&c.text, &ctx)
            .into_iter()
            .filter(|f| CATEGORIES.contains(&f.category))
            .collect();
        for cat in CATEGORIES {
            let got = findings.iter().any(|f| f.category == cat);
            let want = c.labels.iter().any(|l| l == cat.as_str());
            if got != want {
                let rules: Vec<&str> = findings
                    .iter()
                    .filter(|f| f.category == cat)
                    .map(|f| f.rule)
                    .collect();
                let what = if got { "FP" } else { "FN" };
                errors.push(format!(
                    "{what} {} {} {:?} {rules:?}",
                    c.id,
                    cat.as_str(),
                    c.text
                ));
            }
        }
        for f in &findings {
            if f.language.is_some_and(|l| l != c.lang) {
                errors.push(format!(
                    "language {:?} in {} ({}): {:?}",
                    f.language, c.id, f.rule, c.text
                ));
            }
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// The English word rules name English; language-neutral evidence names none.
#[test]
fn english_rules_name_english() {
    let ctx = ScanContext::new(Source::Message);
    let langs = |s: &str, c: Category| -> Vec<Option<&'static str>> {
        scan(s, &ctx)
            .into_iter()
            .filter(|f| f.category == c)
            .map(|f| f.language)
            .collect()
    };
    let en = |v: Vec<Option<&str>>| !v.is_empty() && v.iter().all(|l| *l == Some("en"));
    assert!(en(langs(
        "I'll pay you back $10 for a 5-star feedback",
        Category::FeedbackPressure
    )));
    assert!(en(langs("you stupid clown", Category::Harassment)));
    assert!(en(langs(
        "let's continue on WhatsApp",
        Category::ContactInfo
    )));
    assert!(en(langs(
        "Can I pay you via PayPal instead?",
        Category::OffPlatformPayment
    )));
    assert_eq!(
        langs("write to j.doe@gmail.com", Category::ContactInfo),
        [None]
    );
    assert_eq!(
        langs(
            "IBAN GB82 WEST 1234 5698 7654 32",
            Category::OffPlatformPayment
        ),
        [None]
    );
}
