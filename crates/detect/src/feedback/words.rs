//! The words the feedback rules are made of: ratings, rewards, threats, bad marks, delivering
//! the work and changing a rating.

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

pub(super) fn is_reward(w: &str) -> bool {
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

/// The verbs of a rating threatened: "I'll leave", "I'm giving you", "I'll be leaving".
pub(super) fn is_threat_verb(w: &str) -> bool {
    matches!(
        w,
        "leave"
            | "give"
            | "write"
            | "post"
            | "get"
            | "rate"
            | "put"
            | "expect"
            | "receive"
            | "leaving"
            | "giving"
            | "writing"
            | "posting"
    )
}

pub(super) fn is_bad(w: &str) -> bool {
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
            | "zero"
            | "0"
    )
}

pub(super) fn is_deliver(w: &str) -> bool {
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

pub(super) fn is_change(w: &str) -> bool {
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
