//! Pages for freelancers and clients.

use super::forms::ConsoleForm;
use super::layout::{Flash, Kind, Layout, after_post, app_error, flash, render};
use super::session::Viewer;
use super::views::{CaseView, ContractView, ProposalView, RestrictionView, money};
use crate::WebState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use trustwork_core::standing::TopRatedHoldCheck;
use trustwork_core::{Capability, Role};

use super::session::MEMBERS;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    is_freelancer: bool,
    standing: &'static str,
    standing_label: &'static str,
    active: Vec<RestrictionView>,
    denied: Vec<&'static str>,
    balance: String,
    can_withdraw: bool,
    /// Why not, in words, when withdrawals are refused.
    withdraw_blocked: String,
    active_proposals: usize,
    active_contracts: usize,
    identity_verified: bool,
}

pub async fn dashboard(
    State(s): State<WebState>,
    viewer: Viewer,
    Query(flash): Query<Flash>,
) -> Response {
    if let Err(r) = viewer.require(MEMBERS) {
        return r;
    }
    let result = async {
        let o = s.app.account_overview(viewer.id()).await?;
        let proposals = s.app.proposals_of(viewer.id()).await?;
        let contracts = s.app.contracts_of(viewer.id()).await?;
        Ok::<_, trustwork_app::AppError>((o, proposals, contracts))
    }
    .await;
    let (o, proposals, contracts) = match result {
        Ok(v) => v,
        Err(e) => return app_error(&e),
    };
    let now = s.app.now();
    let denied = o
        .permissions
        .iter()
        .filter(|(_, p)| !p.allowed)
        .map(|(c, _)| c.describe())
        .collect();
    let withdraw = o
        .permissions
        .iter()
        .find(|(c, _)| *c == Capability::WithdrawEarnings);
    let can_withdraw = withdraw.is_some_and(|(_, p)| p.allowed);
    let withdraw_blocked = withdraw
        .filter(|(_, p)| !p.allowed)
        .map(|(c, p)| super::views::denial_text(*c, &p.reasons))
        .unwrap_or_default();
    let page = DashboardPage {
        layout: Layout::new(&s, &viewer, "/dashboard", "Dashboard", flash).await,
        is_freelancer: viewer.role() == Role::Freelancer,
        standing: o.standing.as_str(),
        standing_label: o.standing.label(),
        active: o
            .active_restrictions(now)
            .into_iter()
            .map(|r| RestrictionView::new(r, now))
            .collect(),
        denied,
        balance: money(o.account.balance_cents),
        can_withdraw,
        withdraw_blocked,
        active_proposals: proposals.iter().filter(|p| p.status.is_active()).count(),
        active_contracts: contracts
            .iter()
            .filter(|c| c.status == trustwork_core::marketplace::ContractStatus::Active)
            .count(),
        identity_verified: o.identity_verified(),
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "identity.html")]
struct IdentityPage {
    layout: Layout,
    verified: bool,
    verified_at: String,
    open_case: Option<CaseView>,
    history: Vec<CaseView>,
    phone: Option<PhoneView>,
    phone_verified: bool,
    phone_awaiting: bool,
}

pub async fn identity(
    State(s): State<WebState>,
    viewer: Viewer,
    Query(flash): Query<Flash>,
) -> Response {
    if let Err(r) = viewer.require(MEMBERS) {
        return r;
    }
    let (o, phone) = match (
        s.app.account_overview(viewer.id()).await,
        s.app.phone_status(viewer.id()).await,
    ) {
        (Ok(o), Ok(p)) => (o, p),
        (Err(e), _) | (_, Err(e)) => return app_error(&e),
    };
    let now = s.app.now();
    let phone = phone.map(|p| PhoneView {
        awaiting_code: p.status == trustwork_core::phone::Status::Pending && p.expires_at > now,
        verified: p.status == trustwork_core::phone::Status::Verified,
        id: p.id,
        number: p.phone,
        channel: match p.channel {
            trustwork_core::phone::Channel::Voice => "call",
            trustwork_core::phone::Channel::Sms => "text message",
        },
        expires_at: p.expires_at.to_human(),
    });
    let page = IdentityPage {
        phone_verified: phone.as_ref().is_some_and(|p| p.verified),
        phone_awaiting: phone.as_ref().is_some_and(|p| p.awaiting_code),
        phone,
        layout: Layout::new(
            &s,
            &viewer,
            "/settings/identity",
            "Identity Verification",
            flash,
        )
        .await,
        verified: o.identity_verified(),
        verified_at: o
            .account
            .identity_verified_at
            .map(|t| t.to_human())
            .unwrap_or_default(),
        open_case: o.open_case().map(CaseView::new),
        history: o
            .verification_cases
            .iter()
            .filter(|c| !c.status.is_open())
            .map(CaseView::new)
            .collect(),
    };
    render(&page)
}

