//! Feedback on ended contracts (double-blind, see `trustwork_core::job_success`) and the
//! freelancer's record it makes: the Job Success Score, earnings, Top Rated and Rising Talent.
//! A feedback's text goes through the pipeline as `feedback.left`: feedback pressure and abuse
//! are found there, and ratings feed the negative-feedback counters.

use super::party_of;
use crate::audit::Change;
use crate::{App, AppError, AppResult};
use trustwork_core::contracts::{DisputeOutcome, Party};
use trustwork_core::job_success::{
    self as rules, Badges, ContractRecord, EARNINGS_WINDOW_MS, FEEDBACK_WINDOW_MS, JobSuccess,
    SCORE_WINDOW_MS,
};
use trustwork_core::standing::{TopRatedHoldCheck, top_rated_hold_check};
use trustwork_core::{Actor, Role, Timestamp};
use trustwork_store::feedback::Feedback;

/// The longest public feedback text.
const MAX_TEXT_CHARS: usize = 5_000;

/// A contract's feedback as a party or the operator may see it: a side's rating and text only
/// once revealed; private scores never.
#[derive(Debug, Clone)]
pub struct FeedbackView {
    pub revealed: bool,
    /// When feedback can no longer be left (and is shown anyway); none before the contract ends.
    pub window_ends_at: Option<Timestamp>,
    pub entries: Vec<Feedback>,
}

/// A freelancer's record.
#[derive(Debug, Clone)]
pub struct JobStats {
    pub job_success: JobSuccess,
    pub earnings_12m_cents: i64,
    pub hold: TopRatedHoldCheck,
    pub badges: Badges,
}

impl App {
    /// A party leaves feedback on an ended contract, within 14 days of its end, once.
    pub async fn leave_feedback(
        &self,
        contract_id: &str,
        from_id: &str,
        rating: u8,
        public_text: &str,
        private_score: Option<u8>,
    ) -> AppResult<Feedback> {
        rules::check_feedback(rating, private_score).map_err(|e| AppError::invalid("rating", e))?;
        let text = public_text.trim();
        if text.chars().count() > MAX_TEXT_CHARS {
            return Err(AppError::invalid(
                "public_text",
                format!("at most {MAX_TEXT_CHARS} characters"),
            ));
        }
        // Checked before the text is judged, so that feedback that could not be kept is not.
        let to_id = {
            let mut tx = self.db().read().await?;
            let contract = tx.contract(contract_id).await?;
            let party = party_of(&contract, from_id)?;
            if let Some(why) =
                rules::why_no_feedback(contract.started_at.is_some(), contract.ended_at, self.now())
            {
                return Err(AppError::Conflict(why.to_owned()));
            }
            if tx
                .feedback_of_contract(contract_id)
                .await?
                .iter()
                .any(|f| f.from_account_id == from_id)
            {
                return Err(AppError::Conflict(
                    "feedback on this contract was already left".into(),
                ));
            }
            match party {
                Party::Client => contract.freelancer_id,
                Party::Freelancer => contract.client_id,
            }
        };
        let event = serde_json::json!({
            "type": "feedback.left",
            "occurred_at": self.now().to_rfc3339(),
            "actor_id": from_id,
            "data": {"contract_id": contract_id, "recipient_id": to_id, "rating": rating,
                "text": text},
        });
        let (decision, _) = self
            .ingest_unbatched(&trustwork_store::new_id("console-fb"), &event)
            .await?;
        if decision.verdict == "block" {
            return Err(AppError::invalid("public_text", decision.reason));
        }
        let now = self.now();
        let feedback = Feedback {
            contract_id: contract_id.to_owned(),
            from_account_id: from_id.to_owned(),
            to_account_id: to_id.clone(),
            rating,
            public_text: text.to_owned(),
            private_score,
            created_at: now,
        };
        let mut tx = self.db().begin().await?;
        tx.insert_feedback(&feedback).await?;
        tx.append_audit(
            &Change {
                actor: &Actor::Account(from_id.to_owned()),
                account_id: Some(&to_id),
                action: "feedback.left",
                entity_type: "contract",
                entity_id: contract_id,
                reason: "",
                before: None,
                after: Some(serde_json::json!({"from": from_id, "rating": rating})),
            }
            .record(now),
        )
        .await?;
        tx.commit().await?;
        Ok(feedback)
    }

    /// The contract's feedback as shown now: hidden until both wrote or the window closed.
    pub async fn contract_feedback(&self, contract_id: &str) -> AppResult<FeedbackView> {
        let now = self.now();
        let mut tx = self.db().read().await?;
        let contract = tx.contract(contract_id).await?;
        let entries = tx.feedback_of_contract(contract_id).await?;
        let revealed = contract
            .ended_at
            .is_some_and(|end| rules::feedback_revealed(entries.len() == 2, end, now));
        Ok(FeedbackView {
            revealed,
            window_ends_at: contract.ended_at.map(|e| e.plus_millis(FEEDBACK_WINDOW_MS)),
            entries,
        })
    }

    /// The freelancer's Job Success Score, earnings of the last 12 months and badges, as of now.
    pub async fn job_stats(&self, freelancer_id: &str) -> AppResult<JobStats> {
        let now = self.now();
        let mut tx = self.db().read().await?;
        let account = tx.account(freelancer_id).await?;
        if account.role != Role::Freelancer {
            return Err(AppError::invalid(
                "account_id",
                "only freelancers have a Job Success Score",
            ));
        }
        let ended = tx
            .ended_contracts_of(freelancer_id, now.plus_millis(-SCORE_WINDOW_MS))
            .await?;
        let records: Vec<ContractRecord> = ended
            .into_iter()
            .map(|c| {
                // Feedback counts once it is shown, so the score never tells the freelancer
                // what the client wrote before the double-blind reveal.
                let shown = rules::feedback_revealed(c.both_wrote, c.ended_at, now);
                (c, shown)
            })
            .map(|(c, shown)| ContractRecord {
                ended_at: c.ended_at,
                client_rating: c.client_rating.filter(|_| shown),
                client_private_score: c.client_private_score.filter(|_| shown),
                disputes: c
                    .dispute_outcomes
                    .iter()
                    .filter_map(|o| DisputeOutcome::parse(o))
                    .collect(),
            })
            .collect();
        let earnings_12m_cents = tx
            .earnings_since(freelancer_id, now.plus_millis(-EARNINGS_WINDOW_MS))
            .await?;
        let restrictions = tx.restrictions_of(freelancer_id).await?;
        let hold = top_rated_hold_check(
            &restrictions,
            now,
            self.policy().top_rated_hold_cooldown_days,
        );
        let job_success = rules::job_success(&records, now);
        let badges = rules::badges(
            &job_success,
            earnings_12m_cents,
            hold.is_eligible(),
            account.identity_verified_at.is_some(),
        );
        Ok(JobStats {
            job_success,
            earnings_12m_cents,
            hold,
            badges,
        })
    }
}
