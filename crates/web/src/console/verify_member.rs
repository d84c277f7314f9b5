//! The hosted verification page a member opens from a one-time link (or from Settings →
//! Identity Verification → "Start chat"): the device check, consent, the queue, the chat, the
//! call and the result. The link is traded for a cookie on first use and then works no more.

use super::layout::{app_error, error_page, render};
use super::session::{Viewer, cookie, cookie_in, set_cookie};
use crate::signalling::{self, Side};
use crate::{ApiError, WebState};
use askama::Template;
use axum::Json;
use axum::extract::{FromRequestParts, Multipart, Path, Query, State, WebSocketUpgrade};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use trustwork_app::verification_call::MemberSession;
use trustwork_core::browser::{self, BrowserCheck};
use trustwork_core::evidence::EvidenceKind;
use trustwork_core::verification::CaseStatus;
use trustwork_core::verification_queue::CallStatus;

pub const VERIFY_COOKIE: &str = "tw_verify";
/// The header the page's script sends its token in with every change.
pub const VERIFY_CSRF_HEADER: &str = "x-trustwork-verify";

const VERIFY_JS: &str = include_str!("../../static/verify.js");
const CALL_JS: &str = include_str!("../../static/call.js");

pub async fn verify_js() -> Response {
    script(VERIFY_JS)
}

pub async fn call_js() -> Response {
    script(CALL_JS)
}

pub(crate) fn script(body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    session_id: String,
    csrf: String,
    ice_servers: String,
    status: &'static str,
    /// `supported`, `unsupported` or `mobile`, from the User-Agent.
    browser: &'static str,
    unsupported_message: &'static str,
    mobile_message: &'static str,
    retention_days: i64,
}

#[derive(Deserialize)]
pub struct LinkQuery {
    #[serde(default)]
    k: Option<String>,
}

/// Who may not use this link: someone signed in to the console as another account.
async fn other_account(s: &WebState, parts_viewer: Option<Viewer>, session_id: &str) -> bool {
    let Some(viewer) = parts_viewer else {
        return false;
    };
    match s.app.verification_session_owner(session_id).await {
        Ok(owner) => owner != viewer.id(),
        Err(_) => false,
    }
}

#[derive(Template)]
#[template(path = "verify_open.html")]
struct OpenPage {
    session_id: String,
    secret: String,
}

#[derive(Deserialize)]
pub struct OpenForm {
    k: String,
}

/// `POST /verify/{id}/open`: the member pressed "Start"; the link is used and this browser
/// keeps a cookie instead.
pub async fn open(
    State(s): State<WebState>,
    Path(id): Path<String>,
    viewer: OptionalViewer,
    super::forms::ConsoleForm(f): super::forms::ConsoleForm<OpenForm>,
) -> Response {
    if other_account(&s, viewer.0, &id).await {
        return error_page(
            StatusCode::FORBIDDEN,
            "This verification link belongs to another account. Sign out of the console first, or open your own link.",
        );
    }
    match s.app.redeem_verification_link(&id, &f.k).await {
        Ok(value) => with_cookie(&s, &id, &value),
        Err(e) => app_error(&e),
    }
}

/// `GET /verify/{id}`: with `?k=` the one-time link, shown with a button that uses it (a GET
/// alone uses nothing, so mail scanners that fetch links do not spend it); without it, the page
/// for the browser that holds the cookie.
pub async fn page(
    State(s): State<WebState>,
    Path(id): Path<String>,
    Query(q): Query<LinkQuery>,
    viewer: OptionalViewer,
    headers: HeaderMap,
) -> Response {
    if other_account(&s, viewer.0, &id).await {
        return error_page(
            StatusCode::FORBIDDEN,
            "This verification link belongs to another account. Sign out of the console first, or open your own link.",
        );
    }
    let held = cookie_in(&headers, VERIFY_COOKIE);
    if let Some(secret) = q.k {
        // Reopening a used link in the browser that used it simply shows the page.
        if let Some(c) = &held
            && s.app.member_session(&id, c).await.is_ok()
        {
            return Redirect::to(&format!("/verify/{id}")).into_response();
        }
        return match s.app.check_verification_link(&id, &secret).await {
            Ok(()) => render(&OpenPage {
                session_id: id,
                secret,
            }),
            Err(e) => app_error(&e),
        };
    }
    let Some(c) = held else {
        return error_page(
            StatusCode::FORBIDDEN,
            "Open the verification link from your email again, or start from Settings → Identity Verification.",
        );
    };
    let member = match s.app.member_session(&id, &c).await {
        Ok(m) => m,
        Err(e) => return app_error(&e),
    };
    let ice = serde_json::to_string(&s.app.config().ice_servers).unwrap_or_else(|_| "[]".into());
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    render(&VerifyPage {
        session_id: id,
        csrf: member.csrf.clone(),
        ice_servers: ice,
        status: member.case.status.as_str(),
        browser: match browser::check(ua) {
            BrowserCheck::Supported => "supported",
            BrowserCheck::Unsupported => "unsupported",
            BrowserCheck::Mobile => "mobile",
        },
        unsupported_message: browser::UNSUPPORTED_BROWSER,
        mobile_message: browser::MOBILE_DEVICE,
        retention_days: s.app.policy().evidence_retention_days,
    })
}

