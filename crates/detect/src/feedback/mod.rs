//! Feedback pressure: offering money, refunds, discounts or extra work for a rating; threatening bad
//! feedback; withholding work until feedback is promised; asking to change feedback already left;
//! trading ratings ("5 stars for 5 stars"); asking to end a contract early to protect a score.
//!
//! Asking for feedback is fine ("please leave feedback when you have a moment"), so every rule needs
//! a second element: a reward, a threat, a condition on the work, or a change. Beside the rules, a
//! learned head ([`learned`]) reads texts with a rating word where they found nothing; its model
//! file and gate are this module's public items.

mod consequences;
mod exchange;
pub(crate) mod learned;
mod words;

pub(crate) use learned::add_findings as add_model_findings;
pub use learned::{HEAD, built_in, would_score};
pub(crate) use words::is_rating;
use words::{is_bad, is_change, is_deliver, is_reward, is_threat_verb};

use crate::doc::Doc;
use crate::lang::Lang;
use crate::tokens::TokKind;
use crate::types::{Category, Kind};

/// Finds feedback pressure, one finding per clause at most.
pub(crate) fn detect(d: &mut Doc<'_>) {
    let n = d.t.len();
    // Every rule needs a rating word: one cheap pass decides for most texts.
    if d.find_word(0, n, is_rating).is_none() {
        return;
    }
    let mut k = 0;
    while k < n {
        let mut c1 = d.t.clause_end(k, 40);
        // A feature being built ("users leave a 5 star rating and get a discount code", "5 star
        // reviews displayed on the landing page"): ratings as the work's subject.
        if d.any_word(k, c1, is_work_subject) {
            k = c1.max(k + 1);
            continue;
        }
        let found = clause(d, k, c1).or_else(|| {
            // A deal is often split over two clauses ("Review first? Then I'll deliver").
            let c2 = if c1 < n { d.t.clause_end(c1, 40) } else { c1 };
            let found = if let Some((s, e)) = protects_score(d, k, c2) {
                (s, e, Kind::ScoreProtection, 0.8, "feedback.protect_score")
            } else {
                let (a, b, kind) = exchange::exchange(d, k, c2)?;
                (a, b, kind, 0.8, "feedback.exchange")
            };
            c1 = c2;
            Some(found)
        });
        if let Some((a, b, kind, conf, rule)) = found {
            let value = d.t.text(a).to_string();
            // The rating words and phrases are English.
            d.push_in(
                Lang::En,
                Category::FeedbackPressure,
                kind,
                a,
                b,
                value,
                conf,
                rule,
            );
        }
        k = c1.max(k + 1);
    }
}

/// "the 1-star hotel", "a two star motel": a number of stars that describes a place, not a
/// rating given.
fn rates_a_place(d: &Doc<'_>, k: usize) -> bool {
    let t = &d.t;
    let mut j = k + 1;
    if t.is_sym(j, b'-') {
        j += 1;
    }
    star_of_a_place(d, j)
}

/// Token `k` is the "star" of "a 4-star hotel": a place described, no rating given (the rules'
/// threats and the learned head's gate both pass over it).
pub(crate) fn star_of_a_place(d: &Doc<'_>, k: usize) -> bool {
    matches!(d.t.text(k), "star" | "stars") && is_place(d.t.text(k + 1))
}

/// Places rated in stars.
fn is_place(w: &str) -> bool {
    matches!(
        w,
        "hotel"
            | "hotels"
            | "motel"
            | "hostel"
            | "resort"
            | "restaurant"
            | "restaurants"
            | "place"
            | "accommodation"
            | "inn"
            | "apartment"
            | "airbnb"
    )
}

/// Words that make ratings the subject of the work: a feature, its users, where it is shown.
fn is_work_subject(w: &str) -> bool {
    // Not `doc::is_dev_word`: "how bad your code is" is a threat's words.
    matches!(
        w,
        "users"
            | "visitors"
            | "shoppers"
            | "widget"
            | "component"
            | "landing"
            | "checkout"
            | "feature"
            | "displayed"
            | "display"
            | "carousel"
    )
}

