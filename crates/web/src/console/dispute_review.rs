//! The agent's side of a dispute (seed 004): on a `dispute` case, the contract, what is disputed
//! and for how much, the milestone's history or the week's statement, and the settlement —
//! paid, refunded or split — with a reason both sides read.

use super::forms::ConsoleForm;
use super::layout::after_post;
use super::session::Viewer;
use super::views::money;
use crate::WebState;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use trustwork_core::contracts::DisputeOutcome;
use trustwork_core::review::{EntityType, ReviewCase};

/// A dispute as the agent reads it.
pub struct DisputeUnderReview {
    pub contract_title: String,
    pub what: String,
    pub amount: String,
    pub reason: String,
    /// The milestone's history or the week's statement, a line each.
    pub context: Vec<String>,
    /// How it was settled, in words, once it was.
    pub settled: Option<String>,
}

pub async fn dispute_of(s: &WebState, case: &ReviewCase) -> Option<DisputeUnderReview> {
    if case.entity_type != EntityType::Dispute {
        return None;
    }
    let v = s.app.dispute(&case.entity_id).await.ok()?;
    let d = &v.dispute;
    let explanation: serde_json::Value =
        serde_json::from_str(&case.explanation_json).unwrap_or_default();
    let ctx = &explanation["context"];
    let mut context = Vec::new();
    if let Some(steps) = ctx["milestone"]["history"].as_array() {
        for h in steps {
            let note = h["note"].as_str().unwrap_or_default();
            let at = h["at"]
                .as_str()
                .and_then(trustwork_core::Timestamp::parse_rfc3339)
                .map(trustwork_core::Timestamp::to_human)
                .unwrap_or_default();
            let actor = h["actor_id"].as_str().unwrap_or_default();
            let who = if actor == v.contract.client_id {
                "the client"
            } else if actor == v.contract.freelancer_id {
                "the freelancer"
            } else {
                "an agent"
            };
            let said = if note.is_empty() {
                String::new()
            } else {
                format!(": “{note}”")
            };
            context.push(format!(
                "{at} — {} by {who}{said}",
                h["status"].as_str().unwrap_or_default().replace('_', " "),
            ));
        }
    }
    if let Some(st) = ctx.get("statement") {
        context.push(format!(
            "{} hours logged, {} protected, {} billed",
            st["hours_logged"],
            st["hours_protected"],
            money(st["amount_billed_cents"].as_i64().unwrap_or(0))
        ));
        for u in st["hours_unprotected"].as_array().into_iter().flatten() {
            context.push(format!(
                "{} hours not protected: {}",
                u["hours"],
                u["reason"].as_str().unwrap_or_default().replace('_', " ")
            ));
        }
    }
    Some(DisputeUnderReview {
        contract_title: v.contract.title.clone(),
        what: match d.subject {
            trustwork_core::contracts::DisputeSubject::Hours => {
                format!("The hours of {}", d.subject_ref)
            }
            trustwork_core::contracts::DisputeSubject::Milestone => {
                format!(
                    "Milestone “{}”",
                    ctx["milestone"]["title"].as_str().unwrap_or(&d.subject_ref)
                )
            }
        },
        amount: money(d.amount_cents),
        reason: d.reason.clone(),
        context,
        settled: d.outcome.zip(d.freelancer_cents).map(|(o, f)| {
            format!(
                "Settled {}: {} to the freelancer, {} to the client.",
                o.as_str(),
                money(f),
                money(d.amount_cents - f)
            )
        }),
    })
}

#[derive(Deserialize)]
pub struct SettleForm {
    csrf: String,
    outcome: String,
    #[serde(default)]
    freelancer_part: String,
    #[serde(default)]
    note: String,
}

/// `POST /review/{id}/dispute`: the agent settles the case's dispute.
pub async fn settle(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ConsoleForm(f): ConsoleForm<SettleForm>,
) -> Response {
    let case = match super::review::case_to_decide(
        &s,
        &viewer,
        &id,
        &f.csrf,
        |c| c.entity_type == EntityType::Dispute,
        "This case is not a dispute.",
    )
    .await
    {
        Ok(c) => c,
        Err(r) => return r,
    };
    let here = format!("/review/{id}");
    use trustwork_app::AppError;
    let result = match DisputeOutcome::parse(&f.outcome) {
        None => Err(AppError::invalid(
            "outcome",
            "choose paid, refunded or split",
        )),
        Some(outcome) => {
            let part = match (outcome, f.freelancer_part.trim()) {
                (DisputeOutcome::Split, t) => {
                    super::member::parse_dollars(t).map(Some).ok_or_else(|| {
                        AppError::invalid(
                            "freelancer_part",
                            "enter the freelancer's part in dollars",
                        )
                    })
                }
                _ => Ok(None),
            };
            match part {
                Err(e) => Err(e),
                Ok(part) => s
                    .app
                    .resolve_dispute(&case.entity_id, viewer.id(), outcome, part, &f.note)
                    .await
                    .map(|v| {
                        let f = v.dispute.freelancer_cents.unwrap_or(0);
                        format!(
                            "Dispute settled: {} to the freelancer, {} back to the client.",
                            money(f),
                            money(v.dispute.amount_cents - f)
                        )
                    }),
            }
        }
    };
    after_post(&s, &viewer, &here, result, super::views::member_error)
}
