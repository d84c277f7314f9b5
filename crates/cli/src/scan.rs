//! `trustwork scan`: runs the detectors over JSONL, CSV or TSV records from a file or stdin and
//! writes one JSON line per record to stdout:
//! `{"id": …, "findings": [{"category", "kind", "start", "end", "value", "confidence", "rule"}]}`.
//!
//! Streaming: one record in memory at a time. A bad record (invalid JSON, invalid UTF-8, a missing
//! field) is reported on stderr with its line number and skipped; the run goes on and exits 0 once
//! the input was read. A progress line is drawn on stderr only when stderr is a terminal; a summary
//! is always printed on stderr at the end.

use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use serde::Serialize;
use trustwork_detect::{Category, Finding, ScanContext, Scanner, ScannerConfig, Source};

/// Input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
}

/// Where the scanned texts were written (changes the policy, see `ScanContext`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SourceArg {
    Profile,
    JobPost,
    Proposal,
    Message,
    Feedback,
    Other,
}

impl From<SourceArg> for Source {
    fn from(s: SourceArg) -> Source {
        match s {
            SourceArg::Profile => Source::Profile,
            SourceArg::JobPost => Source::JobPost,
            SourceArg::Proposal => Source::Proposal,
            SourceArg::Message => Source::Message,
            SourceArg::Feedback => Source::Feedback,
            SourceArg::Other => Source::Other,
        }
    }
}

/// Arguments of `trustwork scan`.
#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Input file; stdin when absent or "-".
    pub input: Option<PathBuf>,
    /// Input format.
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: Format,
    /// JSONL: the field holding the text.
    #[arg(long, default_value = "text")]
    pub field: String,
    /// CSV/TSV: the column holding the text (header name).
    #[arg(long, default_value = "text")]
    pub column: String,
    /// The field or column holding the record id (the line number when absent).
    #[arg(long, default_value = "id")]
    pub id_field: String,
    /// Only report these categories (comma-separated: contact_info, off_platform_payment,
    /// harassment, profanity, feedback_pressure).
    #[arg(long, value_delimiter = ',')]
    pub categories: Vec<String>,
    /// Where the texts come from.
    #[arg(long, value_enum, default_value = "other")]
    pub source: SourceArg,
    /// A contract is active between the parties (contact info in messages is then allowed).
    #[arg(long)]
    pub contract_active: bool,
    /// The operator's domains, never reported (repeatable).
    #[arg(long = "allow-domain")]
    pub allow_domains: Vec<String>,
    /// Findings below this confidence are dropped.
    #[arg(long, default_value_t = 0.5)]
    pub min_confidence: f32,
    /// Write only records that have findings.
    #[arg(long)]
    pub only_findings: bool,
}

#[derive(Serialize)]
struct OutFinding<'a> {
    category: &'static str,
    kind: &'static str,
    start: usize,
    end: usize,
    value: &'a str,
    confidence: f32,
    rule: &'static str,
    severity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<&'static str>,
}

#[derive(Serialize)]
struct OutRecord<'a> {
    id: &'a serde_json::Value,
    findings: Vec<OutFinding<'a>>,
}

/// One record read from the input, or the reason it could not be read.
#[derive(Debug, PartialEq)]
pub enum Record {
    Ok { id: serde_json::Value, text: String },
    Bad { line: u64, error: String },
}

/// Totals printed at the end.
#[derive(Debug, Default)]
pub struct Summary {
    pub records: u64,
    pub bad: u64,
    pub with_findings: u64,
    pub bytes: u64,
    pub per_category: [u64; 5],
}

