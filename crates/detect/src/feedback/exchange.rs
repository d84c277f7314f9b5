//! Feedback pressure said as a deal rather than in one of the set phrases of [`super`]: a rating
//! asked for, something given or taken away for it, and a word that ties the two.
//!
//! "A 5 star rating gets you 2 extra revisions", "Only 5 stars or I dispute the payment", "want
//! the bonus? review first, bonus after", "I'm holding the fonts until I see the review go up".
//! Each part alone is ordinary talk (asking for a review, a discount, a deadline), so all are
//! needed, in a window of two clauses (the deal is often split: "Can you write the review first?
//! Then I'll deliver"):
//! - a **rating**: a rating word in its rating sense ("review the milestone", "my hourly rate"
//!   are not);
//! - what is **asked** of it: a value ("5 stars", "a good rating", "anything less"), a change
//!   ("take down that review"), or leaving one ("once the review is posted", "review first");
//! - a **tie**: if, once, until, only, or, otherwise, first/then, for, "and I'll", "gets you",
//!   "decides whether";
//! - a **consequence**: a reward (bonus, refund, free, "$15", "priority"), work held back (files,
//!   the final version, "won't finish"), or harm (a dispute, a bill, a bad review back).
//!
//! Not pressure: thanks for a rating given, asking without a condition ("a review would mean a
//! lot"), reports and policy questions ("a client said he'd leave 1 star unless…, what should I
//! do?").

use crate::doc::Doc;
use crate::tokens::TokKind;
use crate::types::Kind;

use super::consequences::{Consequence, consequences, money};

