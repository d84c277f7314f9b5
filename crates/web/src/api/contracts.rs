//! Contracts and money (`/api/v1/contracts`, `/api/v1/milestones`, `/api/v1/disputes`,
//! `/api/v1/accounts/{id}/payment-methods`): verified payment methods, offers that start once
//! both sides accept the NDA, the work diary and its weekly statements, milestones and disputes.

use super::auth::Caller;
use super::body::Body;
use crate::{ApiError, WebState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use trustwork_app::auth::Scope;
use trustwork_app::contracts::{ContractTerms, ContractView, Disputed, NewContract, WeekStatement};
use trustwork_core::Timestamp;
use trustwork_core::contracts::{
    ContractKind, DisputeOutcome, MilestoneAction, NDA_TEXT, NDA_VERSION,
};
use trustwork_core::work_diary::{Segment, Statement};

use super::dto::time;

fn invalid(field: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::invalid_field(field, message)
}

fn contract_json(v: &ContractView) -> Value {
    let c = &v.contract;
    let mut out = super::dto::contract(c);
    out["nda"] = json!({
        "version": NDA_VERSION,
        "acceptances": v.nda.iter().map(|a| json!({
            "account_id": a.account_id, "nda_version": a.nda_version, "ip": a.ip,
            "accepted_at": time(a.accepted_at)})).collect::<Vec<_>>(),
    });
    out["milestones"] = json!(
        v.milestones
            .iter()
            .map(super::dto::milestone)
            .collect::<Vec<_>>()
    );
    out["disputes"] = json!(
        v.disputes
            .iter()
            .map(super::dto::dispute)
            .collect::<Vec<_>>()
    );
    out["thread_id"] = json!(v.thread_id);
    out
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentMethodBody {
    kind: String,
    token: String,
}

/// `POST /api/v1/accounts/{id}/payment-methods` `{"kind": "card", "token"}` → 201 `{"id",
/// "status"}`.
pub async fn add_payment_method(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<PaymentMethodBody>, ApiError>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let m = s.app.add_payment_method(&id, &b.kind, &b.token).await?;
    Ok((StatusCode::CREATED, Json(super::dto::payment_method(&m))))
}

/// `GET /api/v1/accounts/{id}/payment-methods`.
pub async fn payment_methods(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsRead)?;
    let list = s.app.payment_methods_of(&id).await?;
    Ok(Json(
        json!({"payment_methods": list.iter().map(super::dto::payment_method).collect::<Vec<_>>()}),
    ))
}

/// `GET /api/v1/nda`: the NDA's current text and version.
pub async fn nda(caller: Caller) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsRead)?;
    Ok(Json(json!({"version": NDA_VERSION, "text": NDA_TEXT})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MilestoneTerms {
    title: String,
    amount_cents: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfferBody {
    client_id: String,
    freelancer_id: String,
    #[serde(default)]
    job_id: Option<String>,
    #[serde(default)]
    title: Option<String>,
    kind: String,
    #[serde(default)]
    hourly_rate_cents: Option<i64>,
    #[serde(default)]
    weekly_limit_hours: Option<u32>,
    #[serde(default)]
    milestones: Vec<MilestoneTerms>,
}

/// `POST /api/v1/contracts` → 201, `awaiting_nda` until both sides accept it.
pub async fn offer(
    State(s): State<WebState>,
    caller: Caller,
    body: Result<Body<OfferBody>, ApiError>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let kind =
        ContractKind::parse(&b.kind).ok_or_else(|| invalid("kind", "expected hourly or fixed"))?;
    let new = NewContract {
        client_id: b.client_id,
        freelancer_id: b.freelancer_id,
        job_id: b.job_id,
        title: b.title,
        terms: ContractTerms {
            kind,
            hourly_rate_cents: b.hourly_rate_cents,
            weekly_limit_hours: b.weekly_limit_hours,
            milestones: b
                .milestones
                .into_iter()
                .map(|m| (m.title, m.amount_cents))
                .collect(),
        },
    };
    let view = s.app.offer_contract(&caller.actor(), &new).await?;
    Ok((StatusCode::CREATED, Json(contract_json(&view))))
}

/// `GET /api/v1/contracts/{id}`.
pub async fn get_contract(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsRead)?;
    Ok(Json(contract_json(&s.app.contract(&id).await?)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NdaBody {
    account_id: String,
    /// Where the member accepted it from, as the operator saw it.
    #[serde(default)]
    ip: Option<String>,
}

/// `POST /api/v1/contracts/{id}/nda-acceptances` `{"account_id", "ip"}` → 201 with the contract.
pub async fn accept_nda(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<NdaBody>, ApiError>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let view = s
        .app
        .accept_nda(&id, &b.account_id, b.ip.as_deref())
        .await?;
    Ok((StatusCode::CREATED, Json(contract_json(&view))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndBody {
    account_id: String,
    #[serde(default)]
    reason: String,
}

/// `POST /api/v1/contracts/{id}/end` `{"account_id", "reason"}`.
pub async fn end(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<EndBody>, ApiError>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let view = s.app.end_contract(&id, &b.account_id, &b.reason).await?;
    Ok(Json(contract_json(&view)))
}

async fn pause_or_resume(
    s: WebState,
    caller: Caller,
    id: String,
    body: Result<Body<EndBody>, ApiError>,
    paused: bool,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let view = s
        .app
        .pause_contract(&id, &b.account_id, paused, &b.reason)
        .await?;
    Ok(Json(contract_json(&view)))
}

/// `POST /api/v1/contracts/{id}/pause` `{"account_id", "reason"}` (the client).
pub async fn pause(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<EndBody>, ApiError>,
) -> Result<Json<Value>, ApiError> {
    pause_or_resume(s, caller, id, body, true).await
}

/// `POST /api/v1/contracts/{id}/resume` `{"account_id", "reason"}` (the client).
pub async fn resume(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<EndBody>, ApiError>,
) -> Result<Json<Value>, ApiError> {
    pause_or_resume(s, caller, id, body, false).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentBody {
    start: String,
    tracked: bool,
    #[serde(default)]
    keyboard_events: u32,
    #[serde(default)]
    mouse_events: u32,
    #[serde(default)]
    screenshot_sha256: Option<String>,
    #[serde(default)]
    memo: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiaryBody {
    segments: Vec<SegmentBody>,
}

/// `POST /api/v1/contracts/{id}/work-diary` `{"segments": [...]}` → 201 `{"logged"}`.
pub async fn log_work(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<DiaryBody>, ApiError>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let mut segments = Vec::with_capacity(b.segments.len());
    for (i, seg) in b.segments.into_iter().enumerate() {
        let start = Timestamp::parse_rfc3339(&seg.start).ok_or_else(|| {
            invalid(
                "segments",
                format!("segments[{i}].start: expected an RFC 3339 time like 2026-12-01T09:00:00Z"),
            )
        })?;
        segments.push(Segment {
            start,
            tracked: seg.tracked,
            keyboard_events: seg.keyboard_events,
            mouse_events: seg.mouse_events,
            screenshot_sha256: seg.screenshot_sha256.map(|h| h.to_ascii_lowercase()),
            memo: seg.memo,
        });
    }
    let logged = s.app.log_work(&id, &segments).await?;
    Ok((StatusCode::CREATED, Json(json!({"logged": logged}))))
}

fn week_json(w: &WeekStatement, now: Timestamp) -> Value {
    let st = &w.statement;
    json!({
        "contract_id": w.contract_id,
        "week": w.week.to_string(),
        "starts_at": time(w.week.start()),
        "ends_at": time(w.week.end()),
        "hours_logged": Statement::hours(st.minutes_logged),
        "hours_protected": Statement::hours(st.minutes_protected),
        "hours_unprotected": st.unprotected.iter().map(|(reason, minutes)| json!({
            "hours": Statement::hours(*minutes), "reason": reason.as_str(),
            "description": reason.describe()})).collect::<Vec<_>>(),
        "minutes_logged": st.minutes_logged,
        "minutes_protected": st.minutes_protected,
        "hours_billed": Statement::hours(st.minutes_billed),
        "amount_billed_cents": st.amount_billed_cents,
        "hourly_rate_cents": w.terms.hourly_rate_cents,
        "weekly_limit_hours": w.terms.weekly_limit_hours,
        "payment_method_verified": w.terms.payment_method_verified,
        "review_ends_at": time(w.week.review_ends()),
        "dispute_open": w.dispute_open(now),
        "disputes": w.disputes.iter().map(super::dto::dispute).collect::<Vec<_>>(),
        "segments": w.segments.iter().map(|s| json!({
            "start": time(s.start), "tracked": s.tracked, "keyboard_events": s.keyboard_events,
            "mouse_events": s.mouse_events, "screenshot_sha256": s.screenshot_sha256,
            "memo": s.memo})).collect::<Vec<_>>(),
    })
}

/// `GET /api/v1/contracts/{id}/weeks/{YYYY-Www}`: the week's statement.
pub async fn week(
    State(s): State<WebState>,
    caller: Caller,
    Path((id, week)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsRead)?;
    let w = s.app.week_statement(&id, &week, None).await?;
    Ok(Json(week_json(&w, s.app.now())))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundBody {
    account_id: String,
    title: String,
    amount_cents: i64,
}

/// `POST /api/v1/contracts/{id}/milestones` `{"account_id", "title", "amount_cents"}` → 201.
pub async fn fund_milestone(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<FundBody>, ApiError>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let m = s
        .app
        .fund_milestone(&id, &b.account_id, &b.title, b.amount_cents)
        .await?;
    Ok((StatusCode::CREATED, Json(super::dto::milestone(&m))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MilestoneActionBody {
    account_id: String,
    action: String,
    #[serde(default)]
    note: String,
}

/// `POST /api/v1/milestones/{id}/actions` `{"account_id", "action": "submit" | "approve" |
/// "request_changes", "note"}`.
pub async fn act_on_milestone(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<MilestoneActionBody>, ApiError>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let action = MilestoneAction::parse(&b.action)
        .ok_or_else(|| invalid("action", "expected submit, approve or request_changes"))?;
    let m = s
        .app
        .act_on_milestone(&id, &b.account_id, action, &b.note)
        .await?;
    let mut out = super::dto::milestone(&m);
    out["history"] = json!(
        s.app
            .milestone_history(&id)
            .await?
            .iter()
            .map(
                |h| json!({"status": h.status, "actor_id": h.actor_id, "note": h.note,
                "at": time(h.at)})
            )
            .collect::<Vec<_>>()
    );
    Ok(Json(out))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisputeBody {
    account_id: String,
    #[serde(default)]
    milestone_id: Option<String>,
    #[serde(default)]
    week: Option<String>,
    reason: String,
}

/// `POST /api/v1/contracts/{id}/disputes` `{"account_id", "milestone_id" | "week", "reason"}`
/// → 201.
pub async fn open_dispute(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<DisputeBody>, ApiError>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let what = match (&b.milestone_id, &b.week) {
        (Some(m), None) => Disputed::Milestone(m),
        (None, Some(w)) => Disputed::Week(w),
        _ => {
            return Err(invalid(
                "milestone_id",
                "name either milestone_id or week, not both",
            ));
        }
    };
    let v = s
        .app
        .open_dispute(&id, &b.account_id, what, &b.reason)
        .await?;
    Ok((StatusCode::CREATED, Json(super::dto::dispute(&v.dispute))))
}

/// `GET /api/v1/disputes/{id}`.
pub async fn get_dispute(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsRead)?;
    Ok(Json(super::dto::dispute(
        &s.app.dispute(&id).await?.dispute,
    )))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolutionBody {
    agent_id: String,
    outcome: String,
    #[serde(default)]
    freelancer_cents: Option<i64>,
    #[serde(default)]
    note: String,
}

/// `POST /api/v1/disputes/{id}/resolution` `{"agent_id", "outcome": "paid" | "refunded" |
/// "split", "freelancer_cents", "note"}`.
pub async fn resolve_dispute(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<ResolutionBody>, ApiError>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let outcome = DisputeOutcome::parse(&b.outcome)
        .ok_or_else(|| invalid("outcome", "expected paid, refunded or split"))?;
    let v = s
        .app
        .resolve_dispute(&id, &b.agent_id, outcome, b.freelancer_cents, &b.note)
        .await?;
    Ok(Json(super::dto::dispute(&v.dispute)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackBody {
    account_id: String,
    rating: u8,
    #[serde(default)]
    public_text: String,
    #[serde(default)]
    private_score: Option<u8>,
}

/// `POST /api/v1/contracts/{id}/feedback` `{"account_id", "rating", "public_text",
/// "private_score"}` → 201.
pub async fn leave_feedback(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<FeedbackBody>, ApiError>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let f = s
        .app
        .leave_feedback(
            &id,
            &b.account_id,
            b.rating,
            &b.public_text,
            b.private_score,
        )
        .await?;
    let view = s.app.contract_feedback(&id).await?;
    Ok((
        StatusCode::CREATED,
        Json(
            json!({"contract_id": f.contract_id, "from_account_id": f.from_account_id,
            "to_account_id": f.to_account_id, "submitted_at": time(f.created_at),
            "revealed": view.revealed}),
        ),
    ))
}

/// `GET /api/v1/contracts/{id}/feedback`: who has written, and what once it is revealed.
pub async fn feedback(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsRead)?;
    let v = s.app.contract_feedback(&id).await?;
    let entries: Vec<Value> = v
        .entries
        .iter()
        .map(|f| {
            json!({"from_account_id": f.from_account_id, "to_account_id": f.to_account_id,
                "submitted_at": time(f.created_at),
                "rating": v.revealed.then_some(f.rating),
                "public_text": v.revealed.then_some(&f.public_text)})
        })
        .collect();
    Ok(Json(json!({"revealed": v.revealed,
        "window_ends_at": v.window_ends_at.map(time), "feedback": entries})))
}

/// `GET /api/v1/accounts/{id}/stats`: the freelancer's Job Success Score, earnings and badges.
pub async fn stats(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::AccountsRead)?;
    let st = s.app.job_stats(&id).await?;
    let js = &st.job_success;
    Ok(Json(json!({
        "account_id": id,
        "job_success_score": js.score,
        "contracts_positive": js.positive,
        "contracts_neutral": js.neutral,
        "contracts_negative": js.negative,
        "earnings_12m_cents": st.earnings_12m_cents,
        "top_rated": st.badges.top_rated,
        "rising_talent": st.badges.rising_talent,
        "top_rated_missing": st.badges.top_rated_missing,
        "top_rated_hold_check": super::dto::hold_check(st.hold),
    })))
}
