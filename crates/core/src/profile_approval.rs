//! The approval of a new freelancer's profile (seed 001): submitted once complete, checked
//! automatically, then reviewed; refused when the person already has an account or when the
//! marketplace has too many freelancers with the same skills, with a letter that says what to do
//! and when the profile may be submitted again.

use crate::marketplace::string_enum;
use crate::{DAY_MS, Timestamp};
use std::collections::BTreeMap;

string_enum!(
    /// Where a profile's approval stands.
    ApprovalStatus {
        Draft => "draft",
        PendingReview => "pending_review",
        Approved => "approved",
        Rejected => "rejected",
        ChangesRequested => "changes_requested",
    }
);

string_enum!(
    /// Why a profile was not approved.
    RejectionReason {
        Oversupply => "oversupply",
        DuplicateAccount => "duplicate_account",
        Incomplete => "incomplete_profile",
        Other => "other",
    }
);

impl ApprovalStatus {
    /// What a freelancer reads.
    pub const fn label(self) -> &'static str {
        match self {
            ApprovalStatus::Draft => "Not submitted yet",
            ApprovalStatus::PendingReview => "Waiting for review",
            ApprovalStatus::Approved => "Approved",
            ApprovalStatus::Rejected => "Not approved",
            ApprovalStatus::ChangesRequested => "Changes requested",
        }
    }
}

impl RejectionReason {
    /// A short name for pickers.
    pub const fn label(self) -> &'static str {
        match self {
            RejectionReason::Oversupply => "Too many freelancers with these skills",
            RejectionReason::DuplicateAccount => "Already has an account",
            RejectionReason::Incomplete => "Profile incomplete",
            RejectionReason::Other => "Other",
        }
    }

    /// The letter's reason, in the seed's words where the seed has them.
    pub const fn letter(self) -> &'static str {
        match self {
            RejectionReason::Oversupply => {
                "There are many freelancers with a similar skill set on the marketplace right now, so we are unable to approve your profile at this time."
            }
            RejectionReason::DuplicateAccount => {
                "You already have an account on the marketplace. Each person may have one freelancer account; please use the account you already have."
            }
            RejectionReason::Incomplete => {
                "Your profile does not yet tell clients enough about your skills and experience."
            }
            RejectionReason::Other => "Your profile does not meet the marketplace's standards.",
        }
    }

    /// Days before the profile may be submitted again.
    pub const fn resubmit_after_days(self) -> i64 {
        match self {
            RejectionReason::Oversupply => 30,
            RejectionReason::DuplicateAccount => 365,
            RejectionReason::Incomplete | RejectionReason::Other => 7,
        }
    }

    /// What the letter suggests doing.
    pub const fn advice(self) -> &'static str {
        match self {
            RejectionReason::Oversupply => {
                "You may update your profile (skills that are in demand help) and submit it again after the date below. If you hold three or more verified skills, you may ask support to look again sooner."
            }
            RejectionReason::DuplicateAccount => {
                "If you believe this is a mistake, contact support with your identity documents."
            }
            RejectionReason::Incomplete | RejectionReason::Other => {
                "Update your profile and submit it again after the date below."
            }
        }
    }
}

/// When a refused profile may be submitted again.
pub fn resubmit_after(reason: RejectionReason, decided_at: Timestamp) -> Timestamp {
    decided_at.plus_millis(reason.resubmit_after_days() * DAY_MS)
}

/// Why the profile may not be submitted now (`None` when it may): it must be complete, not
/// already waiting or approved, and a refused one only after its date.
pub fn why_not_submit(
    status: ApprovalStatus,
    resubmit_after: Option<Timestamp>,
    missing: &[String],
    now: Timestamp,
) -> Option<String> {
    match status {
        ApprovalStatus::PendingReview => {
            return Some("your profile is already waiting for review".into());
        }
        ApprovalStatus::Approved => return Some("your profile is already approved".into()),
        ApprovalStatus::Rejected => {
            if let Some(at) = resubmit_after.filter(|at| now < *at) {
                return Some(format!(
                    "your profile may be submitted again from {}",
                    at.to_human()
                ));
            }
        }
        ApprovalStatus::Draft | ApprovalStatus::ChangesRequested => {}
    }
    if missing.is_empty() {
        None
    } else {
        Some(format!(
            "your profile still needs {}",
            missing.join(" and ")
        ))
    }
}

