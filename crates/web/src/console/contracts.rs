//! A contract as its parties see it (seed 004): the terms and the NDA to accept, the milestones
//! with what each side may do next, the work diary's week with its statement (which hours the
//! guarantee covers and why the others are not), disputes, ending it, and double-blind feedback.
//! A refused form is shown again with what was typed.

use super::forms::ConsoleForm;
use super::layout::{Flash, Layout, app_error, render};
use super::login::RemoteAddr;
use super::session::{MEMBERS, Viewer};
use super::views::{member_error, money};
use crate::WebState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use trustwork_app::contracts::{ContractView, Disputed, FeedbackView, WeekStatement};
use trustwork_core::Timestamp;
use trustwork_core::contracts::{
    ContractKind, MilestoneAction, MilestoneStatus, NDA_TEXT, NDA_VERSION, Party,
};
use trustwork_core::marketplace::ContractStatus;
use trustwork_core::work_diary::{IsoWeek, Statement};

struct MilestoneRow {
    id: String,
    title: String,
    amount: String,
    status: &'static str,
    status_words: String,
    /// The actions this viewer may take now: (action, button label).
    actions: Vec<(&'static str, &'static str)>,
    can_dispute: bool,
}

struct SegmentRow {
    start: String,
    kind: &'static str,
    activity: String,
    screenshot: bool,
    memo: String,
}

struct WeekView {
    week: String,
    previous: String,
    next: String,
    logged: String,
    protected: String,
    unprotected: Vec<(String, &'static str)>,
    billed: String,
    review_ends: String,
    /// The client may dispute these hours now.
    dispute_open: bool,
    disputed: bool,
    guaranteed_note: String,
    segments: Vec<SegmentRow>,
}

struct DisputeRow {
    what: String,
    amount: String,
    opened: String,
    status: String,
}

struct FeedbackRow {
    from: &'static str,
    rating: Option<u8>,
    text: String,
}

/// What the viewer typed into a form that was refused.
#[derive(Default)]
pub struct Drafts {
    reason: String,
    note: String,
    feedback: String,
}

#[derive(Template)]
#[template(path = "contract.html")]
struct ContractPage {
    layout: Layout,
    id: String,
    title: String,
    status: &'static str,
    status_words: String,
    other_party: String,
    /// The contract's thread, for the link to its messages.
    thread_id: Option<String>,
    is_client: bool,
    terms: String,
    nda_text: &'static str,
    nda_version: &'static str,
    /// The viewer's acceptance, in words; none while it is theirs to accept.
    nda_mine: Option<String>,
    nda_other: Option<String>,
    can_accept_nda: bool,
    milestones: Vec<MilestoneRow>,
    can_fund: bool,
    week: Option<WeekView>,
    disputes: Vec<DisputeRow>,
    can_end: bool,
    /// The client may pause (active) or resume (paused) it.
    can_pause: bool,
    can_resume: bool,
    /// Feedback: whether the viewer may write, why not, and what is shown.
    can_leave_feedback: bool,
    feedback_note: String,
    feedback: Vec<FeedbackRow>,
    drafts: Drafts,
}

fn milestone_words(s: MilestoneStatus) -> &'static str {
    match s {
        MilestoneStatus::Funded => "Funded: the money is in escrow, waiting for the work.",
        MilestoneStatus::Submitted => "Submitted: waiting for the client to approve it.",
        MilestoneStatus::ChangesRequested => "The client asked for changes.",
        MilestoneStatus::Disputed => "In dispute: an agent will settle it.",
        MilestoneStatus::Released => "Paid: released to the freelancer.",
        MilestoneStatus::Refunded => "Refunded to the client.",
        MilestoneStatus::Split => "Settled: split between both sides.",
    }
}

