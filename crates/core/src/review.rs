//! Review queues: what needs a human, who is looking at it, and how soon it must be looked at.
//!
//! A case is opened by a decision of the events pipeline or by a user's flag. At most one case is
//! open per (queue, entity): a second report of the same thing adds its weight to the open case
//! instead of queueing the same work twice. One agent at a time holds a case (a claim with an
//! expiry, as in Coop, so a reviewer who walks away does not lock it forever), and every case has
//! an SLA due time from its queue.

use crate::error::DomainError;
use crate::restriction::{LiftCondition, NewRestriction, ReasonCode, Severity};
use crate::timestamp::{DAY_MS, HOUR_MS, MINUTE_MS, Timestamp};
use serde::{Deserialize, Serialize};

/// Why a case is in front of a human. A closed set: SLAs, priorities and filters key on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Queue {
    ContactInfo,
    OffPlatformPayment,
    Spam,
    Harassment,
    FeedbackAbuse,
    NegativeFeedback,
    Dispute,
    /// A user's "flag as inappropriate".
    Flag,
    /// Job posts waiting to be listed (seed 004: reviewed within 30 minutes, around the clock).
    JobPosts,
    /// A sample of letters and messages that passed the detectors, for people to check (seed
    /// 003's human spot-checks).
    SpotCheck,
    /// New freelancers' profiles waiting for approval (seed 001).
    Profiles,
    /// Accounts tied to another live account by what they share (seed 003: one person, one
    /// account).
    MultipleAccounts,
    /// One account used from places or devices no one person could be at (seed 003).
    AccountSharing,
    /// A client account that bids or a freelancer account that posts jobs (seed 003).
    WrongAccountType,
}

impl Queue {
    pub const ALL: [Queue; 14] = [
        Queue::Harassment,
        Queue::OffPlatformPayment,
        Queue::ContactInfo,
        Queue::Spam,
        Queue::FeedbackAbuse,
        Queue::NegativeFeedback,
        Queue::Dispute,
        Queue::Flag,
        Queue::JobPosts,
        Queue::SpotCheck,
        Queue::Profiles,
        Queue::MultipleAccounts,
        Queue::AccountSharing,
        Queue::WrongAccountType,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Queue::ContactInfo => "contact_info",
            Queue::OffPlatformPayment => "off_platform_payment",
            Queue::Spam => "spam",
            Queue::Harassment => "harassment",
            Queue::FeedbackAbuse => "feedback_abuse",
            Queue::NegativeFeedback => "negative_feedback",
            Queue::Dispute => "dispute",
            Queue::Flag => "flag",
            Queue::JobPosts => "job_posts",
            Queue::SpotCheck => "spot_check",
            Queue::Profiles => "profiles",
            Queue::MultipleAccounts => "multiple_accounts",
            Queue::AccountSharing => "account_sharing",
            Queue::WrongAccountType => "wrong_account_type",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|q| q.as_str() == text)
    }

    /// Where a case of this queue starts in line: harm to people first, then money, then noise.
    pub const fn base_priority(self) -> i64 {
        match self {
            Queue::Harassment => 50,
            Queue::OffPlatformPayment => 40,
            // A client waits for the post to go live: ahead of everything but harm and money.
            Queue::JobPosts => 30,
            Queue::ContactInfo
            | Queue::FeedbackAbuse
            | Queue::Dispute
            | Queue::Profiles
            | Queue::MultipleAccounts
            | Queue::AccountSharing => 20,
            Queue::Spam | Queue::NegativeFeedback | Queue::Flag | Queue::WrongAccountType => 10,
            // Nothing was found: looked at when there is time.
            Queue::SpotCheck => 5,
        }
    }

    /// The reason code an upheld case of this queue usually carries (the console's default).
    pub const fn default_reason(self) -> ReasonCode {
        match self {
            Queue::ContactInfo => ReasonCode::ContactInfoSharing,
            Queue::OffPlatformPayment => ReasonCode::OffPlatformPayment,
            Queue::Spam => ReasonCode::Spam,
            Queue::Harassment => ReasonCode::Harassment,
            Queue::FeedbackAbuse | Queue::NegativeFeedback => ReasonCode::FeedbackAbuse,
            Queue::Dispute => ReasonCode::FailureToPerform,
            Queue::MultipleAccounts => ReasonCode::MultipleAccounts,
            Queue::AccountSharing => ReasonCode::AccountSharing,
            Queue::WrongAccountType => ReasonCode::WrongAccountType,
            Queue::Flag | Queue::JobPosts | Queue::SpotCheck | Queue::Profiles => ReasonCode::Other,
        }
    }
}

