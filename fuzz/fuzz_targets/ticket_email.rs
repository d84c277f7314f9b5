//! What the support desk reads from a member's email: the ticket number in the subject and the
//! new text above the quote. Any bytes answer a number or none and a text that is part of the
//! body, without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trustwork_core::tickets::{number_in_subject, reply_text};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Some(n) = number_in_subject(&text) {
        assert!(n >= 0);
        assert!(text.contains(&format!("{n}]")));
    }
    let kept = reply_text(&text);
    assert!(kept.len() <= text.len());
    assert!(!kept.starts_with(char::is_whitespace));
});
