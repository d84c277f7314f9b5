//! Throughput and latency of the detectors (issue 3, "Speed, measured").
//!
//! Corpus: the SMS Spam Collection from `../shared/data` (relative to the repository root),
//! repeated to about 4 MB. Run with `cargo bench -p trustwork-detect --bench detect`; the index
//! memory figures are printed before the timings (`/proc/self/status` VmHWM/VmRSS).

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use trustwork_detect::neardup::{DupQuery, MinHasher, NearDupIndex, Signature};
use trustwork_detect::{Category, ScanContext, Scanner, ScannerConfig, normalize};

const TARGET_BYTES: usize = 4_000_000;

fn data_dir() -> PathBuf {
    std::env::var_os("TRUSTWORK_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

/// The SMS texts, or None (with a message) when the shared data folder is absent.
fn sms() -> Option<Vec<String>> {
    let path = data_dir().join("sms-spam-collection.tsv");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!(
            "skipping: {} not found (set TRUSTWORK_DATA)",
            path.display()
        );
        return None;
    };
    Some(
        text.lines()
            .skip(1)
            .filter_map(|l| l.split_once('\t'))
            .map(|(_, m)| m.to_string())
            .collect(),
    )
}

/// The corpus repeated to about `TARGET_BYTES`.
fn corpus(msgs: &[String]) -> Vec<&str> {
    let mut out = Vec::new();
    let mut bytes = 0;
    while bytes < TARGET_BYTES {
        for m in msgs {
            out.push(m.as_str());
            bytes += m.len();
        }
    }
    out
}

fn proc_status(field: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .map(|l| l.trim().to_string())
        })
        .unwrap_or_else(|| format!("{field} n/a"))
}

fn bench_scan(c: &mut Criterion) {
    let Some(msgs) = sms() else { return };
    let docs = corpus(&msgs);
    let bytes: usize = docs.iter().map(|d| d.len()).sum();
    eprintln!("scan corpus: {} messages, {} bytes", docs.len(), bytes);
    let ctx = ScanContext::default();
    let mut g = c.benchmark_group("scan");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(8))
        .throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("normalize", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(normalize(d).as_str().len());
            }
        })
    });
    let detectors: [(&str, &[Category]); 5] = [
        ("contact_info", &[Category::ContactInfo]),
        ("off_platform_payment", &[Category::OffPlatformPayment]),
        ("abuse", &[Category::Harassment, Category::Profanity]),
        ("feedback_pressure", &[Category::FeedbackPressure]),
        ("all", &Category::ALL),
    ];
    for (name, cats) in detectors {
        let scanner = Scanner::new(ScannerConfig::only(cats));
        scan_one(&mut g, name, &scanner, &docs, &ctx);
    }
    // What the toxicity model costs: every detector with the abuse lexicon alone.
    let lexicon_only = Scanner::new(ScannerConfig {
        toxicity_model: None,
        ..ScannerConfig::default()
    });
    scan_one(&mut g, "all_without_model", &lexicon_only, &docs, &ctx);
    g.finish();
}

/// One scanner over the corpus, as one benchmark of the group.
fn scan_one(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    scanner: &Scanner,
    docs: &[&str],
    ctx: &ScanContext<'_>,
) {
    g.bench_function(name, |b| {
        b.iter(|| {
            let mut n = 0;
            for d in docs {
                n += scanner.scan(d, ctx).len();
            }
            black_box(n)
        })
    });
}

/// Deterministic pseudo-random letters made of SMS words (xorshift; no rand dependency).
struct Letters {
    words: Vec<String>,
    state: u64,
}

impl Letters {
    fn new(msgs: &[String]) -> Self {
        let mut words: Vec<String> = msgs
            .iter()
            .flat_map(|m| m.split_whitespace().map(str::to_lowercase))
            .filter(|w| w.chars().all(char::is_alphanumeric))
            .collect();
        words.sort();
        words.dedup();
        Letters {
            words,
            state: 0x9E37_79B9_7F4A_7C15,
        }
    }

    fn next_u64(&mut self) -> u64 {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        self.state
    }

    fn letter(&mut self, n_words: usize) -> String {
        let mut s = String::new();
        for _ in 0..n_words {
            let i = (self.next_u64() % self.words.len().max(1) as u64) as usize;
            s.push_str(self.words.get(i).map_or("x", String::as_str));
            s.push(' ');
        }
        s
    }
}

fn bench_neardup(c: &mut Criterion) {
    let Some(msgs) = sms() else { return };
    let hasher = MinHasher::default();
    let mut g = c.benchmark_group("neardup");
    g.sample_size(10).measurement_time(Duration::from_secs(6));
    g.throughput(Throughput::Elements(msgs.len() as u64));
    g.bench_function("signature_sms", |b| {
        b.iter(|| {
            for m in &msgs {
                black_box(hasher.signature(m));
            }
        })
    });
    let mut letters_gen = Letters::new(&msgs);
    let letters: Vec<String> = (0..2000).map(|_| letters_gen.letter(120)).collect();
    g.throughput(Throughput::Elements(letters.len() as u64));
    g.bench_function("signature_letter_120_words", |b| {
        b.iter(|| {
            for l in &letters {
                black_box(hasher.signature(l));
            }
        })
    });
    g.finish();

    for n in [100_000usize, 1_000_000] {
        let rss_before = proc_status("VmRSS");
        let t0 = Instant::now();
        let mut idx = NearDupIndex::with_capacity(n);
        let mut keep: Vec<(String, Signature)> = Vec::new();
        for i in 0..n {
            let l = letters_gen.letter(60);
            let sig = hasher.signature(&l);
            idx.insert((i % 50_000) as u64, i as i64 * 1000, &sig);
            if i % (n / 100) == 0 {
                keep.push((l, sig));
            }
        }
        eprintln!(
            "index of {n} letters: built in {:.1}s, heap {:.1} MB; {rss_before} -> {} ; {}",
            t0.elapsed().as_secs_f64(),
            idx.heap_bytes() as f64 / 1e6,
            proc_status("VmRSS"),
            proc_status("VmHWM")
        );
        // Queries: near copies of indexed letters (a few words changed) and new letters.
        let queries: Vec<Signature> = keep
            .iter()
            .enumerate()
            .map(|(i, (l, _))| {
                if i % 2 == 0 {
                    let mut words: Vec<&str> = l.split_whitespace().collect();
                    if let Some(w) = words.get_mut(3) {
                        *w = "changed";
                    }
                    hasher.signature(&words.join(" "))
                } else {
                    hasher.signature(&letters_gen.letter(60))
                }
            })
            .collect();
        let q = DupQuery {
            account: 7,
            now_ms: n as i64 * 1000,
            window_ms: 48 * 3_600_000,
            min_similarity: 0.8,
        };
        let hits: u32 = queries
            .iter()
            .map(|s| {
                idx.query(
                    s,
                    &DupQuery {
                        window_ms: i64::MAX / 2,
                        ..q
                    },
                )
                .any_account
            })
            .sum();
        eprintln!(
            "  sanity: {hits} similar letters found for {} queries (half are near copies)",
            queries.len()
        );
        let mut g = c.benchmark_group("neardup_lookup");
        g.sample_size(20).measurement_time(Duration::from_secs(5));
        g.throughput(Throughput::Elements(queries.len() as u64));
        g.bench_function(format!("query_{n}"), |b| {
            b.iter(|| {
                for s in &queries {
                    black_box(idx.query(s, &q));
                }
            })
        });
        g.finish();
        drop(idx);
    }
}

criterion_group!(benches, bench_scan, bench_neardup);
criterion_main!(benches);
