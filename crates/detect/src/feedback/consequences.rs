//! What a deal of [`super::exchange`] gives or takes away for the rating: a reward (a bonus, a
//! refund, "free", "$15"), work held back (files, keys, the final version) or harm (a dispute, a
//! bill, a bad rating back), with where each is said.

use crate::doc::Doc;
use crate::tokens::TokKind;

use super::exchange::is_change_verb;

/// What a window's deal is, for the finding's kind.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Consequence {
    Reward,
    Withheld,
    Harm,
    /// A bad rating from the speaker is itself the threat: any tie makes it one.
    BadRatingBack,
}

/// What is given or taken away for the rating in the window, with where it is said.
pub(super) fn consequences(
    d: &Doc<'_>,
    a: usize,
    b: usize,
    r: usize,
    bad: bool,
) -> Vec<(usize, Consequence)> {
    let t = &d.t;
    let word = |k: usize| {
        if t.kind(k) == Some(TokKind::Word) {
            t.text(k)
        } else {
            ""
        }
    };
    let mut out = Vec::new();
    for k in a..b {
        if k == r {
            continue;
        }
        let w = word(k);
        let prev = k.checked_sub(1).map_or("", word);
        let kind = if money(d, k)
            || matches!(
                w,
                "bonus"
                    | "refund"
                    | "refunded"
                    | "discount"
                    | "extra"
                    | "free"
                    | "priority"
                    | "cheaper"
                    | "giftcard"
                    | "gift"
                    | "coupon"
                    | "voucher"
                    | "cashback"
                    | "revisions"
                    | "revision"
                    | "unlock"
                    | "watermark"
                    | "unwatermarked"
                    | "away"
                    | "prioritize"
                    | "prioritise"
                    | "hiring"
                    | "retainer"
                    | "dibs"
                    | "pay"
                    | "waive"
                    | "expedite"
                    | "expedited"
                    | "faster"
                    | "earlier"
                    | "cover"
            )
            || w == "cost" && prev == "no"
            // "approve the milestone", "your refund request will be approved".
            || matches!(w, "approve" | "approved" | "approving" | "approval" | "granted")
                && (k.saturating_sub(3)..(k + 4).min(b)).any(|j| {
                    matches!(
                        t.text(j),
                        "milestone" | "payment" | "refund" | "request" | "timesheet" | "hours"
                    )
                })
            || matches!(w, "price" | "prices" | "rate")
                && (k.saturating_sub(2)..k).any(|j| {
                    matches!(t.text(j), "half" | "lower" | "better" | "drop" | "cut" | "reduce")
                })
            || w == "back" && matches!(prev, "you" | "pay" | "money")
            // "the next month is on me", "the next logo is on the house", "my next 3 projects",
            // "5 stars and you get lifetime support".
            || w == "me"
                && prev == "on"
                && (k + 1 >= b.min(t.len()) || t.kind(k + 1) != Some(TokKind::Word))
            || w == "house" && prev == "the" && k >= 2 && t.is_word(k - 2, "on")
            || w == "get" && prev == "you" && k > r
            || matches!(w, "projects" | "orders" | "jobs")
                && (k.saturating_sub(3)..k).any(|j| t.is_word(j, "next"))
        {
            Consequence::Reward
        } else if matches!(
            w,
            "dispute" | "report" | "holding" | "withhold" | "withholding"
        ) || matches!(w, "bill" | "charge")
            // "I'll bill the difference", "charge for all the revisions", not "charge the milestone".
            && (k + 1..(k + 4).min(b)).any(|j| {
                matches!(t.text(j), "for" | "difference" | "extra" | "everything" | "full")
            })
            || w == "stop" && matches!(prev, "we" | "i" | "ll" | "work")
            // "or I'm not taking any more of your projects", "I'll find someone else".
            || matches!(w, "taking" | "take" | "hire" | "hiring" | "working")
                && d.negated_near(k, 3)
            || w == "else" && prev == "someone"
            // "If I don't get a 5 star rating, I'm keeping the deposit" (not "I'll keep the
            // deposit in escrow until…": the rating must be missing).
            || matches!(w, "keeping" | "keep")
                && (k + 1..(k + 4).min(b)).any(|j| {
                    matches!(t.text(j), "deposit" | "money" | "payment" | "refund")
                })
                && (d.negated_near(r, 6) || d.any_word(a, b, |x| matches!(x, "unless" | "otherwise")))
            || w == "mine" && is_change_verb(prev)
            // "I'll leave you one too", "my review of you": a bad rating back.
            || w == "too" && prev == "one"
            || matches!(w, "review" | "rating" | "feedback") && prev == "my" && word(k + 1) == "of"
        {
            Consequence::Harm
        } else if w == "from" && word(k + 1) == "me" && bad {
            // "…closes with a bad review from me if you don't approve": the rating is the threat.
            Consequence::BadRatingBack
        } else if matches!(
            w,
            "deliver"
                | "send"
                | "finish"
                | "files"
                | "file"
                | "source"
                | "fonts"
                | "psd"
                | "version"
                | "remaining"
                | "deliverables"
                | "sent"
                | "sending"
                | "share"
                | "credentials"
                | "login"
                | "password"
                | "export"
                | "images"
                | "chapters"
                | "release"
                | "psds"
                | "footage"
                | "originals"
                | "repo"
                | "hand"
                | "key"
                | "licence"
                | "license"
                | "link"
                | "provide"
        ) {
            // Work held back: a deliverable sent, finished or unlocked after the rating.
            Consequence::Withheld
        } else {
            continue;
        };
        out.push((k, kind));
    }
    out
}

/// "$15" or "10%": an amount of money at token `k`.
pub(super) fn money(d: &Doc<'_>, k: usize) -> bool {
    let t = &d.t;
    t.is_sym(k, b'$') && t.toks.get(k + 1).is_some_and(|x| x.has_digit)
        || t.is_sym(k, b'%') && k > 0 && t.toks.get(k - 1).is_some_and(|x| x.has_digit)
}