/// What a case is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityType {
    Profile,
    JobPost,
    Proposal,
    Message,
    Feedback,
    Account,
    /// A client's dispute of hours or a milestone (settled by an agent, never flagged).
    Dispute,
}

impl EntityType {
    pub const ALL: [EntityType; 7] = [
        EntityType::Profile,
        EntityType::JobPost,
        EntityType::Proposal,
        EntityType::Message,
        EntityType::Feedback,
        EntityType::Account,
        EntityType::Dispute,
    ];

    /// What members may flag.
    pub const fn flaggable(self) -> bool {
        !matches!(self, EntityType::Dispute)
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            EntityType::Profile => "profile",
            EntityType::JobPost => "job_post",
            EntityType::Proposal => "proposal",
            EntityType::Message => "message",
            EntityType::Feedback => "feedback",
            EntityType::Account => "account",
            EntityType::Dispute => "dispute",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Open,
    Resolved,
}

impl CaseStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::Resolved => "resolved",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "open" => Some(CaseStatus::Open),
            "resolved" => Some(CaseStatus::Resolved),
            _ => None,
        }
    }
}

/// How a case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// Nothing wrong: no action, and the flags on it count against their reporters' accuracy.
    Dismissed,
    /// A violation: an enforcement action was applied, and the flags count for their reporters.
    Upheld,
    /// Handed to someone with more authority (legal, a senior reviewer) outside the queue. The
    /// flags on it count neither way.
    Escalated,
}

impl Resolution {
    pub const ALL: [Resolution; 3] = [
        Resolution::Dismissed,
        Resolution::Upheld,
        Resolution::Escalated,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Resolution::Dismissed => "dismissed",
            Resolution::Upheld => "upheld",
            Resolution::Escalated => "escalated",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// What the flags of a case resolved this way record (None: they do not count).
    pub const fn flag_outcome(self) -> Option<FlagOutcome> {
        match self {
            Resolution::Dismissed => Some(FlagOutcome::Dismissed),
            Resolution::Upheld => Some(FlagOutcome::Upheld),
            Resolution::Escalated => None,
        }
    }
}

/// A case as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewCase {
    pub id: String,
    pub queue: Queue,
    pub subject_account_id: String,
    pub entity_type: EntityType,
    pub entity_id: String,
    /// The text under review (may be empty, e.g. for an account-level case).
    pub content: String,
    /// Why the case exists: findings with byte spans into `content`, rules fired, counters. JSON
    /// written by whoever opened the case; see `docs` of `trustwork_app::review`.
    pub explanation_json: String,
    pub decision_id: Option<String>,
    /// Higher first.
    pub priority: i64,
    /// The summed weight of the reports (flags count their reporter's weight, ×1000).
    pub weight: i64,
    /// How many reports (decisions or flags) this case gathers.
    pub reports: i64,
    pub status: CaseStatus,
    /// The agent account holding the case, until `claim_expires_at`.
    pub claimed_by: Option<String>,
    pub claim_expires_at: Option<Timestamp>,
    pub sla_due_at: Timestamp,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub resolution: Option<Resolution>,
    /// The enforcement taken when upheld, e.g. `warning:SPAM`.
    pub resolution_action: Option<String>,
    /// The restriction that enforcement created.
    pub restriction_id: Option<String>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<Timestamp>,
    pub resolution_note: Option<String>,
}

impl ReviewCase {
    /// The agent holding a live claim at `now`, if any.
    pub fn holder(&self, now: Timestamp) -> Option<&str> {
        match (&self.claimed_by, self.claim_expires_at) {
            (Some(agent), Some(until)) if self.status == CaseStatus::Open && now < until => {
                Some(agent)
            }
            _ => None,
        }
    }

    pub fn sla_state(&self, now: Timestamp, config: &ReviewConfig) -> SlaState {
        config.sla_state(self.queue, self.sla_due_at, now)
    }
}

/// Where a case stands against its SLA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaState {
    Ok,
    /// Less than `due_soon_percent` of the queue's SLA is left.
    DueSoon,
    Breached,
}

