//! Fuzz `scan` with arbitrary bytes (read as lossy UTF-8) in every context, and check the
//! invariants callers rely on: spans are ordered char boundaries of the input, confidences are in
//! 0..=1, normalising is idempotent, and signatures are deterministic. The contact detectors run
//! alone too (their own prefilter pass), and that pass must agree with the general one.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use trustwork_detect::neardup::MinHasher;
use trustwork_detect::{Category, ScanContext, Scanner, ScannerConfig, Source, normalize, scan};

static CONTACT: LazyLock<Scanner> =
    LazyLock::new(|| Scanner::new(ScannerConfig::only(&[Category::ContactInfo])));

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let sources = [Source::Profile, Source::JobPost, Source::Proposal, Source::Message, Source::Feedback, Source::Other];
    let source = sources[data.first().map_or(0, |b| *b as usize) % sources.len()];
    let ctx = ScanContext { source, contract_active: data.len() % 2 == 1, allowed_domains: &[] };
    for f in scan(&text, &ctx) {
        assert!(f.start <= f.end && f.end <= text.len());
        assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
        assert!((0.0..=1.0).contains(&f.confidence));
    }
    for f in CONTACT.scan(&text, &ctx) {
        assert!(f.start <= f.end && f.end <= text.len());
        assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
    }
    assert!(trustwork_detect::fuzzing::contact_passes_agree(&text));
    let once = normalize(&text).as_str().to_string();
    assert_eq!(normalize(&once).as_str(), once);
    let h = MinHasher::new(1);
    assert_eq!(h.signature(&text), h.signature(&text));
});
