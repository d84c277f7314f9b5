//! Property tests: spans are char boundaries of the original, normalising is idempotent, nothing
//! panics on arbitrary Unicode, huge inputs or pathological repetition, and scanning stays linear.

use proptest::prelude::*;
use trustwork_detect::neardup::MinHasher;
use trustwork_detect::{ScanContext, normalize, scan};

/// Text biased towards what the detectors react to: digits, '@', dots, brackets, number words,
/// look-alikes, invisible characters and arbitrary Unicode.
fn tricky() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        any::<char>().prop_map(|c| c.to_string()),
        Just("@".to_string()),
        Just(" at ".to_string()),
        Just(" dot ".to_string()),
        Just("(at)".to_string()),
        Just("[.]".to_string()),
        Just("\u{FF20}".to_string()),
        Just("\u{200B}".to_string()),
        Just("\u{202E}".to_string()),
        Just("ＷｈａｔｓＡｐｐ".to_string()),
        Just(" five ".to_string()),
        Just(" double ".to_string()),
        Just("+".to_string()),
        Just("-".to_string()),
        Just(".com".to_string()),
        Just("paypal".to_string()),
        Just(" f*ck ".to_string()),
        Just("İ".to_string()),
        Just("\u{FB01}".to_string()),
        // Spanish, Portuguese, French, German: at/dot words, pairs, joins, possessives, slang.
        Just(" arroba ".to_string()),
        Just(" punto ".to_string()),
        Just(" Punkt ".to_string()),
        Just(" soixante-dix".to_string()),
        Just(" quatre-vingt".to_string()),
        Just("s".to_string()),
        Just("-dix-".to_string()),
        Just(" et onze".to_string()),
        Just(" treinta y".to_string()),
        Just(" e quatro".to_string()),
        Just("zweiundvierzig".to_string()),
        Just("dreiunddreißig".to_string()),
        Just(" tu número ".to_string()),
        Just(" no zap ".to_string()),
        Just(" págame por fuera ".to_string()),
        Just(" ohne Gebühren ".to_string()),
        "[0-9]{1,4}",
        "[a-z]{1,6}",
        " ",
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn spans_are_char_boundaries_of_the_original(s in tricky()) {
        for f in scan(&s, &ScanContext::default()) {
            prop_assert!(f.start <= f.end && f.end <= s.len(), "{f:?}");
            prop_assert!(s.is_char_boundary(f.start) && s.is_char_boundary(f.end), "{f:?}");
            prop_assert!((0.0..=1.0).contains(&f.confidence));
        }
    }

    #[test]
    fn spans_are_valid_for_any_unicode(s in any::<String>()) {
        for f in scan(&s, &ScanContext::default()) {
            prop_assert!(s.is_char_boundary(f.start) && s.is_char_boundary(f.end) && f.start <= f.end);
        }
    }

    #[test]
    fn normalising_is_idempotent(s in any::<String>()) {
        let once = normalize(&s).as_str().to_string();
        let twice = normalize(&once).as_str().to_string();
        prop_assert_eq!(once, twice);
    }

    #[test]
    fn normalising_tricky_text_is_idempotent(s in tricky()) {
        let once = normalize(&s).as_str().to_string();
        let twice = normalize(&once).as_str().to_string();
        prop_assert_eq!(twice, once);
    }

    #[test]
    fn original_spans_cover_whole_chars(s in any::<String>(), a in 0usize..64, b in 0usize..64) {
        let n = normalize(&s);
        let len = n.as_str().len();
        let (a, b) = (a.min(len), b.min(len));
        let (x, y) = n.original_span(a.min(b), a.max(b));
        prop_assert!(x <= y && y <= s.len() && s.is_char_boundary(x) && s.is_char_boundary(y));
    }

    #[test]
    fn signatures_are_deterministic(s in tricky()) {
        let h = MinHasher::new(7);
        prop_assert_eq!(h.signature(&s), h.signature(&s));
    }
}

/// Pathological repetition must neither panic nor blow up: each input is 1 MB and must scan in
/// roughly linear time (generous bound, debug build).
#[test]
fn pathological_repetition_is_linear() {
    let units = [
        "a",
        "a.",
        "a@",
        "@a.",
        "1",
        "1 ",
        "1-",
        "(1)",
        " at ",
        " dot ",
        "a b ",
        "f*",
        "*",
        "+1 ",
        "you ",
        "whatsapp ",
        "pay ",
        "\u{200B}",
        "İ",
        "ＷｈａｔｓＡｐｐ",
        "x.y.",
        "a_",
        "#1",
        "double ",
        "five ",
        "soixante-dix-",
        "quatre-vingt-",
        "treinta y ",
        " e ",
        "zweiundvierzig ",
        "tu numero ",
        "no zap ",
        "punto ",
        "paga por fora ",
        // Session 16's rules: deals over two clauses, dictated and one-per-line numbers, handles
        // near app names, reports near payment words.
        "5 stars or I dispute, review first? then files ",
        "call 917 then 555 then ",
        "my number\n1 2 3\n",
        "telegram als @lea_g discord x#1234 ",
        "pay me via paypal, client asked me, is that allowed ",
        // Session 17's: pieces after a phone word over a line, paying on the side, user names
        // with work words, swaps, "no review, no files", feedback left on a contract.
        "ring me: 0 7 9\n",
        "call me: 07911\n",
        "pay me on the side ",
        "tg: @mx_frontend ",
        "swap reviews, no review no files, ",
        "left your feedback on the contract has been submitted ",
    ];
    for unit in units {
        let small = unit.repeat(10_000 / unit.len().max(1));
        let big = unit.repeat(100_000 / unit.len().max(1));
        let t0 = std::time::Instant::now();
        let _ = scan(&small, &ScanContext::default());
        let t_small = t0.elapsed();
        let t1 = std::time::Instant::now();
        let f = scan(&big, &ScanContext::default());
        let t_big = t1.elapsed();
        for x in &f {
            assert!(big.is_char_boundary(x.start) && big.is_char_boundary(x.end));
        }
        // 10x the input may cost at most ~30x the time (linear plus noise), and never seconds.
        assert!(
            t_big.as_secs_f64() <= 30.0 * t_small.as_secs_f64() + 0.5,
            "{unit:?}: {t_small:?} -> {t_big:?}"
        );
    }
}

#[test]
fn huge_input_does_not_panic() {
    let s = "Contact me at jane.doe@studio-mail.com or +1 415 555 0100. ".repeat(40_000);
    let f = scan(&s, &ScanContext::default());
    assert!(f.len() >= 40_000);
}

/// Found by `cargo fuzz run scan`: a digit group too large for u32 overflowed the counting check.
#[test]
fn fuzz_regression_huge_digit_group() {
    let s = "@Sjss66>6666666666\u{0}66\u{0}6\u{0}2";
    let _ = scan(s, &ScanContext::default());
    let _ = scan("1 2 3 99999999999 4", &ScanContext::default());
}
