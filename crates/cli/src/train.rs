//! `trustwork train-toxicity`: trains the toxicity model from public data and our own cases and
//! writes its weights (by default over the built-in `crates/detect/model/toxicity.bin`).
//!
//! What it reads, and how each source is split (by a stable hash of the text, so `evaluate` knows
//! which rows were never trained on):
//! - `davidson-hate-offensive.csv` (tweets, MIT): hate → offensive and harassment, offensive →
//!   offensive (harassment unknown), neither → neither. 70% train, 10% validation (thresholds),
//!   20% test.
//! - `sms-spam-collection.tsv` (ham only, as everyday language that is not offensive): 40% train,
//!   10% validation, 50% test.
//! - our written cases (`abuse_train.jsonl`, `abuse_train2.jsonl` by another author, and
//!   `abuse_worktalk.jsonl`, work texts that use violent words in their work sense: offensive and
//!   harassment labels; `--cases` replaces the list) and the tuning
//!   marketplace cases (`marketplace.jsonl`: profanity/harassment labels): 80% train, 20%
//!   validation.
//!
//! Never read: `abuse_holdout.jsonl`, `abuse_holdout2.jsonl` and `marketplace_holdout.jsonl` (held out
//! for `evaluate`).

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use trustwork_detect::toxicity::{Example, Head, Model, TrainOptions, train_with_everyday};

use crate::evaluate::{Counts, labels_of, resolve};

/// Arguments of `trustwork train-toxicity`.
#[derive(Debug, clap::Args)]
pub struct TrainArgs {
    /// Folder with the public labelled data.
    #[arg(long, default_value = "../shared/data")]
    pub data: PathBuf,
    /// Our written abuse cases (JSONL: text, offensive, harassment; repeatable, replaces the
    /// default list). The built-in model is trained on the three default files, in this order.
    #[arg(
        long,
        default_values = [
            "crates/detect/testdata/abuse_train.jsonl",
            "crates/detect/testdata/abuse_train2.jsonl",
            "crates/detect/testdata/abuse_worktalk.jsonl",
        ]
    )]
    pub cases: Vec<PathBuf>,
    /// Our marketplace cases used for tuning (JSONL: text, labels).
    #[arg(long, default_value = "crates/detect/testdata/marketplace.jsonl")]
    pub marketplace: PathBuf,
    /// Where to write the model.
    #[arg(long, default_value = "crates/detect/model/toxicity.bin")]
    pub out: PathBuf,
    /// 2^bits slots in the weight table.
    #[arg(long, default_value_t = 18)]
    pub bits: u32,
    #[arg(long, default_value_t = 15)]
    pub epochs: u32,
    /// Each head's threshold keeps at least this precision on the validation rows.
    #[arg(long, default_value_t = 0.9, value_parser = share)]
    pub min_precision: f32,
    /// At most this share of the everyday validation texts (the SMS ham kept for validation) may
    /// be flagged by a head: its threshold is raised until no more are. Keeps the threshold from
    /// following the validation rows (half of them abusive) wherever new cases move the scores.
    #[arg(long, default_value_t = 0.05, value_parser = share)]
    pub everyday_budget: f32,
    /// How much one of our written cases counts against one tweet or text message.
    #[arg(long, default_value_t = 16.0)]
    pub own_weight: f32,
    /// How much one everyday text message counts against one tweet.
    #[arg(long, default_value_t = 4.0)]
    pub sms_weight: f32,
}

/// Which part of its source a row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    Train,
    Validation,
    Test,
}

/// FNV-1a: a hash that never changes between builds (the split must not).
fn stable_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// The Davidson split: 70/10/20.
pub fn davidson_split(tweet: &str) -> Split {
    match stable_hash(tweet) % 10 {
        0..=6 => Split::Train,
        7 => Split::Validation,
        _ => Split::Test,
    }
}

/// The SMS split: 40% train, 10% validation (everyday texts the thresholds must leave alone), 50%
/// test.
pub fn sms_split(text: &str) -> Split {
    match stable_hash(text) % 10 {
        0..=3 => Split::Train,
        4 => Split::Validation,
        _ => Split::Test,
    }
}

/// Our cases: 80/20 train/validation.
pub(crate) fn cases_split(text: &str) -> Split {
    if stable_hash(text).is_multiple_of(5) {
        Split::Validation
    } else {
        Split::Train
    }
}

/// A labelled row and where it came from.
struct Row {
    source: &'static str,
    split: Split,
    example: Example,
}

