//! Trustwork's detection engine (issue 3): contact information, off-platform payment, abuse,
//! feedback pressure and near-duplicate cover letters. Pure: no I/O, no async.
//!
//! ```
//! use trustwork_detect::{scan, Category, ScanContext, Source};
//! let findings = scan("ping me on whats app: +1 (415) 555-0100", &ScanContext::new(Source::Message));
//! assert!(findings.iter().all(|f| f.category == Category::ContactInfo));
//! assert!(findings.iter().any(|f| f.value == "+14155550100"));
//! ```
//!
//! How it works: [`normalize`] folds the text to a skeleton that remembers original offsets; the
//! tokenizer undoes word-level evasion (spaced letters); each detector reads the tokens and reports
//! [`Finding`]s with spans in the ORIGINAL text. Work is linear in the input: texts longer than
//! [`ScannerConfig::chunk_bytes`] are scanned chunk by chunk.

mod abuse;
mod contact;
mod doc;
pub mod feedback;
mod fxhash;
mod lang;
mod lexicon;
mod nametrie;
pub mod neardup;
mod normalize;
mod payment;
mod prefilter;
mod scanner;
mod tokens;
pub mod toxicity;
mod types;

pub use normalize::{Normalized, normalize};
pub use scanner::{Scanner, ScannerConfig, scan};
pub use types::{Category, Finding, Kind, ScanContext, Severity, Source};

/// Checks of internal agreements, for the fuzz targets (feature `fuzzing`).
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    /// The contact-only prefilter pass and the word pass give the same gates on `text` (as
    /// written and as its skeleton).
    pub fn contact_passes_agree(text: &str) -> bool {
        crate::prefilter::contact_passes_agree(text).is_ok()
    }
}
