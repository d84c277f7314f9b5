//! The support desk for agents (issue 18): chats waiting and going on within the agent's
//! capacity, tickets by their first-response clock, a ticket's page with replies, notes, macros,
//! status, assignee, priority and merge beside what Trustwork knows about the member, macros and
//! the report.

use super::forms::ConsoleForm;
use super::layout::{Flash, Kind, Layout, after_post, app_error, flash, render};
use super::live_chat::{ChatRow, chat_rows};
use super::session::Viewer;
use super::views::member_error;
use crate::WebState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use trustwork_app::AppError;
use trustwork_app::tickets::{MemberPanel, TicketView};
use trustwork_core::live_chat::ChatStatus;
use trustwork_core::tickets::{PRIORITIES, TicketStatus};
use trustwork_core::{Role, Timestamp};

/// Who works the desk.
pub const DESK: &[Role] = &[Role::Support, Role::Agent, Role::Admin];

pub(super) struct Row {
    pub(super) label: String,
    pub(super) detail: String,
}

/// The member as the agent sees them beside a ticket or chat.
pub struct PanelView {
    pub(super) account_id: String,
    pub(super) name: String,
    pub(super) email: String,
    pub(super) role: &'static str,
    pub(super) standing: &'static str,
    pub(super) standing_key: &'static str,
    pub(super) verification: String,
    pub(super) restrictions: Vec<Row>,
    pub(super) cases: Vec<Row>,
    pub(super) decisions: Vec<Row>,
}