impl SlaState {
    pub const ALL: [SlaState; 3] = [SlaState::Ok, SlaState::DueSoon, SlaState::Breached];

    pub const fn as_str(self) -> &'static str {
        match self {
            SlaState::Ok => "ok",
            SlaState::DueSoon => "due_soon",
            SlaState::Breached => "breached",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// Review settings: claim length, SLAs per queue, flag weighting, the appeal window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReviewConfig {
    /// How long a claim holds a case before another agent may take it (Coop uses 10 minutes).
    pub claim_ttl_ms: i64,
    /// A case is "due soon" once less than this share of its SLA is left.
    pub due_soon_percent: i64,
    pub sla_harassment_ms: i64,
    pub sla_off_platform_payment_ms: i64,
    pub sla_contact_info_ms: i64,
    pub sla_spam_ms: i64,
    pub sla_feedback_abuse_ms: i64,
    pub sla_negative_feedback_ms: i64,
    pub sla_dispute_ms: i64,
    pub sla_flag_ms: i64,
    /// Job posts: 30 minutes, around the clock (seed 004).
    pub sla_job_posts_ms: i64,
    /// Spot checks of what passed: three days.
    pub sla_spot_check_ms: i64,
    /// New freelancers' profiles: a day.
    pub sla_profiles_ms: i64,
    /// Accounts linked to another, or used by more than one person: a day.
    pub sla_identity_ms: i64,
    /// A client bidding or a freelancer posting jobs: two days.
    pub sla_wrong_account_type_ms: i64,
    /// The least a reporter's flag weighs, in thousandths, however often they were wrong: a
    /// poor record damps a reporter but never silences them.
    pub flag_weight_floor_permille: i64,
    /// Days after a restriction is placed during which its holder may appeal it (Mastodon: 20).
    /// 90 by default, so anything that still costs Top Rated can be appealed.
    pub appeal_window_days: i64,
}

impl Default for ReviewConfig {
    fn default() -> Self {
        Self {
            claim_ttl_ms: 15 * MINUTE_MS,
            due_soon_percent: 25,
            sla_harassment_ms: HOUR_MS,
            sla_off_platform_payment_ms: 4 * HOUR_MS,
            sla_contact_info_ms: DAY_MS,
            sla_spam_ms: DAY_MS,
            sla_feedback_abuse_ms: DAY_MS,
            sla_negative_feedback_ms: 2 * DAY_MS,
            sla_dispute_ms: DAY_MS,
            sla_flag_ms: DAY_MS,
            sla_job_posts_ms: 30 * MINUTE_MS,
            sla_spot_check_ms: 3 * DAY_MS,
            sla_profiles_ms: DAY_MS,
            sla_identity_ms: DAY_MS,
            sla_wrong_account_type_ms: 2 * DAY_MS,
            flag_weight_floor_permille: 200,
            appeal_window_days: 90,
        }
    }
}

impl ReviewConfig {
    pub const fn sla_ms(&self, queue: Queue) -> i64 {
        match queue {
            Queue::Harassment => self.sla_harassment_ms,
            Queue::OffPlatformPayment => self.sla_off_platform_payment_ms,
            Queue::ContactInfo => self.sla_contact_info_ms,
            Queue::Spam => self.sla_spam_ms,
            Queue::FeedbackAbuse => self.sla_feedback_abuse_ms,
            Queue::NegativeFeedback => self.sla_negative_feedback_ms,
            Queue::Dispute => self.sla_dispute_ms,
            Queue::Flag => self.sla_flag_ms,
            Queue::JobPosts => self.sla_job_posts_ms,
            Queue::SpotCheck => self.sla_spot_check_ms,
            Queue::Profiles => self.sla_profiles_ms,
            Queue::MultipleAccounts | Queue::AccountSharing => self.sla_identity_ms,
            Queue::WrongAccountType => self.sla_wrong_account_type_ms,
        }
    }

    /// When a case opened at `opened` must have been looked at.
    pub const fn sla_due(&self, queue: Queue, opened: Timestamp) -> Timestamp {
        opened.plus_millis(self.sla_ms(queue))
    }