/// Runs `trustwork scan`.
pub fn run(args: ScanArgs) -> anyhow::Result<std::process::ExitCode> {
    let categories = parse_categories(&args.categories)?;
    let scanner = Scanner::new(ScannerConfig {
        allowed_domains: args.allow_domains.clone(),
        min_confidence: args.min_confidence,
        categories,
        ..ScannerConfig::default()
    });
    let input: Box<dyn Read> = match &args.input {
        Some(p) if p.as_os_str() != "-" => Box::new(
            std::fs::File::open(p).with_context(|| format!("cannot open {}", p.display()))?,
        ),
        _ => Box::new(std::io::stdin().lock()),
    };
    let stdout = std::io::stdout().lock();
    let mut out = std::io::BufWriter::new(stdout);
    let mut progress = Progress::new(std::io::stderr().is_terminal());
    let started = Instant::now();
    let summary = scan_stream(
        &scanner,
        &args,
        input,
        &mut out,
        &mut |line, err| {
            eprintln!("line {line}: {err}");
        },
        &mut progress,
    )?;
    out.flush().context("writing stdout")?;
    progress.clear();
    let secs = started.elapsed().as_secs_f64().max(1e-9);
    let mut per = String::new();
    for (c, n) in Category::ALL.iter().zip(summary.per_category) {
        if n > 0 {
            per.push_str(&format!(" {}={n}", c.as_str()));
        }
    }
    eprintln!(
        "scanned {} records ({} bad, {} with findings;{}) {:.1} MB in {:.2}s ({:.1} MB/s)",
        summary.records,
        summary.bad,
        summary.with_findings,
        if per.is_empty() {
            " none".to_string()
        } else {
            per
        },
        summary.bytes as f64 / 1e6,
        secs,
        summary.bytes as f64 / 1e6 / secs
    );
    Ok(std::process::ExitCode::SUCCESS)
}

fn parse_categories(names: &[String]) -> anyhow::Result<Vec<Category>> {
    if names.is_empty() {
        return Ok(Category::ALL.to_vec());
    }
    names
        .iter()
        .map(|n| {
            Category::parse(n.trim()).with_context(|| {
                let all: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
                format!("unknown category {n:?} (known: {})", all.join(", "))
            })
        })
        .collect()
}

/// Scans every record of `input`, writing JSON lines to `out` and bad records to `on_bad`.
pub fn scan_stream<R: Read, W: Write>(
    scanner: &Scanner,
    args: &ScanArgs,
    input: R,
    out: &mut W,
    on_bad: &mut dyn FnMut(u64, &str),
    progress: &mut Progress,
) -> anyhow::Result<Summary> {
    let ctx = ScanContext {
        source: args.source.into(),
        contract_active: args.contract_active,
        allowed_domains: &[],
    };
    let categories = parse_categories(&args.categories)?;
    let mut summary = Summary::default();
    let mut handle = |rec: Record, summary: &mut Summary| -> anyhow::Result<()> {
        match rec {
            Record::Bad { line, error } => {
                summary.bad += 1;
                on_bad(line, &error);
            }
            Record::Ok { id, text } => {
                summary.records += 1;
                summary.bytes += text.len() as u64;
                let mut findings = scanner.scan(&text, &ctx);
                findings.retain(|f| categories.contains(&f.category));
                if !findings.is_empty() {
                    summary.with_findings += 1;
                }
                for f in &findings {
                    if let Some(i) = Category::ALL.iter().position(|c| *c == f.category)
                        && let Some(slot) = summary.per_category.get_mut(i)
                    {
                        *slot += 1;
                    }
                }
                if !(args.only_findings && findings.is_empty()) {
                    write_record(out, &id, &findings)?;
                }
                progress.tick(summary.records, summary.bytes);
            }
        }
        Ok(())
    };
    match args.format {
        Format::Jsonl => {
            let mut reader = BufReader::new(input);
            let mut buf = Vec::new();
            let mut line_no = 0u64;
            loop {
                buf.clear();
                let n = reader
                    .read_until(b'\n', &mut buf)
                    .context("reading input")?;
                if n == 0 {
                    break;
                }
                line_no += 1;
                if buf.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                handle(
                    parse_jsonl(&buf, line_no, &args.field, &args.id_field),
                    &mut summary,
                )?;
            }
        }
        Format::Csv | Format::Tsv => {
            let delim = if args.format == Format::Csv {
                b','
            } else {
                b'\t'
            };
            let mut rdr = csv::ReaderBuilder::new()
                .delimiter(delim)
                .flexible(true)
                .quoting(args.format == Format::Csv)
                .from_reader(input);
            let headers = rdr
                .byte_headers()
                .context("reading the header row")?
                .clone();
            let find = |name: &str| headers.iter().position(|h| h == name.as_bytes());
            let text_col = find(&args.column)
                .with_context(|| format!("no column named {:?} in the header", args.column))?;
            let id_col = find(&args.id_field);
            let mut rec = csv::ByteRecord::new();
            loop {
                match rdr.read_byte_record(&mut rec) {
                    Ok(false) => break,
                    Ok(true) => {
                        let line = rec.position().map_or(0, |p| p.line());
                        handle(csv_record(&rec, line, text_col, id_col), &mut summary)?;
                    }
                    Err(e) => {
                        let line = e.position().map_or(0, |p| p.line());
                        handle(
                            Record::Bad {
                                line,
                                error: e.to_string(),
                            },
                            &mut summary,
                        )?;
                        if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                            break;
                        }
                    }
                }
            }
        }
    }
    Ok(summary)
}