/// "5 stars for 5 stars", "I'll give you 5 stars if you give me 5 stars", "review for review",
/// "leave me five stars and I'll do the same": two ratings traded, or one with a promise of the
/// same back. Thanks for ratings already given ("I left you 5 stars too") are not a trade.
fn reciprocal(d: &Doc<'_>, a: usize, b: usize, r: usize) -> Option<(usize, usize)> {
    let t = &d.t;
    // "the rate", "my hourly rate": a price, not a rating.
    let price = |k: usize| {
        t.text(k) == "rate"
            && k.checked_sub(1).is_some_and(|p| {
                matches!(
                    t.text(p),
                    "the" | "my" | "your" | "our" | "hourly" | "this" | "that" | "a" | "fixed"
                )
            })
    };
    if price(r) {
        return None;
    }
    let second = d.find_word(r + 1, b, is_rating).filter(|&r2| !price(r2));
    let between = |r2: usize, pred: &dyn Fn(usize) -> bool| (r + 1..r2).any(pred);
    // "5 stars for 5 stars", "review for review": the same rating on both sides of "for".
    let swapped = second.is_some_and(|r2| {
        t.text(r2).trim_end_matches('s') == t.text(r).trim_end_matches('s')
            && between(r2, &|k| {
                matches!(t.text(k), "for" | "exchange" | "swap" | "return")
            })
    });
    // "… 5 stars if you give me 5 stars", "… and I'll give you 5 stars".
    let conditional = second.is_some_and(|r2| {
        between(r2, &|k| {
            t.is_word(k, "if")
                || t.is_word(k, "and") && d.any_word(k, r2, |w| matches!(w, "ill" | "ll" | "will"))
        })
    });
    let same_back = d.any_word(r + 1, b, |w| w == "same" || w == "favour" || w == "favor")
        && d.any_word(r + 1, b, |w| {
            matches!(w, "ill" | "ll" | "will" | "do" | "return")
        });
    let party = d.any_word(a, b, |w| {
        matches!(w, "me" | "you" | "my" | "your" | "i" | "ill")
    });
    let past = d.any_word(a, b, |w| {
        matches!(w, "left" | "gave" | "rated" | "thanks" | "thank")
    });
    if (swapped || (conditional || same_back) && party)
        && !past
        && !d.negated_before(r, 8)
        && !d.any_word(a, b, exchange::is_code_review_word)
    {
        return Some((r, second.map_or(r + 1, |r2| r2 + 1)));
    }
    None
}

/// "Please end the contract now so it does not hurt my job success score", "close the contract
/// before the deadline so my JSS stays high": ending the contract, for the score.
fn protects_score(d: &Doc<'_>, a: usize, b: usize) -> Option<(usize, usize)> {
    let t = &d.t;
    let end = d.find_word(a, b, |w| {
        matches!(
            w,
            "end" | "close" | "cancel" | "stop" | "finish" | "cancelled" | "canceled"
        )
    })?;
    // "end the contract", "close it out", "mark this contract as cancelled" (the contract before
    // the verb only for "cancelled").
    let from = if matches!(t.text(end), "cancelled" | "canceled") {
        end.saturating_sub(4).max(a)
    } else {
        end + 1
    };
    let contract = (from..(end + 4).min(b)).any(|k| {
        matches!(
            t.text(k),
            "contract" | "contracts" | "job" | "project" | "milestone"
        )
            // "finish the project page" ends a page, not the project.
            && !(t.kind(k + 1) == Some(TokKind::Word)
                && matches!(t.text(k + 1), "page" | "pages" | "section" | "brief" | "plan" | "file" | "files"))
            || k == end + 1
            && matches!(t.text(k), "it" | "this")
            // "close this early", not "close this ticket".
            && (t.kind(k + 1) != Some(TokKind::Word)
                || matches!(
                    t.text(k + 1),
                    "early" | "out" | "now" | "today" | "off" | "before" | "so" | "and"
                ))
    });
    let score = d.find_word(end, b, |w| {
        matches!(
            w,
            "score" | "jss" | "success" | "rating" | "ratings" | "stats" | "badge" | "feedback"
        )
    });
    let mine = score.is_some() && d.any_word(end, b, |w| matches!(w, "my" | "our"));
    let protect = d.any_word(end, b, |w| {
        matches!(
            w,
            "hurt"
                | "affect"
                | "affects"
                | "drop"
                | "drops"
                | "lower"
                | "protect"
                | "keep"
                | "stays"
                | "stay"
                | "save"
                | "ruin"
                | "damage"
                | "high"
                | "down"
                | "hit"
                | "tank"
                | "wreck"
                | "kill"
        )
    });
    // "cancel the contract instead of closing it so the 3 stars won't show": the rating hidden.
    let hidden = d.any_word(end, b, |w| {
        matches!(w, "stars" | "star" | "review" | "reviews")
    }) && (end..b).any(|k| {
        (matches!(t.text(k), "show" | "shows" | "appear" | "appears" | "visible")
                && d.negated_near(k, 3)
                || matches!(t.text(k), "hide" | "hidden"))
                // The purpose of ending it: "so", "instead".
                && d.any_word(end, k, |w| matches!(w, "so" | "instead"))
    });
    (contract && (mine && protect || hidden)).then_some((end, score.unwrap_or(end) + 1))
}