    pub fn sla_state(&self, queue: Queue, due: Timestamp, now: Timestamp) -> SlaState {
        if now >= due {
            return SlaState::Breached;
        }
        let left = due.millis() - now.millis();
        let soon = self.sla_ms(queue).saturating_mul(self.due_soon_percent) / 100;
        if left <= soon {
            SlaState::DueSoon
        } else {
            SlaState::Ok
        }
    }

    /// How much one flag of a reporter weighs, in thousandths, from their past flags' outcomes:
    /// `(upheld + 1) / (upheld + dismissed + 2)` (Laplace's rule of succession: a newcomer weighs
    /// 0.5, a reporter who is always right tends to 1, one who is always wrong tends to 0), never
    /// below the floor. Discourse weights flags by the same agree/disagree history.
    pub fn flag_weight(&self, upheld: i64, dismissed: i64) -> i64 {
        let (u, d) = (upheld.max(0), dismissed.max(0));
        let w =
            (u.saturating_add(1)).saturating_mul(1000) / (u.saturating_add(d).saturating_add(2));
        w.max(self.flag_weight_floor_permille).min(1000)
    }
}

/// A case's priority from its queue and the weight of its reports: each full-weight report adds
/// 10 (a newcomer's flag 5), capped so weight alone never outranks a harassment case by much.
pub fn priority_for(queue: Queue, weight: i64) -> i64 {
    queue.base_priority() + (weight.max(0) / 100).min(100)
}

/// The priority after another report: never lower than before or than the new report asks for.
pub fn bumped_priority(case: &ReviewCase, asked: i64) -> i64 {
    case.priority
        .max(asked)
        .max(priority_for(case.queue, case.weight))
}

/// May `agent` claim the case at `now`? Yes when it is open and nobody else holds a live claim;
/// the holder may claim again to extend. Returns the new claim's expiry.
pub fn claim(
    case: &ReviewCase,
    agent: &str,
    now: Timestamp,
    config: &ReviewConfig,
) -> Result<Timestamp, DomainError> {
    if case.status != CaseStatus::Open {
        return Err(DomainError::ReviewCaseResolved {
            case_id: case.id.clone(),
        });
    }
    if let Some(holder) = case.holder(now)
        && holder != agent
    {
        return Err(DomainError::ReviewCaseClaimed {
            case_id: case.id.clone(),
            claimed_by: holder.to_owned(),
            until: case.claim_expires_at.unwrap_or(now),
        });
    }
    Ok(now.plus_millis(config.claim_ttl_ms))
}

/// Only the agent holding a live claim may release or resolve a case. Resolving without a claim
/// is refused rather than done implicitly: the claim is what guarantees that two agents never
/// act on the same case at once.
pub fn ensure_holder(case: &ReviewCase, agent: &str, now: Timestamp) -> Result<(), DomainError> {
    if case.status != CaseStatus::Open {
        return Err(DomainError::ReviewCaseResolved {
            case_id: case.id.clone(),
        });
    }
    match case.holder(now) {
        Some(holder) if holder == agent => Ok(()),
        Some(holder) => Err(DomainError::ReviewCaseClaimed {
            case_id: case.id.clone(),
            claimed_by: holder.to_owned(),
            until: case.claim_expires_at.unwrap_or(now),
        }),
        None => Err(DomainError::ReviewClaimRequired {
            case_id: case.id.clone(),
        }),
    }
}

/// The enforcement an agent picks when upholding a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Enforcement {
    pub severity: Severity,
    pub reason: ReasonCode,
}

/// Days a warning from review lasts (the issue: "warnings expire after 90 days").
pub const WARNING_DAYS: i64 = 90;

impl Enforcement {
    /// The stored form, e.g. `warning:SPAM`.
    pub fn label(self) -> String {
        format!("{}:{}", self.severity.as_str(), self.reason.as_str())
    }

    /// The restriction it places: warnings end by themselves after 90 days; holds, suspensions
    /// and bans wait for an agent (or an appeal).
    pub fn restriction(self, now: Timestamp, note: &str) -> NewRestriction {
        let lift = match self.severity {
            Severity::Warning => LiftCondition::AtTime(now.plus_days(WARNING_DAYS)),
            _ => LiftCondition::Manual,
        };
        NewRestriction::new(self.reason, self.severity, lift, note)
    }
}

/// A reporter's flag outcome, once the case is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagOutcome {
    Upheld,
    Dismissed,
}