/// Parses one JSONL line into a record.
pub fn parse_jsonl(bytes: &[u8], line: u64, field: &str, id_field: &str) -> Record {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            return Record::Bad {
                line,
                error: format!("invalid UTF-8: {e}"),
            };
        }
    };
    let v: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return Record::Bad {
                line,
                error: format!("invalid JSON: {e}"),
            };
        }
    };
    let Some(body) = v.get(field).and_then(|t| t.as_str()) else {
        return Record::Bad {
            line,
            error: format!("no string field {field:?}"),
        };
    };
    let id = v
        .get(id_field)
        .cloned()
        .unwrap_or(serde_json::Value::from(line));
    Record::Ok {
        id,
        text: body.to_string(),
    }
}

/// Turns one CSV/TSV record into a record.
pub fn csv_record(
    rec: &csv::ByteRecord,
    line: u64,
    text_col: usize,
    id_col: Option<usize>,
) -> Record {
    let Some(raw) = rec.get(text_col) else {
        return Record::Bad {
            line,
            error: format!("missing column {}", text_col + 1),
        };
    };
    let text = match std::str::from_utf8(raw) {
        Ok(t) => t.to_string(),
        Err(e) => {
            return Record::Bad {
                line,
                error: format!("invalid UTF-8: {e}"),
            };
        }
    };
    let id = id_col
        .and_then(|c| rec.get(c))
        .and_then(|b| std::str::from_utf8(b).ok())
        .map_or(serde_json::Value::from(line), serde_json::Value::from);
    Record::Ok { id, text }
}

fn write_record<W: Write>(
    out: &mut W,
    id: &serde_json::Value,
    findings: &[Finding],
) -> anyhow::Result<()> {
    let rec = OutRecord {
        id,
        findings: findings
            .iter()
            .map(|f| OutFinding {
                category: f.category.as_str(),
                kind: f.kind.as_str(),
                start: f.start,
                end: f.end,
                value: &f.value,
                confidence: (f.confidence * 1000.0).round() / 1000.0,
                rule: f.rule,
                severity: f.severity().as_str(),
                language: f.language,
            })
            .collect(),
    };
    serde_json::to_writer(&mut *out, &rec).context("writing stdout")?;
    out.write_all(b"\n").context("writing stdout")?;
    Ok(())
}

/// A hand-drawn progress line on stderr, redrawn at most 5 times a second, only on a terminal.
pub struct Progress {
    on: bool,
    last: Instant,
    started: Instant,
    drawn: bool,
}

impl Progress {
    pub fn new(on: bool) -> Self {
        let now = Instant::now();
        Progress {
            on,
            last: now,
            started: now,
            drawn: false,
        }
    }

    fn tick(&mut self, records: u64, bytes: u64) {
        if !self.on || self.last.elapsed() < Duration::from_millis(200) {
            return;
        }
        self.last = Instant::now();
        let secs = self.started.elapsed().as_secs_f64().max(1e-9);
        eprint!(
            "\r{records} records, {:.1} MB, {:.1} MB/s   ",
            bytes as f64 / 1e6,
            bytes as f64 / 1e6 / secs
        );
        self.drawn = true;
    }

