//! Scans the SMS corpus once with the chosen detectors, for instruction-count profiling that does
//! not depend on machine load (criterion's timings do):
//! `valgrind --tool=callgrind target-detect/release/examples/scan_corpus contact_info`.
//! Arguments: `all` or category names (`contact_info`, `off_platform_payment`, `abuse`,
//! `feedback_pressure`), `no_model` to leave the toxicity model out and `no_feedback_model` the
//! feedback model; the corpus is the bench's (`TRUSTWORK_DATA` or `../shared/data`, the SMS
//! messages repeated to about 4 MB). Prints the number of findings, so the work is not optimised out.
use std::path::PathBuf;

use trustwork_detect::{Category, ScanContext, Scanner, ScannerConfig};

fn main() {
    let dir = std::env::var_os("TRUSTWORK_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let Ok(text) = std::fs::read_to_string(dir.join("sms-spam-collection.tsv")) else {
        eprintln!("sms-spam-collection.tsv not found under {}", dir.display());
        return;
    };
    let msgs: Vec<&str> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once('\t'))
        .map(|(_, m)| m)
        .collect();
    let mut cats = Vec::new();
    let mut model = true;
    let mut feedback_model = true;
    for a in std::env::args().skip(1) {
        match a.as_str() {
            "no_model" => model = false,
            "no_feedback_model" => feedback_model = false,
            "all" => cats.extend(Category::ALL),
            "abuse" => cats.extend([Category::Harassment, Category::Profanity]),
            other => cats.extend(Category::parse(other)),
        }
    }
    if cats.is_empty() {
        cats.extend(Category::ALL);
    }
    let mut config = ScannerConfig::only(&cats);
    if !model {
        config.toxicity_model = None;
    }
    if !feedback_model {
        config.feedback_model = None;
    }
    let scanner = Scanner::new(config);
    let ctx = ScanContext::default();
    // `PASSES=n` scans the corpus n times and prints the fastest pass: a quick A/B check between
    // two builds (criterion, `benches/detect.rs`, gives the figures that are recorded).
    let passes: usize = std::env::var("PASSES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    // `OWNED=1` scans each message from its own allocation, as the criterion bench does.
    let owned: Vec<String> = if std::env::var("OWNED").is_ok_and(|v| v == "1") {
        msgs.iter().map(|m| m.to_string()).collect()
    } else {
        Vec::new()
    };
    let msgs: Vec<&str> = if owned.is_empty() {
        msgs
    } else {
        owned.iter().map(String::as_str).collect()
    };
    let mut best = std::time::Duration::MAX;
    let mut total = std::time::Duration::ZERO;
    for _ in 0..passes {
        let started = std::time::Instant::now();
        let (mut bytes, mut findings) = (0usize, 0usize);
        while bytes < 4_000_000 {
            for m in &msgs {
                findings += scanner.scan(m, &ctx).len();
                bytes += m.len();
            }
        }
        let took = started.elapsed();
        total += took;
        if passes == 1 {
            println!("{bytes} bytes, {findings} findings");
        } else if took < best {
            best = took;
            let mb = bytes as f64 / best.as_secs_f64() / 1e6;
            eprint!(
                "\rfastest pass: {:.2} ms, {mb:.1} MB/s   ",
                best.as_secs_f64() * 1e3
            );
        }
    }
    if passes > 1 {
        let mean = total.as_secs_f64() * 1e3 / passes as f64;
        eprintln!("\nmean of {passes} passes: {mean:.2} ms");
    }
}
