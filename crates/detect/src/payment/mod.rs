//! Off-platform payment: a payment brand or rail named with intent to pay with it ("send it to my
//! PayPal", "can I pay you via Wise?"), or intent to pay outside without a brand ("pay me directly to
//! avoid the fees", "close the contract and I'll pay you"), plus payment details (IBAN, card, crypto).
//!
//! Reasoning is per clause: a clause with a negation before the intent ("I never accept payment
//! outside the platform") or with technical words ("integrate PayPal checkout") is not a violation.

mod context;
pub(crate) mod financial;
mod intl;
mod words;

use context::{is_deliverable, reported, through_platform};
use words::{is_pay_word, is_personal, is_platform, pays_third_party};

use crate::doc::{Doc, is_dev_word};
use crate::lang::{self, DE, ES, FR, Lang, PT, Votes};
use crate::lexicon::{Lex, Strength};
use crate::tokens::TokKind;
use crate::types::{Category, Kind};

/// Does the clause `a..b` express paying outside? Returns the token that anchors the phrase.
fn outside_phrase(d: &Doc<'_>, a: usize, b: usize) -> Option<usize> {
    let t = &d.t;
    for k in a..b {
        if t.kind(k) != Some(TokKind::Word) {
            continue;
        }
        let w = t.text(k);
        let next = t.text(k + 1);
        let next2 = t.text(k + 2);
        let hit = match w {
            // "pay me outside", "send you outside".
            "outside"
                if k >= 2
                    && is_personal(t.text(k - 1))
                    && is_pay_word(t.text(k - 2))
                    // "pay you outside of business hours"
                    && !matches!(next, "of" | "the" | "business" | "office" | "working") =>
            {
                true
            }
            // "if we go direct", "deal direct".
            // ("go direct to the price page" is a way of working.)
            "direct"
                if k >= 1
                    && matches!(t.text(k - 1), "go" | "going" | "deal" | "work")
                    && !matches!(next, "to" | "from" | "on" | "with" | "for") =>
            {
                true
            }
            // "direct payment", "direct deal" (not "direct deposit", "direct message").
            "direct" => matches!(
                next,
                "payment" | "payments" | "pay" | "transfer" | "deal" | "contract" | "contact"
            ),
            "directly" | "privately" | "personally" => {
                // "pay me directly", "direct payment", not "directly in the app".
                !is_platform(next) && !is_platform(next2)
            }
            // "the payment outside", "pay outside." at the end of a clause.
            "outside"
                if k >= 1
                    && is_pay_word(t.text(k - 1))
                    && (k + 1 >= b
                        || t.kind(k + 1) != Some(TokKind::Word)
                        || !matches!(next, "of" | "the")) =>
            {
                true
            }
            "outside" | "off" => {
                let plat = |s: &str| is_platform(s) || matches!(s, "the" | "of" | "this");
                plat(next)
                    && (is_platform(next) || is_platform(next2) || is_platform(t.text(k + 3)))
            }
            "offline" | "off-platform" => true,
            // "the full amount straight to you".
            "straight" => next == "to" && is_personal(next2),
            // "pay you another way", "some other method".
            // "pay you another way", not "find another way to structure the milestones".
            "another" | "other" => {
                matches!(next, "way" | "method" | "channel")
                    && (k.saturating_sub(3)..k).any(|j| {
                        matches!(t.text(j), "pay" | "paying" | "send" | "transfer" | "settle")
                    })
            }
            // "off the books".
            "books" => k >= 2 && t.is_word(k - 1, "the") && t.is_word(k - 2, "off"),
            // "pay me on the side", "pay you the rest on the side": paying someone, not a side
            // job ("I design logos on the side") or a dish.
            // ("send me the fries on the side", "on the side of the contract" are not.)
            "side" => {
                k >= 2
                    && t.is_word(k - 1, "the")
                    && t.is_word(k - 2, "on")
                    && next != "of"
                    && (k.saturating_sub(7)..k - 2).any(|j| {
                        matches!(t.text(j), "pay" | "paying" | "paid" | "transfer" | "tip")
                            && matches!(t.text(j + 1), "me" | "you" | "u" | "us" | "ya")
                    })
            }
            // "no platform involved", "no escrow needed".
            "no" if is_platform(next) && matches!(next2, "involved" | "needed") => true,
            "avoid" | "save" | "skip" | "bypass" | "cut" | "without" | "no" | "escape"
            | "dodge" | "evade" => {
                let fee = |s: &str| {
                    matches!(
                        s,
                        "fee"
                            | "fees"
                            | "commission"
                            | "commissions"
                            | "cut"
                            | "percentage"
                            | "charges"
                    )
                };
                fee(next)
                    || fee(next2)
                    || fee(t.text(k + 3)) && matches!(next, "the" | "their" | "upwork" | "platform")
            }
            "close" | "end" | "cancel" => {
                matches!(next, "the" | "this" | "our")
                    && matches!(
                        next2,
                        "contract" | "job" | "project" | "milestone" | "order"
                    )
                    || matches!(next, "contract")
            }
            "between" => next == "us" || next == "ourselves",
            // "no need for the platform", "no need to use escrow".
            "need" => {
                k >= 1
                    && t.is_word(k - 1, "no")
                    && (k + 1..(k + 5).min(b))
                        .any(|j| is_platform(t.text(j)) || t.text(j) == "milestone")
            }
            _ => false,
        };
        if hit {
            return Some(k);
        }
    }
    None
}

