//! The verification agent's console: the queue of waiting members, the call page (both videos,
//! the chat, the questions with their expected answers, the ID capture, the outcome), the
//! further-review queue, and evidence opened one view at a time (each view audited).

use super::forms::{ConsoleForm, CsrfOnly};
use super::layout::{Flash, Kind, Layout, after_post, app_error, flash, render};
use super::session::Viewer;
use super::views::member_error;
use crate::signalling::{self, Side};
use crate::{ApiError, WebState};
use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use trustwork_core::evidence::EvidenceKind;
use trustwork_core::verification::Outcome;
use trustwork_core::verification_questions::Mark;
use trustwork_core::{Role, Timestamp};

const VERIFIERS: &[Role] = &[Role::Agent, Role::Admin];
/// The header the call page's script sends the session's CSRF token in.
const CSRF_HEADER: &str = "x-csrf-token";

struct WaitingRow {
    position: usize,
    name: String,
    waiting_for: String,
    estimated_wait: String,
}

struct ReviewRow {
    case_id: String,
    account_id: String,
    name: String,
    due_at: String,
    state: &'static str,
}

#[derive(Template)]
#[template(path = "verification_queue.html")]
struct QueuePage {
    layout: Layout,
    waiting: Vec<WaitingRow>,
    agents_available: i64,
    my_calls: Vec<(String, String)>,
    further_review: Vec<ReviewRow>,
}

fn duration_words(ms: i64) -> String {
    let mins = ms / 60_000;
    if mins < 1 {
        "under a minute".into()
    } else if mins < 120 {
        format!("{mins} min")
    } else {
        format!("{} h {} min", mins / 60, mins % 60)
    }
}

const AGENT_JS: &str = include_str!("../../static/agent-call.js");

pub async fn agent_js() -> Response {
    super::verify_member::script(AGENT_JS)
}

/// The call, if it is the viewer's (an admin may open any).
async fn their_call(
    s: &WebState,
    viewer: &Viewer,
    call_id: &str,
) -> Result<trustwork_app::records::VerificationCall, trustwork_app::AppError> {
    s.app
        .agent_call(viewer.id(), viewer.role() == Role::Admin, call_id)
        .await
}

/// `GET /agent/verification`: who waits, how long, and the further-review queue. Having it
/// open counts the agent as available; it refreshes itself.
pub async fn queue(
    State(s): State<WebState>,
    viewer: Viewer,
    Query(flash): Query<Flash>,
) -> Response {
    if let Err(r) = viewer.require(VERIFIERS) {
        return r;
    }
    if let Err(e) = s.app.agent_present(viewer.id()).await {
        return app_error(&e);
    }
    let (q, mine, review) = match (
        s.app.verification_queue().await,
        s.app.calls_with_agent(viewer.id()).await,
        s.app.further_review_queue().await,
    ) {
        (Ok(q), Ok(m), Ok(r)) => (q, m, r),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return app_error(&e),
    };
    let now = s.app.now();
    let mut waiting = Vec::new();
    for p in &q.waiting {
        waiting.push(WaitingRow {
            position: p.position,
            name: s
                .app
                .account_name_of_case(&p.call.case_id)
                .await
                .unwrap_or_default(),
            waiting_for: duration_words(now.millis() - p.call.joined_at.millis()),
            estimated_wait: duration_words(p.estimated_wait_seconds * 1000),
        });
    }
    let mut my_calls = Vec::new();
    for c in &mine {
        my_calls.push((
            c.id.clone(),
            s.app
                .account_name_of_case(&c.case_id)
                .await
                .unwrap_or_default(),
        ));
    }
    let mut further_review = Vec::new();
    for c in &review {
        let due = c.review_due_at.unwrap_or(now);
        further_review.push(ReviewRow {
            case_id: c.id.clone(),
            name: s.app.account_name_of_case(&c.id).await.unwrap_or_default(),
            account_id: c.account_id.clone(),
            due_at: due.to_human(),
            state: sla_state(due, now),
        });
    }
    render(&QueuePage {
        layout: Layout::new(
            &s,
            &viewer,
            "/agent/verification",
            "Verification queue",
            flash,
        )
        .await,
        waiting,
        agents_available: q.agents_available,
        my_calls,
        further_review,
    })
}

fn sla_state(due: Timestamp, now: Timestamp) -> &'static str {
    if now >= due {
        "breached"
    } else if due.millis() - now.millis() <= 4 * trustwork_core::HOUR_MS {
        "due soon"
    } else {
        "on time"
    }
}

/// `POST /agent/verification/take`: the member who has waited longest.
pub async fn take(
    State(s): State<WebState>,
    viewer: Viewer,
    ConsoleForm(f): ConsoleForm<CsrfOnly>,
) -> Response {
    if let Err(r) = viewer
        .require(VERIFIERS)
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    match s.app.take_next_verification(viewer.id()).await {
        Ok(Some(call)) => {
            Redirect::to(&format!("/agent/verification/calls/{}", call.id)).into_response()
        }
        Ok(None) => flash(
            &s,
            &viewer,
            "/agent/verification",
            Kind::Notice,
            "Nobody is waiting right now.",
        ),
        Err(e) => after_post(&s, &viewer, "/agent/verification", Err(e), member_error),
    }
}

