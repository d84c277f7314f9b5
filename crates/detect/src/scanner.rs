//! The entry point: a [`Scanner`] built once from a [`ScannerConfig`], and the free [`scan`] that
//! uses a default scanner built on first use.

use std::sync::LazyLock;

use std::sync::Arc;

use crate::contact::Allow;
use crate::doc::Doc;
use crate::normalize::normalize;
use crate::toxicity::Model;
use crate::types::{Category, Finding, Kind, ScanContext, Source};
use crate::{abuse, contact, feedback, payment, prefilter, toxicity};

/// What a [`Scanner`] looks for and reports.
#[derive(Debug, Clone)]
pub struct ScannerConfig {
    /// The operator's own domains: links and e-mail addresses there are never reported.
    pub allowed_domains: Vec<String>,
    /// Findings below this confidence are dropped. Default 0.5.
    pub min_confidence: f32,
    /// Which categories to run (all by default). Skipping a category also skips its work.
    pub categories: Vec<Category>,
    /// Texts longer than this are scanned in chunks cut at whitespace, which bounds the memory used
    /// per scan. Default 64 KiB. A violation split across a cut may be missed.
    pub chunk_bytes: usize,
    /// The learned toxicity model beside the abuse lexicon (the built-in one by default; None runs
    /// the lexicon alone).
    pub toxicity_model: Option<Arc<Model>>,
    /// The learned feedback-pressure head beside the rules (the built-in one by default; None runs
    /// the rules alone).
    pub feedback_model: Option<Arc<Model>>,
}

impl Default for ScannerConfig {
    fn default() -> Self {
        ScannerConfig {
            allowed_domains: Vec::new(),
            min_confidence: 0.5,
            categories: Category::ALL.to_vec(),
            chunk_bytes: 64 * 1024,
            toxicity_model: toxicity::built_in(),
            feedback_model: feedback::built_in(),
        }
    }
}

impl ScannerConfig {
    /// The default configuration restricted to `categories`.
    pub fn only(categories: &[Category]) -> Self {
        ScannerConfig {
            categories: categories.to_vec(),
            ..ScannerConfig::default()
        }
    }
}

/// A configured detector. Cheap to share (`&Scanner` is `Sync`); build it once.
#[derive(Debug, Clone)]
pub struct Scanner {
    config: ScannerConfig,
    run: [bool; 5],
}

impl Default for Scanner {
    fn default() -> Self {
        Scanner::new(ScannerConfig::default())
    }
}

static DEFAULT: LazyLock<Scanner> = LazyLock::new(Scanner::default);

/// Scans `text` with the default configuration. See [`Scanner::scan`].
pub fn scan(text: &str, ctx: &ScanContext<'_>) -> Vec<Finding> {
    DEFAULT.scan(text, ctx)
}

impl Scanner {
    /// Builds a scanner. The word tables are built once per process, on first use.
    pub fn new(config: ScannerConfig) -> Self {
        let mut run = [false; 5];
        for (slot, c) in run.iter_mut().zip(Category::ALL) {
            *slot = config.categories.contains(&c);
        }
        Scanner { config, run }
    }

    /// The configuration this scanner was built with.
    pub fn config(&self) -> &ScannerConfig {
        &self.config
    }

    /// Scans `text` and returns its findings, sorted by start offset. Spans are byte offsets into
    /// `text` on char boundaries. Overlapping findings of one category are merged into the most
    /// confident one. When `ctx.contract_active` is set for a message, contact info is allowed and
    /// not reported.
    pub fn scan(&self, text: &str, ctx: &ScanContext<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        let chunk = self.config.chunk_bytes.max(1024);
        let mut offset = 0;
        while offset < text.len() {
            let rest = text.get(offset..).unwrap_or("");
            let cut = cut_point(rest, chunk);
            let piece = rest.get(..cut).unwrap_or(rest);
            for mut f in self.scan_piece(piece, ctx) {
                f.start += offset;
                f.end += offset;
                out.push(f);
            }
            offset += cut.max(1);
        }
        finish(out, self.config.min_confidence)
    }

