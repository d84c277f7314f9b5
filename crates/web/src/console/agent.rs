//! Pages for trust & safety agents (and, read-only, support agents): find an account, see its
//! standing and history, and act on it.

use super::forms::ConsoleForm;
use super::layout::{Flash, Layout, after_post, app_error, render};
use super::session::Viewer;
use super::views::{
    AccountRow, AuditView, CaseView, ContractView, ProposalView, RestrictionView, money,
};
use crate::WebState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use trustwork_app::standing::RestrictionRequest;
use trustwork_core::verification::Outcome;
use trustwork_core::{LiftCondition, ReasonCode, RequiredAction, Role, Severity, Timestamp};

const STAFF: &[Role] = &[Role::Agent, Role::Support, Role::Admin];
use super::session::ENFORCERS;

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

#[derive(Template)]
#[template(path = "agent_search.html")]
struct SearchPage {
    layout: Layout,
    query: String,
    results: Vec<AccountRow>,
}

pub async fn search(
    State(s): State<WebState>,
    viewer: Viewer,
    Query(q): Query<SearchQuery>,
) -> Response {
    if let Err(r) = viewer.require(STAFF) {
        return r;
    }
    let found = match s.app.search_accounts(&q.q).await {
        Ok(f) => f,
        Err(e) => return app_error(&e),
    };
    let page = SearchPage {
        layout: Layout::new(&s, &viewer, "/agent/accounts", "Accounts", Flash::default()).await,
        query: q.q,
        results: found.iter().map(AccountRow::new).collect(),
    };
    render(&page)
}

struct DecisionRow {
    id: String,
    verdict: String,
    rules: String,
    reason: String,
    findings: String,
}

struct PermissionRow {
    capability: &'static str,
    /// The capability in words ("Submit proposals").
    label: String,
    allowed: bool,
    reasons: String,
}

struct EvidenceLink {
    case_id: String,
    id: String,
    label: &'static str,
    purged: bool,
    added: String,
}

#[derive(Template)]
#[template(path = "agent_account.html")]
struct AccountPage {
    layout: Layout,
    can_enforce: bool,
    account: AccountRow,
    created_at: String,
    balance: String,
    standing: &'static str,
    standing_label: &'static str,
    top_rated_ok: bool,
    permissions: Vec<PermissionRow>,
    active: Vec<RestrictionView>,
    history: Vec<RestrictionView>,
    cases: Vec<CaseView>,
    /// Stills and documents of the cases, for verification agents to open (each view audited).
    evidence: Vec<EvidenceLink>,
    has_open_case: bool,
    proposals: Vec<ProposalView>,
    contracts: Vec<ContractView>,
    audit: Vec<AuditView>,
    decisions: Vec<DecisionRow>,
    reason_codes: Vec<super::views::ReasonOption>,
    /// What the agent typed into a form that was refused, shown again.
    kept: Kept,
}

/// The values of the account page's forms after a refusal, so nothing typed is lost.
#[derive(Default)]
struct Kept {
    verify_reason: String,
    reason_code: String,
    severity: String,
    lift: String,
    days: String,
    note: String,
}

pub async fn account(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    if let Err(r) = viewer.require(STAFF) {
        return r;
    }
    account_page(&s, &viewer, &id, flash, Kept::default()).await
}

/// A refused form: the page again, with the reason and what was typed.
async fn refused(
    s: &WebState,
    viewer: &Viewer,
    id: &str,
    e: &trustwork_app::AppError,
    kept: Kept,
) -> Response {
    let status = crate::error::status_of(e);
    if !status.is_client_error() || e.code() == "not_found" {
        return app_error(e);
    }
    let mut page = account_page(s, viewer, id, Flash::error(e.to_string()), kept).await;
    *page.status_mut() = status;
    page
}

