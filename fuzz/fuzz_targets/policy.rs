//! The policy parser (TOML, then each rule's CEL condition, its shape and its actions) on
//! arbitrary text: it answers a policy or an error with a place, and never panics or overflows
//! its stack (`PUT /api/v1/policy`, SIGHUP and `--policy` all feed it text from outside).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = trustwork_core::enforcement::Policy::parse(text);
        // The same text as a rule's condition, where the CEL parser sees it directly.
        let rule = format!(
            "version = \"fuzz\"\n[[rule]]\nname = \"r\"\nwhen = '''{}'''\nverdict = \"allow\"\n",
            text.replace("'''", "")
        );
        let _ = trustwork_core::enforcement::Policy::parse(&rule);
    }
});