fn with_cookie(s: &WebState, id: &str, value: &str) -> Response {
    let max_age = s.app.policy().verification_link_ms / 1000;
    let mut r = Redirect::to(&format!("/verify/{id}")).into_response();
    if let Ok(v) = set_cookie(VERIFY_COOKIE, value, max_age, s.secure_cookies).parse() {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

/// Settings → Identity Verification → "Start chat".
pub async fn start_chat(
    State(s): State<WebState>,
    viewer: Viewer,
    super::forms::ConsoleForm(f): super::forms::ConsoleForm<super::forms::CsrfOnly>,
) -> Response {
    if let Err(r) = viewer.check_csrf(&f.csrf) {
        return r;
    }
    match s.app.start_verification_chat(viewer.id()).await {
        Ok(value) => {
            let id = value.split('.').next().unwrap_or_default().to_owned();
            with_cookie(&s, &id, &value)
        }
        Err(e) => super::layout::after_post(
            &s,
            &viewer,
            "/settings/identity",
            Err(e),
            super::views::member_error,
        ),
    }
}

/// The member's browser, checked on every JSON call: the cookie, and for changes the token.
pub struct Member(pub MemberSession);

impl FromRequestParts<WebState> for Member {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, s: &WebState) -> Result<Self, ApiError> {
        let id = parts
            .uri
            .path()
            .trim_start_matches("/verify/")
            .split('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        let c = cookie(parts, VERIFY_COOKIE).ok_or_else(|| {
            ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "open your verification link again in this browser",
            )
        })?;
        let member = s.app.member_session(&id, &c).await?;
        if parts.method != axum::http::Method::GET {
            let sent = parts
                .headers
                .get(VERIFY_CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if !super::session::constant_time_eq(sent, &member.csrf) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    "the page is out of date; reload it and try again",
                ));
            }
        }
        Ok(Member(member))
    }
}

/// `GET /verify/{id}/state`: what the page shows now.
pub async fn state(State(s): State<WebState>, Member(m): Member) -> Result<Json<Value>, ApiError> {
    let case = s.app.verification_case(&m.case.id).await?;
    let member_place = s.app.member_place(&m).await?;
    let queue_agents = member_place.as_ref().and_then(|p| p.agents_available);
    let place = member_place.map(|p| p.place);
    let transcript = match &place {
        Some(p) if p.call.status == CallStatus::WithAgent => s
            .app
            .verification_transcript(&case.id)
            .await?
            .into_iter()
            .filter(|c| c.call_id == p.call.id)
            .collect(),
        _ => Vec::new(),
    };
    let invited = transcript
        .iter()
        .any(|m| m.sender == "system" && m.body == trustwork_app::verification_call::INVITE_LINE);
    let chat: Vec<Value> = transcript.iter().map(signalling::chat_json).collect();
    let documents: Vec<Value> = s
        .app
        .evidence_of_case(&case.id)
        .await?
        .iter()
        .filter(|e| EvidenceKind::DOCUMENTS.contains(&e.kind))
        .map(|e| json!({"kind": e.kind.as_str(), "label": e.kind.label(), "uploaded_at": e.created_at.to_human()}))
        .collect();
    Ok(Json(json!({
        "case_status": case.status.as_str(),
        "result": result_words(case.status),
        "review_due": case.review_due_at.map(|t| t.to_human()),
        "consent_given": m.session.consent_at.is_some(),
        "call": place.map(|p| json!({
            "id": p.call.id,
            "status": p.call.status.as_str(),
            "position": p.position,
            "estimated_wait_seconds": p.estimated_wait_seconds,
            "agents_available": queue_agents,
        })),
        "chat": chat,
        "invited": invited,
        "documents": documents,
    })))
}