    fn clear(&mut self) {
        if self.drawn {
            eprint!("\r{:60}\r", "");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: ScanArgs,
    }

    fn args(extra: &[&str]) -> ScanArgs {
        let mut v = vec!["scan"];
        v.extend_from_slice(extra);
        match Cli::try_parse_from(v) {
            Ok(c) => c.args,
            Err(e) => panic!("{e}"),
        }
    }

    fn run_on(extra: &[&str], input: &str) -> (String, Vec<(u64, String)>, Summary) {
        let a = args(extra);
        let scanner = Scanner::default();
        let mut out = Vec::new();
        let mut bad = Vec::new();
        let mut p = Progress::new(false);
        let s = scan_stream(
            &scanner,
            &a,
            input.as_bytes(),
            &mut out,
            &mut |l, e| bad.push((l, e.to_string())),
            &mut p,
        );
        let s = match s {
            Ok(s) => s,
            Err(e) => panic!("{e:#}"),
        };
        (String::from_utf8_lossy(&out).into_owned(), bad, s)
    }

    #[test]
    fn jsonl_bad_lines_are_named_and_skipped() {
        let input = "{\"id\":\"a\",\"text\":\"mail a.b@studio-mail.com\"}\nnot json\n\n{\"id\":7,\"body\":\"x\"}\n{\"text\":\"hello\"}\n";
        let (out, bad, s) = run_on(&[], input);
        assert_eq!(bad.iter().map(|b| b.0).collect::<Vec<_>>(), [2, 4]);
        assert_eq!((s.records, s.bad, s.with_findings), (2, 2, 1));
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with(
            "{\"id\":\"a\",\"findings\":[{\"category\":\"contact_info\",\"kind\":\"email\""
        ));
        assert_eq!(lines[1], "{\"id\":5,\"findings\":[]}");
    }

    #[test]
    fn jsonl_invalid_utf8_is_a_bad_line() {
        let rec = parse_jsonl(b"{\"text\":\"\xff\"}", 3, "text", "id");
        assert!(matches!(rec, Record::Bad { line: 3, .. }));
    }

    #[test]
    fn field_and_category_filters() {
        let input = "{\"id\":1,\"msg\":\"fuck, mail a.b@studio-mail.com\"}\n";
        let (out, _, _) = run_on(&["--field", "msg", "--categories", "profanity"], input);
        assert!(
            out.contains("profanity") && !out.contains("contact_info"),
            "{out}"
        );
        assert!(parse_categories(&["nope".into()]).is_err());
    }

    #[test]
    fn csv_and_tsv_with_line_numbers() {
        let input = "id,text\n1,\"call me at +1 415 555 0100\"\n2,\"multi\nline, fine\"\n3\n";
        let (out, bad, s) = run_on(&["--format", "csv"], input);
        assert_eq!(s.records, 2);
        assert_eq!(bad.iter().map(|b| b.0).collect::<Vec<_>>(), [5]);
        assert!(
            out.lines()
                .next()
                .is_some_and(|l| l.contains("+14155550100"))
        );
        let (out, _, s) = run_on(
            &["--format", "tsv", "--column", "SMS", "--id-field", "Label"],
            "Label\tSMS\nham\tok \"quoted\" lar\nspam\tcall 09061701461 now\n",
        );
        assert_eq!(s.records, 2);
        assert!(
            out.lines()
                .nth(1)
                .is_some_and(|l| l.starts_with("{\"id\":\"spam\"") && l.contains("phone")),
            "{out}"
        );
    }

    #[test]
    fn missing_column_is_an_error() {
        let a = args(&["--format", "csv", "--column", "body"]);
        let mut out = Vec::new();
        let mut p = Progress::new(false);
        let r = scan_stream(
            &Scanner::default(),
            &a,
            "id,text\n1,x\n".as_bytes(),
            &mut out,
            &mut |_, _| {},
            &mut p,
        );
        assert!(r.is_err());
    }
}