fn example(text: &str, offensive: bool, harassment: Option<bool>, weight: f32) -> Example {
    Example {
        text: text.to_string(),
        offensive: Some(offensive),
        harassment,
        weight,
    }
}

/// Reads every source into rows.
fn rows(args: &TrainArgs) -> anyhow::Result<Vec<Row>> {
    let data = resolve(&args.data);
    let mut out = Vec::new();
    let davidson = data.join("davidson-hate-offensive.csv");
    let file = std::fs::File::open(&davidson)
        .with_context(|| format!("reading {}", davidson.display()))?;
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(file);
    let headers = rdr.headers().context("davidson header")?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(class_col), Some(tweet_col)) = (col("class"), col("tweet")) else {
        anyhow::bail!("davidson: missing class or tweet column");
    };
    for rec in rdr.records() {
        let rec = rec.context("davidson record")?;
        let tweet = rec.get(tweet_col).unwrap_or("");
        let ex = match rec.get(class_col).unwrap_or("2") {
            "0" => example(tweet, true, Some(true), 1.0),
            "1" => example(tweet, true, None, 1.0),
            _ => example(tweet, false, Some(false), 1.0),
        };
        out.push(Row {
            source: "davidson",
            split: davidson_split(tweet),
            example: ex,
        });
    }
    let sms = data.join("sms-spam-collection.tsv");
    let text =
        std::fs::read_to_string(&sms).with_context(|| format!("reading {}", sms.display()))?;
    for line in text.lines().skip(1) {
        if let Some(("ham", body)) = line.split_once('\t') {
            out.push(Row {
                source: "sms",
                split: sms_split(body),
                example: example(body, false, Some(false), args.sms_weight),
            });
        }
    }
    // Our own cases count more: they are the register the model is for, and they are few.
    let own = args.cases.iter().map(|path| (path, "own cases"));
    for (path, source) in own.chain([(&args.marketplace, "marketplace")]) {
        for (body, v) in case_lines(path)? {
            let body = body.as_str();
            let labels = labels_of(&v);
            let flag = |name: &str| v.get(name).and_then(|b| b.as_bool());
            let offensive = flag("offensive")
                .unwrap_or(labels.contains(&"profanity") || labels.contains(&"harassment"));
            let harassment = flag("harassment").unwrap_or(labels.contains(&"harassment"));
            out.push(Row {
                source,
                split: cases_split(body),
                example: example(body, offensive, Some(harassment), args.own_weight),
            });
        }
    }
    Ok(out)
}

/// The rows of a JSONL file of our cases, each with its text: a line that is not JSON, or a case
/// without a text (it would train a model on an empty string), is refused with its line number.
pub(crate) fn case_lines(path: &Path) -> anyhow::Result<Vec<(String, serde_json::Value)>> {
    let path = resolve(path);
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line)
            .with_context(|| format!("{} line {}", path.display(), n + 1))?;
        let Some(body) = v.get("text").and_then(|t| t.as_str()) else {
            anyhow::bail!("{} line {}: no \"text\" string", path.display(), n + 1);
        };
        out.push((body.to_string(), v));
    }
    Ok(out)
}

/// A share from 0 to 1 (a precision, a budget): anything else, NaN included, is refused with a
/// message instead of quietly meaning "none" or "all".
pub(crate) fn share(s: &str) -> Result<f32, String> {
    match s.trim().parse::<f32>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        Ok(v) => Err(format!("{v} is not a share: give a number from 0 to 1")),
        Err(e) => Err(format!("{s:?} is not a number: {e}")),
    }
}

/// Scales negative examples of the offensive head so both classes weigh the same in training,
/// times `negative_weight` (1 for the toxicity model; `train-feedback` may weigh them more).
pub(crate) fn balance(train: &mut [Example], negative_weight: f32) {
    let weight = |want: bool, v: &[Example]| -> f32 {
        v.iter()
            .filter(|e| e.offensive == Some(want))
            .map(|e| e.weight)
            .sum()
    };
    let (pos, neg) = (weight(true, train), weight(false, train));
    if pos > 0.0 && neg > 0.0 {
        let k = negative_weight * pos / neg;
        for e in train.iter_mut().filter(|e| e.offensive == Some(false)) {
            e.weight *= k;
        }
    }
}