/// The case's state in the member's words, when there is nothing more to do on the page.
fn result_words(status: CaseStatus) -> Option<&'static str> {
    match status {
        CaseStatus::Verified => Some("Your identity is verified. Thank you!"),
        CaseStatus::FurtherReview => Some(
            "Thank you. Another member of our team will review your verification; we will email you the result within 1–2 days.",
        ),
        CaseStatus::Failed => Some(
            "We could not verify your identity. We have emailed you what happens next and how to appeal.",
        ),
        CaseStatus::Pending | CaseStatus::NeedsDocuments | CaseStatus::Expired => None,
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinBody {
    #[serde(default)]
    consent: bool,
}

/// `POST /verify/{id}/queue` `{"consent": true}`.
pub async fn join(
    State(s): State<WebState>,
    Member(m): Member,
    Json(b): Json<JoinBody>,
) -> Result<Json<Value>, ApiError> {
    let call = s.app.join_verification_queue(&m, b.consent).await?;
    Ok(Json(
        json!({"call_id": call.id, "status": call.status.as_str()}),
    ))
}

/// `POST /verify/{id}/leave`.
pub async fn leave(State(s): State<WebState>, Member(m): Member) -> Result<Json<Value>, ApiError> {
    s.app.leave_verification_queue(&m).await?;
    Ok(Json(json!({"left": true})))
}

/// `POST /verify/{id}/documents`: multipart with `kind` and `file`.
pub async fn upload(
    State(s): State<WebState>,
    Member(m): Member,
    multipart: Multipart,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let (kind, bytes) = read_document(multipart).await?;
    let actor = trustwork_core::Actor::Account(m.session.account_id.clone());
    let e = s
        .app
        .add_evidence(&actor, &m.case.id, kind, &bytes, false)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": e.id, "kind": e.kind.as_str(), "content_type": e.content_type})),
    ))
}

/// Reads `kind` and `file` from a document upload; shared with the API.
pub async fn read_document(mut multipart: Multipart) -> Result<(EvidenceKind, Vec<u8>), ApiError> {
    let invalid =
        |message: String| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", message);
    let mut kind = None;
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(|e| {
        ApiError::new(
            e.status(),
            "invalid_upload",
            format!("the upload could not be read: {}", e.body_text()),
        )
    })? {
        match field.name().unwrap_or_default() {
            "kind" => {
                let text = field
                    .text()
                    .await
                    .map_err(|e| invalid(format!("kind: {}", e.body_text())))?;
                kind = Some(
                    EvidenceKind::DOCUMENTS
                        .into_iter()
                        .find(|k| k.as_str() == text)
                        .ok_or_else(|| {
                            invalid(format!(
                                "kind: expected id_front, id_back or selfie, got {text:?}"
                            ))
                        })?,
                );
            }
            "file" => {
                let bytes = field.bytes().await.map_err(|e| {
                    ApiError::new(
                        e.status(),
                        "invalid_upload",
                        format!("file: {}", e.body_text()),
                    )
                })?;
                file = Some(bytes.to_vec());
            }
            other => {
                return Err(invalid(format!(
                    "{other}: unknown field; send kind and file"
                )));
            }
        }
    }
    let kind = kind.ok_or_else(|| invalid("kind: missing (id_front, id_back or selfie)".into()))?;
    let file = file.ok_or_else(|| invalid("file: missing".into()))?;
    Ok((kind, file))
}

/// `GET /verify/{id}/ws`: the member's side of the call's signalling, once an agent has them.
pub async fn socket(
    State(s): State<WebState>,
    Member(m): Member,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    if !super::verification::same_origin(&headers) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "this socket is for this site's pages only",
        ));
    }
    let place = s.app.member_place(&m).await?;
    let Some(call) = place
        .map(|p| p.place.call)
        .filter(|c| c.status == CallStatus::WithAgent)
    else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_with_agent",
            "an agent has not taken you from the queue yet",
        ));
    };
    let until = Some(m.session.expires_at);
    Ok(ws
        .max_message_size(signalling::MAX_SIGNAL_BYTES)
        .on_upgrade(move |socket| {
            signalling::run(
                socket,
                s,
                call.id,
                Side::Member,
                until,
                signalling::Purpose::Verification,
            )
        }))
}

/// A console session if there is one; the hosted page works without.
pub struct OptionalViewer(Option<Viewer>);

impl FromRequestParts<WebState> for OptionalViewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, s: &WebState) -> Result<Self, Self::Rejection> {
        Ok(OptionalViewer(
            Viewer::from_request_parts(parts, s).await.ok(),
        ))
    }
}
