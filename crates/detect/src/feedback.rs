//! Feedback pressure: offering money, refunds, discounts or extra work for a rating; threatening bad
//! feedback; withholding work until feedback is promised; asking to change feedback already left.
//!
//! Asking for feedback is fine ("please leave feedback when you have a moment"), so every rule needs
//! a second element: a reward, a threat, a condition on the work, or a change.

use crate::doc::Doc;
use crate::tokens::TokKind;
use crate::types::{Category, Kind};

pub(crate) fn is_rating(w: &str) -> bool {
    matches!(
        w,
        "feedback"
            | "review"
            | "reviews"
            | "rating"
            | "ratings"
            | "stars"
            | "star"
            | "testimonial"
            | "jss"
            | "score"
            | "5star"
            | "fivestar"
            | "rate"
    )
}

fn is_reward(w: &str) -> bool {
    matches!(
        w,
        "pay"
            | "payback"
            | "cash"
            | "refund"
            | "refunds"
            | "discount"
            | "discounts"
            | "bonus"
            | "extra"
            | "free"
            | "money"
            | "paid"
            | "tip"
            | "gift"
            | "cashback"
            | "reward"
            | "compensate"
            | "compensation"
            | "credit"
            | "coupon"
            | "voucher"
            | "off"
            | "rebate"
            | "return"
            | "exchange"
            | "usd"
            | "dollars"
            | "giftcard"
            | "revision"
            | "revisions"
            | "cheaper"
            | "half"
    )
}

fn is_bad(w: &str) -> bool {
    matches!(
        w,
        "bad"
            | "negative"
            | "poor"
            | "low"
            | "terrible"
            | "awful"
            | "horrible"
            | "1"
            | "one"
            | "worst"
            | "lowest"
            | "2"
            | "two"
            | "nasty"
            | "honest"
            | "harsh"
    )
}

fn is_deliver(w: &str) -> bool {
    matches!(
        w,
        "deliver"
            | "send"
            | "release"
            | "submit"
            | "share"
            | "give"
            | "hand"
            | "upload"
            | "provide"
            | "finish"
            | "complete"
            | "transfer"
            | "unlock"
            | "continue"
            | "start"
            | "show"
            | "delivered"
            | "sent"
            | "released"
            | "shared"
            | "given"
            | "provided"
            | "handed"
            | "uploaded"
            | "unlocked"
            | "get"
            | "receive"
            | "hold"
            | "keep"
            | "withhold"
    )
}

fn is_change(w: &str) -> bool {
    matches!(
        w,
        "change"
            | "update"
            | "edit"
            | "remove"
            | "delete"
            | "revise"
            | "raise"
            | "improve"
            | "modify"
            | "fix"
            | "withdraw"
            | "retract"
            | "upgrade"
            | "increase"
            | "bump"
            | "redo"
            | "reconsider"
            | "take"
    )
}

/// Finds feedback pressure, one finding per clause at most.
pub(crate) fn detect(d: &mut Doc<'_>) {
    let n = d.t.len();
    // Every rule needs a rating word: one cheap pass decides for most texts.
    if d.find_word(0, n, is_rating).is_none() {
        return;
    }
    let mut k = 0;
    while k < n {
        let c1 = d.t.clause_end(k, 40);
        if let Some((a, b, kind, conf, rule)) = clause(d, k, c1) {
            let value = d.t.text(a).to_string();
            d.push(Category::FeedbackPressure, kind, a, b, value, conf, rule);
        }
        k = c1.max(k + 1);
    }
}

fn clause(d: &Doc<'_>, a: usize, b: usize) -> Option<(usize, usize, Kind, f32, &'static str)> {
    let t = &d.t;
    let r = d.find_word(a, b, is_rating)?;
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
    let bad = d.find_word(a, b, is_bad);
    let leave = d.find_word(a, b, |w| {
        matches!(
            w,
            "leave" | "give" | "write" | "post" | "get" | "rate" | "put" | "expect" | "receive"
        )
    });
    let future = d.any_word(a, b, |w| {
        matches!(
            w,
            "will" | "ll" | "gonna" | "going" | "otherwise" | "or" | "else" | "unless" | "if"
        )
    });
    // The leave verb nearest before the bad word ("don't leave it yet, or I'll leave a bad one").
    let leave = bad
        .and_then(|x| {
            (x.saturating_sub(5).max(a)..x).rev().find(|&k| {
                matches!(
                    t.text(k),
                    "leave"
                        | "give"
                        | "write"
                        | "post"
                        | "get"
                        | "rate"
                        | "put"
                        | "expect"
                        | "receive"
                )
            })
        })
        .or(leave);
    if let (Some(x), Some(l)) = (bad, leave)
        && future
        && x > l
        && (x < rating_end + 1 || r < l)
        && !d.negated_near(l, 3)
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
        if good && offer && !d.any_word(a, b, |w| matches!(w, "policy" | "allowed" | "against")) {
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
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<&'static str> {
        let mut d = Doc::new(s);
        detect(&mut d);
        d.findings.iter().map(|f| f.kind.as_str()).collect()
    }

    #[test]
    fn pressure_is_found() {
        assert_eq!(
            kinds("I'll give you a 20% discount if you leave a 5 star review"),
            ["incentive"]
        );
        assert_eq!(
            kinds("If you don't pay extra I will leave you a bad review"),
            ["feedback_threat"]
        );
        assert_eq!(
            kinds("I won't send the final files until you leave 5 stars"),
            ["withholding"]
        );
        assert_eq!(
            kinds("Could you please change your feedback to 5 stars?"),
            ["change_request"]
        );
        assert_eq!(
            kinds("I'll refund $20 for a five star rating"),
            ["incentive"]
        );
    }

    #[test]
    fn asking_for_feedback_is_fine() {
        assert!(kinds("Please leave feedback when you have a moment").is_empty());
        assert!(kinds("I strive to earn a 5 star rating on every job").is_empty());
        assert!(kinds("How do I change my feedback for the freelancer?").is_empty());
        assert!(kinds("I'm sorry, I have to leave honest feedback").is_empty());
        assert!(kinds("I would never pressure anyone to change their review").is_empty());
    }
}