/// The phone card on Settings → Identity Verification.
struct PhoneView {
    id: String,
    number: String,
    channel: &'static str,
    verified: bool,
    /// A code was sent and can still be typed.
    awaiting_code: bool,
    expires_at: String,
}

#[derive(Deserialize)]
pub struct PhoneForm {
    csrf: String,
    phone: String,
    #[serde(default)]
    channel: String,
}

/// Settings → Identity Verification → "Verify a phone number": sends the code.
pub async fn start_phone(
    State(s): State<WebState>,
    viewer: Viewer,
    ConsoleForm(f): ConsoleForm<PhoneForm>,
) -> Response {
    if let Err(r) = viewer
        .require(MEMBERS)
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    let channel = if f.channel.is_empty() {
        "voice"
    } else {
        f.channel.as_str()
    };
    let result = s
        .app
        .start_phone_verification(&viewer.actor(), viewer.id(), &f.phone, channel)
        .await
        .map(|p| {
            format!(
                "We are sending a code to {} by {}. Type it below within 10 minutes.",
                p.phone,
                if channel == "sms" {
                    "text message"
                } else {
                    "phone call"
                }
            )
        });
    after_post(
        &s,
        &viewer,
        "/settings/identity",
        result,
        super::views::member_error,
    )
}

#[derive(Deserialize)]
pub struct CodeForm {
    csrf: String,
    code: String,
}

/// The code the member heard or read.
pub async fn check_phone(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ConsoleForm(f): ConsoleForm<CodeForm>,
) -> Response {
    if let Err(r) = viewer
        .require(MEMBERS)
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    let result = s
        .app
        .check_phone_code(&viewer.actor(), &id, &f.code)
        .await
        .map(|p| format!("Your phone number {} is verified.", p.phone));
    after_post(
        &s,
        &viewer,
        "/settings/identity",
        result,
        super::views::member_error,
    )
}

#[derive(Template)]
#[template(path = "stats.html")]
struct StatsPage {
    layout: Layout,
    is_freelancer: bool,
    standing_label: &'static str,
    holds: Vec<RestrictionView>,
    warnings: Vec<RestrictionView>,
    top_rated: String,
    top_rated_ok: bool,
    appeals: Vec<super::review::StatsAppeal>,
    /// What the member flagged and what came of it.
    reports: Vec<ReportRow>,
    /// A freelancer's Job Success Score and badges.
    job_success: Option<JobSuccessView>,
}

struct JobSuccessView {
    score: String,
    counted: String,
    earnings: String,
    /// "Top Rated", "Rising Talent" or none.
    badge: Option<&'static str>,
    missing: Vec<String>,
}

fn job_success_view(st: &trustwork_app::contracts::JobStats) -> JobSuccessView {
    let js = &st.job_success;
    JobSuccessView {
        score: js.score.map_or_else(
            || "Not yet: it shows after 3 ended contracts with feedback.".to_owned(),
            |s| format!("{s}%"),
        ),
        counted: format!(
            "{} positive, {} neutral and {} negative of your contracts ended in the last 24 months.",
            js.positive, js.neutral, js.negative
        ),
        earnings: super::views::money(st.earnings_12m_cents),
        badge: if st.badges.top_rated {
            Some("Top Rated")
        } else if st.badges.rising_talent {
            Some("Rising Talent")
        } else {
            None
        },
        missing: st.badges.top_rated_missing.clone(),
    }
}

struct ReportRow {
    what: &'static str,
    reason: &'static str,
    sent: String,
    status: &'static str,
}

