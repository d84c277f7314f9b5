//! Prints the findings for each argument: `cargo run -p trustwork-detect --example probe -- "text"`.
use trustwork_detect::{ScanContext, scan};
fn main() {
    for line in std::env::args().skip(1) {
        println!("{line:?}");
        for f in scan(&line, &ScanContext::default()) {
            println!(
                "  {} {} {:?} [{}..{}] {:.2} {} {:?}",
                f.category.as_str(),
                f.kind.as_str(),
                f.value,
                f.start,
                f.end,
                f.confidence,
                f.rule,
                f.language
            );
        }
    }
}