impl FlagOutcome {
    pub const fn as_str(self) -> &'static str {
        match self {
            FlagOutcome::Upheld => "upheld",
            FlagOutcome::Dismissed => "dismissed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "upheld" => Some(FlagOutcome::Upheld),
            "dismissed" => Some(FlagOutcome::Dismissed),
            _ => None,
        }
    }
}

/// Why a user flagged something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagReason {
    Inappropriate,
    Spam,
    Harassment,
    OffPlatformPayment,
    ContactInfo,
    Scam,
    Other,
}

impl FlagReason {
    pub const ALL: [FlagReason; 7] = [
        FlagReason::Inappropriate,
        FlagReason::Spam,
        FlagReason::Harassment,
        FlagReason::OffPlatformPayment,
        FlagReason::ContactInfo,
        FlagReason::Scam,
        FlagReason::Other,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            FlagReason::Inappropriate => "inappropriate",
            FlagReason::Spam => "spam",
            FlagReason::Harassment => "harassment",
            FlagReason::OffPlatformPayment => "off_platform_payment",
            FlagReason::ContactInfo => "contact_info",
            FlagReason::Scam => "scam",
            FlagReason::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// In a member's words, for the "Flag as inappropriate" list.
    pub const fn label(self) -> &'static str {
        match self {
            FlagReason::Inappropriate => "Inappropriate or offensive",
            FlagReason::Spam => "Spam or a copy of another post",
            FlagReason::Harassment => "Harassment or threats",
            FlagReason::OffPlatformPayment => "Asks for payment outside the platform",
            FlagReason::ContactInfo => "Shares contact details to move off the platform",
            FlagReason::Scam => "A scam or fraud",
            FlagReason::Other => "Something else",
        }
    }
}