/// A deal in tokens `a..b` (two clauses at most): the span of its rating word and its kind.
pub(super) fn exchange(d: &Doc<'_>, a: usize, b: usize) -> Option<(usize, usize, Kind)> {
    let t = &d.t;
    let ratings: Vec<usize> = (a..b).filter(|&k| rating_at(d, k)).collect();
    let &first = ratings.first()?;
    if reported_or_thanked(d, a, b, first) {
        return None;
    }
    // A party named, or an order given ("Post the review first. Files come right after.").
    let party = d.any_word(a, b, |w| {
        matches!(w, "i" | "me" | "my" | "you" | "your" | "u" | "ur" | "we")
    }) || is_leave_verb(t.text(a))
        || matches!(t.text(a), "pls" | "please") && is_leave_verb(t.text(a + 1));
    if !party {
        return None;
    }
    let mut asked = None;
    let mut change = false;
    let mut bad = false;
    // The speaker's own rating offered or threatened ("you'll get a great review from me", "or
    // I'm writing a review that…", "I'll change my review to 5 stars"): the deal may then run
    // either way round.
    let mut own = false;
    for &r in &ratings {
        let near = |lo: usize, hi: usize, pred: &dyn Fn(&str) -> bool| {
            (lo.max(a)..hi.min(b)).any(|k| t.kind(k) == Some(TokKind::Word) && pred(t.text(k)))
        };
        // "4.5 stars" is an average, not a "5".
        let decimal = |k: usize| {
            k >= 2 && t.is_sym(k - 1, b'.') && t.toks.get(k - 2).is_some_and(|x| x.has_digit)
        };
        let value = (r.saturating_sub(3).max(a)..(r + 4).min(b)).any(|k| {
            t.kind(k) == Some(TokKind::Word)
                && (is_good_value(t.text(k)) && !decimal(k)
                        // "10/10", not "10 reviews".
                        || t.text(k) == "10" && t.is_sym(k + 1, b'/'))
        });
        let low = near(r.saturating_sub(3), r + 4, &is_low_value);
        // "change your review": not "I won't change my rating".
        let changed = (r.saturating_sub(4).max(a)..r).any(|c| {
            is_change_verb(t.text(c))
                && (!(c..r).any(|k| t.is_word(k, "my")) || promised(d, c))
                && !d.negated_near(c, 3)
        });
        let mine = r >= 1 && t.is_word(r - 1, "my")
            || t.is_word(r + 1, "from") && t.is_word(r + 2, "me")
            || (r.saturating_sub(4).max(a)..r).any(|k| {
                is_leave_verb(t.text(k))
                    && (promised(d, k) || k >= 1 && matches!(t.text(k - 1), "im" | "m"))
            });
        let mine = mine && !d.negated_near(r, 4);
        own |= mine;
        let left = near(r.saturating_sub(4), r, &is_leave_verb)
            || near(r + 1, r + 5, &|w| {
                matches!(w, "posted" | "up" | "live" | "published" | "submitted")
            })
            || t.text(r) == "rate";
        if value || low || changed || left || mine {
            asked.get_or_insert(r);
        }
        change |= changed;
        bad |= low && !value;
    }
    // "Your review decides whether you get the bonus": the rating itself is the condition.
    let strong = d.any_word(a, b, |w| matches!(w, "decides" | "depends" | "whether"))
        || (a..b).any(|k| {
            matches!(t.text(k), "gets" | "get") && t.is_word(k + 1, "you")
                // "5 stars = …", not "Rating = 4.7".
                || t.is_sym(k, b'=') && k >= 1 && is_good_value(t.text(k - 1))
        });
    // "we'll swap reviews", "a review swap", "trade 5 stars": each rates the other.
    // (Code reviews are swapped too: "you review my PR and I'll review yours".)
    let swapped = |r: usize| {
        let near = |k: usize| matches!(t.text(k), "swap" | "swapping" | "trade" | "trading");
        near(r + 1) || r >= 1 && near(r - 1) || r >= 2 && near(r - 2)
    };
    if !d.any_word(a, b, is_code_review_word)
        && let Some(&r) = ratings.iter().find(|&&r| swapped(r))
    {
        return Some((r, r + 1, Kind::Incentive));
    }
    let r = asked.or(strong.then_some(first))?;
    // A tie between the rating and what it buys, in an order that makes it a deal: "bonus for a
    // review", "send the files once the review is up", "if you give me 5 stars, I'll…", "5 stars
    // or I dispute", "review first, bonus after". "I'll send the files today; leave a review once
    // you've checked them" is no deal: the condition there is about the review, not the files.
    let ties: Vec<(usize, Tie)> = (a..b)
        .filter_map(|k| tie_at(d, k).map(|x| (k, x)))
        .collect();
    let deal = |c: usize, kind: Consequence| {
        ties.iter().any(|&(x, tie)| {
            let between = c < x && x < r || r < x && x < c;
            match tie {
                // The speaker's rating for something the other party gives up ("for free", "a
                // refund", "lower the price"), not for what the speaker does anyway ("I'll leave
                // you a review once I pay").
                _ if own => {
                    let word = t.text(x);
                    let before = c < x
                        && x < r
                        && matches!(word, "and" | "or" | "otherwise" | "if" | "unless" | "so");
                    // ("for free" is the consequence itself, not a tie.)
                    let after = r < x
                        && x + 1 < c
                        && matches!(word, "or" | "otherwise" | "if" | "unless" | "for");
                    (before || after || x < c.min(r) && matches!(word, "if" | "unless"))
                        && (kind == Consequence::Harm
                            || matches!(
                                t.text(c),
                                "free"
                                    | "refund"
                                    | "refunded"
                                    | "price"
                                    | "prices"
                                    | "discount"
                                    | "cost"
                                    | "bill"
                                    | "cheaper"
                                    | "waive"
                                    | "tip"
                            )
                            || money(d, c))
                }
                Tie::Condition => {
                    x < r && (c < x || r < c)
                        // "give me 5 stars, if you do I can deliver early".
                        || r < x
                            && x < c
                            && t.is_word(x, "if")
                            && t.is_word(x + 1, "you")
                            && matches!(t.text(x + 2), "do" | "will" | "can" | "did")
                }
                Tie::Before => x < c && c < r,
                Tie::No => r < x && x < c && (r.saturating_sub(3)..r).any(|j| t.is_word(j, "no")),
                Tie::Then => r < x && x < c,
                // "For a 5 star review I can waive the rush fee": "for" opening the sentence.
                Tie::For => between || x == a && r < c,
            }
        })
    };
    let (_, consequence) = consequences(d, a, b, r, bad)
        .into_iter()
        .find(|&(c, kind)| {
            deal(c, kind)
            || kind == Consequence::BadRatingBack && !ties.is_empty()
            // "remove your feedback if I refund the full amount": a reward as the condition.
            || kind != Consequence::Withheld
                && ties
                    .iter()
                    .any(|&(x, _)| r < x && x < c && t.is_word(x, "if"))
            // "I need that 5-star review first": the rating asked before anything else.
            || ties.iter().any(|&(x, _)| x > r && x <= r + 2 && t.is_word(x, "first"))
        })?;
    let kind = if change {
        Kind::ChangeRequest
    } else {
        match consequence {
            Consequence::Reward => Kind::Incentive,
            Consequence::Withheld => Kind::Withholding,
            Consequence::Harm | Consequence::BadRatingBack => Kind::FeedbackThreat,
        }
    };
    Some((r, r + 1, kind))
}

/// How a tie word joins a rating and a consequence.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tie {
    /// "if", "once", "until": the rating is the condition ("C once R", "if R, C").
    Condition,
    /// "or", "then", "and I'll", "gets", "decides whether": the consequence follows the rating.
    Then,
    /// "for", "in exchange": either way round.
    For,
    /// "before": "before I send the link, leave a review" (the consequence between).
    Before,
    /// "no review, no files": the second "no" after the rating.
    No,
}

