use super::auth::Caller;
use super::body::{Body, Params};
use super::dto;
use crate::{ApiError, WebState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use trustwork_app::auth::Scope;
use trustwork_app::standing::RestrictionRequest;
use trustwork_core::{LiftCondition, ReasonCode, RequiredAction, Severity, Timestamp};

type Answer = Result<Json<Value>, ApiError>;
type Created = Result<(StatusCode, Json<Value>), ApiError>;

pub async fn get_account(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Answer {
    caller.require(Scope::AccountsRead)?;
    let o = s.app.account_overview(&id).await?;
    Ok(Json(dto::account(&o, s.app.now())))
}

pub async fn capabilities(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Answer {
    caller.require(Scope::AccountsRead)?;
    let caps = s.app.capabilities(&id).await?;
    Ok(Json(
        json!({"account_id": id, "capabilities": dto::permissions(&caps)}),
    ))
}

pub async fn restrictions(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Answer {
    caller.require(Scope::AccountsRead)?;
    let now = s.app.now();
    let list = s.app.restrictions_of(&id).await?;
    Ok(Json(
        json!({"restrictions": list.iter().map(|r| dto::restriction(r, now)).collect::<Vec<_>>()}),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplyRestriction {
    reason_code: String,
    severity: String,
    note: String,
    #[serde(default)]
    lift_condition: Option<LiftIn>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiftIn {
    r#type: String,
    #[serde(default)]
    value: Option<String>,
}

fn parse_lift(l: Option<LiftIn>) -> Result<LiftCondition, ApiError> {
    let invalid = |m: &str| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            m.to_owned(),
        )
    };
    let Some(l) = l else {
        return Ok(LiftCondition::Manual);
    };
    match (l.r#type.as_str(), l.value.as_deref()) {
        ("manual", _) => Ok(LiftCondition::Manual),
        ("at_time", Some(v)) => Timestamp::parse_rfc3339(v)
            .map(LiftCondition::AtTime)
            .ok_or_else(|| invalid("lift_condition.value: expected an RFC 3339 time")),
        ("on_action", Some(v)) => RequiredAction::parse(v)
            .map(LiftCondition::OnAction)
            .ok_or_else(|| invalid("lift_condition.value: expected pass_identity_verification")),
        ("at_time" | "on_action", None) => Err(invalid("lift_condition.value is required")),
        _ => Err(invalid(
            "lift_condition.type: expected manual, at_time or on_action",
        )),
    }
}

pub async fn apply_restriction(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<ApplyRestriction>, ApiError>,
) -> Created {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let invalid = |m: String| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", m);
    let reason = ReasonCode::parse(&b.reason_code)
        .ok_or_else(|| invalid(format!("reason_code: unknown code {:?}", b.reason_code)))?;
    let severity = Severity::parse(&b.severity).ok_or_else(|| {
        invalid(format!(
            "severity: expected warning, hold, suspension or ban, got {:?}",
            b.severity
        ))
    })?;
    let lift = parse_lift(b.lift_condition)?;
    if let LiftCondition::AtTime(until) = lift
        && until <= s.app.now()
    {
        return Err(invalid(
            "lift_condition.value: must be in the future".to_owned(),
        ));
    }
    let r = s
        .app
        .apply_restriction(
            &caller.actor(),
            &id,
            RestrictionRequest {
                reason,
                severity,
                lift,
                note: b.note,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(dto::restriction(&r, s.app.now()))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiftRestriction {
    note: String,
}

pub async fn lift_restriction(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<LiftRestriction>, ApiError>,
) -> Answer {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    if b.note.trim().is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            "note: say why the restriction is lifted",
        ));
    }
    let r = s
        .app
        .lift_restriction(&caller.actor(), &id, &b.note)
        .await?;
    Ok(Json(dto::restriction(&r, s.app.now())))
}

pub async fn proposals(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Answer {
    caller.require(Scope::AccountsRead)?;
    let list = s.app.proposals_of(&id).await?;
    Ok(Json(
        json!({"proposals": list.iter().map(dto::proposal).collect::<Vec<_>>()}),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmitProposal {
    job_id: String,
    cover_letter: String,
}

pub async fn submit_proposal(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<SubmitProposal>, ApiError>,
) -> Created {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    let p = s
        .app
        .submit_proposal(&id, &b.job_id, &b.cover_letter)
        .await?;
    Ok((StatusCode::CREATED, Json(json!(dto::proposal(&p)))))
}

pub async fn contracts(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Answer {
    caller.require(Scope::AccountsRead)?;
    let list = s.app.contracts_of(&id).await?;
    Ok(Json(
        json!({"contracts": list.iter().map(dto::contract).collect::<Vec<_>>()}),
    ))
}

pub async fn withdrawals(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Answer {
    caller.require(Scope::AccountsRead)?;
    let list = s.app.withdrawals_of(&id).await?;
    Ok(Json(
        json!({"withdrawals": list.iter().map(dto::withdrawal).collect::<Vec<_>>()}),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestWithdrawal {
    #[serde(deserialize_with = "super::body::whole_number")]
    amount_cents: i64,
}

pub async fn request_withdrawal(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Body<RequestWithdrawal>, ApiError>,
) -> Created {
    caller.require(Scope::AccountsWrite)?;
    let Body(b) = body?;
    if b.amount_cents <= 0 {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            "amount_cents: must be a positive number of cents",
        ));
    }
    let w = s.app.request_withdrawal(&id, b.amount_cents).await?;
    Ok((StatusCode::CREATED, Json(dto::withdrawal(&w))))
}

#[derive(Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    limit: Option<i64>,
}

pub async fn audit(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    q: Result<Params<AuditQuery>, ApiError>,
) -> Answer {
    caller.require(Scope::AccountsRead)?;
    let Params(q) = q?;
    let records = s.app.audit_of(&id, q.limit.unwrap_or(200)).await?;
    Ok(Json(
        json!({"records": records.iter().map(dto::audit).collect::<Vec<_>>()}),
    ))
}

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

pub async fn search_freelancers(
    State(s): State<WebState>,
    caller: Caller,
    q: Result<Params<SearchQuery>, ApiError>,
) -> Answer {
    caller.require(Scope::AccountsRead)?;
    let Params(q) = q?;
    let found = s.app.search_freelancers(&q.q).await?;
    let list: Vec<Value> = found
        .iter()
        .map(|a| json!({"id": a.id, "display_name": a.display_name, "identity_verified": a.identity_verified_at.is_some()}))
        .collect();
    Ok(Json(json!({"freelancers": list})))
}