pub async fn stats(
    State(s): State<WebState>,
    viewer: Viewer,
    Query(flash): Query<Flash>,
) -> Response {
    // Clients are restricted and appeal too; Top Rated is a freelancer's matter.
    if let Err(r) = viewer.require(MEMBERS) {
        return r;
    }
    let o = match s.app.account_overview(viewer.id()).await {
        Ok(o) => o,
        Err(e) => return app_error(&e),
    };
    let now = s.app.now();
    let (holds, warnings): (Vec<_>, Vec<_>) = o
        .restrictions
        .iter()
        .rev()
        .partition(|r| r.severity.counts_as_hold());
    let top_rated = match o.top_rated {
        TopRatedHoldCheck::Eligible => {
            "No recent account holds: this does not stand in the way of Top Rated.".to_owned()
        }
        TopRatedHoldCheck::HoldActive => {
            "An account hold is active: not eligible for Top Rated.".to_owned()
        }
        TopRatedHoldCheck::CoolingDown { eligible_from } => format!(
            "A recent account hold: not eligible for Top Rated until {}.",
            eligible_from.to_human()
        ),
    };
    let job_success = if viewer.role() == Role::Freelancer {
        match s.app.job_stats(viewer.id()).await {
            Ok(st) => Some(job_success_view(&st)),
            Err(e) => return app_error(&e),
        }
    } else {
        None
    };
    let title = if viewer.role() == Role::Freelancer {
        "My Stats"
    } else {
        "Standing & appeals"
    };
    let page = StatsPage {
        is_freelancer: viewer.role() == Role::Freelancer,
        job_success,
        layout: Layout::new(&s, &viewer, "/stats", title, flash).await,
        standing_label: o.standing.label(),
        holds: holds
            .into_iter()
            .map(|r| RestrictionView::new(r, now))
            .collect(),
        warnings: warnings
            .into_iter()
            .map(|r| RestrictionView::new(r, now))
            .collect(),
        top_rated_ok: o.top_rated.is_eligible(),
        top_rated,
        appeals: super::review::stats_appeals(&s, &o.restrictions).await,
        reports: s
            .app
            .flags_by(viewer.id())
            .await
            .unwrap_or_default()
            .iter()
            .map(|f| ReportRow {
                what: match f.target_type {
                    trustwork_core::review::EntityType::JobPost => "A job post",
                    trustwork_core::review::EntityType::Profile => "A profile",
                    trustwork_core::review::EntityType::Message => "A message",
                    trustwork_core::review::EntityType::Proposal => "A proposal",
                    trustwork_core::review::EntityType::Feedback => "Feedback",
                    trustwork_core::review::EntityType::Account => "An account",
                    trustwork_core::review::EntityType::Dispute => "A dispute",
                },
                reason: f.reason.label(),
                sent: f.created_at.to_human(),
                status: match f.outcome {
                    None => "Received; we are looking at it",
                    Some(trustwork_core::review::FlagOutcome::Upheld) => {
                        "We looked at it and took action. Thank you"
                    }
                    Some(trustwork_core::review::FlagOutcome::Dismissed) => {
                        "We looked at it and found no violation"
                    }
                },
            })
            .collect(),
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "work.html")]
struct WorkPage {
    layout: Layout,
    is_freelancer: bool,
    proposals: Vec<ProposalView>,
    /// Proposals on the client's jobs.
    received: Vec<ReceivedProposal>,
    /// Why the client cannot hire now, in words.
    hire_blocked: Option<String>,
    contracts: Vec<ContractView>,
}

struct ReceivedProposal {
    id: String,
    job_title: String,
    freelancer: String,
    cover_letter: String,
    status: &'static str,
    status_label: String,
    submitted_at: String,
    /// The client may reply (an active proposal): the interview starts.
    can_reply: bool,
}

