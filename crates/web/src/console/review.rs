//! The review queue, the case page and appeals: agents claim and resolve cases and decide
//! appeals; freelancers appeal their restrictions from My Stats.

use super::forms::ConsoleForm;
use super::layout::{Flash, Layout, after_post, app_error, render};
use super::session::Viewer;
use super::views::RestrictionView;
use crate::WebState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;
use trustwork_app::AppError;
use trustwork_app::review::{QueueFilter, ResolveRequest};
use trustwork_core::appeal::{Appeal, AppealDecision};
use trustwork_core::review::{Enforcement, Queue, Resolution, ReviewCase, SlaState};
use trustwork_core::{ReasonCode, Restriction, Role, Severity, Timestamp};

use super::session::ENFORCERS;

/// `content` as HTML with every span of `explanation_json`'s findings (`start`..`end`, byte
/// offsets) inside `<mark>`, and everything else escaped. Spans are clamped to the text, widened
/// to character boundaries (a detector may count bytes inside a multi-byte character), and
/// overlapping spans merged, so the markup is always well formed.
pub fn highlight(content: &str, explanation_json: &str) -> String {
    let mut spans: Vec<(usize, usize)> = serde_json::from_str::<Value>(explanation_json)
        .ok()
        .and_then(|v| v.get("findings").and_then(Value::as_array).cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|f| {
            let start = usize::try_from(f.get("start")?.as_u64()?).ok()?;
            let end = usize::try_from(f.get("end")?.as_u64()?).ok()?;
            let mut start = start.min(content.len());
            let mut end = end.min(content.len());
            while !content.is_char_boundary(start) {
                start -= 1;
            }
            while !content.is_char_boundary(end) {
                end += 1;
            }
            (start < end).then_some((start, end))
        })
        .collect();
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let mut out = String::with_capacity(content.len() + merged.len() * 13);
    let mut at = 0;
    for (s, e) in merged {
        escape_into(&mut out, &content[at..s]);
        out.push_str("<mark>");
        escape_into(&mut out, &content[s..e]);
        out.push_str("</mark>");
        at = e;
    }
    escape_into(&mut out, &content[at..]);
    out
}

pub(crate) fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

pub struct CaseRow {
    pub id: String,
    pub queue: &'static str,
    pub entity: String,
    pub subject: String,
    pub priority: i64,
    pub reports: i64,
    pub sla: &'static str,
    pub sla_due: String,
    pub claimed_by: String,
    pub status: &'static str,
    pub resolution: String,
}

impl CaseRow {
    fn new(c: &ReviewCase, sla: SlaState, now: Timestamp) -> Self {
        Self {
            id: c.id.clone(),
            queue: c.queue.as_str(),
            entity: format!("{} {}", c.entity_type.as_str(), c.entity_id),
            subject: c.subject_account_id.clone(),
            priority: c.priority,
            reports: c.reports,
            sla: sla.as_str(),
            sla_due: c.sla_due_at.to_human(),
            claimed_by: c.holder(now).unwrap_or_default().to_owned(),
            status: c.status.as_str(),
            resolution: c.resolution_action.clone().unwrap_or_else(|| {
                c.resolution
                    .map(|r| r.as_str().to_owned())
                    .unwrap_or_default()
            }),
        }
    }
}

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    #[serde(default)]
    queue: String,
    #[serde(default)]
    sla: String,
    #[serde(default)]
    status: String,
}

#[derive(Template)]
#[template(path = "review_queue.html")]
struct QueuePage {
    layout: Layout,
    queues: Vec<&'static str>,
    slas: Vec<&'static str>,
    queue: String,
    sla: String,
    resolved: bool,
    cases: Vec<CaseRow>,
}

