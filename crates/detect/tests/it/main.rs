//! The detection crate's one integration-test binary: property tests over arbitrary text, and our
//! labelled cases in other languages.

mod languages;
mod props;