pub async fn work(
    State(s): State<WebState>,
    viewer: Viewer,
    Query(flash): Query<Flash>,
) -> Response {
    if let Err(r) = viewer.require(MEMBERS) {
        return r;
    }
    let (proposals, contracts) = match (
        s.app.proposals_of(viewer.id()).await,
        s.app.contracts_of(viewer.id()).await,
    ) {
        (Ok(p), Ok(c)) => (p, c),
        (Err(e), _) | (_, Err(e)) => return app_error(&e),
    };
    let is_freelancer = viewer.role() == Role::Freelancer;
    let received = if is_freelancer {
        Vec::new()
    } else {
        match s.app.proposals_to(viewer.id()).await {
            Ok(p) => p,
            Err(e) => return app_error(&e),
        }
    };
    let hire_blocked = if is_freelancer {
        None
    } else {
        match s.app.capabilities(viewer.id()).await {
            Ok(caps) => caps
                .iter()
                .find(|(c, p)| *c == Capability::StartContract && !p.allowed)
                .map(|(c, p)| super::views::denial_text(*c, &p.reasons)),
            Err(e) => return app_error(&e),
        }
        .or_else(|| {
            viewer.0.account.payment_verified_at.is_none().then(|| {
                "Payment method not verified: add a card under Settings → Payment methods before hiring.".to_owned()
            })
        })
    };
    let freelancers: Vec<String> = received.iter().map(|p| p.freelancer_id.clone()).collect();
    let names = match s.app.display_names(&freelancers).await {
        Ok(n) => n,
        Err(e) => return app_error(&e),
    };
    let page = WorkPage {
        layout: Layout::new(&s, &viewer, "/work", "Proposals & contracts", flash).await,
        is_freelancer,
        proposals: proposals.iter().map(ProposalView::new).collect(),
        hire_blocked,
        received: received
            .iter()
            .map(|p| ReceivedProposal {
                id: p.id.clone(),
                job_title: p.job_title.clone(),
                freelancer: names.get(&p.freelancer_id).cloned().unwrap_or_default(),
                cover_letter: p.cover_letter.clone(),
                status: p.status.as_str(),
                status_label: p.status.as_str().replace('_', " "),
                submitted_at: p.created_at.to_human(),
                can_reply: p.status.is_active(),
            })
            .collect(),
        contracts: contracts.iter().map(ContractView::new).collect(),
    };
    render(&page)
}

struct JobView {
    id: String,
    title: String,
    description: String,
    posted_at: String,
    /// The client has a verified payment method (seed 004: jobs say so).
    client_verified: bool,
    /// Why the viewer cannot propose on this job (already applied, hired, on hold), in words.
    blocked: Option<String>,
    /// The letter the viewer typed when a proposal was refused, kept for another try.
    kept_letter: Option<String>,
}

#[derive(Template)]
#[template(path = "jobs.html")]
struct JobsPage {
    layout: Layout,
    jobs: Vec<JobView>,
    flag_reasons: Vec<(&'static str, &'static str)>,
}

pub async fn jobs(
    State(s): State<WebState>,
    viewer: Viewer,
    Query(flash): Query<Flash>,
) -> Response {
    if let Err(r) = viewer.require(&[Role::Freelancer]) {
        return r;
    }
    jobs_page(&s, &viewer, flash, None).await
}

/// The open jobs, each saying whether the viewer may propose and, if not, why, before she
/// tries. `kept` is a refused proposal's (job, letter): the letter is shown again in its form.
async fn jobs_page(
    s: &WebState,
    viewer: &Viewer,
    flash: Flash,
    kept: Option<(&str, &str)>,
) -> Response {
    let (jobs, mine, capabilities) = match (
        s.app.open_jobs().await,
        s.app.proposals_of(viewer.id()).await,
        s.app.capabilities(viewer.id()).await,
    ) {
        (Ok(j), Ok(m), Ok(c)) => (j, m, c),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return app_error(&e),
    };
    let verified_clients = match s
        .app
        .clients_with_verified_payment(jobs.iter().map(|j| j.client_id.as_str()))
        .await
    {
        Ok(v) => v,
        Err(e) => return app_error(&e),
    };
    let on_hold = capabilities
        .iter()
        .find(|(c, _)| *c == Capability::SubmitProposal)
        .filter(|(_, p)| !p.allowed)
        .map(|(c, p)| super::views::denial_text(*c, &p.reasons));
    let page = JobsPage {
        layout: Layout::new(s, viewer, "/jobs", "Find work", flash).await,
        flag_reasons: flag_reasons(),
        jobs: jobs
            .iter()
            .map(|j| {
                let earlier: Vec<_> = mine
                    .iter()
                    .filter(|p| p.job_id == j.id)
                    .map(|p| p.status)
                    .collect();
                let again = trustwork_core::marketplace::why_not_propose_again(&earlier);
                JobView {
                    id: j.id.clone(),
                    title: j.title.clone(),
                    description: j.description.clone(),
                    posted_at: j.created_at.to_human(),
                    client_verified: verified_clients.contains(&j.client_id),
                    blocked: again
                        .map(|why| format!("You can't propose: {why}."))
                        .or_else(|| on_hold.clone()),
                    kept_letter: kept
                        .filter(|(job, _)| *job == j.id)
                        .map(|(_, letter)| letter.to_owned()),
                }
            })
            .collect(),
    };
    render(&page)
}

