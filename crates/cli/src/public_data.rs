//! The public data sets `evaluate` reads from `../shared/data`: Presidio's synthetic PII spans,
//! Davidson's tweets and the SMS Spam Collection (moved out of `evaluate.rs` to keep it short).

use std::collections::BTreeMap;

use anyhow::Context as _;
use trustwork_detect::{Category, Finding, Kind, ScanContext, Scanner, Source};

use crate::evaluate::{Counts, is_abuse};

/// Which of our kinds answer a Presidio entity type.
fn presidio_group(entity: &str) -> Option<&'static str> {
    match entity {
        "EMAIL_ADDRESS" => Some("email"),
        "PHONE_NUMBER" => Some("phone"),
        "DOMAIN_NAME" => Some("url"),
        "IBAN_CODE" => Some("iban"),
        "CREDIT_CARD" => Some("card"),
        _ => None,
    }
}

fn kind_group(f: &Finding) -> Option<&'static str> {
    match f.kind {
        Kind::Email => Some("email"),
        Kind::Phone => Some("phone"),
        Kind::Url => Some("url"),
        Kind::Iban => Some("iban"),
        Kind::Card => Some("card"),
        _ => None,
    }
}

/// Byte offset of the `ch`-th character (Presidio spans count characters).
fn char_to_byte(s: &str, ch: usize) -> usize {
    s.char_indices().nth(ch).map_or(s.len(), |(b, _)| b)
}