    fn scan_piece(&self, text: &str, ctx: &ScanContext<'_>) -> Vec<Finding> {
        let [
            contact_on,
            payment_on,
            harassment_on,
            profanity_on,
            feedback_on,
        ] = self.run;
        let contact_on = contact_on && !(ctx.contract_active && ctx.source == Source::Message);
        if !(contact_on || payment_on || harassment_on || profanity_on || feedback_on) {
            return Vec::new();
        }
        let want = prefilter::Gates {
            contact: contact_on,
            payment: payment_on,
            abuse: harassment_on || profanity_on,
            feedback: feedback_on,
            contact_parts: prefilter::C_ALL,
        };
        // Skip the detectors that provably find nothing here (see `prefilter`). An ASCII text is
        // checked as it is (the prefilter gives the same answer on it as on its skeleton), so
        // most messages are never normalised.
        // The model reads every text (no word list can gate it); the lexicon's findings, when it
        // runs, come first.
        let model = if harassment_on || profanity_on {
            self.config.toxicity_model.as_deref()
        } else {
            None
        };
        let (gates, norm) = if text.is_ascii() {
            let gates = prefilter::gates_ascii(text, want);
            if !gates.any() {
                let mut out = Vec::new();
                if let Some(m) = model {
                    abuse::add_model_findings(m, text, text, |a, b| (a, b), &mut out);
                }
                return self.keep_categories(out);
            }
            (gates, normalize(text))
        } else {
            let norm = normalize(text);
            (prefilter::gates(norm.as_str(), want), norm)
        };
        let contact_on = gates.contact;
        let payment_on = gates.payment;
        let abuse_on = gates.abuse;
        let feedback_on = gates.feedback;
        if !gates.any() {
            let mut out = Vec::new();
            if let Some(m) = model {
                abuse::add_model_findings(
                    m,
                    text,
                    norm.as_str(),
                    |a, b| norm.original_span(a, b),
                    &mut out,
                );
            }
            return self.keep_categories(out);
        }
        // Without payment, names are only read for contact info, and only when the prefilter saw
        // one.
        let names = payment_on || (contact_on && gates.contact_parts & prefilter::C_NAMES != 0);
        let mut d = Doc::from_normalized(norm, names);
        if contact_on {
            let allow = Allow {
                config: &self.config.allowed_domains,
                context: ctx.allowed_domains,
            };
            contact::detect_parts(&mut d, &allow, gates.contact_parts);
        }
        if payment_on {
            payment::detect(&mut d);
        }
        if abuse_on {
            abuse::detect(&mut d);
        }
        if feedback_on {
            feedback::detect(&mut d);
            if let Some(m) = self.config.feedback_model.as_deref() {
                feedback::add_model_findings(m, &mut d);
            }
        }
        if let Some(m) = model {
            // The model was trained on texts as written; an ASCII text is read as it is.
            let (skeleton, norm, findings) = d.skeleton_and_findings();
            if text.is_ascii() {
                abuse::add_model_findings(m, text, text, |a, b| (a, b), findings);
            } else {
                abuse::add_model_findings(
                    m,
                    text,
                    skeleton,
                    |a, b| norm.original_span(a, b),
                    findings,
                );
            }
        }
        // Digits of an IBAN or card are payment details, not a phone number as well.
        let details: Vec<(usize, usize)> = d
            .findings
            .iter()
            .filter(|f| matches!(f.kind, Kind::Iban | Kind::Card))
            .map(|f| (f.start, f.end))
            .collect();
        if !details.is_empty() {
            d.findings.retain(|f| {
                f.kind != Kind::Phone || !details.iter().any(|&(s, e)| f.start < e && s < f.end)
            });
        }
        self.keep_categories(d.findings)
    }

