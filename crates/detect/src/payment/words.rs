//! The English word lists of `payment`: paying, the two parties, the platform, and payees
//! outside the deal.

use crate::doc::Doc;

/// Words about paying or receiving money.
pub(super) fn is_pay_word(w: &str) -> bool {
    matches!(
        w,
        "pay"
            | "paid"
            | "paying"
            | "pays"
            | "payment"
            | "payments"
            | "send"
            | "sent"
            | "sending"
            | "transfer"
            | "transferred"
            | "money"
            | "funds"
            | "fund"
            | "deposit"
            | "receive"
            | "accept"
            | "accepts"
            | "invoice"
            | "charge"
            | "wallet"
            | "fee"
            | "fees"
            | "tip"
            | "refund"
            | "remit"
            | "cash"
            | "bill"
            | "billing"
            | "compensate"
            | "settle"
            | "wire"
            | "cashout"
            | "price"
            | "rate"
            | "budget"
            | "dollars"
            | "usd"
            | "amount"
            | "balance"
            | "address"
            | "account"
            | "email"
            | "id"
            | "details"
            | "info"
            | "number"
            | "tag"
            | "bonus"
    )
}

/// Words that point at the two parties (as opposed to "customers pay with PayPal").
pub(super) fn is_personal(w: &str) -> bool {
    matches!(
        w,
        "me" | "my"
            | "you"
            | "your"
            | "i"
            | "we"
            | "us"
            | "ill"
            | "i'll"
            | "u"
            | "ur"
            | "our"
            | "im"
            | "mine"
    )
}

/// True when the pay word at `p` is followed by a payee outside the deal ("pay my landlord",
/// "paid the rent", "paying our suppliers").
pub(super) fn pays_third_party(d: &Doc<'_>, p: usize, end: usize) -> bool {
    let mut k = p + 1;
    while k < end
        && matches!(
            d.t.text(k),
            "my" | "our" | "the" | "a" | "his" | "her" | "their"
        )
    {
        k += 1;
    }
    k < end
        && matches!(
            d.t.text(k),
            "landlord"
                | "rent"
                | "mortgage"
                | "bills"
                | "taxes"
                | "utilities"
                | "tuition"
                | "supplier"
                | "suppliers"
                | "vendor"
                | "vendors"
                | "printer"
                | "accountant"
                | "lawyer"
                | "plumber"
                | "electrician"
                | "nanny"
                | "babysitter"
                | "gym"
                | "insurance"
                | "mechanic"
                | "doctor"
                | "dentist"
        )
}

/// The platform itself, named in the phrases below.
pub(super) fn is_platform(w: &str) -> bool {
    matches!(
        w,
        "platform"
            | "site"
            | "upwork"
            | "fiverr"
            | "trustwork"
            | "here"
            | "website"
            | "app"
            | "escrow"
            | "system"
            | "marketplace"
    )
}