struct QuestionRow {
    id: String,
    topic: String,
    prompt: String,
    expected: String,
    mark: &'static str,
}

struct EvidenceRow {
    id: String,
    label: &'static str,
    purged: bool,
    added: String,
}

#[derive(Template)]
#[template(path = "verification_call.html")]
struct CallPage {
    layout: Layout,
    call_id: String,
    case_id: String,
    account_id: String,
    name: String,
    reason: String,
    deadline: String,
    live: bool,
    ice_servers: String,
    questions: Vec<QuestionRow>,
    too_few_questions: bool,
    chat: Vec<(String, String)>,
    evidence: Vec<EvidenceRow>,
}

/// `GET /agent/verification/calls/{id}`.
pub async fn call_page(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(call_id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    if let Err(r) = viewer.require(VERIFIERS) {
        return r;
    }
    let call = match their_call(&s, &viewer, &call_id).await {
        Ok(c) => c,
        Err(e) => return app_error(&e),
    };
    let loaded = async {
        let case = s.app.verification_case(&call.case_id).await?;
        let account = s.app.account(&case.account_id).await?;
        let questions = s.app.call_questions(&call.id).await?;
        let chat = s.app.verification_transcript(&case.id).await?;
        let evidence = s.app.evidence_of_case(&case.id).await?;
        Ok::<_, trustwork_app::AppError>((case, account, questions, chat, evidence))
    };
    let (case, account, questions, chat, evidence) = match loaded.await {
        Ok(v) => v,
        Err(e) => return app_error(&e),
    };
    let too_few_questions = questions.len() < trustwork_core::verification_questions::MIN_QUESTIONS;
    render(&CallPage {
        layout: Layout::new(
            &s,
            &viewer,
            "/agent/verification",
            "Verification call",
            flash,
        )
        .await,
        call_id: call.id.clone(),
        case_id: case.id.clone(),
        account_id: account.id.clone(),
        name: account.display_name.clone(),
        reason: case.reason.clone(),
        deadline: case.deadline_at.to_human(),
        live: call.status.is_live(),
        ice_servers: serde_json::to_string(&s.app.config().ice_servers)
            .unwrap_or_else(|_| "[]".into()),
        questions: questions
            .iter()
            .map(|q| QuestionRow {
                id: q.id.clone(),
                topic: q.topic.as_str().replace('_', " "),
                prompt: q.prompt.clone(),
                expected: q.expected.clone(),
                mark: q.mark.as_str(),
            })
            .collect(),
        too_few_questions,
        chat: chat
            .iter()
            .filter(|m| m.call_id == call.id)
            .map(|m| (m.sender.clone(), m.body.clone()))
            .collect(),
        evidence: evidence
            .iter()
            .map(|e| EvidenceRow {
                id: e.id.clone(),
                label: e.kind.label(),
                purged: e.purged_at.is_some(),
                added: e.created_at.to_human(),
            })
            .collect(),
    })
}

/// `GET /agent/verification/calls/{id}/ws`: the agent's side of the signalling.
pub async fn socket(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(call_id): Path<String>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if let Err(r) = viewer.require(VERIFIERS) {
        return r;
    }
    if !same_origin(&headers) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "this socket is for this site's pages only",
        )
        .into_response();
    }
    let call = match their_call(&s, &viewer, &call_id).await {
        Ok(c) if c.status.is_live() => c,
        Ok(_) => {
            return ApiError::new(StatusCode::CONFLICT, "call_ended", "this call has ended")
                .into_response();
        }
        Err(e) => return ApiError::from(e).into_response(),
    };
    ws.max_message_size(signalling::MAX_SIGNAL_BYTES)
        .on_upgrade(move |socket| {
            signalling::run(
                socket,
                s,
                call.id,
                Side::Agent,
                None,
                signalling::Purpose::Verification,
            )
        })
}

/// The call page's script proves it came from this session with the CSRF token in a header.
fn check_header(viewer: &Viewer, headers: &HeaderMap) -> Result<(), ApiError> {
    let sent = headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if super::session::constant_time_eq(sent, &viewer.0.csrf_token) {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "the page is out of date; reload it",
        ))
    }
}

async fn verifier_call(
    s: &WebState,
    viewer: &Viewer,
    headers: &HeaderMap,
    call_id: &str,
) -> Result<trustwork_app::records::VerificationCall, ApiError> {
    if !VERIFIERS.contains(&viewer.role()) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "verification agents only",
        ));
    }
    check_header(viewer, headers)?;
    Ok(their_call(s, viewer, call_id).await?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkBody {
    mark: String,
}

/// `POST /agent/verification/calls/{id}/questions/{qid}` `{"mark"}` from the call page.
pub async fn mark(
    State(s): State<WebState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((call_id, question_id)): Path<(String, String)>,
    Json(b): Json<MarkBody>,
) -> Result<Json<Value>, ApiError> {
    let call = verifier_call(&s, &viewer, &headers, &call_id).await?;
    let mark = Mark::parse(&b.mark).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            "mark: expected matched, not_matched or not_asked",
        )
    })?;
    let q = s
        .app
        .mark_verification_question(&viewer.actor(), &call.case_id, &question_id, mark)
        .await?;
    Ok(Json(json!({"id": q.id, "mark": q.mark.as_str()})))
}

