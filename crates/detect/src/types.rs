//! The public vocabulary of the crate: where a text comes from, what was found, and how sure we are.
//!
//! These types are what the enforcement pipeline, the store and the CLI see, so they are kept small,
//! `Copy` where possible, and their string names (`as_str`) are stable: they end up in database rows
//! and JSON lines.

/// Where a text was written. Policy differs by place: a profile is public and long-lived, a message
/// is private and may be covered by an active contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Source {
    /// A freelancer's or client's public profile.
    Profile,
    /// A job post written by a client.
    JobPost,
    /// A proposal / cover letter sent for a job.
    Proposal,
    /// A direct message between two accounts.
    Message,
    /// Feedback left at the end of a contract.
    Feedback,
    /// Anything else (imports, support tickets, the CLI).
    #[default]
    Other,
}

impl Source {
    /// Stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Profile => "profile",
            Source::JobPost => "job_post",
            Source::Proposal => "proposal",
            Source::Message => "message",
            Source::Feedback => "feedback",
            Source::Other => "other",
        }
    }
}

/// What the caller knows about the text being scanned. Cheap to build: two flags and a borrowed list.
#[derive(Debug, Clone, Copy, Default)]
pub struct ScanContext<'a> {
    /// Where the text was written.
    pub source: Source,
    /// True when a contract is active between the two parties of a message. Sharing contact details is
    /// then allowed (the marketplace's rule), so contact-info findings are not reported for messages;
    /// off-platform payment still is.
    pub contract_active: bool,
    /// Extra domains that are never reported as URLs or e-mail hosts (the operator's own domains,
    /// in addition to those of the scanner's configuration). Subdomains match too.
    pub allowed_domains: &'a [String],
}

impl<'a> ScanContext<'a> {
    /// A context for `source` with no contract and no extra allowed domains.
    pub fn new(source: Source) -> Self {
        ScanContext {
            source,
            contract_active: false,
            allowed_domains: &[],
        }
    }
}

/// The family of a violation. Policies are written per category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// E-mail, phone, URL, handle or an invitation to move to another app.
    ContactInfo,
    /// Asking or offering to pay outside the marketplace, or sharing payment details.
    OffPlatformPayment,
    /// Insults aimed at a person, threats, incitement to self-harm.
    Harassment,
    /// Swearing and slurs.
    Profanity,
    /// Buying, forcing or bargaining for feedback.
    FeedbackPressure,
}

impl Category {
    /// All categories, in a stable order.
    pub const ALL: [Category; 5] = [
        Category::ContactInfo,
        Category::OffPlatformPayment,
        Category::Harassment,
        Category::Profanity,
        Category::FeedbackPressure,
    ];

    /// Stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::ContactInfo => "contact_info",
            Category::OffPlatformPayment => "off_platform_payment",
            Category::Harassment => "harassment",
            Category::Profanity => "profanity",
            Category::FeedbackPressure => "feedback_pressure",
        }
    }

    /// Parses the snake_case name.
    pub fn parse(name: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

/// What exactly was found inside a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// An e-mail address, plain or obfuscated, or a user name given with a mail provider.
    Email,
    /// A phone number (7-15 digits, validated against dates, prices, ...).
    Phone,
    /// A URL, bare domain or deep link.
    Url,
    /// A user name on a named app ("telegram: @x", "my IG is x", "discord x#1234").
    Handle,
    /// An invitation to move the conversation to an app ("let's continue on WhatsApp").
    MessagingApp,
    /// Asking the other party for their contact details ("send me your number").
    ContactRequest,
    /// An IBAN with a valid checksum.
    Iban,
    /// A payment card number (Luhn-valid).
    Card,
    /// A cryptocurrency wallet address.
    CryptoAddress,
    /// A payment brand or rail together with intent to pay with it.
    BrandIntent,
    /// Intent to pay outside the platform without naming a brand ("pay me directly, no fees").
    OutsideIntent,
    /// A threat of violence or harm.
    Threat,
    /// An insult aimed at the reader.
    Insult,
    /// Telling someone to kill or hurt themselves.
    SelfHarm,
    /// A slur against a group.
    Slur,
    /// Strong swearing.
    Strong,
    /// Mild swearing.
    Mild,
    /// Language the toxicity model scores as offensive where no listed word is (profanity
    /// category: offensive, not necessarily aimed at anyone).
    Offensive,
    /// Language the toxicity model scores as aimed at a person or group, where no listed insult,
    /// threat or slur is.
    Abusive,
    /// Money, refunds, discounts or extra work offered for a rating.
    Incentive,
    /// Threatening bad feedback.
    FeedbackThreat,
    /// Withholding work until feedback is promised.
    Withholding,
    /// Asking to change or remove feedback already left.
    ChangeRequest,
    /// Trading ratings ("5 stars for 5 stars").
    ReciprocalRating,
    /// Asking to end a contract early to protect a score ("close it so my JSS stays high").
    ScoreProtection,
    /// Language the feedback model scores as pressure on a rating, where no rule found a reward,
    /// threat, condition, change or swap.
    RatingPressure,
}

