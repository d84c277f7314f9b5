//! The JSON shapes the API answers with.

use serde::Serialize;
use serde_json::{Value, json};
use trustwork_app::accounts::AccountOverview;
use trustwork_app::records::Timer;
use trustwork_app::records::{Contract, Dispute, Milestone, PaymentMethod, Proposal, Withdrawal};
use trustwork_core::audit::AuditRecord;
use trustwork_core::standing::{Permission, TopRatedHoldCheck};
use trustwork_core::verification::VerificationCase;
use trustwork_core::{Capability, Restriction, Timestamp};

pub(super) fn time(t: Timestamp) -> String {
    t.to_rfc3339()
}

fn opt_time(t: Option<Timestamp>) -> Option<String> {
    t.map(Timestamp::to_rfc3339)
}

pub fn restriction(r: &Restriction, now: Timestamp) -> Value {
    let (lift_type, lift_value) = r.lift.to_columns();
    let lift_value = match r.lift {
        trustwork_core::LiftCondition::AtTime(t) => Some(time(t)),
        _ => lift_value,
    };
    json!({
        "id": r.id,
        "account_id": r.account_id,
        "reason_code": r.reason.as_str(),
        "severity": r.severity.as_str(),
        "scope": r.scope.iter().map(Capability::as_str).collect::<Vec<_>>(),
        "lift_condition": {"type": lift_type, "value": lift_value},
        "actor": r.actor.to_text(),
        "note": r.note,
        "created_at": time(r.created_at),
        "active": r.is_active(now),
        "lifted_at": opt_time(r.lifted_at),
        "lifted_by": r.lifted_by.as_ref().map(|a| a.to_text()),
        "lift_note": r.lift_note,
    })
}

pub fn permissions(list: &[(Capability, Permission)]) -> Value {
    let map: serde_json::Map<String, Value> = list
        .iter()
        .map(|(cap, p)| {
            (
                cap.as_str().to_owned(),
                json!({
                    "allowed": p.allowed,
                    "reasons": p.reasons.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
                }),
            )
        })
        .collect();
    Value::Object(map)
}

pub fn account(o: &AccountOverview, now: Timestamp) -> Value {
    let a = &o.account;
    let top_rated = hold_check(o.top_rated);
    json!({
        "id": a.id,
        "email": a.email,
        "display_name": a.display_name,
        "role": a.role.as_str(),
        "created_at": time(a.created_at),
        "standing": o.standing.as_str(),
        "badges": o.badges(),
        "identity_verified": o.identity_verified(),
        "identity_verified_at": opt_time(a.identity_verified_at),
        "payment_verified_at": opt_time(a.payment_verified_at),
        "balance_cents": a.balance_cents,
        "top_rated_hold_check": top_rated,
        "active_restrictions": o
            .active_restrictions(now)
            .into_iter()
            .map(|r| restriction(r, now))
            .collect::<Vec<_>>(),
        "open_verification_case": o.open_case().map(case),
    })
}

/// Where the hold rule of Top Rated stands.
pub fn hold_check(h: TopRatedHoldCheck) -> Value {
    match h {
        TopRatedHoldCheck::Eligible => json!({"eligible": true}),
        TopRatedHoldCheck::HoldActive => json!({"eligible": false, "reason": "hold_active"}),
        TopRatedHoldCheck::CoolingDown { eligible_from } => json!({
            "eligible": false, "reason": "recent_hold", "eligible_from": time(eligible_from)
        }),
    }
}

pub fn case(c: &VerificationCase) -> Value {
    json!({
        "id": c.id,
        "account_id": c.account_id,
        "status": c.status.as_str(),
        "reason": c.reason,
        "requested_by": c.requested_by.to_text(),
        "requested_at": time(c.requested_at),
        "deadline_at": time(c.deadline_at),
        "hold_applied_at": opt_time(c.hold_applied_at),
        "decided_at": opt_time(c.decided_at),
        "decided_by": c.decided_by.as_ref().map(|a| a.to_text()),
        "decision_note": c.decision_note,
    })
}

