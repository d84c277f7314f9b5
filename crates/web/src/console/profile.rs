//! Settings → Profile: the freelancer's profile editor (title, overview, hourly rate, skills
//! from the taxonomy, visibility). What was typed stays in the form when it is refused.

use super::forms::{ConsoleForm, CsrfOnly, FormPairs};
use super::layout::{Flash, Layout, after_post, app_error, flash, render};
use super::session::Viewer;
use super::views::member_error;
use crate::WebState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use trustwork_core::Role;
use trustwork_core::profile::{ProfileInput, ProfileVisibility, missing_for_submission};
use trustwork_core::profile_approval::{ApprovalStatus, why_not_submit};

struct SkillOption {
    slug: String,
    name: String,
    tool: bool,
    selected: bool,
}

struct Category {
    name: &'static str,
    skills: Vec<SkillOption>,
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    layout: Layout,
    title: String,
    overview: String,
    rate: String,
    private: bool,
    categories: Vec<Category>,
    /// What the profile still needs before it can be submitted, in words.
    missing: Vec<String>,
    saved: bool,
    approval: Option<ApprovalView>,
    tests: Vec<TestRow>,
    /// The note typed for another look, kept when it was refused.
    re_review_note: String,
}

/// Where the profile's approval stands, in words, and what the freelancer may do next.
struct ApprovalView {
    status: &'static str,
    label: &'static str,
    letter: Option<String>,
    note: Option<String>,
    resubmit_after: Option<String>,
    /// Why "Submit for approval" is disabled, or `None`.
    submit_block: Option<String>,
    rejected: bool,
    /// Why "Ask for another look" is disabled, or `None`.
    re_review_block: Option<String>,
}

struct TestRow {
    name: &'static str,
    score: u32,
    passed: bool,
    top_percent: u32,
}

/// The form's values: as saved, or as typed.
struct Typed {
    title: String,
    overview: String,
    rate: String,
    skills: Vec<String>,
    private: bool,
}

/// The approval part of the page, read from the saved profile.
async fn approval_of(s: &WebState, account_id: &str) -> (Option<ApprovalView>, Vec<TestRow>) {
    let now = s.app.now();
    let results = s
        .app
        .skill_test_results(account_id)
        .await
        .unwrap_or_default();
    let verified = trustwork_app::skill_tests::verified_skills(&results).len();
    let tests = results
        .iter()
        .map(|r| TestRow {
            name: r.test_name,
            score: r.score,
            passed: r.passed,
            top_percent: r.top_percent,
        })
        .collect();
    let Ok(Some(p)) = s.app.profile(account_id).await else {
        return (None, tests);
    };
    let a = &p.approval;
    let missing = missing_for_submission(&p.input);
    let needed = trustwork_app::profile_approval::RE_REVIEW_VERIFIED_SKILLS;
    let view = ApprovalView {
        status: a.status.as_str(),
        label: a.status.label(),
        letter: a.reason.map(|r| format!("{} {}", r.letter(), r.advice())),
        note: a.note.clone(),
        resubmit_after: a.resubmit_after.map(trustwork_core::Timestamp::to_human),
        submit_block: why_not_submit(a.status, a.resubmit_after, &missing, now)
            .map(|why| format!("You cannot submit now: {why}.")),
        rejected: a.status == ApprovalStatus::Rejected,
        re_review_block: (verified < needed).then(|| {
            format!(
                "Another look needs {needed} verified skills: pass their skill tests (you have {verified})."
            )
        }),
    };
    (Some(view), tests)
}

fn page(layout: Layout, typed: Typed, saved: bool) -> ProfilePage {
    let categories = trustwork_core::skills::categories()
        .into_iter()
        .map(|name| Category {
            name,
            skills: trustwork_core::skills::all()
                .iter()
                .filter(|k| k.category == name)
                .map(|k| SkillOption {
                    slug: k.slug.clone(),
                    name: k.name.clone(),
                    tool: k.kind == trustwork_core::skills::SkillKind::Tool,
                    selected: typed.skills.contains(&k.slug),
                })
                .collect(),
        })
        .collect();
    let missing = missing_for_submission(&ProfileInput {
        title: typed.title.clone(),
        overview: typed.overview.clone(),
        skills: typed.skills.clone(),
        ..ProfileInput::draft()
    });
    ProfilePage {
        layout,
        title: typed.title,
        overview: typed.overview,
        rate: typed.rate,
        private: typed.private,
        categories,
        missing,
        saved,
        approval: None,
        tests: Vec::new(),
        re_review_note: String::new(),
    }
}

/// The page with its approval part.
async fn full_page(
    s: &WebState,
    viewer: &Viewer,
    flash: Flash,
    typed: Typed,
    saved: bool,
    re_review_note: String,
) -> ProfilePage {
    let layout = Layout::new(s, viewer, "/settings/profile", "Profile", flash).await;
    let (approval, tests) = approval_of(s, viewer.id()).await;
    ProfilePage {
        approval,
        tests,
        re_review_note,
        ..page(layout, typed, saved)
    }
}