fn tie_at(d: &Doc<'_>, k: usize) -> Option<Tie> {
    let t = &d.t;
    if t.is_sym(k, b'=') {
        return Some(Tie::Then);
    }
    if t.kind(k) != Some(TokKind::Word) {
        return None;
    }
    Some(match t.text(k) {
        "if" | "unless" | "once" | "until" | "till" | "after" | "when" | "soon" | "moment"
        | "long" | "upon" | "condition" => Tie::Condition,
        // "…, so let's make sure the extra pages are included": only with the speaker's rating.
        "so" => Tie::For,
        // "ll" of "I'll", "you'll": a promise after the rating.
        "or" | "otherwise" | "else" | "then" | "first" | "and" | "ll" | "gets" | "decides"
        | "depends" | "whether" => Tie::Then,
        "for" | "exchange" | "return" => Tie::For,
        "before" => Tie::Before,
        "no" => Tie::No,
        "get" if t.is_word(k + 1, "you") => Tie::Then,
        _ => return None,
    })
}

/// Token `k` is a rating word in its rating sense.
fn rating_at(d: &Doc<'_>, k: usize) -> bool {
    let t = &d.t;
    if t.kind(k) != Some(TokKind::Word) {
        return false;
    }
    let next = t.text(k + 1);
    let prev = k.checked_sub(1).map_or("", |p| t.text(p));
    match t.text(k) {
        "rating" | "ratings" | "testimonial" | "stars" | "star" | "5star" | "fivestar" => {
            // "the conversion rating"? Rare; "star" alone is a rating only with a number.
            !(t.text(k) == "star" && !is_number_like(prev) && prev != "-")
        }
        // "feedback" is a rating with a value ("5-star feedback", "positive feedback") or left as
        // one, not comments on the work ("your feedback on version 2", "feedback from my team").
        "feedback" => {
            let left = (k.saturating_sub(3)..k).any(|j| {
                matches!(
                    t.text(j),
                    "leave" | "leaving" | "left" | "submit" | "submitted" | "post" | "posted"
                )
            });
            // "left your feedback on the contract", not "leave feedback on the draft".
            let on_contract = |j: usize| {
                matches!(
                    t.text(j),
                    "contract" | "job" | "order" | "profile" | "project"
                )
            };
            let on = left && next == "on" && (k + 2..k + 5).any(on_contract);
            (!matches!(next, "on" | "about" | "in" | "from" | "for" | "regarding") || on)
                && (left
                    || (k.saturating_sub(3)..k)
                    .any(|j| is_good_value(t.text(j)) || is_low_value(t.text(j)))
                    || matches!(
                        prev,
                        "leave" | "leaving" | "left" | "post" | "write" | "public" | "private"
                    )
                    // "after your feedback has been submitted", "once your feedback is up".
                    || (k + 1..k + 4).any(|j| {
                        matches!(t.text(j), "submitted" | "posted" | "left" | "live" | "up")
                    }))
        }
        // "Please review the milestone", "code review", "the review meeting": not a rating.
        // After an article, a possessive or a value it is the noun ("a review that tells…").
        "review" | "reviews"
            if matches!(
                prev,
                "a" | "an"
                    | "the"
                    | "my"
                    | "your"
                    | "their"
                    | "our"
                    | "good"
                    | "bad"
                    | "great"
                    | "positive"
                    | "negative"
                    | "honest"
                    | "star"
                    | "stars"
                    | "5"
                    | "five"
            ) =>
        {
            true
        }
        "review" | "reviews" => {
            // "please review", "can you review": the verb, unless "review first".
            let verb = matches!(
                prev,
                "please"
                    | "pls"
                    | "plz"
                    | "to"
                    | "will"
                    | "ll"
                    | "can"
                    | "could"
                    | "would"
                    | "should"
                    | "must"
                    | "lets"
                    | "i"
                    | "we"
                    | "you"
            ) && next != "first";
            !verb
                && !matches!(
                    next,
                    "the"
                        | "this"
                        | "that"
                        | "these"
                        | "those"
                        | "my"
                        | "our"
                        | "your"
                        | "it"
                        | "them"
                        | "his"
                        | "her"
                        | "meeting"
                        | "call"
                        | "session"
                        | "process"
                        | "pr"
                )
                && !matches!(
                    prev,
                    "code" | "design" | "peer" | "pr" | "performance" | "security" | "legal"
                )
        }
        // "rate me 5", "after you rate me": the verb; "my rate", "the rate is" are prices.
        "rate" => {
            matches!(next, "me" | "us" | "my" | "our" | "it")
                || is_number_like(next)
                || next == "the"
                    && matches!(
                        t.text(k + 2),
                        "contract" | "job" | "project" | "work" | "order"
                    )
        }
        // "top marks", "full marks".
        "marks" => matches!(prev, "top" | "full"),
        _ => false,
    }
}