impl PanelView {
    pub fn new(p: &MemberPanel, now: Timestamp) -> Self {
        Self {
            account_id: p.account.id.clone(),
            name: p.account.display_name.clone(),
            email: p.account.email.clone(),
            role: p.account.role.as_str(),
            standing: p.standing.label(),
            standing_key: p.standing.as_str(),
            verification: p.verification.clone(),
            restrictions: p
                .restrictions
                .iter()
                .map(|r| Row {
                    label: format!("{}: {}", capitalised(r.severity.as_str()), r.reason.label()),
                    detail: format!(
                        "since {}; {}{}",
                        r.created_at.to_human(),
                        r.lift.describe(),
                        if r.is_active(now) && !r.note.is_empty() {
                            format!(". Note: {}", r.note)
                        } else {
                            String::new()
                        }
                    ),
                })
                .collect(),
            cases: p
                .open_cases
                .iter()
                .map(|c| Row {
                    label: format!("{} review", c.queue.as_str().replace('_', " ")),
                    detail: format!(
                        "opened {}, {} report(s)",
                        c.created_at.to_human(),
                        c.reports
                    ),
                })
                .collect(),
            decisions: p
                .decisions
                .iter()
                .map(|d| Row {
                    label: d.verdict.clone(),
                    detail: if d.reason.is_empty() {
                        "nothing found".to_owned()
                    } else {
                        d.reason.clone()
                    },
                })
                .collect(),
        }
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

struct QueueRow {
    id: String,
    number: i64,
    member: String,
    category: &'static str,
    subject: String,
    status: &'static str,
    priority: String,
    assignee: String,
    sla: &'static str,
    due: String,
}

#[derive(Template)]
#[template(path = "desk.html")]
struct DeskPage {
    layout: Layout,
    available: bool,
    capacity: i64,
    active_count: i64,
    /// Why this agent cannot take a chat now, if they cannot.
    cannot_take: Option<String>,
    waiting: Vec<ChatRow>,
    mine: Vec<ChatRow>,
    tickets: Vec<QueueRow>,
}

/// `GET /desk`.
pub async fn home(
    State(s): State<WebState>,
    viewer: Viewer,
    Query(flash): Query<Flash>,
) -> Response {
    if let Err(r) = viewer.require(DESK) {
        return r;
    }
    let loaded = async {
        let me = s
            .app
            .support_agents()
            .await?
            .into_iter()
            .find(|a| a.account_id == viewer.id());
        let waiting = chat_rows(&s, &s.app.chats_in(ChatStatus::Waiting).await?).await?;
        let mine = chat_rows(&s, &s.app.active_chats_of(viewer.id()).await?).await?;
        let queue = s.app.ticket_queue(200).await?;
        let mut names = std::collections::HashMap::new();
        let mut tickets = Vec::new();
        for q in queue {
            let t = &q.ticket;
            let mut name = async |id: &str| -> Result<String, AppError> {
                if let Some(n) = names.get(id) {
                    return Ok(String::clone(n));
                }
                let n = s.app.account(id).await?.display_name;
                names.insert(id.to_owned(), n.clone());
                Ok(n)
            };
            tickets.push(QueueRow {
                id: t.id.clone(),
                number: t.number,
                member: name(&t.account_id).await?,
                category: t.category.label(),
                subject: t.subject.clone(),
                status: t.status.as_str(),
                priority: t.priority.clone(),
                assignee: match &t.assignee_id {
                    Some(a) => name(a).await?,
                    None => "—".into(),
                },
                sla: q.sla.state.as_str(),
                due: q.sla.due_at.map(|d| d.to_human()).unwrap_or_default(),
            });
        }
        Ok::<_, AppError>((me, waiting, mine, tickets))
    }
    .await;
    let (me, waiting, mine, tickets) = match loaded {
        Ok(v) => v,
        Err(e) => return app_error(&e),
    };
    let (available, capacity, active) = me
        .map_or((false, trustwork_app::tickets::DEFAULT_CAPACITY, 0), |m| {
            (m.available, m.capacity, m.active_chats)
        });
    let cannot_take = if !available {
        Some("Turn on “Taking chats” to take one.".to_owned())
    } else if active >= capacity {
        Some(format!(
            "You have {active} chats, your capacity: end one or raise the capacity."
        ))
    } else {
        None
    };
    let page = DeskPage {
        layout: Layout::new(&s, &viewer, "/desk", "Support desk", flash).await,
        available,
        capacity,
        active_count: active,
        cannot_take,
        waiting,
        mine,
        tickets,
    };
    render(&page)
}

#[derive(Deserialize)]
pub struct AvailabilityForm {
    csrf: String,
    #[serde(default)]
    available: Option<String>,
    capacity: String,
}

/// `POST /desk/availability`.
pub async fn availability(
    State(s): State<WebState>,
    viewer: Viewer,
    ConsoleForm(f): ConsoleForm<AvailabilityForm>,
) -> Response {
    if let Err(r) = viewer
        .require(DESK)
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    let result = match f.capacity.trim().parse::<i64>() {
        Ok(capacity) => {
            let available = f.available.is_some();
            s.app
                .set_chat_availability(viewer.id(), available, capacity)
                .await
                .map(|()| {
                    if available {
                        format!("You are taking chats, up to {capacity} at once.")
                    } else {
                        "You are not taking chats.".to_owned()
                    }
                })
        }
        Err(_) => Err(AppError::invalid("capacity", "a whole number of chats")),
    };
    after_post(&s, &viewer, "/desk", result, member_error)
}

struct DeskMessage {
    who: String,
    public: bool,
    body: String,
    at: String,
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// What the agent typed into the ticket page's reply form, kept after a refusal.
#[derive(Default)]
struct ReplyTyped {
    body: String,
    internal: bool,
}

#[derive(Template)]
#[template(path = "desk_ticket.html")]
struct TicketPage {
    layout: Layout,
    id: String,
    subject: String,
    category: &'static str,
    subcategory: String,
    channel: String,
    status: &'static str,
    status_words: String,
    priority: String,
    sla_state: &'static str,
    sla_words: String,
    details: String,
    merged_into: Option<String>,
    satisfaction: String,
    messages: Vec<DeskMessage>,
    files: Vec<super::support::FileRow>,
    statuses: Vec<Choice>,
    priorities: Vec<Choice>,
    assignees: Vec<Choice>,
    macros: Vec<Choice>,
    closed: bool,
    panel: PanelView,
    typed: ReplyTyped,
}

fn sla_words(v: &TicketView) -> String {
    use trustwork_core::tickets::SlaState;
    let due = v.sla.due_at.map(|d| d.to_human()).unwrap_or_default();
    match v.sla.state {
        SlaState::Ok => format!("First response due by {due}"),
        SlaState::DueSoon => format!("First response due soon: by {due}"),
        SlaState::Breached if v.ticket.first_response_at.is_none() => {
            format!("First response overdue since {due}")
        }
        SlaState::Breached => "First response was late".to_owned(),
        SlaState::Paused => "Clock paused while waiting for the member".to_owned(),
        SlaState::Met => "First response in time".to_owned(),
    }
}

async fn ticket_page(
    s: &WebState,
    viewer: &Viewer,
    id: &str,
    flash: Flash,
    typed: ReplyTyped,
) -> Response {
    let loaded = async {
        let v = s.app.ticket(id).await?;
        let panel = s.app.member_panel(&v.ticket.account_id).await?;
        let macros = s.app.ticket_macros().await?;
        let agents = s.app.support_agents().await?;
        let mut messages = Vec::new();
        for m in &v.messages {
            let who = match &m.author_id {
                Some(a) => s.app.account(a).await?.display_name,
                None => "Trustwork".to_owned(),
            };
            messages.push(DeskMessage {
                who,
                public: m.public,
                body: m.body.clone(),
                at: m.created_at.to_human(),
            });
        }
        let mut assignees = vec![Choice {
            value: String::new(),
            label: "Nobody (the queue)".into(),
            selected: v.ticket.assignee_id.is_none(),
        }];
        let mut ids: Vec<String> = agents.into_iter().map(|a| a.account_id).collect();
        if !ids.iter().any(|i| i == viewer.id()) {
            ids.insert(0, viewer.id().to_owned());
        }
        if let Some(a) = &v.ticket.assignee_id
            && !ids.contains(a)
        {
            ids.push(a.clone());
        }
        for a in ids {
            let name = s.app.account(&a).await?.display_name;
            assignees.push(Choice {
                selected: v.ticket.assignee_id.as_deref() == Some(a.as_str()),
                label: if a == viewer.id() {
                    format!("{name} (me)")
                } else {
                    name
                },
                value: a,
            });
        }
        let merged_into = match &v.ticket.merged_into {
            Some(t) => Some(s.app.ticket(t).await?.ticket.number.to_string()),
            None => None,
        };
        Ok::<_, AppError>((v, panel, macros, messages, assignees, merged_into))
    }
    .await;
    let (v, panel, macros, messages, assignees, merged_into) = match loaded {
        Ok(x) => x,
        Err(e) => return app_error(&e),
    };
    let t = &v.ticket;
    let page = TicketPage {
        layout: Layout::new(s, viewer, "/desk", &format!("Ticket #{}", t.number), flash).await,
        id: t.id.clone(),
        subject: t.subject.clone(),
        category: t.category.label(),
        subcategory: t.subcategory.clone().unwrap_or_default(),
        channel: t.channel.replace('_', " "),
        status: t.status.as_str(),
        status_words: t.status.as_str().replace('_', " "),
        priority: t.priority.clone(),
        sla_state: v.sla.state.as_str(),
        sla_words: sla_words(&v),
        details: t.details.clone(),
        merged_into,
        satisfaction: match (&t.satisfaction, &t.satisfaction_comment) {
            (Some(r), Some(c)) if !c.is_empty() => format!("{r}: “{c}”"),
            (Some(r), _) => r.clone(),
            (None, _) => String::new(),
        },
        messages,
        files: super::support::file_rows(&v),
        statuses: TicketStatus::ALL
            .iter()
            .map(|st| Choice {
                value: st.as_str().into(),
                label: st.as_str().replace('_', " "),
                selected: *st == t.status,
            })
            .collect(),
        priorities: PRIORITIES
            .iter()
            .map(|p| Choice {
                value: (*p).into(),
                label: (*p).into(),
                selected: *p == t.priority,
            })
            .collect(),
        assignees,
        macros: macros
            .iter()
            .map(|m| Choice {
                value: m.id.clone(),
                label: m.name.clone(),
                selected: false,
            })
            .collect(),
        closed: t.status == TicketStatus::Closed,
        panel: PanelView::new(&panel, s.app.now()),
        typed,
    };
    render(&page)
}

/// `GET /desk/tickets/{id}`.
pub async fn ticket(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    if let Err(r) = viewer.require(DESK) {
        return r;
    }
    ticket_page(&s, &viewer, &id, flash, ReplyTyped::default()).await
}

#[derive(Deserialize)]
pub struct ReplyForm {
    csrf: String,
    #[serde(default)]
    body: String,
    /// `public` or `internal`.
    #[serde(default)]
    visibility: String,
    #[serde(default)]
    macro_id: String,
}

/// `POST /desk/tickets/{id}/reply`: a reply (emailed), an internal note, or a macro.
pub async fn reply(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ConsoleForm(f): ConsoleForm<ReplyForm>,
) -> Response {
    if let Err(r) = viewer
        .require(DESK)
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    let internal = f.visibility == "internal";
    let result = if !f.macro_id.is_empty() && f.body.trim().is_empty() {
        s.app
            .reply_with_macro(&id, viewer.id(), &f.macro_id)
            .await
            .map(|_| "The macro's reply was sent by email.".to_owned())
    } else if !f.macro_id.is_empty() {
        Err(AppError::invalid(
            "body",
            "choose a macro or write a reply, not both",
        ))
    } else {
        s.app
            .reply_to_ticket(&id, viewer.id(), &f.body, !internal, None)
            .await
            .map(|_| {
                if internal {
                    "Note added (the member does not see it).".to_owned()
                } else {
                    "Reply sent to the member by email.".to_owned()
                }
            })
    };
    match result {
        Ok(notice) => flash(
            &s,
            &viewer,
            &format!("/desk/tickets/{id}"),
            Kind::Notice,
            &notice,
        ),
        Err(e) if crate::error::status_of(&e).is_client_error() && e.code() != "not_found" => {
            let typed = ReplyTyped {
                body: f.body,
                internal,
            };
            let mut page =
                ticket_page(&s, &viewer, &id, Flash::error(member_error(&e)), typed).await;
            *page.status_mut() = crate::error::status_of(&e);
            page
        }
        Err(e) => app_error(&e),
    }
}

#[derive(Deserialize)]
pub struct FieldForm {
    csrf: String,
    value: String,
}

/// `POST /desk/tickets/{id}/{field}`: status, assignee, priority or merge (into a ticket number).
pub async fn change(
    State(s): State<WebState>,
    viewer: Viewer,
    Path((id, field)): Path<(String, String)>,
    ConsoleForm(f): ConsoleForm<FieldForm>,
) -> Response {
    if let Err(r) = viewer
        .require(DESK)
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    let me = viewer.id();
    let result = match field.as_str() {
        "status" => match TicketStatus::parse(&f.value) {
            Some(st) => s
                .app
                .set_ticket_status(&id, me, st)
                .await
                .map(|_| format!("Status: {}.", st.as_str().replace('_', " "))),
            None => Err(AppError::invalid("status", "choose a status")),
        },
        "assignee" => {
            let to = Some(f.value.as_str()).filter(|v| !v.is_empty());
            s.app
                .assign_ticket(&id, me, to)
                .await
                .map(|_| "Assignee changed.".to_owned())
        }
        "priority" => s
            .app
            .set_ticket_priority(&id, me, &f.value)
            .await
            .map(|_| format!("Priority: {}.", f.value)),
        "merge" => return merge(&s, &viewer, &id, &f.value).await,
        _ => {
            return app_error(&AppError::NotFound {
                entity: "page",
                id: field,
            });
        }
    };
    after_post(
        &s,
        &viewer,
        &format!("/desk/tickets/{id}"),
        result,
        member_error,
    )
}

async fn merge(s: &WebState, viewer: &Viewer, id: &str, number: &str) -> Response {
    let back = format!("/desk/tickets/{id}");
    let number = number.trim().trim_start_matches('#');
    let target = match number.parse::<i64>() {
        Ok(n) => s.app.ticket_by_number(n).await,
        Err(_) => Err(AppError::invalid(
            "into",
            "the number of the original ticket, e.g. 100042",
        )),
    };
    let result = match target {
        Ok(Some(t)) => s.app.merge_ticket(id, viewer.id(), &t.id).await,
        Ok(None) => Err(AppError::invalid("into", "no ticket has this number")),
        Err(e) => Err(e),
    };
    match result {
        Ok(v) => flash(
            s,
            viewer,
            &format!("/desk/tickets/{}", v.ticket.id),
            Kind::Notice,
            &format!("Merged into #{}.", v.ticket.number),
        ),
        Err(e) => after_post(s, viewer, &back, Err(e), member_error),
    }
}

struct MacroRow {
    name: String,
    body: String,
    status: String,
}

#[derive(Template)]
#[template(path = "desk_macros.html")]
struct MacrosPage {
    layout: Layout,
    macros: Vec<MacroRow>,
    name: String,
    body: String,
    statuses: Vec<Choice>,
}

async fn macros_page(
    s: &WebState,
    viewer: &Viewer,
    flash: Flash,
    name: String,
    body: String,
) -> Response {
    let macros = match s.app.ticket_macros().await {
        Ok(m) => m,
        Err(e) => return app_error(&e),
    };
    let page = MacrosPage {
        layout: Layout::new(s, viewer, "/desk", "Macros", flash).await,
        macros: macros
            .into_iter()
            .map(|m| MacroRow {
                name: m.name,
                body: m.body,
                status: m
                    .status
                    .map(|st| st.replace('_', " "))
                    .unwrap_or_else(|| "waiting for the member".into()),
            })
            .collect(),
        name,
        body,
        statuses: TicketStatus::ALL
            .iter()
            .map(|st| Choice {
                value: st.as_str().into(),
                label: st.as_str().replace('_', " "),
                selected: *st == TicketStatus::PendingMember,
            })
            .collect(),
    };
    render(&page)
}

/// `GET /desk/macros`.
pub async fn macros(
    State(s): State<WebState>,
    viewer: Viewer,
    Query(flash): Query<Flash>,
) -> Response {
    if let Err(r) = viewer.require(DESK) {
        return r;
    }
    macros_page(&s, &viewer, flash, String::new(), String::new()).await
}

#[derive(Deserialize)]
pub struct MacroForm {
    csrf: String,
    name: String,
    body: String,
    status: String,
}

/// `POST /desk/macros`.
pub async fn create_macro(
    State(s): State<WebState>,
    viewer: Viewer,
    ConsoleForm(f): ConsoleForm<MacroForm>,
) -> Response {
    if let Err(r) = viewer
        .require(DESK)
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    let status = TicketStatus::parse(&f.status);
    match s
        .app
        .create_ticket_macro(viewer.id(), &f.name, &f.body, status)
        .await
    {
        Ok(m) => flash(
            &s,
            &viewer,
            "/desk/macros",
            Kind::Notice,
            &format!("Macro “{}” saved.", m.name),
        ),
        Err(e) if crate::error::status_of(&e).is_client_error() => {
            let mut page =
                macros_page(&s, &viewer, Flash::error(member_error(&e)), f.name, f.body).await;
            *page.status_mut() = crate::error::status_of(&e);
            page
        }
        Err(e) => app_error(&e),
    }
}

struct FigureRow {
    key: String,
    tickets: u64,
    met: String,
    first_response: String,
    resolution: String,
    satisfaction: String,
}

fn figure_row(key: String, f: &trustwork_core::support_report::Figures) -> FigureRow {
    let minutes = |m: Option<i64>| match m {
        None => "—".to_owned(),
        Some(m) if m < 60 => format!("{m} min"),
        Some(m) => format!("{:.1} h", m as f64 / 60.0),
    };
    let share = |part: u64, of: u64, what: &str| match (part * 100).checked_div(of) {
        None => "—".to_owned(),
        Some(pct) => format!("{pct}% ({part} of {of}{what})"),
    };
    FigureRow {
        key,
        tickets: f.tickets,
        met: share(f.met, f.met + f.breached, ""),
        first_response: minutes(f.median_first_response_minutes),
        resolution: minutes(f.median_resolution_minutes),
        satisfaction: share(f.satisfaction_good, f.satisfaction_answers, " answers good"),
    }
}

struct Section {
    id: &'static str,
    title: &'static str,
    head: &'static str,
    rows: Vec<FigureRow>,
}

#[derive(Template)]
#[template(path = "desk_report.html")]
struct ReportPage {
    layout: Layout,
    since: String,
    sections: Vec<Section>,
    backlog: trustwork_core::support_report::Backlog,
}

/// `GET /desk/report`: the last 30 days.
pub async fn report(
    State(s): State<WebState>,
    viewer: Viewer,
    Query(flash): Query<Flash>,
) -> Response {
    if let Err(r) = viewer.require(DESK) {
        return r;
    }
    let since = s.app.now().plus_days(-30);
    let r = match s.app.support_report(since).await {
        Ok(r) => r,
        Err(e) => return app_error(&e),
    };
    let mut agents = Vec::new();
    for (id, f) in &r.by_agent {
        let name = if id == "unassigned" {
            "Unassigned".to_owned()
        } else {
            s.app
                .account(id)
                .await
                .map(|a| a.display_name)
                .unwrap_or_else(|_| id.clone())
        };
        agents.push(figure_row(name, f));
    }
    let page = ReportPage {
        layout: Layout::new(&s, &viewer, "/desk/report", "Support report", flash).await,
        since: since.to_human(),
        sections: vec![
            Section {
                id: "overall",
                title: "Overall",
                head: "",
                rows: vec![figure_row("All tickets".into(), &r.overall)],
            },
            Section {
                id: "categories",
                title: "By category",
                head: "Category",
                rows: r
                    .by_category
                    .iter()
                    .map(|(k, f)| {
                        let label = trustwork_core::tickets::TicketCategory::parse(k)
                            .map_or(k.clone(), |c| c.label().to_owned());
                        figure_row(label, f)
                    })
                    .collect(),
            },
            Section {
                id: "agents",
                title: "By agent",
                head: "Agent",
                rows: agents,
            },
        ],
        backlog: r.backlog,
    };
    render(&page)
}