pub async fn queue(
    State(s): State<WebState>,
    viewer: Viewer,
    Query(q): Query<QueueQuery>,
) -> Response {
    if let Err(r) = viewer.require(ENFORCERS) {
        return r;
    }
    let filter = QueueFilter {
        queue: Queue::parse(&q.queue),
        sla: SlaState::parse(&q.sla),
        status: (q.status == "resolved").then_some(trustwork_core::review::CaseStatus::Resolved),
    };
    let list = match s.app.review_queue(&filter).await {
        Ok(l) => l,
        Err(e) => return app_error(&e),
    };
    let now = s.app.now();
    let page = QueuePage {
        layout: Layout::new(&s, &viewer, "/review", "Review queue", Flash::default()).await,
        queues: Queue::ALL.iter().map(|q| q.as_str()).collect(),
        slas: SlaState::ALL.iter().map(|s| s.as_str()).collect(),
        queue: filter
            .queue
            .map(Queue::as_str)
            .unwrap_or_default()
            .to_owned(),
        sla: filter
            .sla
            .map(SlaState::as_str)
            .unwrap_or_default()
            .to_owned(),
        resolved: filter.status.is_some(),
        cases: list
            .iter()
            .map(|q| CaseRow::new(&q.case, q.sla, now))
            .collect(),
    };
    render(&page)
}

struct FindingRow {
    category: String,
    kind: String,
    value: String,
}

#[derive(Template)]
#[template(path = "review_case.html")]
struct CasePage {
    layout: Layout,
    case: CaseRow,
    open: bool,
    mine: bool,
    content_html: String,
    findings: Vec<FindingRow>,
    rules: Vec<String>,
    counters: Vec<(String, String)>,
    subject_id: String,
    subject_name: String,
    restrictions: Vec<RestrictionView>,
    previous: Vec<CaseRow>,
    flags: Vec<(String, String, String)>,
    default_reason: &'static str,
    reason_codes: Vec<super::views::ReasonOption>,
    note: String,
    /// The job post, when the case is a job post's review.
    job_id: Option<String>,
    /// Its text's version, sent back with the decision.
    job_version: String,
    /// For a message's case: the thread around it.
    conversation: Option<Conversation>,
    /// For a profile's case: the profile, its verified skills and the letters.
    profile: Option<super::profile_review::ProfileUnderReview>,
    /// Accounts linked to the subject (profiles, multiple accounts, account sharing).
    links: Vec<super::profile_review::LinkRow>,
    /// For a dispute's case: the dispute, its history and the settlement form.
    dispute: Option<super::dispute_review::DisputeUnderReview>,
}

/// A reported or refused message with the messages around it, as the agent reads it.
struct Conversation {
    thread_id: String,
    title: String,
    lines: Vec<ConversationLine>,
}

struct ConversationLine {
    sender: String,
    body: String,
    at: String,
    /// `delivered` or `blocked`.
    status: &'static str,
    /// The message the case is about.
    this_one: bool,
}

/// The thread around a message the case is about (none for other cases, or a message no
/// longer kept).
async fn conversation_of(
    s: &WebState,
    case: &trustwork_core::review::ReviewCase,
) -> Option<Conversation> {
    if case.entity_type != trustwork_core::review::EntityType::Message {
        return None;
    }
    let (view, at) = s.app.message_in_context(&case.entity_id, 5).await.ok()??;
    let senders: Vec<String> = view.messages.iter().map(|m| m.sender_id.clone()).collect();
    let names = s.app.display_names(&senders).await.unwrap_or_default();
    Some(Conversation {
        thread_id: view.thread.id.clone(),
        title: view.title.clone(),
        lines: view
            .messages
            .iter()
            .enumerate()
            .map(|(i, m)| ConversationLine {
                sender: names
                    .get(&m.sender_id)
                    .cloned()
                    .unwrap_or_else(|| m.sender_id.clone()),
                body: m.body.clone(),
                at: m.created_at.to_human(),
                status: m.status.as_str(),
                this_one: i == at,
            })
            .collect(),
    })
}

/// The version of the job post a job-post case is about ("" for other cases).
async fn job_version(s: &WebState, case: &trustwork_core::review::ReviewCase) -> String {
    if case.queue != trustwork_core::review::Queue::JobPosts {
        return String::new();
    }
    s.app
        .job(&case.entity_id)
        .await
        .map(|j| trustwork_app::jobs::content_version(&j))
        .unwrap_or_default()
}