async fn account_page(
    s: &WebState,
    viewer: &Viewer,
    id: &str,
    flash: Flash,
    kept: Kept,
) -> Response {
    let id = id.to_owned();
    let loaded = async {
        let o = s.app.account_overview(&id).await?;
        let proposals = s.app.proposals_of(&id).await?;
        let contracts = s.app.contracts_of(&id).await?;
        let audit = s.app.audit_of(&id, 100).await?;
        let decisions = s.app.decisions_of(&id, 20).await?;
        let mut evidence = Vec::new();
        for c in &o.verification_cases {
            for e in s.app.evidence_of_case(&c.id).await? {
                evidence.push(EvidenceLink {
                    case_id: c.id.clone(),
                    id: e.id.clone(),
                    label: e.kind.label(),
                    purged: e.purged_at.is_some(),
                    added: e.created_at.to_human(),
                });
            }
        }
        Ok::<_, trustwork_app::AppError>((o, proposals, contracts, audit, decisions, evidence))
    }
    .await;
    let (o, proposals, contracts, audit, decisions, evidence) = match loaded {
        Ok(v) => v,
        Err(e) => return app_error(&e),
    };
    let now = s.app.now();
    // People in the trail by name: the account itself and every person who acted on it.
    let mut names = std::collections::HashMap::new();
    names.insert(o.account.id.clone(), o.account.display_name.clone());
    for r in &audit {
        if let trustwork_core::Actor::Account(actor) = &r.actor
            && !names.contains_key(actor)
            && let Ok(a) = s.app.account(actor).await
        {
            names.insert(actor.clone(), a.display_name);
        }
    }
    let (active, history): (Vec<_>, Vec<_>) =
        o.restrictions.iter().rev().partition(|r| r.is_active(now));
    let title = format!("Account: {}", o.account.display_name);
    let page = AccountPage {
        layout: Layout::new(s, viewer, "/agent/accounts", &title, flash).await,
        can_enforce: ENFORCERS.contains(&viewer.role()),
        account: AccountRow::new(&o.account),
        created_at: o.account.created_at.to_human(),
        balance: money(o.account.balance_cents),
        standing: o.standing.as_str(),
        standing_label: o.standing.label(),
        top_rated_ok: o.top_rated.is_eligible(),
        permissions: o
            .permissions
            .iter()
            .map(|(c, p)| PermissionRow {
                capability: c.as_str(),
                label: super::views::capitalized(c.describe()),
                allowed: p.allowed,
                reasons: p
                    .reasons
                    .iter()
                    .map(|r| format!("{} ({})", r.label(), r.as_str()))
                    .collect::<Vec<_>>()
                    .join(", "),
            })
            .collect(),
        active: active
            .into_iter()
            .map(|r| RestrictionView::new(r, now))
            .collect(),
        history: history
            .into_iter()
            .map(|r| RestrictionView::new(r, now))
            .collect(),
        has_open_case: o.open_case().is_some(),
        cases: o.verification_cases.iter().map(CaseView::new).collect(),
        evidence,
        proposals: proposals.iter().map(ProposalView::new).collect(),
        contracts: contracts.iter().map(ContractView::new).collect(),
        audit: audit.iter().map(|r| AuditView::new(r, &names)).collect(),
        decisions: decisions
            .iter()
            .map(|d| DecisionRow {
                id: d.id.clone(),
                verdict: d.verdict.clone(),
                rules: d.rules.join(", "),
                reason: d.reason.clone(),
                findings: d
                    .findings
                    .iter()
                    .map(|f| format!("{} {} “{}”", f.category, f.kind, f.value))
                    .collect::<Vec<_>>()
                    .join("; "),
            })
            .collect(),
        reason_codes: super::views::reason_options(),
        kept,
    };
    render(&page)
}

fn back(
    s: &WebState,
    viewer: &Viewer,
    account_id: &str,
    result: Result<String, trustwork_app::AppError>,
) -> Response {
    let to = format!("/agent/accounts/{account_id}");
    after_post(s, viewer, &to, result, |e| e.to_string())
}

#[derive(Deserialize)]
pub struct RequireForm {
    csrf: String,
    #[serde(default)]
    reason: String,
}

pub async fn require_verification(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ConsoleForm(f): ConsoleForm<RequireForm>,
) -> Response {
    if let Err(r) = viewer
        .require(ENFORCERS)
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    let result = s
        .app
        .require_verification(&viewer.actor(), &id, f.reason.trim())
        .await
        .map(|c| {
            format!(
                "Identity verification required; deadline {}.",
                c.deadline_at.to_human()
            )
        });
    match result {
        Err(e) => {
            let kept = Kept {
                verify_reason: f.reason,
                ..Kept::default()
            };
            refused(&s, &viewer, &id, &e, kept).await
        }
        ok => back(&s, &viewer, &id, ok),
    }
}