/// A user's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub id: String,
    pub reporter_account_id: String,
    pub target_type: EntityType,
    pub target_id: String,
    pub target_account_id: String,
    pub reason: FlagReason,
    pub note: String,
    /// The reporter's weight when they flagged, in thousandths.
    pub weight: i64,
    pub case_id: String,
    pub created_at: Timestamp,
    pub outcome: Option<FlagOutcome>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(queue: Queue) -> ReviewCase {
        ReviewCase {
            id: "rc1".into(),
            queue,
            subject_account_id: "a".into(),
            entity_type: EntityType::Message,
            entity_id: "m1".into(),
            content: String::new(),
            explanation_json: "{}".into(),
            decision_id: None,
            priority: queue.base_priority(),
            weight: 0,
            reports: 1,
            status: CaseStatus::Open,
            claimed_by: None,
            claim_expires_at: None,
            sla_due_at: Timestamp(HOUR_MS),
            created_at: Timestamp(0),
            updated_at: Timestamp(0),
            resolution: None,
            resolution_action: None,
            restriction_id: None,
            resolved_by: None,
            resolved_at: None,
            resolution_note: None,
        }
    }

    #[test]
    fn names_round_trip() {
        for q in Queue::ALL {
            assert_eq!(Queue::parse(q.as_str()), Some(q));
        }
        for e in EntityType::ALL {
            assert_eq!(EntityType::parse(e.as_str()), Some(e));
        }
        for r in Resolution::ALL {
            assert_eq!(Resolution::parse(r.as_str()), Some(r));
        }
        for s in SlaState::ALL {
            assert_eq!(SlaState::parse(s.as_str()), Some(s));
        }
        for r in FlagReason::ALL {
            assert_eq!(FlagReason::parse(r.as_str()), Some(r));
        }
        assert_eq!(Queue::parse("Spam"), None);
    }

    #[test]
    fn sla_defaults_follow_the_harm() {
        let c = ReviewConfig::default();
        assert_eq!(c.sla_ms(Queue::Harassment), HOUR_MS);
        assert_eq!(c.sla_ms(Queue::OffPlatformPayment), 4 * HOUR_MS);
        assert_eq!(c.sla_ms(Queue::ContactInfo), DAY_MS);
        assert_eq!(c.sla_ms(Queue::Spam), DAY_MS);
        assert_eq!(c.sla_ms(Queue::Flag), DAY_MS);
        assert_eq!(
            c.sla_due(Queue::Harassment, Timestamp(5)),
            Timestamp(5 + HOUR_MS)
        );
    }

    #[test]
    fn sla_state_at_the_edges() {
        let c = ReviewConfig::default();
        let due = Timestamp(DAY_MS);
        let state = |now: i64| c.sla_state(Queue::Spam, due, Timestamp(now));
        // 25% of a day is 6 hours.
        assert_eq!(state(DAY_MS - 6 * HOUR_MS - 1), SlaState::Ok);
        assert_eq!(state(DAY_MS - 6 * HOUR_MS), SlaState::DueSoon);
        assert_eq!(state(DAY_MS - 1), SlaState::DueSoon);
        assert_eq!(state(DAY_MS), SlaState::Breached);
        assert_eq!(state(DAY_MS + 1), SlaState::Breached);
    }

    #[test]
    fn flag_weight_follows_the_reporters_record() {
        let c = ReviewConfig::default();
        assert_eq!(c.flag_weight(0, 0), 500, "a newcomer weighs one half");
        assert_eq!(c.flag_weight(8, 0), 900);
        assert_eq!(c.flag_weight(98, 0), 990);
        assert_eq!(c.flag_weight(0, 2), 250);
        assert_eq!(c.flag_weight(0, 3), 200, "the floor");
        assert_eq!(c.flag_weight(0, 100), 200, "never below the floor");
        assert_eq!(c.flag_weight(-5, -5), 500, "nonsense counts as nothing");
    }

    #[test]
    fn priority_grows_with_weight_and_never_drops() {
        assert_eq!(priority_for(Queue::Flag, 500), 15);
        assert_eq!(priority_for(Queue::Flag, 1_000_000), 110);
        let mut c = case(Queue::Flag);
        c.priority = 30;
        c.weight = 1_500;
        assert_eq!(bumped_priority(&c, 5), 30);
        c.weight = 3_000;
        assert_eq!(bumped_priority(&c, 5), 40);
        assert_eq!(bumped_priority(&c, 70), 70);
    }

    #[test]
    fn one_agent_holds_a_claim_until_it_expires() {
        let cfg = ReviewConfig::default();
        let mut c = case(Queue::Spam);
        let until = claim(&c, "ag1", Timestamp(0), &cfg).unwrap();
        assert_eq!(until, Timestamp(15 * MINUTE_MS));
        c.claimed_by = Some("ag1".into());
        c.claim_expires_at = Some(until);
        assert!(matches!(
            claim(&c, "ag2", Timestamp(15 * MINUTE_MS - 1), &cfg),
            Err(DomainError::ReviewCaseClaimed { .. })
        ));
        assert!(claim(&c, "ag1", Timestamp(10), &cfg).is_ok(), "extends");
        assert!(
            claim(&c, "ag2", Timestamp(15 * MINUTE_MS), &cfg).is_ok(),
            "expired"
        );
        assert!(ensure_holder(&c, "ag1", Timestamp(1)).is_ok());
        assert!(matches!(
            ensure_holder(&c, "ag2", Timestamp(1)),
            Err(DomainError::ReviewCaseClaimed { .. })
        ));
        assert!(matches!(
            ensure_holder(&c, "ag1", Timestamp(15 * MINUTE_MS)),
            Err(DomainError::ReviewClaimRequired { .. })
        ));
        c.status = CaseStatus::Resolved;
        assert!(matches!(
            claim(&c, "ag1", Timestamp(1), &cfg),
            Err(DomainError::ReviewCaseResolved { .. })
        ));
        assert_eq!(c.holder(Timestamp(1)), None);
    }

    #[test]
    fn warnings_from_review_expire_after_ninety_days() {
        let e = Enforcement {
            severity: Severity::Warning,
            reason: ReasonCode::Spam,
        };
        assert_eq!(e.label(), "warning:SPAM");
        let r = e.restriction(Timestamp(0), "n");
        assert_eq!(r.lift, LiftCondition::AtTime(Timestamp(0).plus_days(90)));
        let hold = Enforcement {
            severity: Severity::Hold,
            reason: ReasonCode::Harassment,
        };
        assert_eq!(
            hold.restriction(Timestamp(0), "n").lift,
            LiftCondition::Manual
        );
    }

    #[test]
    fn only_decided_flags_count() {
        assert_eq!(Resolution::Upheld.flag_outcome(), Some(FlagOutcome::Upheld));
        assert_eq!(Resolution::Escalated.flag_outcome(), None);
    }
}