pub async fn case_page(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    if let Err(r) = viewer.require(ENFORCERS) {
        return r;
    }
    let d = match s.app.review_case(&id).await {
        Ok(d) => d,
        Err(e) => return app_error(&e),
    };
    let now = s.app.now();
    let explanation: Value = serde_json::from_str(&d.case.explanation_json).unwrap_or(Value::Null);
    let text = |v: Option<&Value>| match v {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let findings = explanation["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| FindingRow {
            category: text(f.get("category")),
            kind: text(f.get("kind")),
            value: text(f.get("value")),
        })
        .collect();
    let rules = explanation["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| text(Some(r)))
        .collect();
    let counters = explanation["counters"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), text(Some(v))))
        .collect();
    let title = format!("Case {}", d.case.id);
    let page = CasePage {
        layout: Layout::new(&s, &viewer, "/review", &title, flash).await,
        job_id: (d.case.queue == trustwork_core::review::Queue::JobPosts)
            .then(|| d.case.entity_id.clone()),
        job_version: job_version(&s, &d.case).await,
        conversation: conversation_of(&s, &d.case).await,
        profile: super::profile_review::profile_of(&s, &d.case).await,
        links: super::profile_review::links_of(&s, &d.case).await,
        dispute: super::dispute_review::dispute_of(&s, &d.case).await,
        open: d.case.status == trustwork_core::review::CaseStatus::Open,
        mine: d.case.holder(now) == Some(viewer.id()),
        content_html: highlight(&d.case.content, &d.case.explanation_json),
        findings,
        rules,
        counters,
        subject_id: d.subject.id.clone(),
        subject_name: d.subject.display_name.clone(),
        restrictions: d
            .restrictions
            .iter()
            .rev()
            .map(|r| RestrictionView::new(r, now))
            .collect(),
        previous: d
            .previous_cases
            .iter()
            .map(|c| CaseRow::new(c, c.sla_state(now, &s.app.policy().review), now))
            .collect(),
        flags: d
            .flags
            .iter()
            .map(|f| {
                (
                    f.reporter_account_id.clone(),
                    f.reason.as_str().to_owned(),
                    f.note.clone(),
                )
            })
            .collect(),
        default_reason: d.case.queue.default_reason().as_str(),
        reason_codes: super::views::reason_options(),
        note: d.case.resolution_note.clone().unwrap_or_default(),
        case: CaseRow::new(&d.case, d.sla, now),
    };
    render(&page)
}