/// The category most of the skills belong to (the first seen on a tie): where the profile's
/// supply is counted.
pub fn main_category(skills: &[String]) -> Option<&'static str> {
    let mut counts: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
    for (i, slug) in skills.iter().enumerate() {
        if let Some(skill) = crate::skills::find(slug) {
            let entry = counts.entry(skill.category.as_str()).or_insert((0, i));
            entry.0 += 1;
        }
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.0.cmp(&b.1.0).then(b.1.1.cmp(&a.1.1)))
        .map(|(category, _)| category)
}

/// Supply and demand in one category over the policy's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Market {
    /// Approved freelancers whose main category it is.
    pub approved_freelancers: i64,
    /// Jobs posted in the category in the window.
    pub jobs_posted: i64,
}

/// The policy's thresholds for "too many freelancers with a similar skill set".
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SupplyRule {
    /// Below this many approved freelancers a category is never oversupplied (too little data).
    pub min_freelancers: i64,
    /// Oversupplied when there are more than this many approved freelancers per job posted.
    pub max_freelancers_per_job: i64,
}

impl Default for SupplyRule {
    fn default() -> Self {
        Self {
            min_freelancers: 50,
            max_freelancers_per_job: 20,
        }
    }
}

/// Whether a category has too many freelancers for its jobs. Invited freelancers skip this
/// check (a client asked for them).
pub fn oversupplied(market: Market, rule: SupplyRule) -> bool {
    market.approved_freelancers >= rule.min_freelancers
        && market.approved_freelancers > rule.max_freelancers_per_job * market.jobs_posted.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_profile_waits_for_its_date_and_a_complete_one_may_go() {
        let now = Timestamp(10 * DAY_MS);
        let later = resubmit_after(RejectionReason::Oversupply, now);
        assert_eq!(later, Timestamp(40 * DAY_MS));
        assert!(why_not_submit(ApprovalStatus::Rejected, Some(later), &[], now).is_some());
        assert_eq!(
            why_not_submit(ApprovalStatus::Rejected, Some(later), &[], later),
            None
        );
        assert!(why_not_submit(ApprovalStatus::PendingReview, None, &[], now).is_some());
        assert!(why_not_submit(ApprovalStatus::Approved, None, &[], now).is_some());
        assert_eq!(why_not_submit(ApprovalStatus::Draft, None, &[], now), None);
        let missing = vec!["at least one skill".to_owned()];
        let why = why_not_submit(ApprovalStatus::Draft, None, &missing, now).unwrap();
        assert!(why.contains("at least one skill"), "{why}");
    }

    #[test]
    fn oversupply_needs_enough_data_and_too_few_jobs() {
        let rule = SupplyRule::default();
        let market = |approved, jobs| Market {
            approved_freelancers: approved,
            jobs_posted: jobs,
        };
        assert!(!oversupplied(market(49, 0), rule), "too little data");
        assert!(oversupplied(market(50, 0), rule));
        assert!(oversupplied(market(201, 10), rule));
        assert!(!oversupplied(market(200, 10), rule));
        assert!(!oversupplied(market(1_000, 60), rule));
    }

    #[test]
    fn the_main_category_is_where_most_skills_are() {
        let skills = |s: &[&str]| s.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        let web = crate::skills::find("react").unwrap().category.as_str();
        assert_eq!(
            main_category(&skills(&["react", "javascript", "sql"])),
            Some(web)
        );
        assert_eq!(main_category(&skills(&["telepathy"])), None);
        assert_eq!(main_category(&[]), None);
        let letter = RejectionReason::Oversupply.letter();
        assert!(letter.contains("many freelancers with a similar skill set"));
    }
}