#[derive(Serialize)]
pub struct ProposalOut<'a> {
    id: &'a str,
    job_id: &'a str,
    job_title: &'a str,
    freelancer_id: &'a str,
    cover_letter: &'a str,
    status: &'static str,
    created_at: String,
    updated_at: String,
}

pub fn proposal(p: &Proposal) -> ProposalOut<'_> {
    ProposalOut {
        id: &p.id,
        job_id: &p.job_id,
        job_title: &p.job_title,
        freelancer_id: &p.freelancer_id,
        cover_letter: &p.cover_letter,
        status: p.status.as_str(),
        created_at: time(p.created_at),
        updated_at: time(p.updated_at),
    }
}

pub fn contract(c: &Contract) -> Value {
    json!({
        "id": c.id,
        "job_id": c.job_id,
        "client_id": c.client_id,
        "freelancer_id": c.freelancer_id,
        "title": c.title,
        "status": c.status.as_str(),
        "kind": c.kind.as_str(),
        "hourly_rate_cents": c.hourly_rate_cents,
        "weekly_limit_hours": c.weekly_limit_hours,
        "created_at": time(c.created_at),
        "updated_at": time(c.updated_at),
        "ended_at": opt_time(c.ended_at),
    })
}

pub fn payment_method(m: &PaymentMethod) -> Value {
    json!({
        "id": m.id,
        "account_id": m.account_id,
        "kind": m.kind,
        "provider": m.provider,
        "label": m.label,
        "status": m.status,
        "reason": m.failure_reason,
        "created_at": time(m.created_at),
    })
}

pub fn milestone(m: &Milestone) -> Value {
    json!({
        "id": m.id,
        "contract_id": m.contract_id,
        "title": m.title,
        "amount_cents": m.amount_cents,
        "status": m.status.as_str(),
        "created_at": time(m.created_at),
        "updated_at": time(m.updated_at),
    })
}

pub fn dispute(d: &Dispute) -> Value {
    json!({
        "id": d.id,
        "contract_id": d.contract_id,
        "subject": d.subject.as_str(),
        "milestone_id": (d.subject == trustwork_core::contracts::DisputeSubject::Milestone).then_some(&d.subject_ref),
        "week": (d.subject == trustwork_core::contracts::DisputeSubject::Hours).then_some(&d.subject_ref),
        "opened_by": d.opened_by,
        "reason": d.reason,
        "amount_cents": d.amount_cents,
        "case_id": d.case_id,
        "status": d.status,
        "outcome": d.outcome.map(|o| o.as_str()),
        "freelancer_cents": d.freelancer_cents,
        "client_cents": d.freelancer_cents.map(|f| d.amount_cents - f),
        "resolved_by": d.resolved_by,
        "note": d.resolution_note,
        "created_at": time(d.created_at),
        "resolved_at": opt_time(d.resolved_at),
    })
}

pub fn withdrawal(w: &Withdrawal) -> Value {
    json!({
        "id": w.id,
        "account_id": w.account_id,
        "amount_cents": w.amount_cents,
        "status": w.status.as_str(),
        "created_at": time(w.created_at),
    })
}

pub fn audit(r: &AuditRecord) -> Value {
    let parse = |s: &Option<String>| {
        s.as_deref()
            .and_then(|t| serde_json::from_str::<Value>(t).ok())
    };
    json!({
        "id": r.id,
        "at": time(r.at),
        "actor": r.actor.to_text(),
        "account_id": r.account_id,
        "action": r.action,
        "entity_type": r.entity_type,
        "entity_id": r.entity_id,
        "reason": r.reason,
        "before": parse(&r.before),
        "after": parse(&r.after),
    })
}

pub fn timer(t: &Timer) -> Value {
    json!({
        "id": t.id,
        "kind": t.kind,
        "subject_id": t.subject_id,
        "due_at": time(t.due_at),
        "status": t.status,
        "attempts": t.attempts,
        "locked_by": t.locked_by,
        "last_error": t.last_error,
    })
}