fn back(s: &WebState, viewer: &Viewer, to: &str, result: Result<String, AppError>) -> Response {
    after_post(s, viewer, to, result, |e| e.to_string())
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn claim(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ConsoleForm(f): ConsoleForm<CsrfForm>,
) -> Response {
    if let Err(r) = viewer
        .require(ENFORCERS)
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    let result = s.app.claim_review_case(viewer.id(), &id).await.map(|c| {
        format!(
            "Claimed until {}.",
            c.claim_expires_at
                .map(Timestamp::to_human)
                .unwrap_or_default()
        )
    });
    back(&s, &viewer, &format!("/review/{id}"), result)
}

pub async fn release(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ConsoleForm(f): ConsoleForm<CsrfForm>,
) -> Response {
    if let Err(r) = viewer
        .require(ENFORCERS)
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    let result = s
        .app
        .release_review_case(viewer.id(), &id)
        .await
        .map(|_| "Released to the queue.".to_owned());
    back(&s, &viewer, &format!("/review/{id}"), result)
}

#[derive(Deserialize)]
pub struct ResolveForm {
    csrf: String,
    /// `dismiss`, `warning`, `hold` or `escalate`: the one-click buttons.
    act: String,
    #[serde(default)]
    reason_code: String,
    #[serde(default)]
    note: String,
}

pub async fn resolve(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ConsoleForm(f): ConsoleForm<ResolveForm>,
) -> Response {
    if let Err(r) = viewer
        .require(ENFORCERS)
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    let enforce = |severity| {
        ReasonCode::parse(&f.reason_code)
            .map(|reason| Enforcement { severity, reason })
            .ok_or_else(|| AppError::invalid("reason_code", "choose a reason"))
    };
    let request = match f.act.as_str() {
        "dismiss" => Ok((Resolution::Dismissed, None)),
        "escalate" => Ok((Resolution::Escalated, None)),
        "warning" => enforce(Severity::Warning).map(|e| (Resolution::Upheld, Some(e))),
        "hold" => enforce(Severity::Hold).map(|e| (Resolution::Upheld, Some(e))),
        _ => Err(AppError::invalid("act", "choose an action")),
    };
    let result = match request {
        Ok((resolution, action)) => s
            .app
            .resolve_review_case(
                viewer.id(),
                &id,
                ResolveRequest {
                    resolution,
                    action,
                    note: f.note,
                },
            )
            .await
            .map(|c| {
                format!(
                    "Case {}{}.",
                    resolution.as_str(),
                    c.resolution_action
                        .map(|a| format!(" ({a})"))
                        .unwrap_or_default()
                )
            }),
        Err(e) => Err(e),
    };
    back(&s, &viewer, &format!("/review/{id}"), result)
}

pub struct AppealRow {
    pub id: String,
    pub restriction: RestrictionView,
    pub account_id: String,
    pub statement: String,
    pub status: &'static str,
    pub filed_at: String,
    pub decision_note: String,
}

impl AppealRow {
    fn new(a: &Appeal, r: &Restriction, now: Timestamp) -> Self {
        Self {
            id: a.id.clone(),
            restriction: RestrictionView::new(r, now),
            account_id: a.account_id.clone(),
            statement: a.statement.clone(),
            status: a.status.as_str(),
            filed_at: a.filed_at.to_human(),
            decision_note: a.decision_note.clone().unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "appeals.html")]
struct AppealsPage {
    layout: Layout,
    open: Vec<AppealRow>,
    decided: Vec<AppealRow>,
}

pub async fn appeals(
    State(s): State<WebState>,
    viewer: Viewer,
    Query(flash): Query<Flash>,
) -> Response {
    if let Err(r) = viewer.require(ENFORCERS) {
        return r;
    }
    let now = s.app.now();
    let loaded = async {
        let mut rows = Vec::new();
        for a in s.app.appeals(None).await? {
            let r = s.app.restriction(&a.restriction_id).await?;
            rows.push(AppealRow::new(&a, &r, now));
        }
        Ok::<_, AppError>(rows)
    }
    .await;
    let rows = match loaded {
        Ok(r) => r,
        Err(e) => return app_error(&e),
    };
    let (open, decided) = rows.into_iter().partition(|r| r.status == "open");
    let page = AppealsPage {
        layout: Layout::new(&s, &viewer, "/appeals", "Appeals", flash).await,
        open,
        decided,
    };
    render(&page)
}

#[derive(Deserialize)]
pub struct DecideForm {
    csrf: String,
    decision: String,
    note: String,
}

pub async fn decide(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ConsoleForm(f): ConsoleForm<DecideForm>,
) -> Response {
    if let Err(r) = viewer
        .require(ENFORCERS)
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    let result = match AppealDecision::parse(&f.decision) {
        Some(d) => s
            .app
            .decide_appeal(viewer.id(), &id, d, &f.note)
            .await
            .map(|a| format!("Appeal {}.", a.status.as_str())),
        None => Err(AppError::invalid("decision", "choose uphold or overturn")),
    };
    back(&s, &viewer, "/appeals", result)
}

/// A restriction on My Stats with what the freelancer can do about it.
pub struct StatsAppeal {
    pub restriction: RestrictionView,
    pub overturned: bool,
    /// The appeal's status, once filed.
    pub appeal: Option<&'static str>,
    pub can_appeal: bool,
}

/// The appeal column of My Stats: every restriction, newest first, with its appeal.
pub async fn stats_appeals(s: &WebState, restrictions: &[Restriction]) -> Vec<StatsAppeal> {
    let now = s.app.now();
    let window = s.app.policy().review.appeal_window_days;
    let appeals = match restrictions.first() {
        Some(r) => s.app.appeals_of(&r.account_id).await.unwrap_or_default(),
        None => Vec::new(),
    };
    restrictions
        .iter()
        .rev()
        .map(|r| {
            let appeal = appeals.iter().find(|a| a.restriction_id == r.id);
            StatsAppeal {
                restriction: RestrictionView::new(r, now),
                overturned: r.overturned_at.is_some(),
                appeal: appeal.map(|a| a.status.as_str()),
                can_appeal: trustwork_core::appeal::may_file(r, appeal, now, window).is_ok(),
            }
        })
        .collect()
}

#[derive(Deserialize)]
pub struct AppealForm {
    csrf: String,
    statement: String,
}

/// A freelancer appeals one of their own restrictions.
pub async fn file_appeal(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ConsoleForm(f): ConsoleForm<AppealForm>,
) -> Response {
    if let Err(r) = viewer
        .require(&[Role::Freelancer, Role::Client])
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    let result = s
        .app
        .file_appeal(&viewer.actor(), &id, &f.statement)
        .await
        .map(|_| "Appeal sent. We will email you the decision.".to_owned());
    back(&s, &viewer, "/stats", result)
}

#[cfg(test)]
mod tests {
    use super::highlight;

    #[test]
    fn marks_spans_and_escapes_the_rest() {
        let text = "<b>mail</b> me@x.io & call";
        let start = text.find("me@").unwrap();
        let json = format!(
            r#"{{"findings":[{{"start":{start},"end":{}}}]}}"#,
            start + 7
        );
        assert_eq!(
            highlight(text, &json),
            "&lt;b&gt;mail&lt;/b&gt; <mark>me@x.io</mark> &amp; call"
        );
    }

    #[test]
    fn spans_are_clamped_merged_and_kept_on_char_boundaries() {
        // "é" is two bytes; a span ending inside it is widened to include it.
        let text = "café pay";
        assert_eq!(
            highlight(
                text,
                r#"{"findings":[{"start":2,"end":4},{"start":3,"end":5}]}"#
            ),
            "ca<mark>fé</mark> pay"
        );
        assert_eq!(
            highlight(text, r#"{"findings":[{"start":6,"end":999}]}"#),
            "café <mark>pay</mark>"
        );
        assert_eq!(highlight(text, "not json"), "café pay");
        assert_eq!(
            highlight(text, r#"{"findings":[{"start":5,"end":2}]}"#),
            "café pay"
        );
    }
}

#[derive(Deserialize)]
pub struct JobDecisionForm {
    csrf: String,
    /// The version of the post shown on the page.
    #[serde(default)]
    version: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
}

/// The case an agent's decision form names, when the agent may decide it and it is of the kind
/// the form decides (`is_kind`); otherwise the answer to send (`not_kind` says what it is not).
pub(super) async fn case_to_decide(
    s: &WebState,
    viewer: &Viewer,
    id: &str,
    csrf: &str,
    is_kind: fn(&trustwork_core::review::ReviewCase) -> bool,
    not_kind: &str,
) -> Result<trustwork_core::review::ReviewCase, Response> {
    viewer
        .require(ENFORCERS)
        .and_then(|()| viewer.check_csrf(csrf))?;
    match s.app.review_case(id).await {
        Ok(c) if is_kind(&c.case) => Ok(c.case),
        Ok(_) => Err(super::layout::error_page(
            axum::http::StatusCode::NOT_FOUND,
            not_kind,
        )),
        Err(e) => Err(app_error(&e)),
    }
}

/// `POST /review/{id}/job`: approve, reject or send back the job post this case reviews.
pub async fn decide_job(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ConsoleForm(f): ConsoleForm<JobDecisionForm>,
) -> Response {
    let case = match case_to_decide(
        &s,
        &viewer,
        &id,
        &f.csrf,
        |c| c.queue == trustwork_core::review::Queue::JobPosts,
        "This case is not a job post's review.",
    )
    .await
    {
        Ok(c) => c,
        Err(r) => return r,
    };
    let here = format!("/review/{id}");
    let Some(decision) = trustwork_core::marketplace::JobReviewDecision::parse(&f.decision) else {
        return after_post(
            &s,
            &viewer,
            &here,
            Err(trustwork_app::AppError::invalid(
                "decision",
                "choose approve, ask for changes or reject",
            )),
            super::views::member_error,
        );
    };
    let result = s
        .app
        .review_job_seen(
            viewer.id(),
            &case.entity_id,
            decision,
            &f.note,
            Some(f.version.as_str()).filter(|v| !v.is_empty()),
        )
        .await
        .map(|j| {
            format!(
                "Job post {}: {}.",
                j.title,
                j.status.as_str().replace('_', " ")
            )
        });
    after_post(&s, &viewer, &here, result, super::views::member_error)
}