#[derive(Deserialize)]
pub struct ProposalForm {
    csrf: String,
    cover_letter: String,
}

pub async fn submit_proposal(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(job_id): Path<String>,
    ConsoleForm(f): ConsoleForm<ProposalForm>,
) -> Response {
    if let Err(r) = viewer
        .require(&[Role::Freelancer])
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    match s
        .app
        .submit_proposal(viewer.id(), &job_id, &f.cover_letter)
        .await
    {
        Ok(_) => flash(
            &s,
            &viewer,
            "/work",
            Kind::Notice,
            "Your proposal was submitted.",
        ),
        // Shown on the page itself, with the letter kept in its form for another try.
        Err(e) if crate::error::status_of(&e).is_client_error() && e.code() != "not_found" => {
            let refused = Flash::error(format!(
                "Proposal not submitted. {}",
                super::views::member_error(&e)
            ));
            let mut page = jobs_page(&s, &viewer, refused, Some((&job_id, &f.cover_letter))).await;
            *page.status_mut() = crate::error::status_of(&e);
            page
        }
        Err(e) => app_error(&e),
    }
}

#[derive(Deserialize)]
pub struct HireForm {
    csrf: String,
    kind: String,
    #[serde(default)]
    rate: String,
    #[serde(default)]
    weekly_limit: String,
    #[serde(default)]
    milestone_title: String,
    #[serde(default)]
    milestone_amount: String,
}

/// The terms typed in the hire form, or what is wrong with them in words.
fn hire_terms(
    f: &HireForm,
) -> Result<trustwork_app::contracts::ContractTerms, trustwork_app::AppError> {
    use trustwork_app::AppError;
    use trustwork_core::contracts::ContractKind;
    let money = |field: &'static str, text: &str| {
        parse_dollars(text)
            .filter(|c| *c > 0)
            .ok_or_else(|| AppError::invalid(field, "enter an amount in dollars, like 45 or 45.50"))
    };
    match ContractKind::parse(&f.kind) {
        Some(ContractKind::Hourly) => Ok(trustwork_app::contracts::ContractTerms {
            kind: ContractKind::Hourly,
            hourly_rate_cents: Some(money("hourly rate", &f.rate)?),
            weekly_limit_hours: match f.weekly_limit.trim() {
                "" => None,
                t => Some(t.parse().map_err(|_| {
                    AppError::invalid("weekly limit", "enter whole hours, like 30")
                })?),
            },
            milestones: Vec::new(),
        }),
        Some(ContractKind::Fixed) => Ok(trustwork_app::contracts::ContractTerms {
            kind: ContractKind::Fixed,
            hourly_rate_cents: None,
            weekly_limit_hours: None,
            milestones: vec![(
                f.milestone_title.clone(),
                money("first milestone", &f.milestone_amount)?,
            )],
        }),
        None => Err(AppError::invalid("kind", "choose hourly or fixed price")),
    }
}

/// `POST /proposals/{id}/hire`: the client offers the freelancer a contract on these terms; it
/// starts once both accept the NDA.
pub async fn hire(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(proposal_id): Path<String>,
    ConsoleForm(f): ConsoleForm<HireForm>,
) -> Response {
    if let Err(r) = viewer
        .require(&[Role::Client])
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    let result = match hire_terms(&f) {
        Ok(terms) => s.app.hire(viewer.id(), &proposal_id, terms).await.map(|c| {
            format!(
                "Offer sent: {}. It starts when you and the freelancer have both accepted the NDA under Contracts.",
                c.title
            )
        }),
        Err(e) => Err(e),
    };
    after_post(&s, &viewer, "/work", result, super::views::member_error)
}

#[derive(Deserialize)]
pub struct WithdrawForm {
    csrf: String,
    amount: String,
}