    /// Drops findings of the abuse categories that were not asked for (the abuse pass finds both).
    fn keep_categories(&self, mut findings: Vec<Finding>) -> Vec<Finding> {
        let run = self.run;
        findings.retain(|f| match f.category {
            Category::Harassment => run[2],
            Category::Profanity => run[3],
            _ => true,
        });
        findings
    }
}

/// Where to cut `text` so the piece is at most about `limit` bytes: after the last whitespace in the
/// last KiB before the limit, else at a char boundary.
fn cut_point(text: &str, limit: usize) -> usize {
    if text.len() <= limit {
        return text.len();
    }
    let mut end = limit;
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    let window_start = end.saturating_sub(1024);
    let ws = text
        .get(window_start..end)
        .and_then(|w| w.rfind(|c: char| c.is_whitespace()))
        .map(|p| window_start + p + 1);
    match ws {
        Some(p) if p > 0 && text.is_char_boundary(p) => p,
        _ if end > 0 => end,
        // The first char is longer than the limit (impossible for limits >= 4); take one char.
        _ => text.chars().next().map_or(text.len(), char::len_utf8),
    }
}

/// Drops weak findings, merges overlaps within a category, sorts.
fn finish(mut v: Vec<Finding>, min_confidence: f32) -> Vec<Finding> {
    v.retain(|f| f.confidence >= min_confidence);
    v.sort_by(|a, b| {
        a.category
            .cmp(&b.category)
            .then(a.start.cmp(&b.start))
            .then(b.confidence.total_cmp(&a.confidence))
    });
    let mut out: Vec<Finding> = Vec::with_capacity(v.len());
    for f in v {
        if let Some(last) = out.last_mut()
            && last.category == f.category
            && f.start < last.end
            && f.end > last.start
        {
            if f.confidence > last.confidence {
                *last = f;
            }
            continue;
        }
        out.push(f);
    }
    out.sort_by(|a, b| a.start.cmp(&b.start).then(a.category.cmp(&b.category)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_points_are_char_boundaries() {
        let s = "ab\u{00e9}".repeat(1000);
        let c = cut_point(&s, 1500);
        assert!(s.is_char_boundary(c) && c <= 1500 && c > 0);
        assert_eq!(cut_point("short", 1500), 5);
    }

    #[test]
    fn long_texts_are_scanned_in_chunks_with_global_offsets() {
        let filler = "lorem ipsum dolor sit amet ".repeat(5000);
        let text = format!("{filler}write me at jane.doe@studio-mail.com {filler}");
        let f = Scanner::default().scan(&text, &ScanContext::default());
        assert_eq!(f.len(), 1);
        let f = &f[0];
        assert_eq!(&text[f.start..f.end], "jane.doe@studio-mail.com");
    }

    #[test]
    fn contract_allows_contact_info_in_messages() {
        let mut ctx = ScanContext::new(Source::Message);
        let text = "my email is jane.doe@studio-mail.com, pay me via paypal to skip the fees";
        assert!(
            scan(text, &ctx)
                .iter()
                .any(|f| f.category == Category::ContactInfo)
        );
        ctx.contract_active = true;
        let f = scan(text, &ctx);
        assert!(f.iter().all(|f| f.category != Category::ContactInfo));
        assert!(f.iter().any(|f| f.category == Category::OffPlatformPayment));
    }

    #[test]
    fn allowed_domains_are_not_reported() {
        let allowed = vec!["trustwork.example".to_string()];
        let ctx = ScanContext {
            allowed_domains: &allowed,
            ..ScanContext::default()
        };
        assert!(scan("see https://help.trustwork.example/faq", &ctx).is_empty());
        assert_eq!(scan("see https://evil-site.com/faq", &ctx).len(), 1);
    }

    #[test]
    fn categories_can_be_switched_off() {
        let s = Scanner::new(ScannerConfig::only(&[Category::Profanity]));
        let f = s.scan(
            "fuck this, email me at a.b@studio-mail.com",
            &ScanContext::default(),
        );
        assert!(f.iter().all(|f| f.category == Category::Profanity) && !f.is_empty());
    }
}