/// Scores Presidio spans: a gold span is found when a finding of the matching kind overlaps it;
/// a finding is a false positive when it overlaps no gold span of its kind.
pub fn eval_presidio(
    scanner: &Scanner,
    text: &str,
) -> anyhow::Result<(BTreeMap<String, Counts>, Vec<String>)> {
    let rows: Vec<serde_json::Value> = serde_json::from_str(text).context("presidio json")?;
    let mut table: BTreeMap<String, Counts> = BTreeMap::new();
    let mut errors = Vec::new();
    for row in &rows {
        let body = row.get("full_text").and_then(|t| t.as_str()).unwrap_or("");
        let findings = scanner.scan(body, &ScanContext::default());
        let gold: Vec<(&'static str, usize, usize)> = row
            .get("spans")
            .and_then(|s| s.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|s| {
                        let g = presidio_group(s.get("entity_type")?.as_str()?)?;
                        let st = usize::try_from(s.get("start_position")?.as_u64()?).ok()?;
                        let en = usize::try_from(s.get("end_position")?.as_u64()?).ok()?;
                        Some((g, char_to_byte(body, st), char_to_byte(body, en)))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let overlaps = |a: usize, b: usize, c: usize, d: usize| a < d && c < b;
        for &(g, s, e) in &gold {
            let hit = findings
                .iter()
                .any(|f| kind_group(f) == Some(g) && overlaps(f.start, f.end, s, e));
            let c = table.entry(g.to_string()).or_default();
            if hit {
                c.tp += 1;
            } else {
                c.fn_ += 1;
                errors.push(format!(
                    "FN {g} {:?} in {body:?}",
                    body.get(s..e).unwrap_or("")
                ));
            }
        }
        for f in &findings {
            let Some(g) = kind_group(f) else { continue };
            if !gold
                .iter()
                .any(|&(gg, s, e)| gg == g && overlaps(f.start, f.end, s, e))
            {
                table.entry(g.to_string()).or_default().fp += 1;
                errors.push(format!("FP {g} {:?} ({}) in {body:?}", f.value, f.rule));
            }
        }
    }
    Ok((table, errors))
}

/// Scores Davidson tweets: positive when labelled hate (0) or offensive (1).
pub fn eval_davidson<R: std::io::Read>(
    scanner: &Scanner,
    input: R,
) -> anyhow::Result<(BTreeMap<String, Counts>, Vec<String>)> {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let headers = rdr.headers().context("davidson header")?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(class_col), Some(tweet_col)) = (col("class"), col("tweet")) else {
        anyhow::bail!("davidson: missing class or tweet column");
    };
    let mut counts = Counts::default();
    let mut held_out = Counts::default();
    let mut errors = Vec::new();
    let ctx = ScanContext::default();
    for rec in rdr.records() {
        let rec = rec.context("davidson record")?;
        let class = rec.get(class_col).unwrap_or("2");
        let tweet = rec.get(tweet_col).unwrap_or("");
        let actual = class == "0" || class == "1";
        let findings = scanner.scan(tweet, &ctx);
        let predicted = findings.iter().any(is_abuse);
        counts.add(predicted, actual);
        if crate::train::davidson_split(tweet) == crate::train::Split::Test {
            held_out.add(predicted, actual);
        }
        if predicted != actual && errors.len() < 10_000 {
            let what = if predicted { "FP" } else { "FN" };
            errors.push(format!("{what} {tweet:?}"));
        }
    }
    let mut table = BTreeMap::new();
    table.insert("abuse (profanity|harassment)".to_string(), counts);
    table.insert("  the 20% never trained on".to_string(), held_out);
    Ok((table, errors))
}

/// Held-out ham messages (the half `train-toxicity` and `train-feedback` never read) with a finding
/// that `flagged_by` accepts: (flagged, all, the flagged texts).
pub fn sms_held_out(
    scanner: &Scanner,
    text: &str,
    flagged_by: impl Fn(&Finding) -> bool,
) -> (u64, u64, Vec<String>) {
    let ctx = ScanContext::new(Source::Message);
    let (mut flagged, mut all, mut examples) = (0, 0, Vec::new());
    for line in text.lines().skip(1) {
        let Some(("ham", body)) = line.split_once('\t') else {
            continue;
        };
        if crate::train::sms_split(body) != crate::train::Split::Test {
            continue;
        }
        all += 1;
        if scanner.scan(body, &ctx).iter().any(&flagged_by) {
            flagged += 1;
            examples.push(body.to_string());
        }
    }
    (flagged, all, examples)
}

/// (spam with contact info, spam, ham with contact info, ham).
pub fn sms_summary(scanner: &Scanner, text: &str) -> (u64, u64, u64, u64) {
    let mut s = (0, 0, 0, 0);
    let ctx = ScanContext::default();
    for line in text.lines().skip(1) {
        let Some((label, body)) = line.split_once('\t') else {
            continue;
        };
        let hit = scanner
            .scan(body, &ctx)
            .iter()
            .any(|f| f.category == Category::ContactInfo);
        if label == "spam" {
            s.1 += 1;
            s.0 += u64::from(hit);
        } else {
            s.3 += 1;
            s.2 += u64::from(hit);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presidio_spans_count_characters() {
        let s = Scanner::default();
        let json = r#"[{"full_text":"é mail: jo@studio-mail.com","spans":[{"entity_type":"EMAIL_ADDRESS","start_position":8,"end_position":22}]}]"#;
        let (t, _) = eval_presidio(&s, json).unwrap_or_default();
        assert_eq!(t.get("email").map(|c| (c.tp, c.fp, c.fn_)), Some((1, 0, 0)));
    }

    #[test]
    fn davidson_csv_is_scored() {
        // The clean row is one no model flags: this tests the reading and counting. (The model
        // adopted in session 19 calls "nice weather, huh" offensive: DETECTION.md.)
        let s = Scanner::default();
        let csv = "count,hate_speech,offensive_language,neither,class,tweet\n3,0,3,0,1,\"you stupid bitch\"\n3,0,0,3,2,\"the meeting is at noon\"\n";
        let (t, _) = eval_davidson(&s, csv.as_bytes()).unwrap_or_default();
        let c = t
            .get("abuse (profanity|harassment)")
            .copied()
            .unwrap_or_default();
        assert_eq!((c.tp, c.tn), (1, 1));
    }

    #[test]
    fn held_out_ham_is_counted_by_finding() {
        let s = Scanner::default();
        let tsv = "label\tmessage\nham\tsee you at 5\nspam\twin cash now\n";
        let (flagged, _, _) = sms_held_out(&s, tsv, is_abuse);
        assert_eq!(flagged, 0);
        let (_, _, _) = sms_held_out(&s, tsv, |f| f.category == Category::FeedbackPressure);
    }
}