/// Parses "12.50" or "12" dollars into cents.
pub(super) fn parse_dollars(text: &str) -> Option<i64> {
    let t = text.trim().trim_start_matches('$');
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty()
        || frac.len() > 2
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().ok()?
    };
    whole.checked_mul(100)?.checked_add(frac)
}

pub async fn withdraw(
    State(s): State<WebState>,
    viewer: Viewer,
    ConsoleForm(f): ConsoleForm<WithdrawForm>,
) -> Response {
    if let Err(r) = viewer
        .require(MEMBERS)
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    let Some(cents) = parse_dollars(&f.amount) else {
        return flash(
            &s,
            &viewer,
            "/dashboard",
            Kind::Error,
            "Enter an amount such as 25 or 25.50.",
        );
    };
    match s.app.request_withdrawal(viewer.id(), cents).await {
        Ok(w) => flash(
            &s,
            &viewer,
            "/dashboard",
            Kind::Notice,
            &format!("Withdrawal of {} requested.", money(w.amount_cents)),
        ),
        Err(e) if crate::error::status_of(&e).is_client_error() => flash(
            &s,
            &viewer,
            "/dashboard",
            Kind::Error,
            &format!("Withdrawal refused. {}", super::views::member_error(&e)),
        ),
        Err(e) => app_error(&e),
    }
}

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

struct FreelancerResult {
    id: String,
    name: String,
    verified: bool,
}

/// The "Flag as inappropriate" list: (code, words).
pub(super) fn flag_reasons() -> Vec<(&'static str, &'static str)> {
    trustwork_core::review::FlagReason::ALL
        .into_iter()
        .map(|r| (r.as_str(), r.label()))
        .collect()
}

#[derive(Template)]
#[template(path = "freelancers.html")]
struct FreelancersPage {
    layout: Layout,
    query: String,
    results: Vec<FreelancerResult>,
    /// The client's open jobs, to invite to.
    open_jobs: Vec<(String, String)>,
    /// Why the client cannot invite anyone now, in words.
    invite_blocked: Option<String>,
    flag_reasons: Vec<(&'static str, &'static str)>,
}

pub async fn find_freelancers(
    State(s): State<WebState>,
    viewer: Viewer,
    Query(q): Query<SearchQuery>,
    Query(flash): Query<Flash>,
) -> Response {
    if let Err(r) = viewer.require(&[Role::Client, Role::Admin]) {
        return r;
    }
    let (found, jobs, permission) = match (
        s.app.search_freelancers(&q.q).await,
        s.app.jobs_of_client(viewer.id()).await,
        s.app.may_send_messages(viewer.id()).await,
    ) {
        (Ok(f), Ok(j), Ok(p)) => (f, j, p),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return app_error(&e),
    };
    let open_jobs: Vec<(String, String)> = jobs
        .iter()
        .filter(|j| j.status == trustwork_core::marketplace::JobStatus::Open)
        .map(|j| (j.id.clone(), j.title.clone()))
        .collect();
    let invite_blocked = if viewer.role() != Role::Client {
        Some("Only clients invite freelancers.".to_owned())
    } else if !permission.allowed {
        Some(super::views::denial_text(
            Capability::SendMessages,
            &permission.reasons,
        ))
    } else if open_jobs.is_empty() {
        Some(
            "You have no open job to invite to yet: a job post is listed once it is approved."
                .to_owned(),
        )
    } else {
        None
    };
    let page = FreelancersPage {
        layout: Layout::new(&s, &viewer, "/freelancers", "Find freelancers", flash).await,
        query: q.q,
        open_jobs,
        invite_blocked,
        flag_reasons: flag_reasons(),
        results: found
            .iter()
            .map(|a| FreelancerResult {
                id: a.id.clone(),
                name: a.display_name.clone(),
                verified: a.identity_verified_at.is_some(),
            })
            .collect(),
    };
    render(&page)
}

#[cfg(test)]
mod tests {
    #[test]
    fn dollars_parse_to_cents() {
        assert_eq!(super::parse_dollars("25"), Some(2500));
        assert_eq!(super::parse_dollars("$25.5"), Some(2550));
        assert_eq!(super::parse_dollars("0.05"), Some(5));
        for bad in ["", "abc", "1.234", "-3", "1.-2", "."] {
            assert_eq!(super::parse_dollars(bad), None, "{bad}");
        }
    }
}
