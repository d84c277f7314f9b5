//! Off-platform payment behaviour.

use crate::scan;
use crate::types::{Category, Kind, ScanContext};

fn kinds(s: &str) -> Vec<Kind> {
    scan(s, &ScanContext::default())
        .into_iter()
        .filter(|f| f.category == Category::OffPlatformPayment)
        .map(|f| f.kind)
        .collect()
}

#[test]
fn intent_is_found() {
    assert_eq!(
        kinds("Can I pay you via PayPal instead?"),
        [Kind::BrandIntent]
    );
    assert_eq!(kinds("send the money to my Payoneer"), [Kind::BrandIntent]);
    assert_eq!(
        kinds("let's close the contract and I'll pay you directly"),
        [Kind::OutsideIntent]
    );
    assert_eq!(
        kinds("pay me outside the platform to avoid the fees"),
        [Kind::OutsideIntent]
    );
    assert_eq!(
        kinds("I accept Wise, Zelle or bank transfer, no fees for you"),
        [Kind::BrandIntent]
    );
    assert_eq!(
        kinds("my p4yp4l is the same as my name"),
        [Kind::BrandIntent]
    );
}

#[test]
fn details_are_found() {
    assert_eq!(kinds("IBAN GB82 WEST 1234 5698 7654 32"), [Kind::Iban]);
    assert_eq!(kinds("card 4111 1111 1111 1111"), [Kind::Card]);
    assert_eq!(
        kinds("usdt 0x52908400098527886E0F7030069857D2E4169EE7"),
        [Kind::CryptoAddress]
    );
}

#[test]
fn fine_talk_about_payments() {
    for s in [
        "I never accept payment outside the platform",
        "I integrated PayPal checkout and Stripe webhooks for the store",
        "Please don't ask me to pay outside Upwork",
        "Payment will be released through the milestone as usual",
        "The invoice total is 1,250.00 USD, due on 2024-05-01",
        "I withdraw my earnings to Payoneer every month",
        "Our customers pay with PayPal and Apple Pay on the website",
    ] {
        assert!(kinds(s).is_empty(), "{s}");
    }
}

#[test]
fn work_talk_lowers_an_explicit_request_but_does_not_erase_it() {
    let plain = scan("pay me via paypal outside", &ScanContext::default());
    let with_work = scan(
        "pay me via paypal outside, the logo is done",
        &ScanContext::default(),
    );
    assert_eq!(with_work.len(), 1, "{with_work:?}");
    assert_eq!(with_work[0].kind, Kind::BrandIntent);
    assert!(with_work[0].confidence < plain[0].confidence);
    for s in [
        "the logo is done, send the money to my PayPal",
        "the banner is ready; can you pay me with Wise instead?",
    ] {
        assert_eq!(kinds(s), [Kind::BrandIntent], "{s}");
    }
    // The brand as the work's subject, or a third party paying, stays fine.
    for s in [
        "I will design the PayPal logo for you and send you the files",
        "Build the checkout so customers can pay me via PayPal",
        "integrate PayPal so you can pay me later through the app",
    ] {
        assert!(kinds(s).is_empty(), "{s}");
    }
}