/// Finds off-platform payment intent and payment details.
pub(crate) fn detect(d: &mut Doc<'_>) {
    financial::detect(d);
    let brands: Vec<(usize, usize, &'static str, Strength)> = d
        .names
        .iter()
        .filter_map(|h| match h.lex {
            Lex::Brand(name, s) => Some((h.start, h.end, name, s)),
            _ => None,
        })
        .collect();
    let mut covered_clauses: Vec<usize> = Vec::new();
    for (start, end, name, strength) in brands {
        let c0 = d.t.clause_start(start, 16);
        let c1 = d.t.clause_end(start, 16);
        if covered_clauses.contains(&c0) {
            continue;
        }
        // In a Spanish, Portuguese, French or German clause, that language's rules first; a
        // brand that is also an English word or a name ("pix", "Lydia") only in its own.
        let own = intl::own_language(name);
        let langs: Vec<Lang> = match own {
            Some(l) => vec![l],
            None => Votes::of(d, c0, c1).ranked(ES | PT | FR | DE, false),
        };
        if !langs.is_empty() {
            let found = langs.iter().find_map(|&l| {
                intl::brand_intent(d, (c0, c1), (start, end), name, strength, l).map(|c| (c, l))
            });
            if let Some((conf, l)) = found {
                covered_clauses.push(c0);
                d.push_in(
                    l,
                    Category::OffPlatformPayment,
                    Kind::BrandIntent,
                    start,
                    end,
                    name.to_string(),
                    conf,
                    "payment.brand_intent",
                );
                continue;
            }
            // Negated in the clause's language ("no te pago por PayPal"), or a brand read only in
            // its own language: the English rules get no second look.
            if own.is_some() || langs.iter().any(|&l| lang::negated_before(d, start, 12, l)) {
                continue;
            }
        }
        if d.negated_before(start, 12) || d.scam_talk(start) || reported(d, start) {
            continue;
        }
        let dev = d.any_word(c0, c1, is_dev_word);
        // A pay word outside the brand's own tokens ("direct deposit" is not "deposit" intent).
        let pay = (c0..c1.min(d.t.len())).find(|&k| {
            (k < start || k >= end)
                && d.t.kind(k) == Some(TokKind::Word)
                && is_pay_word(d.t.text(k))
        });
        // "pay the milestone via crypto", "Pay by GCash": paying, then a preposition, then the brand.
        let pay_via = start >= 1
            && [
                "via", "with", "by", "through", "thru", "using", "in", "on", "to", "into",
            ]
            .iter()
            .any(|w| d.t.is_word(start - 1, w) || start >= 2 && d.t.is_word(start - 2, w))
            && d.any_word(start.saturating_sub(7).max(c0), start, |w| {
                matches!(
                    w,
                    "pay"
                        | "paid"
                        | "paying"
                        | "payment"
                        | "send"
                        | "transfer"
                        | "money"
                        | "funds"
                        | "deposit"
                        | "upfront"
                        | "advance"
                        | "balance"
                        | "remainder"
                )
            });
        // "I pay my landlord via bank transfer", "we paid the printer with PayPal": money to
        // someone outside the deal, not between the two parties.
        if pay.is_some_and(|p| pays_third_party(d, p, c1)) && outside_phrase(d, c0, c1).is_none() {
            continue;
        }
        let personal = d.any_word(c0, c1, is_personal);
        // "Do you take Revolut?", "I accept Zelle", "do you have Revolut?", "is Cash App okay for
        // you?", "I can pay cash": a way of paying offered or asked for.
        // The brand ends the question ("Do you take Venmo?"), not "Venmo at your cafe",
        // "Revolut Business", "Zelle screenshots".
        let brand_alone = d.t.kind(end) != Some(TokKind::Word)
            || matches!(
                d.t.text(end),
                "or" | "and" | "too" | "instead" | "please" | "pls"
            );
        let takes = personal
            && brand_alone
            && (start.saturating_sub(2).max(c0)..start).any(|k| {
                matches!(d.t.text(k), "take" | "takes" | "accept" | "accepts")
                    || matches!(d.t.text(k), "have" | "use")
                        && k >= 1
                        && matches!(d.t.text(k - 1), "you" | "u")
            })
            || personal
                && matches!(d.t.text(end), "okay" | "ok" | "fine")
                && matches!(d.t.text(end + 1), "for" | "with")
                && is_personal(d.t.text(end + 2));
        // "I can pay cash", "pay you cash" (not "I paid cash for the printing").
        let pays_cash = name == "cash"
            && (start.saturating_sub(2).max(c0)..start)
                .any(|k| matches!(d.t.text(k), "pay" | "paying"))
            && !d.t.is_word(end, "for");
        let outside = outside_phrase(d, c0, c1);
        // "my PayPal is x", "PayPal me".
        let my_brand = start >= 1 && d.t.is_word(start - 1, "my") || d.t.is_word(end, "me");
        // Work talk in the clause ("integrate PayPal", "the PayPal logo", "customers pay with
        // PayPal") means the brand is the subject of the work. It lowers the confidence of an
        // explicit request between the two parties ("pay me via PayPal outside, the logo is
        // done") but does not erase it.
        if dev
            && !explicit_request(
                d,
                (c0, c1),
                (start, end),
                pay_via || my_brand || outside.is_some(),
            )
        {
            continue;
        }
        let context_penalty = if dev { 0.15 } else { 0.0 };
        let conf = match (strength, pay.is_some(), personal, outside.is_some()) {
            (_, true, true, true) => 0.95,
            (Strength::Strong, true, true, false) => 0.88,
            (Strength::Strong, _, _, true) => 0.88,
            (Strength::Weak, true, true, false)
                if name != "cash" && name != "crypto" && name != "swift" =>
            {
                0.75
            }
            (Strength::Weak, true, true, false) if outside_or_direct(d, c0, c1) => 0.8,
            (Strength::Strong, false, true, false) if my_brand => 0.85,
            (Strength::Weak, false, true, true) => 0.8,
            _ if pay_via && name != "swift" => 0.8,
            (Strength::Strong, _, true, _) if takes => 0.8,
            (_, _, true, _) if pays_cash => 0.8,
            _ => 0.0,
        };
        let conf = if conf > 0.0 {
            conf - context_penalty
        } else {
            conf
        };
        if conf > 0.0 {
            // The phrase's own "no" ("no need for the platform") is not a negation of it.
            let neg_from = |o: usize| {
                if d.t.is_word(o, "need") {
                    o.saturating_sub(1)
                } else {
                    o
                }
            };
            if outside.is_some_and(|o| d.negated_before(neg_from(o), 8)) {
                continue;
            }
            covered_clauses.push(c0);
            d.push_in(
                Lang::En,
                Category::OffPlatformPayment,
                Kind::BrandIntent,
                start,
                end,
                name.to_string(),
                conf,
                "payment.brand_intent",
            );
        }
    }
    // Intent without a brand. Cheap gate: one of the phrase anchors must occur at all.
    let n = d.t.len();
    // One pass over the words for both: the phrases of the other languages have their own
    // anchors ("fuera", "direkt", "sans").
    let (mut anchors, mut foreign_anchors) = (false, false);
    for k in 0..n {
        if d.t.kind(k) != Some(TokKind::Word) {
            continue;
        }
        let w = d.t.text(k);
        anchors |= matches!(
            w,
            "directly"
                | "direct"
                | "privately"
                | "personally"
                | "outside"
                | "off"
                | "offline"
                | "off-platform"
                | "avoid"
                | "save"
                | "skip"
                | "bypass"
                | "cut"
                | "without"
                | "no"
                | "escape"
                | "dodge"
                | "evade"
                | "close"
                | "end"
                | "cancel"
                | "between"
                | "need"
                | "straight"
                | "another"
                | "other"
                | "books"
                | "side"
        );
        foreign_anchors |= intl::is_anchor(w);
        if anchors && foreign_anchors {
            break;
        }
    }
    if !anchors && !foreign_anchors {
        return;
    }
    let mut k = 0;
    while k < n {
        if !d.t.starts_clause(k) {
            k += 1;
            continue;
        }
        let c1 = d.t.clause_end(k, 40);
        if covered_clauses.contains(&k) {
            k = c1.max(k + 1);
            continue;
        }
        let mut found = false;
        if let Some(anchor) = outside_phrase(d, k, c1) {
            // "send" pays only when nothing else is sent ("send me the files directly").
            let sends_work = d.any_word(k, c1, is_deliverable);
            // Prices and settling count only with an anchor that says "outside" by itself ("my
            // rate is $32 if we go direct"), not with "directly" ("the milestone directly after").
            let strong = matches!(
                d.t.text(anchor),
                "outside"
                    | "off"
                    | "books"
                    | "offline"
                    | "off-platform"
                    | "straight"
                    | "another"
                    | "other"
                    | "direct"
                    | "privately"
                    | "side"
            );
            let pay = d.any_word(k, c1, |w| {
                matches!(
                    w,
                    "pay"
                        | "paid"
                        | "paying"
                        | "payment"
                        | "payments"
                        | "money"
                        | "transfer"
                        | "invoice"
                        | "fee"
                        | "fees"
                        | "commission"
                ) || w == "send" && !sends_work
                    || strong
                        && matches!(
                            w,
                            "settle" | "rate" | "price" | "discount" | "cheaper" | "milestones"
                        )
            });
            let personal = d.any_word(k, c1, is_personal);
            if pay
                && personal
                && !d.negated_before(
                    if d.t.is_word(anchor, "need") {
                        anchor.saturating_sub(1)
                    } else {
                        anchor
                    },
                    10,
                )
                && !d.any_word(k, c1, is_dev_word)
                && !d.scam_talk(anchor)
                && !reported(d, anchor)
                && !through_platform(d, k, c1)
            {
                let a_end = (anchor + 3).min(c1);
                d.push_in(
                    Lang::En,
                    Category::OffPlatformPayment,
                    Kind::OutsideIntent,
                    anchor,
                    a_end,
                    d.t.text(anchor).to_string(),
                    0.85,
                    "payment.outside_intent",
                );
                found = true;
            }
        }
        if !found
            && foreign_anchors
            && let Some((anchor, l)) = intl::outside_intent(d, k, c1)
        {
            let a_end = (anchor + 3).min(c1);
            d.push_in(
                l,
                Category::OffPlatformPayment,
                Kind::OutsideIntent,
                anchor,
                a_end,
                d.t.text(anchor).to_string(),
                0.85,
                "payment.outside_intent",
            );
        }
        k = c1.max(k + 1);
    }
}

/// An explicit request that one party pay the other with the brand: a pay word aimed at a
/// party ("pay me", "send you", "send it to my"), the brand reached through "via"/"my"/an outside phrase, no
/// work word right at the brand ("PayPal logo", "integrate PayPal"), and no third party paying
/// ("customers", "users").
fn explicit_request(
    d: &Doc<'_>,
    (c0, c1): (usize, usize),
    (start, end): (usize, usize),
    reached: bool,
) -> bool {
    let at_brand = d.any_word(start.saturating_sub(2), (end + 2).min(c1), is_dev_word);
    let third_party = d.any_word(c0, c1, |w| {
        matches!(
            w,
            "customer"
                | "customers"
                | "user"
                | "users"
                | "user's"
                | "buyers"
                | "subscribers"
                | "donors"
                | "visitors"
                | "members"
        )
    });
    // "pay me", "send you", "send the money to my …": a pay word, then a party within a few words.
    let aimed = (c0..c1.min(d.t.len())).any(|k| {
        d.t.kind(k) == Some(TokKind::Word)
            && is_pay_word(d.t.text(k))
            && (k + 1..(k + 5).min(c1))
                .any(|j| matches!(d.t.text(j), "me" | "you" | "us" | "my" | "your"))
    });
    reached && aimed && !at_brand && !third_party
}

fn outside_or_direct(d: &Doc<'_>, a: usize, b: usize) -> bool {
    outside_phrase(d, a, b).is_some()
}

#[cfg(test)]
mod tests;