/// What the saved profile shows in the form.
fn typed_of(saved: Option<&trustwork_app::records::Profile>) -> Typed {
    match saved {
        Some(p) => Typed {
            title: p.input.title.clone(),
            overview: p.input.overview.clone(),
            rate: if p.input.hourly_rate_cents > 0 {
                format!(
                    "{}.{:02}",
                    p.input.hourly_rate_cents / 100,
                    p.input.hourly_rate_cents % 100
                )
            } else {
                String::new()
            },
            skills: p.input.skills.clone(),
            private: p.input.visibility == ProfileVisibility::Private,
        },
        None => Typed {
            title: String::new(),
            overview: String::new(),
            rate: String::new(),
            skills: Vec::new(),
            private: false,
        },
    }
}

/// `GET /settings/profile`.
pub async fn form(
    State(s): State<WebState>,
    viewer: Viewer,
    Query(flash): Query<Flash>,
) -> Response {
    if let Err(r) = viewer.require(&[Role::Freelancer]) {
        return r;
    }
    let saved = match s.app.profile(viewer.id()).await {
        Ok(p) => p,
        Err(e) => return app_error(&e),
    };
    let typed = typed_of(saved.as_ref());
    render(&full_page(&s, &viewer, flash, typed, saved.is_some(), String::new()).await)
}

/// `POST /settings/profile/submit`: submits the saved profile for approval.
pub async fn submit(
    State(s): State<WebState>,
    viewer: Viewer,
    ConsoleForm(f): ConsoleForm<CsrfOnly>,
) -> Response {
    if let Err(r) = viewer
        .require(&[Role::Freelancer])
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    let result = s.app.submit_profile(viewer.id()).await.map(|p| {
        format!(
            "Your profile was submitted: {}.",
            p.approval.status.label().to_lowercase()
        )
    });
    after_post(&s, &viewer, "/settings/profile", result, member_error)
}

#[derive(serde::Deserialize)]
pub struct ReReviewForm {
    csrf: String,
    #[serde(default)]
    note: String,
}

/// `POST /settings/profile/re-review`: a refused freelancer with three verified skills asks for
/// another look; the note stays in the form when it is refused.
pub async fn re_review(
    State(s): State<WebState>,
    viewer: Viewer,
    ConsoleForm(f): ConsoleForm<ReReviewForm>,
) -> Response {
    if let Err(r) = viewer
        .require(&[Role::Freelancer])
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    match s.app.request_profile_re_review(viewer.id(), &f.note).await {
        Ok(_) => flash(
            &s,
            &viewer,
            "/settings/profile",
            super::layout::Kind::Notice,
            "You asked for another look: your profile is waiting for review.",
        ),
        Err(e) if crate::error::status_of(&e).is_client_error() && e.code() != "not_found" => {
            let saved = s.app.profile(viewer.id()).await.ok().flatten();
            let refused = Flash::error(format!("Not sent. {}", member_error(&e)));
            let typed = typed_of(saved.as_ref());
            let mut response =
                render(&full_page(&s, &viewer, refused, typed, saved.is_some(), f.note).await);
            *response.status_mut() = crate::error::status_of(&e);
            response
        }
        Err(e) => app_error(&e),
    }
}

/// `POST /settings/profile`.
pub async fn save(State(s): State<WebState>, viewer: Viewer, FormPairs(f): FormPairs) -> Response {
    let f = FormPairs(f);
    if let Err(r) = viewer
        .require(&[Role::Freelancer])
        .and_then(|()| viewer.check_csrf(f.one("csrf")))
    {
        return r;
    }
    let typed = Typed {
        title: f.one("title").to_owned(),
        overview: f.one("overview").to_owned(),
        rate: f.one("rate").to_owned(),
        skills: f.all("skills"),
        private: f.one("visibility") == "private",
    };
    let result = match super::member::parse_dollars(&typed.rate) {
        None => Err(trustwork_app::AppError::invalid(
            "hourly_rate_cents",
            "enter your hourly rate in dollars, such as 45 or 45.50",
        )),
        Some(cents) => {
            // The form edits the main fields; what the API added (portfolio, …) is kept.
            let details = match s.app.profile(viewer.id()).await {
                Ok(saved) => saved.map(|p| p.input.details).unwrap_or_default(),
                Err(e) => return app_error(&e),
            };
            s.app
                .put_profile(
                    &viewer.actor(),
                    viewer.id(),
                    ProfileInput {
                        title: typed.title.clone(),
                        overview: typed.overview.clone(),
                        hourly_rate_cents: cents,
                        skills: typed.skills.clone(),
                        visibility: if typed.private {
                            ProfileVisibility::Private
                        } else {
                            ProfileVisibility::Public
                        },
                        details,
                    },
                )
                .await
        }
    };
    match result {
        Ok(_) => flash(
            &s,
            &viewer,
            "/settings/profile",
            super::layout::Kind::Notice,
            "Your profile was saved.",
        ),
        Err(e) if crate::error::status_of(&e).is_client_error() && e.code() != "not_found" => {
            let refused = Flash::error(format!("Profile not saved. {}", member_error(&e)));
            let mut response =
                render(&full_page(&s, &viewer, refused, typed, false, String::new()).await);
            *response.status_mut() = crate::error::status_of(&e);
            response
        }
        Err(e) => app_error(&e),
    }
}