fn week_view(w: &WeekStatement, now: Timestamp, is_client: bool) -> WeekView {
    let hours = |m: i64| format!("{:.2} h", Statement::hours(m));
    let st = &w.statement;
    WeekView {
        week: w.week.to_string(),
        previous: w.week.previous().to_string(),
        next: IsoWeek::of(w.week.end()).to_string(),
        logged: hours(st.minutes_logged),
        protected: hours(st.minutes_protected),
        unprotected: st
            .unprotected
            .iter()
            .map(|(r, m)| (hours(*m), r.describe()))
            .collect(),
        billed: format!(
            "{} for {}",
            money(st.amount_billed_cents),
            hours(st.minutes_billed)
        ),
        review_ends: w.week.review_ends().to_human(),
        dispute_open: is_client && w.dispute_open(now) && st.amount_billed_cents > 0,
        disputed: !w.disputes.is_empty(),
        guaranteed_note: if w.terms.payment_method_verified {
            "Protected hours are guaranteed: you are paid for them even if the client does not pay."
                .into()
        } else {
            "The client's payment method is not verified: no hours this week are guaranteed.".into()
        },
        segments: w
            .segments
            .iter()
            .map(|s| SegmentRow {
                start: s.start.to_human(),
                kind: if s.tracked {
                    "tracked"
                } else {
                    "added by hand"
                },
                activity: format!("{} keys, {} mouse", s.keyboard_events, s.mouse_events),
                screenshot: s.screenshot_sha256.is_some(),
                memo: s.memo.clone().unwrap_or_default(),
            })
            .collect(),
    }
}

fn feedback_rows(v: &FeedbackView, view: &ContractView, viewer: &str) -> Vec<FeedbackRow> {
    v.entries
        .iter()
        .map(|f| FeedbackRow {
            from: if f.from_account_id == view.contract.client_id {
                "The client"
            } else {
                "The freelancer"
            },
            rating: (v.revealed || f.from_account_id == viewer).then_some(f.rating),
            text: if v.revealed || f.from_account_id == viewer {
                f.public_text.clone()
            } else {
                "Written; shown when you have written yours or the 14 days are over.".into()
            },
        })
        .collect()
}

