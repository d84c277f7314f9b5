//! Every gate of every wanted combination on the public corpora and the case files, written to
//! a file: two builds give byte-identical files when a change to the prefilter keeps its answers.
//! Run with `GATES_OUT=file cargo test --release -p trustwork-detect dump_gates -- --ignored`
//! (the corpora from `TRUSTWORK_DATA`, else `../shared/data`), then compare the two files.

use super::tests::{CASES, WANTS};
use super::*;
use crate::normalize::normalize;

#[test]
#[ignore = "writes a file for comparing two builds"]
fn dump_gates() {
    let Some(out) = std::env::var_os("GATES_OUT") else {
        panic!("set GATES_OUT to the file to write");
    };
    let dir = std::env::var_os("TRUSTWORK_DATA").map_or_else(
        || std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
        std::path::PathBuf::from,
    );
    let mut texts: Vec<String> = CASES.clone();
    for file in [
        "sms-spam-collection.tsv",
        "davidson-hate-offensive.csv",
        "presidio-synth-pii.json",
    ] {
        let body = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
        texts.extend(body.lines().map(str::to_string));
    }
    assert!(
        texts.len() > CASES.len(),
        "no corpus under {}",
        dir.display()
    );
    let mut dump = String::new();
    for t in &texts {
        let norm = normalize(t);
        for want in WANTS {
            let raw = t.is_ascii().then(|| gates_ascii(t, want));
            dump.push_str(&format!("{:?} {raw:?}\n", gates(norm.as_str(), want)));
        }
    }
    std::fs::write(out, dump).unwrap();
}
