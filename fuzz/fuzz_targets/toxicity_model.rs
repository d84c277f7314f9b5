//! The toxicity model's file reader on arbitrary bytes (an operator may give Trustwork a model
//! file), and the model's scorers on arbitrary text: a model or an error, a score in 0..=1 with its
//! evidence inside the text; never a panic. The feedback model shares the format and is read
//! whole ([`Model::score_whole`]).
#![no_main]

use libfuzzer_sys::fuzz_target;
use trustwork_detect::toxicity::{Head, Model, built_in};

fuzz_target!(|data: &[u8]| {
    let _ = Model::from_bytes(data);
    if let (Ok(text), Some(model)) = (std::str::from_utf8(data), built_in()) {
        let s = model.score(text);
        assert!((0.0..=1.0).contains(&s.offensive) && (0.0..=1.0).contains(&s.harassment));
        assert!(s.evidence.0 <= s.evidence.1 && s.evidence.1 <= text.len());
        assert!(text.is_char_boundary(s.evidence.0) && text.is_char_boundary(s.evidence.1));
        if let Some(feedback) = trustwork_detect::feedback::built_in() {
            for (m, head) in [
                (&model, Head::Harassment),
                (&feedback, trustwork_detect::feedback::HEAD),
            ] {
                let w = m.score_whole(head, text);
                assert!((0.0..=1.0).contains(&w.p));
                assert!(w.evidence.0 <= w.evidence.1 && w.evidence.1 <= text.len());
                assert!(text.is_char_boundary(w.evidence.0) && text.is_char_boundary(w.evidence.1));
            }
        }
    }
});