/// Renders the contract for `viewer`, with `flash` and what they typed.
pub async fn page(
    s: &WebState,
    viewer: &Viewer,
    id: &str,
    week: Option<&str>,
    flash: Flash,
    drafts: Drafts,
) -> Response {
    if let Err(r) = viewer.require(MEMBERS) {
        return r;
    }
    let view = match s.app.contract(id).await {
        Ok(v) => v,
        Err(e) => return app_error(&e),
    };
    let c = &view.contract;
    let is_client = c.client_id == viewer.id();
    if !is_client && c.freelancer_id != viewer.id() {
        return app_error(&trustwork_app::AppError::NotFound {
            entity: "contract",
            id: id.to_owned(),
        });
    }
    let party = if is_client {
        Party::Client
    } else {
        Party::Freelancer
    };
    let now = s.app.now();
    let other_id = if is_client {
        &c.freelancer_id
    } else {
        &c.client_id
    };
    let other_party = s
        .app
        .display_names(std::slice::from_ref(other_id))
        .await
        .ok()
        .and_then(|n| n.get(other_id).cloned())
        .unwrap_or_default();
    let accepted = |who: &str| {
        view.nda.iter().find(|a| a.account_id == who).map(|a| {
            format!(
                "accepted version {} on {}",
                a.nda_version,
                a.accepted_at.to_human()
            )
        })
    };
    let nda_mine = accepted(viewer.id());
    let active = c.status == ContractStatus::Active;
    let milestones = view
        .milestones
        .iter()
        .map(|m| {
            let actions: Vec<(&'static str, &'static str)> = [
                (MilestoneAction::Submit, "Submit the work"),
                (MilestoneAction::Approve, "Approve and pay"),
                (MilestoneAction::RequestChanges, "Ask for changes"),
            ]
            .into_iter()
            .filter(|(a, _)| {
                active && trustwork_core::contracts::milestone_next(m.status, *a, party).is_ok()
            })
            .map(|(a, label)| (a.as_str(), label))
            .collect();
            MilestoneRow {
                id: m.id.clone(),
                title: m.title.clone(),
                amount: money(m.amount_cents),
                status: m.status.as_str(),
                status_words: milestone_words(m.status).to_owned(),
                can_dispute: trustwork_core::contracts::milestone_next(
                    m.status,
                    MilestoneAction::Dispute,
                    party,
                )
                .is_ok(),
                actions,
            }
        })
        .collect();
    let week = if c.kind == ContractKind::Hourly {
        let w = week
            .map(str::to_owned)
            .unwrap_or_else(|| IsoWeek::of(now).to_string());
        match s.app.week_statement(id, &w, Some(viewer.id())).await {
            Ok(st) => Some(week_view(&st, now, is_client)),
            Err(e) => return app_error(&e),
        }
    } else {
        None
    };
    let feedback = match s.app.contract_feedback(id).await {
        Ok(f) => f,
        Err(e) => return app_error(&e),
    };
    let written = feedback
        .entries
        .iter()
        .any(|f| f.from_account_id == viewer.id());
    let why_not =
        trustwork_core::job_success::why_no_feedback(c.started_at.is_some(), c.ended_at, now);
    let feedback_note = match (written, why_not, &feedback.window_ends_at) {
        (true, _, _) => "You left your feedback.".to_owned(),
        (false, Some(why), _) => format!("Feedback: {why}."),
        (false, None, Some(until)) => format!(
            "Leave feedback until {}. It is shown when you both have written, or after that day.",
            until.to_human()
        ),
        (false, None, None) => String::new(),
    };
    let terms = match c.kind {
        ContractKind::Hourly => format!(
            "Hourly at {} an hour, {}",
            money(c.hourly_rate_cents.unwrap_or(0)),
            c.weekly_limit_hours
                .map_or("no weekly limit".to_owned(), |h| format!(
                    "up to {h} hours a week"
                ))
        ),
        ContractKind::Fixed => "Fixed price, paid by milestones funded into escrow".to_owned(),
    };
    let page = ContractPage {
        layout: Layout::new(s, viewer, "/work", &c.title, flash).await,
        id: c.id.clone(),
        title: c.title.clone(),
        status: c.status.as_str(),
        status_words: match c.status {
            ContractStatus::AwaitingNda => {
                "Waiting for both sides to accept the NDA; it starts then.".into()
            }
            ContractStatus::Active => "Active.".into(),
            ContractStatus::Paused => {
                "Paused by the client: no time is logged and milestones wait.".into()
            }
            ContractStatus::Ended => format!(
                "Ended {}.",
                c.ended_at.map(Timestamp::to_human).unwrap_or_default()
            ),
        },
        other_party,
        thread_id: view.thread_id.clone(),
        is_client,
        terms,
        nda_text: NDA_TEXT,
        nda_version: NDA_VERSION,
        can_accept_nda: nda_mine.is_none() && c.status == ContractStatus::AwaitingNda,
        nda_mine,
        nda_other: accepted(other_id),
        milestones,
        can_fund: is_client && c.kind == ContractKind::Fixed && c.status != ContractStatus::Ended,
        week,
        disputes: view
            .disputes
            .iter()
            .map(|d| DisputeRow {
                what: match d.subject {
                    trustwork_core::contracts::DisputeSubject::Hours => {
                        format!("Hours of {}", d.subject_ref)
                    }
                    trustwork_core::contracts::DisputeSubject::Milestone => {
                        "A milestone".to_owned()
                    }
                },
                amount: money(d.amount_cents),
                opened: d.created_at.to_human(),
                status: match (d.outcome, d.freelancer_cents) {
                    (Some(o), Some(f)) => format!(
                        "Settled ({}): {} to the freelancer, {} back to the client",
                        o.as_str(),
                        money(f),
                        money(d.amount_cents - f)
                    ),
                    _ => "Open: an agent will settle it".to_owned(),
                },
            })
            .collect(),
        can_end: c.status != ContractStatus::Ended,
        can_pause: is_client && c.status == ContractStatus::Active,
        can_resume: is_client && c.status == ContractStatus::Paused,
        can_leave_feedback: !written && why_not.is_none(),
        feedback_note,
        feedback: feedback_rows(&feedback, &view, viewer.id()),
        drafts,
    };
    render(&page)
}

#[derive(Deserialize)]
pub struct WeekQuery {
    #[serde(default)]
    week: Option<String>,
    #[serde(flatten)]
    flash: Flash,
}

/// `GET /contracts/{id}`.
pub async fn show(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<WeekQuery>,
) -> Response {
    page(
        &s,
        &viewer,
        &id,
        q.week.as_deref(),
        q.flash,
        Drafts::default(),
    )
    .await
}