#[derive(Deserialize)]
pub struct OutcomeForm {
    csrf: String,
    // Missing when the placeholder was left chosen: said in words, not as a broken form.
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    note: String,
}

pub async fn record_outcome(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(case_id): Path<String>,
    ConsoleForm(f): ConsoleForm<OutcomeForm>,
) -> Response {
    if let Err(r) = viewer
        .require(ENFORCERS)
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    let case = match s.app.verification_case(&case_id).await {
        Ok(c) => c,
        Err(e) => return app_error(&e),
    };
    let Some(outcome) = Outcome::parse(&f.outcome) else {
        return back(
            &s,
            &viewer,
            &case.account_id,
            Err(trustwork_app::AppError::invalid(
                "outcome",
                "choose verified, needs documents or failed",
            )),
        );
    };
    let result = s
        .app
        .record_verification_outcome(&viewer.actor(), &case_id, outcome, f.note.trim())
        .await
        .map(|c| format!("Outcome recorded: {}.", c.status.as_str().replace('_', " ")));
    back(&s, &viewer, &case.account_id, result)
}

#[derive(Deserialize)]
pub struct RestrictionForm {
    csrf: String,
    #[serde(default)]
    reason_code: String,
    #[serde(default)]
    severity: String,
    lift: String,
    #[serde(default)]
    days: String,
    note: String,
}

fn parse_restriction(
    f: &RestrictionForm,
    now: Timestamp,
) -> Result<RestrictionRequest, trustwork_app::AppError> {
    use trustwork_app::AppError;
    let reason = ReasonCode::parse(&f.reason_code)
        .ok_or_else(|| AppError::invalid("reason_code", "choose a reason"))?;
    let severity = Severity::parse(&f.severity)
        .ok_or_else(|| AppError::invalid("severity", "choose a severity"))?;
    let lift = match f.lift.as_str() {
        "manual" => LiftCondition::Manual,
        "verification" => LiftCondition::OnAction(RequiredAction::PassIdentityVerification),
        "days" => {
            let days: i64 = f
                .days
                .trim()
                .parse()
                .ok()
                .filter(|d| (1..=3650).contains(d))
                .ok_or_else(|| {
                    AppError::invalid("days", "enter a number of days from 1 to 3650")
                })?;
            LiftCondition::AtTime(now.plus_days(days))
        }
        _ => return Err(AppError::invalid("lift", "choose how the restriction ends")),
    };
    Ok(RestrictionRequest {
        reason,
        severity,
        lift,
        note: f.note.trim().to_owned(),
    })
}

pub async fn apply_restriction(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ConsoleForm(f): ConsoleForm<RestrictionForm>,
) -> Response {
    if let Err(r) = viewer
        .require(ENFORCERS)
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    let result = match parse_restriction(&f, s.app.now()) {
        Ok(request) => s
            .app
            .apply_restriction(&viewer.actor(), &id, request)
            .await
            .map(|r| format!("{} applied ({}).", r.severity.as_str(), r.reason.as_str())),
        Err(e) => Err(e),
    };
    match result {
        Err(e) => {
            let kept = Kept {
                reason_code: f.reason_code,
                severity: f.severity,
                lift: f.lift,
                days: f.days,
                note: f.note,
                ..Kept::default()
            };
            refused(&s, &viewer, &id, &e, kept).await
        }
        ok => back(&s, &viewer, &id, ok),
    }
}

#[derive(Deserialize)]
pub struct LiftForm {
    csrf: String,
    note: String,
}

pub async fn lift_restriction(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ConsoleForm(f): ConsoleForm<LiftForm>,
) -> Response {
    if let Err(r) = viewer
        .require(ENFORCERS)
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    let account_id = match s.app.restriction(&id).await {
        Ok(r) => r.account_id,
        Err(e) => return app_error(&e),
    };
    if f.note.trim().is_empty() {
        return back(
            &s,
            &viewer,
            &account_id,
            Err(trustwork_app::AppError::invalid(
                "note",
                "say why the restriction is lifted",
            )),
        );
    }
    let result = s
        .app
        .lift_restriction(&viewer.actor(), &id, f.note.trim())
        .await
        .map(|r| format!("{} lifted.", r.severity.as_str()));
    back(&s, &viewer, &account_id, result)
}