/// `POST /agent/verification/calls/{id}/capture`: a still of the member's video (the ID).
pub async fn capture(
    State(s): State<WebState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(call_id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let call = verifier_call(&s, &viewer, &headers, &call_id).await?;
    let e = s
        .app
        .add_evidence(
            &viewer.actor(),
            &call.case_id,
            EvidenceKind::IdCapture,
            &body,
            true,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": e.id, "label": e.kind.label(), "added": e.created_at.to_human()})),
    ))
}

#[derive(Deserialize)]
pub struct OutcomeForm {
    csrf: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    note: String,
}

/// `POST /agent/verification/calls/{id}/outcome`: the decision ends the call.
pub async fn outcome(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(call_id): Path<String>,
    ConsoleForm(f): ConsoleForm<OutcomeForm>,
) -> Response {
    if let Err(r) = viewer
        .require(VERIFIERS)
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    let call = match their_call(&s, &viewer, &call_id).await {
        Ok(c) => c,
        Err(e) => return app_error(&e),
    };
    let here = format!("/agent/verification/calls/{call_id}");
    let Some(outcome) = Outcome::parse(&f.outcome) else {
        return after_post(
            &s,
            &viewer,
            &here,
            Err(trustwork_app::AppError::invalid(
                "outcome",
                "choose an outcome: verified, further review, needs documents or failed",
            )),
            member_error,
        );
    };
    match s
        .app
        .record_verification_outcome(&viewer.actor(), &call.case_id, outcome, f.note.trim())
        .await
    {
        Ok(case) => {
            s.rooms.send_both(
                &call.id,
                &json!({"type": "ended", "status": case.status.as_str()}).to_string(),
            );
            flash(
                &s,
                &viewer,
                "/agent/verification",
                Kind::Notice,
                &format!(
                    "Outcome recorded: {}.",
                    case.status.as_str().replace('_', " ")
                ),
            )
        }
        Err(e) => after_post(&s, &viewer, &here, Err(e), member_error),
    }
}

/// `POST /agent/verification/calls/{id}/release`: back to the queue without an outcome.
pub async fn release(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(call_id): Path<String>,
    ConsoleForm(f): ConsoleForm<CsrfOnly>,
) -> Response {
    if let Err(r) = viewer
        .require(VERIFIERS)
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    let result = s
        .app
        .release_verification_call(viewer.id(), &call_id)
        .await
        .map(|_| "The member is back in the queue at their place.".to_owned());
    if result.is_ok() {
        s.rooms.send_both(
            &call_id,
            &json!({"type": "ended", "status": "released"}).to_string(),
        );
    }
    after_post(&s, &viewer, "/agent/verification", result, member_error)
}

/// Only pages of this site may open a call's socket: cookies ride along on a WebSocket
/// handshake from any page of the same site, so the `Origin` must be this host.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    match (origin, host) {
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_some_and(|(scheme, rest)| matches!(scheme, "http" | "https") && rest == host),
        _ => false,
    }
}

/// `GET /agent/evidence/{case_id}/{evidence_id}`: the file, for verification agents; the view
/// is written to the account's audit log.
pub async fn evidence(
    State(s): State<WebState>,
    viewer: Viewer,
    Path((case_id, evidence_id)): Path<(String, String)>,
) -> Response {
    if let Err(r) = viewer.require(VERIFIERS) {
        return r;
    }
    match s
        .app
        .view_evidence(&viewer.actor(), &case_id, &evidence_id)
        .await
    {
        Ok(file) => evidence_response(file),
        Err(e) => app_error(&e),
    }
}

/// A portfolio file for the browser: its type as read at upload, never sniffed again by the
/// browser, an image shown inline and a PDF downloaded.
pub fn portfolio_file_response(
    file: &trustwork_app::records::PortfolioFile,
    bytes: Vec<u8>,
) -> Response {
    file_response(&file.content_type, &file.id, bytes)
}

/// An uploaded file (a JPEG, PNG or PDF whose type was read from its bytes): images shown in
/// place, PDFs downloaded, never sniffed by the browser.
pub fn file_response(content_type: &str, id: &str, bytes: Vec<u8>) -> Response {
    let disposition = if content_type == "application/pdf" {
        "attachment"
    } else {
        "inline"
    };
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CACHE_CONTROL, "private, max-age=300".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("{disposition}; filename=\"{id}\""),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// The bytes as a download that no cache keeps and no browser guesses the type of.
pub fn evidence_response(file: trustwork_app::EvidenceFile) -> Response {
    (
        [
            (header::CONTENT_TYPE, file.evidence.content_type.clone()),
            (header::CACHE_CONTROL, "no-store".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "inline; filename=\"{}-{}\"",
                    file.evidence.kind.as_str(),
                    file.evidence.id
                ),
            ),
        ],
        file.bytes,
    )
        .into_response()
}