/// Trains and writes the model; prints what it read and the thresholds it chose.
pub fn run(args: TrainArgs) -> anyhow::Result<std::process::ExitCode> {
    let rows = rows(&args)?;
    let mut train_set = Vec::new();
    // Thresholds are chosen on every validation row; our cases and the tweets are also reported
    // apart.
    let mut validation = Vec::new();
    let mut validation_tweets = Vec::new();
    let mut validation_sms = Vec::new();
    for source in ["davidson", "sms", "own cases", "marketplace"] {
        let of = |s: Split| {
            rows.iter()
                .filter(|r| r.source == source && r.split == s)
                .count()
        };
        println!(
            "{source:<12} train {:>6}  validation {:>5}  test {:>5}",
            of(Split::Train),
            of(Split::Validation),
            of(Split::Test)
        );
    }
    for r in rows {
        match r.split {
            Split::Train => train_set.push(r.example),
            Split::Validation if r.source == "davidson" => validation_tweets.push(r.example),
            Split::Validation if r.source == "sms" => validation_sms.push(r.example),
            Split::Validation => validation.push(r.example),
            Split::Test => {}
        }
    }
    balance(&mut train_set, 1.0);
    let opts = TrainOptions {
        bits: args.bits,
        epochs: args.epochs,
        min_precision: args.min_precision,
        everyday_budget: args.everyday_budget,
        ..TrainOptions::default()
    };
    let all_validation: Vec<Example> = validation
        .iter()
        .chain(&validation_tweets)
        .chain(&validation_sms)
        .cloned()
        .collect();
    let everyday: Vec<String> = validation_sms.iter().map(|e| e.text.clone()).collect();
    let model = train_with_everyday(&train_set, &all_validation, &everyday, &opts);
    for head in [Head::Offensive, Head::Harassment] {
        let h = model.head(head);
        println!(
            "{head:?}: bias {:.3}, scale {:.5}, threshold {:.3}",
            h.bias, h.scale, h.threshold
        );
        for (name, rows) in [("our cases", &validation), ("tweets", &validation_tweets)] {
            let c = validate(&model, head, rows);
            println!(
                "  validation, {name}: precision {:.3}, recall {:.3}, F1 {:.3}",
                c.precision(),
                c.recall(),
                c.f1()
            );
        }
        let c = validate(&model, head, &validation_sms);
        println!(
            "  validation, everyday texts: {} of {} flagged",
            c.fp,
            c.fp + c.tn
        );
    }
    let out = resolve_out(&args.out);
    std::fs::write(&out, model.to_bytes()).with_context(|| format!("writing {}", out.display()))?;
    println!("wrote {}", out.display());
    Ok(std::process::ExitCode::SUCCESS)
}

/// One head's confusion counts on labelled rows.
fn validate(model: &Model, head: Head, rows: &[Example]) -> Counts {
    let mut c = Counts::default();
    for e in rows {
        let (actual, p) = match head {
            Head::Offensive => (e.offensive, model.score(&e.text).offensive),
            Head::Harassment => (e.harassment, model.score(&e.text).harassment),
        };
        if let Some(actual) = actual {
            c.add(model.fires(head, p), actual);
        }
    }
    c
}

/// The output path: as given when its folder exists, else under the repository root.
pub(crate) fn resolve_out(p: &std::path::Path) -> PathBuf {
    match p.parent() {
        Some(dir) if dir.as_os_str().is_empty() || dir.is_dir() => p.to_path_buf(),
        Some(dir) => resolve(dir).join(p.file_name().unwrap_or_default()),
        None => p.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_are_stable_and_roughly_as_documented() {
        assert_eq!(stable_hash("abc"), 0xe71f_a219_0541_574b);
        let tests = (0..10_000)
            .filter(|n| davidson_split(&format!("tweet {n}")) == Split::Test)
            .count();
        assert!((1_800..2_200).contains(&tests), "{tests}");
    }

    #[test]
    fn balancing_gives_both_classes_the_same_weight() {
        let mut v = vec![
            example("a", true, None, 1.0),
            example("b", true, None, 1.0),
            example("c", true, None, 1.0),
            example("d", false, Some(false), 1.0),
        ];
        balance(&mut v, 1.0);
        assert!((v[3].weight - 3.0).abs() < 1e-6);
    }

    #[test]
    fn shares_outside_zero_to_one_are_refused() {
        assert_eq!(share("0.05"), Ok(0.05));
        assert_eq!(share("1"), Ok(1.0));
        for bad in ["1.5", "-0.1", "NaN", "five", ""] {
            assert!(share(bad).is_err(), "{bad}");
        }
    }
}