fn clause(d: &Doc<'_>, a: usize, b: usize) -> Option<(usize, usize, Kind, f32, &'static str)> {
    let t = &d.t;
    if let Some((s, e)) = protects_score(d, a, b) {
        return Some((s, e, Kind::ScoreProtection, 0.8, "feedback.protect_score"));
    }
    let r = d.find_word(a, b, is_rating)?;
    if exchange::reported(d, a, b) {
        return None;
    }
    if let Some((s, e)) = reciprocal(d, a, b, r) {
        return Some((s, e, Kind::ReciprocalRating, 0.85, "feedback.reciprocal"));
    }
    // "5 stars", "five-star": the rating word itself or a number before "star(s)".
    let rating_end = r + 1;
    // Withholding: "won't deliver ... until you leave 5 stars", "files after you leave a review".
    let until = d.find_word(a, b, |w| {
        matches!(
            w,
            "until" | "unless" | "till" | "untill" | "before" | "after" | "once" | "only"
        )
    });
    let deliver = d.find_word(a, b, is_deliver);
    if let (Some(u), Some(v)) = (until, deliver) {
        let leave_after = d.any_word(u, b, |w| {
            matches!(
                w,
                "leave" | "give" | "left" | "post" | "write" | "rate" | "promise" | "confirm"
            )
        });
        let files = d.any_word(a, b, |w| {
            matches!(
                w,
                "files"
                    | "file"
                    | "source"
                    | "work"
                    | "final"
                    | "code"
                    | "project"
                    | "design"
                    | "designs"
                    | "deliverables"
                    | "rest"
                    | "remaining"
                    | "it"
                    | "them"
                    | "access"
                    | "password"
            )
        });
        if v < u
            && u < r
            && leave_after
            && files
            && !d.any_word(a, b, |w| {
                w == "contract" || w == "milestone" || w == "payment"
            })
        {
            return Some((
                v,
                rating_end.max(v + 1),
                Kind::Withholding,
                0.9,
                "feedback.withholding",
            ));
        }
    }
    // Threat: "I'll leave you a bad review", "or I will give one star".
    // A number is a bad rating only as one ("1 star", "one-star"), not "write one".
    let bad = (a..b.min(t.len())).find(|&k| {
        let w = t.text(k);
        t.kind(k) == Some(TokKind::Word)
            && is_bad(w)
            && (!matches!(w, "one" | "1" | "two" | "2")
                || matches!(t.text(k + 1), "star" | "stars" | "-" | "*"))
            && !rates_a_place(d, k)
    });
    let leave = d.find_word(a, b, is_threat_verb);
    let future = d.any_word(a, b, |w| {
        matches!(
            w,
            "will" | "ll" | "gonna" | "going" | "otherwise" | "or" | "else" | "unless" | "if"
        )
    });
    // "Don't make me leave a bad review": a threat, though negated.
    let made = |l: usize| l >= 2 && t.is_word(l - 1, "me") && t.is_word(l - 2, "make");
    // The leave verb nearest before the bad word ("don't leave it yet, or I'll leave a bad one").
    let leave = bad
        .and_then(|x| {
            (x.saturating_sub(5).max(a)..x)
                .rev()
                .find(|&k| is_threat_verb(t.text(k)))
        })
        .or(leave);
    if let (Some(x), Some(l)) = (bad, leave)
        && (future || made(l))
        && x > l
        && (x < rating_end + 1 || r < l)
        && (!d.negated_near(l, 3) || made(l))
        && !d.any_word(a, b, |w| {
            matches!(
                w,
                "sorry" | "afraid" | "worried" | "scared" | "fear" | "policy" | "honest" | "fair"
            )
        })
        && !matches!(t.text(x), "honest" | "harsh")
    {
        return Some((l, rating_end, Kind::FeedbackThreat, 0.88, "feedback.threat"));
    }
    // Change request: "change your feedback", "update the review to 5 stars", "remove the rating".
    if let Some(c) = d.find_word(a.max(r.saturating_sub(4)), r, is_change)
        && !d.negated_before(c, 6)
        && (c + 1..r).all(|k| {
            t.kind(k) == Some(TokKind::Word)
                && matches!(
                    t.text(k),
                    "your"
                        | "the"
                        | "that"
                        | "this"
                        | "my"
                        | "ur"
                        | "a"
                        | "down"
                        | "back"
                        | "it"
                        | "to"
                        | "public"
                        | "star"
                        | "stars"
                        | "5"
                        | "five"
                )
                || is_bad(t.text(k))
        })
    {
        let mine = (c + 1..r).any(|k| t.is_word(k, "my"));
        let asks_me = d.any_word(a, c, |w| matches!(w, "how" | "where"));
        if !mine && !asks_me {
            return Some((
                c,
                rating_end,
                Kind::ChangeRequest,
                0.85,
                "feedback.change_request",
            ));
        }
    }
    // Incentive: a reward and a rating linked by for / if / in exchange / in return / when.
    let reward = d.find_word(a, b, is_reward);
    let link = d.any_word(a, b, |w| {
        matches!(
            w,
            "for" | "if" | "exchange" | "return" | "when" | "once" | "after" | "provided" | "as"
        )
    });
    // "Finish the review with 5 stars and I'll send the source files": work after a rating.
    if let Some(v) = d.find_word(r, b, is_deliver)
        && (r..v).any(|k| t.is_word(k, "and"))
        && d.any_word(a, b, |w| {
            matches!(w, "5" | "five" | "good" | "positive" | "great")
        })
        && d.any_word(v, b, |w| {
            matches!(
                w,
                "files"
                    | "file"
                    | "source"
                    | "work"
                    | "final"
                    | "code"
                    | "design"
                    | "designs"
                    | "rest"
                    | "remaining"
                    | "deliverables"
            )
        })
        && !d.negated_before(r, 6)
    {
        return Some((
            r,
            v + 1,
            Kind::Withholding,
            0.85,
            "feedback.withholding_after_rating",
        ));
    }
    // "Give me five stars and I'll send you a bonus": the rating asked first, then "and" a reward.
    let and_link = reward.is_some_and(|rw| rw > r && (r..rw).any(|k| t.is_word(k, "and")));
    if let Some(rw) = reward
        && (link || and_link)
        && !d.negated_before(rw.min(r), 8)
    {
        let good = d.any_word(a, b, |w| {
            matches!(
                w,
                "5" | "five"
                    | "good"
                    | "great"
                    | "positive"
                    | "nice"
                    | "perfect"
                    | "excellent"
                    | "top"
                    | "best"
                    | "high"
                    | "glowing"
            )
        }) || d.any_word(r.saturating_sub(1), r, |w| w == "5star" || w == "fivestar");
        let offer = d.any_word(a, b, |w| {
            matches!(
                w,
                "your"
                    | "leave"
                    | "i"
                    | "ill"
                    | "we"
                    | "will"
                    | "can"
                    | "give"
                    | "get"
                    | "offer"
                    | "send"
                    | "you"
            )
        });
        // "Thanks for the 5 star review, here's 10% off your next order" thanks, after the fact;
        // "…, I'll leave my 5 star review" promises the writer's own.
        // "I left 5 stars and a tip": given already, not offered.
        let thanks = d.any_word(a, r, |w| matches!(w, "thanks" | "thank" | "left" | "gave"))
            || (r.saturating_sub(4).max(a)..r).any(|k| t.is_word(k, "my"));
        if good
            && offer
            && !thanks
            && !d.any_word(a, b, |w| matches!(w, "policy" | "allowed" | "against"))
        {
            return Some((
                rw.min(r),
                rating_end.max(rw + 1),
                Kind::Incentive,
                0.9,
                "feedback.incentive",
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests;
