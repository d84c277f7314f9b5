//! Requests for the other party's contact details ("send me your number", "what's your
//! whatsapp?", "can I have your email"), in English; the other languages' are in `intl`.

use crate::doc::{Doc, is_dev_word};
use crate::lang::Lang;
use crate::tokens::TokKind;
use crate::types::{Category, Kind};

/// Nouns that name contact details.
pub(crate) fn is_contact_noun(w: &str) -> bool {
    matches!(
        w,
        "email"
            | "mail"
            | "gmail"
            | "number"
            | "phone"
            | "cell"
            | "mobile"
            | "whatsapp"
            | "telegram"
            | "skype"
            | "contact"
            | "contacts"
            | "handle"
            | "socials"
            | "ig"
            | "instagram"
            | "discord"
            | "viber"
            | "wechat"
            | "signal"
            | "snapchat"
            | "snap"
            | "linkedin"
            | "facebook"
            | "fb"
            | "no"
            | "num"
            | "digits"
            | "insta"
            | "address"
            | "personal"
            | "private"
            | "direct"
    )
}

/// "send me your number", "what's your whatsapp?", "can I have your email".
pub(super) fn contact_requests(d: &mut Doc<'_>) {
    let n = d.t.len();
    let mut i = 0;
    while i < n {
        let t = &d.t;
        if !(t.kind(i) == Some(TokKind::Word) && matches!(t.text(i), "your" | "ur" | "yr")) {
            i += 1;
            continue;
        }
        // The noun within two words after "your" ("your personal email", "your contact details").
        let noun = (i + 1..(i + 3).min(n))
            .find(|&k| t.kind(k) == Some(TokKind::Word) && is_contact_noun(t.text(k)));
        let Some(noun) = noun else {
            i += 1;
            continue;
        };
        let noun_w = t.text(noun);
        // "your room number", "your account number": only a contact word right before "number";
        // "your phone" alone is the device ("answer your phone"), "your phone number" is contact.
        if matches!(noun_w, "number" | "no" | "num") && noun > i + 1 {
            i += 1;
            continue;
        }
        if matches!(noun_w, "phone" | "cell" | "mobile")
            && !matches!(t.text(noun + 1), "number" | "no" | "num" | "numbers")
        {
            i += 1;
            continue;
        }
        if matches!(noun_w, "address" | "personal" | "private" | "direct" | "no") {
            // Only with a contact word next to them: "your personal email", "your email address".
            let next = t.text(noun + 1);
            if !matches!(
                next,
                "email" | "number" | "phone" | "contact" | "whatsapp" | "mail"
            ) {
                i += 1;
                continue;
            }
        }
        let lo = d.t.clause_start(i, 6);
        let asks = d.any_word(lo, i, |w| {
            matches!(
                w,
                "send"
                    | "give"
                    | "share"
                    | "drop"
                    | "tell"
                    | "need"
                    | "want"
                    | "get"
                    | "have"
                    | "whats"
                    | "what's"
                    | "what"
                    | "provide"
                    | "leave"
                    | "post"
                    | "write"
                    | "dm"
                    | "pm"
                    | "exchange"
                    | "may"
            )
        }) || (noun + 1..(noun + 3).min(n)).any(|k| {
            d.t.is_sym(k, b'?') || ["please", "pls", "plz"].iter().any(|w| d.t.is_word(k, w))
        });
        let dev = d.any_word(lo, d.t.clause_end(i, 10), is_dev_word);
        if !asks || dev || d.negated_before(i, 6) {
            i += 1;
            continue;
        }
        let value = format!("your {noun_w}");
        d.push_in(
            Lang::En,
            Category::ContactInfo,
            Kind::ContactRequest,
            i,
            noun + 1,
            value,
            0.8,
            "request.contact_details",
        );
        i = noun + 1;
    }
}
