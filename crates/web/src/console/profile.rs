//! Settings → Profile: the freelancer's profile editor (title, overview, hourly rate, skills
//! from the taxonomy, visibility). What was typed stays in the form when it is refused.

use super::forms::FormPairs;
use super::layout::{Flash, Layout, app_error, flash, render};
use super::session::Viewer;
use super::views::member_error;
use crate::WebState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use trustwork_core::Role;
use trustwork_core::profile::{ProfileInput, ProfileVisibility, missing_for_submission};

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
}

/// The form's values: as saved, or as typed.
struct Typed {
    title: String,
    overview: String,
    rate: String,
    skills: Vec<String>,
    private: bool,
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
        hourly_rate_cents: 0,
        skills: typed.skills.clone(),
        visibility: ProfileVisibility::Public,
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
    let typed = match &saved {
        Some(p) => Typed {
            title: p.input.title.clone(),
            overview: p.input.overview.clone(),
            rate: format!(
                "{}.{:02}",
                p.input.hourly_rate_cents / 100,
                p.input.hourly_rate_cents % 100
            ),
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
    };
    let layout = Layout::new(&s, &viewer, "/settings/profile", "Profile", flash).await;
    render(&page(layout, typed, saved.is_some()))
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
            let layout = Layout::new(&s, &viewer, "/settings/profile", "Profile", refused).await;
            let mut response = render(&page(layout, typed, false));
            *response.status_mut() = crate::error::status_of(&e);
            response
        }
        Err(e) => app_error(&e),
    }
}
