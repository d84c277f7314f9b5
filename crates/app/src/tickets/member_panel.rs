//! What a support agent sees beside a ticket or chat (issue 18, "knowing the member"): the
//! member's standing, the restrictions in force with their reasons, open trust & safety cases,
//! where identity verification stands, and the latest automated decisions.

use crate::accounts::AccountView;
use crate::events::DecisionView;
use crate::{App, AppResult};
use trustwork_core::review::{CaseStatus, ReviewCase};
use trustwork_core::{Restriction, Standing};

#[derive(Debug, Clone)]
pub struct MemberPanel {
    pub account: AccountView,
    pub standing: Standing,
    /// In force now, oldest first.
    pub restrictions: Vec<Restriction>,
    pub open_cases: Vec<ReviewCase>,
    /// Identity verification in words: "Verified on …", "Pending (due …)", "Not asked".
    pub verification: String,
    pub decisions: Vec<DecisionView>,
}

impl App {
    pub async fn member_panel(&self, account_id: &str) -> AppResult<MemberPanel> {
        let now = self.now();
        let overview = self.account_overview(account_id).await?;
        let decisions = self.decisions_of(account_id, 5).await?;
        let open_cases = {
            let mut tx = self.db().read().await?;
            tx.review_cases_of(account_id)
                .await?
                .into_iter()
                .filter(|c| c.status == CaseStatus::Open)
                .collect()
        };
        let verification = match (
            overview.account.identity_verified_at,
            overview.verification_cases.first(),
        ) {
            (Some(at), _) => format!("Verified on {}", at.to_human()),
            (None, Some(case)) if case.status.is_open() => format!(
                "{} (due {})",
                case.status.as_str().replace('_', " "),
                case.deadline_at.to_human()
            ),
            (None, Some(case)) => case.status.as_str().replace('_', " "),
            (None, None) => "Not asked".into(),
        };
        Ok(MemberPanel {
            restrictions: overview
                .restrictions
                .iter()
                .filter(|r| r.is_active(now))
                .cloned()
                .collect(),
            standing: overview.standing,
            account: overview.account,
            open_cases,
            verification,
            decisions,
        })
    }
}
