//! My jobs: the client's job posts with where their review stands (seed 004: reviewed within 30
//! minutes), and the form to post one. A refused post says why and keeps what was typed.

use super::forms::ConsoleForm;
use super::layout::{Flash, Kind, Layout, app_error, flash, render};
use super::session::Viewer;
use super::views::member_error;
use crate::WebState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use trustwork_core::Role;
use trustwork_core::marketplace::{JobStatus, JobVisibility};

struct JobRow {
    id: String,
    title: String,
    status: &'static str,
    /// Where it stands, in words.
    status_words: String,
    visibility: &'static str,
    posted_at: String,
}

#[derive(Template)]
#[template(path = "my_jobs.html")]
struct MyJobsPage {
    layout: Layout,
    jobs: Vec<JobRow>,
    title: String,
    description: String,
    visibility: String,
}

fn status_words(job: &trustwork_app::records::JobPost) -> String {
    match job.status {
        JobStatus::PendingReview => {
            "In review: a post is usually looked at within 30 minutes, around the clock.".into()
        }
        JobStatus::Open => "Open: freelancers can find it and send proposals.".into(),
        JobStatus::Rejected => match &job.review.note {
            Some(note) if !note.is_empty() => format!("Not approved: {note}"),
            _ => "Not approved: it breaks the marketplace's rules.".into(),
        },
        JobStatus::Closed => "Closed.".into(),
    }
}

async fn page(
    s: &WebState,
    viewer: &Viewer,
    flash: Flash,
    typed: (String, String, String),
) -> Response {
    let jobs = match s.app.jobs_of_client(viewer.id()).await {
        Ok(j) => j,
        Err(e) => return app_error(&e),
    };
    let (title, description, visibility) = typed;
    render(&MyJobsPage {
        layout: Layout::new(s, viewer, "/my-jobs", "My jobs", flash).await,
        jobs: jobs
            .iter()
            .map(|j| JobRow {
                id: j.id.clone(),
                title: j.title.clone(),
                status: j.status.as_str(),
                status_words: status_words(j),
                visibility: match j.visibility {
                    JobVisibility::Public => "Public",
                    JobVisibility::InviteOnly => "Invite only",
                    JobVisibility::Private => "Private",
                },
                posted_at: j.created_at.to_human(),
            })
            .collect(),
        title,
        description,
        visibility,
    })
}

/// `GET /my-jobs`.
pub async fn list(
    State(s): State<WebState>,
    viewer: Viewer,
    Query(flash): Query<Flash>,
) -> Response {
    if let Err(r) = viewer.require(&[Role::Client]) {
        return r;
    }
    page(
        &s,
        &viewer,
        flash,
        (String::new(), String::new(), "public".into()),
    )
    .await
}

#[derive(Deserialize)]
pub struct PostForm {
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    visibility: String,
}

/// `POST /my-jobs`.
pub async fn post(
    State(s): State<WebState>,
    viewer: Viewer,
    ConsoleForm(f): ConsoleForm<PostForm>,
) -> Response {
    if let Err(r) = viewer
        .require(&[Role::Client])
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    let typed = (f.title.clone(), f.description.clone(), f.visibility.clone());
    let refused = |words: String| Flash::error(format!("Job not posted. {words}"));
    let Some(visibility) = JobVisibility::parse(&f.visibility) else {
        let mut r = page(
            &s,
            &viewer,
            refused("Choose who may see the job.".into()),
            typed,
        )
        .await;
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return r;
    };
    match s
        .app
        .post_job_decided(viewer.id(), &f.title, &f.description, visibility)
        .await
    {
        Ok((job, _)) if job.status == JobStatus::Open => flash(
            &s,
            &viewer,
            "/my-jobs",
            Kind::Notice,
            "Your job is posted and open to proposals.",
        ),
        Ok((job, _)) if job.status == JobStatus::PendingReview => flash(
            &s,
            &viewer,
            "/my-jobs",
            Kind::Notice,
            "Your job is posted and waits for review, usually less than 30 minutes.",
        ),
        Ok((_, reason)) => {
            let mut r = page(
                &s,
                &viewer,
                refused(super::views::capitalized(&reason)),
                typed,
            )
            .await;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            r
        }
        Err(e) if crate::error::status_of(&e).is_client_error() && e.code() != "not_found" => {
            let mut r = page(&s, &viewer, refused(member_error(&e)), typed).await;
            *r.status_mut() = crate::error::status_of(&e);
            r
        }
        Err(e) => app_error(&e),
    }
}