impl Kind {
    /// Stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Email => "email",
            Kind::Phone => "phone",
            Kind::Url => "url",
            Kind::Handle => "handle",
            Kind::MessagingApp => "messaging_app",
            Kind::ContactRequest => "contact_request",
            Kind::Iban => "iban",
            Kind::Card => "card",
            Kind::CryptoAddress => "crypto_address",
            Kind::BrandIntent => "brand_intent",
            Kind::OutsideIntent => "outside_intent",
            Kind::Threat => "threat",
            Kind::Insult => "insult",
            Kind::SelfHarm => "self_harm",
            Kind::Slur => "slur",
            Kind::Strong => "strong",
            Kind::Mild => "mild",
            Kind::Offensive => "offensive",
            Kind::Abusive => "abusive",
            Kind::Incentive => "incentive",
            Kind::FeedbackThreat => "feedback_threat",
            Kind::Withholding => "withholding",
            Kind::ChangeRequest => "change_request",
            Kind::ReciprocalRating => "reciprocal_rating",
            Kind::ScoreProtection => "score_protection",
            Kind::RatingPressure => "rating_pressure",
        }
    }
}

/// How bad a finding is, for policies that escalate (warn, hold, suspend).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// Worth a nudge (mild swearing).
    Low,
    /// A policy violation (contact details, strong swearing, insults).
    Medium,
    /// Needs a human now (threats, slurs, self-harm incitement, payment details).
    High,
}

impl Severity {
    /// Stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

/// One violation found in a text, with enough to explain it to a moderator and to the author.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The family of the violation.
    pub category: Category,
    /// What exactly was found.
    pub kind: Kind,
    /// Byte offset of the first byte of the evidence in the ORIGINAL text (a char boundary).
    pub start: usize,
    /// Byte offset just past the evidence in the ORIGINAL text (a char boundary, `>= start`).
    pub end: usize,
    /// The evidence, normalised ("j.doe@gmail.com", "+14155550100", "whatsapp").
    pub value: String,
    /// How sure the rule is, 0.0..=1.0. The default scanner reports findings at 0.5 and above.
    pub confidence: f32,
    /// The id of the rule that fired, stable across releases ("email.obfuscated").
    pub rule: &'static str,
    /// The language of the words the finding rests on, as an ISO 639-1 code ("en", "es", "pt",
    /// "fr", "de"); None when the evidence is language-neutral (an e-mail address, a URL, the
    /// digits of a phone number, an IBAN, a card, a crypto address, a handle).
    pub language: Option<&'static str>,
}

impl Finding {
    /// How bad this finding is, derived from its kind.
    pub fn severity(&self) -> Severity {
        match self.kind {
            Kind::Mild | Kind::Offensive => Severity::Low,
            Kind::Threat
            | Kind::SelfHarm
            | Kind::Slur
            | Kind::Iban
            | Kind::Card
            | Kind::CryptoAddress => Severity::High,
            _ => Severity::Medium,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_names_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
        }
        assert_eq!(Category::parse("nope"), None);
    }

    #[test]
    fn severity_follows_kind() {
        let f = |kind| Finding {
            category: Category::Harassment,
            kind,
            start: 0,
            end: 0,
            value: String::new(),
            confidence: 1.0,
            rule: "t",
            language: None,
        };
        assert_eq!(f(Kind::Threat).severity(), Severity::High);
        assert_eq!(f(Kind::Mild).severity(), Severity::Low);
        assert_eq!(f(Kind::Insult).severity(), Severity::Medium);
    }
}
