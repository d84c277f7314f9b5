//! "Flag as inappropriate" in the console: on job posts (Find work), profiles (Find
//! freelancers) and messages received (a thread). The reporter is told it was received; My Stats shows what came of it.

use super::forms::ConsoleForm;
use super::layout::after_post;
use super::session::Viewer;
use super::views::member_error;
use crate::WebState;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use trustwork_core::Role;

#[derive(Deserialize)]
pub struct FlagForm {
    csrf: String,
    #[serde(default)]
    target_type: String,
    #[serde(default)]
    target_id: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    back: String,
}

/// `/messages/{id}` with an id as Trustwork makes them (nothing that could lead elsewhere).
fn is_thread_path(path: &str) -> bool {
    path.strip_prefix("/messages/").is_some_and(|id| {
        !id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    })
}

/// `POST /flags`.
pub async fn create(
    State(s): State<WebState>,
    viewer: Viewer,
    ConsoleForm(f): ConsoleForm<FlagForm>,
) -> Response {
    if let Err(r) = viewer
        .require(&[Role::Freelancer, Role::Client])
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    // Back to the page the form was on, and only to one of those.
    let back = match f.back.as_str() {
        "/jobs" | "/freelancers" => f.back.as_str(),
        thread if is_thread_path(thread) => thread,
        _ => "/dashboard",
    };
    let result = s
        .app
        .flag_from_console(viewer.id(), &f.target_type, &f.target_id, &f.reason, &f.note)
        .await
        .map(|_| {
            "Thank you: we received your report and will look at it. You can follow it under Your reports.".to_owned()
        });
    after_post(&s, &viewer, back, result, member_error)
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_thread_pages_of_this_site_are_a_way_back() {
        assert!(super::is_thread_path("/messages/thr_01H2X"));
        for bad in [
            "/messages/",
            "/messages/../admin",
            "/messages/a/b",
            "//evil.example",
            "/messages/x?y",
        ] {
            assert!(!super::is_thread_path(bad), "{bad}");
        }
    }
}