fn is_number_like(w: &str) -> bool {
    w.bytes().next().is_some_and(|b| b.is_ascii_digit())
        || matches!(
            w,
            "one" | "two" | "three" | "four" | "five" | "ten" | "full"
        )
}

fn is_good_value(w: &str) -> bool {
    matches!(
        w,
        "5" | "five"
            | "full"
            | "good"
            | "great"
            | "positive"
            | "glowing"
            | "perfect"
            | "excellent"
            | "top"
            | "high"
            | "higher"
            | "nice"
            | "favourable"
            | "favorable"
            | "stellar"
            | "amazing"
            | "5star"
            | "fivestar"
            | "best"
    )
}

fn is_low_value(w: &str) -> bool {
    matches!(
        w,
        "bad"
            | "negative"
            | "poor"
            | "low"
            | "lower"
            | "less"
            | "terrible"
            | "awful"
            | "1"
            | "one"
            | "2"
            | "two"
            | "worst"
            | "lowest"
            | "nasty"
    )
}

/// The change words of [`super`] and "down" ("take that review down"), in their other forms.
pub(super) fn is_change_verb(w: &str) -> bool {
    super::is_change(w)
        || matches!(
            w,
            "down"
                | "removing"
                | "deleting"
                | "changing"
                | "editing"
                | "updating"
                | "removed"
                | "deleted"
                | "changed"
                | "edited"
                | "updated"
        )
}

/// "I'll change…", "I will leave…", "I'm going to write…": the speaker promises the verb at `k`.
fn promised(d: &Doc<'_>, k: usize) -> bool {
    let t = &d.t;
    (k.saturating_sub(3)..k).any(|j| {
        matches!(t.text(j), "ll" | "will" | "gonna" | "going")
            && (j.saturating_sub(2)..j).any(|i| matches!(t.text(i), "i" | "im" | "we"))
    })
}

fn is_leave_verb(w: &str) -> bool {
    matches!(
        w,
        "leave"
            | "write"
            | "post"
            | "give"
            | "drop"
            | "submit"
            | "publish"
            | "promise"
            | "rate"
            | "leaving"
            | "writing"
            | "posting"
            | "rated"
            | "left"
            | "given"
            | "submitted"
    )
}

/// Thanks for a rating given ("thanks for the 5 stars", "I rated you 5 stars because…"), or
/// [`reported`].
fn reported_or_thanked(d: &Doc<'_>, a: usize, b: usize, first: usize) -> bool {
    d.any_word(a, first, |w| matches!(w, "thanks" | "thank" | "rated")) || reported(d, a, b)
}

/// Someone else's pressure told, or a question about the rules: "a client told me he'd leave 1
/// star unless…", "is it allowed to offer…", "what should I do?".
pub(super) fn reported(d: &Doc<'_>, a: usize, b: usize) -> bool {
    let t = &d.t;
    let third = |k: usize| {
        matches!(
            t.text(k),
            "he" | "she"
                | "they"
                | "client"
                | "someone"
                | "somebody"
                | "buyer"
                | "seller"
                | "freelancer"
                | "contractor"
                | "agency"
        )
    };
    // "I received a message saying \"leave a good review or no files\"": a quote.
    let quoted = |k: usize| {
        t.is_word(k, "saying")
            && k >= 1
            && matches!(
                t.text(k - 1),
                "message" | "email" | "mail" | "note" | "text" | "dm" | "texted" | "messaged"
            )
    };
    // The platform's policy, not "that's my policy".
    let policy =
        |k: usize| t.is_word(k, "policy") && !(k >= 1 && matches!(t.text(k - 1), "my" | "our"));
    d.any_word(a, b, |w| {
        matches!(w, "allowed" | "rules" | "pressure" | "pressuring")
    }) || (a..b).any(|k| {
        policy(k)
            || quoted(k)
            || t.is_word(k, "should") && t.is_word(k + 1, "i")
            // "what are my options?"
            || t.is_word(k, "my") && t.is_word(k + 1, "options")
            || third(k)
                && matches!(
                    t.text(k + 1),
                    "told" | "asked" | "said" | "says" | "threatened" | "wants" | "wanted"
                )
    })
}

/// Words of code review, where "review" and "swap" are the work: "review my PR".
pub(super) fn is_code_review_word(w: &str) -> bool {
    matches!(
        w,
        "pr" | "prs" | "code" | "reviewer" | "reviewers" | "merge" | "pull" | "commit" | "diff"
    )
}

#[cfg(test)]
#[path = "exchange_tests.rs"]
mod tests;