/// After a form: the page again, with the outcome in words and, when refused, what was typed.
async fn after(
    s: &WebState,
    viewer: &Viewer,
    id: &str,
    result: Result<String, trustwork_app::AppError>,
    drafts: Drafts,
) -> Response {
    match result {
        Ok(notice) => {
            page(
                s,
                viewer,
                id,
                None,
                Flash::notice(notice),
                Drafts::default(),
            )
            .await
        }
        Err(e) if crate::error::status_of(&e).is_client_error() && e.code() != "not_found" => {
            page(s, viewer, id, None, Flash::error(member_error(&e)), drafts).await
        }
        Err(e) => app_error(&e),
    }
}

#[derive(Deserialize)]
pub struct ActionForm {
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    milestone_id: String,
    #[serde(default)]
    week: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    rating: String,
    #[serde(default)]
    private_score: String,
    #[serde(default)]
    feedback: String,
}

/// `POST /contracts/{id}`: everything a party does on the page, by `action`.
pub async fn act(
    State(s): State<WebState>,
    viewer: Viewer,
    RemoteAddr(peer): RemoteAddr,
    Path(id): Path<String>,
    ConsoleForm(f): ConsoleForm<ActionForm>,
) -> Response {
    if let Err(r) = viewer
        .require(MEMBERS)
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    use trustwork_app::AppError;
    let me = viewer.id();
    let drafts = Drafts {
        reason: f.reason.clone(),
        note: f.note.clone(),
        feedback: f.feedback.clone(),
    };
    let result: Result<String, AppError> = match f.action.as_str() {
        "accept_nda" => {
            let ip = peer.parse::<std::net::IpAddr>().ok().map(|_| peer.as_str());
            s.app.accept_nda(&id, me, ip).await.map(|v| match v.contract.status {
                ContractStatus::Active => "You accepted the NDA. Both sides have: the contract has started.".into(),
                _ => "You accepted the NDA. The contract starts when the other side accepts it too.".into(),
            })
        }
        "pause" => s.app.pause_contract(&id, me, true, &f.reason).await.map(|_| {
            "The contract is paused: no time is logged until you resume it.".into()
        }),
        "resume" => s.app.pause_contract(&id, me, false, &f.reason).await.map(|_| {
            "The contract is active again.".into()
        }),
        "end" => s.app.end_contract(&id, me, &f.reason).await.map(|_| {
            "The contract has ended. You can leave feedback for 14 days.".into()
        }),
        "fund" => match super::member::parse_dollars(&f.amount).filter(|c| *c > 0) {
            None => Err(AppError::invalid("amount", "enter an amount in dollars, like 250 or 250.50")),
            Some(cents) => s.app.fund_milestone(&id, me, &f.title, cents).await
                .map(|m| format!("Milestone “{}” funded: {} is in escrow.", m.title, money(m.amount_cents))),
        },
        "dispute_milestone" => s.app.open_dispute(&id, me, Disputed::Milestone(&f.milestone_id), &f.reason).await
            .map(|_| "Dispute opened. A trust & safety agent will look at it within a day; both sides are emailed the outcome.".into()),
        "dispute_week" => s.app.open_dispute(&id, me, Disputed::Week(&f.week), &f.reason).await
            .map(|_| "Dispute opened for these hours. They are not paid until an agent settles it.".into()),
        "feedback" => match f.rating.trim().parse::<u8>() {
            Err(_) => Err(AppError::invalid("rating", "choose a rating from 1 to 5 stars")),
            Ok(rating) => {
                let private = match f.private_score.trim() {
                    "" => Ok(None),
                    t => t.parse::<u8>().map(Some).map_err(|_| AppError::invalid("private_score", "choose 0 to 10")),
                };
                match private {
                    Err(e) => Err(e),
                    Ok(private) => s.app.leave_feedback(&id, me, rating, &f.feedback, private).await
                        .map(|_| "Thank you: your feedback is kept, and shown when you both have written or after 14 days.".into()),
                }
            }
        },
        other => match MilestoneAction::parse(other) {
            Some(action) => s.app.act_on_milestone(&f.milestone_id, me, action, &f.note).await
                .map(|m| format!("Milestone “{}”: {}", m.title, milestone_words(m.status))),
            None => Err(AppError::invalid("action", "no such action")),
        },
    };
    after(&s, &viewer, &id, result, drafts).await
}
