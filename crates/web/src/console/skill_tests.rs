//! Settings → Skill tests: the freelancer picks a test (a start disabled with the reason while
//! another runs or before the waiting period ends), answers its questions against the clock,
//! and reads the score, "Top N%" and whether the skill is now verified.

use super::forms::{ConsoleForm, CsrfOnly, FormPairs};
use super::layout::{Flash, Kind, Layout, after_post, app_error, flash, render};
use super::session::Viewer;
use super::views::member_error;
use crate::WebState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use trustwork_app::skill_tests::AttemptView;
use trustwork_core::Role;

struct TestRow {
    slug: &'static str,
    name: &'static str,
    skill: String,
    minutes: u32,
    questions: usize,
    pass_percent: u32,
    retake_after_days: u32,
    /// "84% · Top 20% · verified", when taken.
    result: Option<String>,
    /// Why it may not be started now.
    blocked: Option<String>,
}

#[derive(Template)]
#[template(path = "skill_tests.html")]
struct TestsPage {
    layout: Layout,
    tests: Vec<TestRow>,
    /// The attempt still running: (id, test name).
    running: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "skill_test_attempt.html")]
struct AttemptPage {
    layout: Layout,
    attempt: AttemptView,
    deadline: String,
    open: bool,
}

/// `GET /settings/tests`.
pub async fn list(State(s): State<WebState>, viewer: Viewer, Query(f): Query<Flash>) -> Response {
    if let Err(r) = viewer.require(&[Role::Freelancer]) {
        return r;
    }
    let (results, running) = match (
        s.app.skill_test_results(viewer.id()).await,
        s.app.running_skill_test(viewer.id()).await,
    ) {
        (Ok(r), Ok(o)) => (r, o),
        (Err(e), _) | (_, Err(e)) => return app_error(&e),
    };
    let mut tests = Vec::new();
    for t in s.app.skill_tests() {
        let result = results.iter().find(|r| r.test == t.slug).map(|r| {
            format!(
                "{}% · Top {}%{}",
                r.score,
                r.top_percent,
                if r.passed {
                    " · verified"
                } else {
                    " · not passed"
                }
            )
        });
        let blocked = match s.app.why_not_start_skill_test(viewer.id(), t.slug).await {
            Ok(b) => b,
            Err(e) => return app_error(&e),
        };
        tests.push(TestRow {
            slug: t.slug,
            name: t.name,
            skill: trustwork_core::skills::find(t.skill)
                .map_or_else(|| t.skill.to_owned(), |k| k.name.clone()),
            minutes: t.minutes,
            questions: t.questions,
            pass_percent: t.pass_percent,
            retake_after_days: t.retake_after_days,
            result,
            blocked,
        });
    }
    let running = running.map(|(id, slug)| {
        let name = tests
            .iter()
            .find(|t| t.slug == slug)
            .map_or(slug.clone(), |t| t.name.to_owned());
        (id, name)
    });
    render(&TestsPage {
        layout: Layout::new(&s, &viewer, "/settings/tests", "Skill tests", f).await,
        tests,
        running,
    })
}

/// `POST /settings/tests/{slug}/start`.
pub async fn start(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(slug): Path<String>,
    ConsoleForm(f): ConsoleForm<CsrfOnly>,
) -> Response {
    if let Err(r) = viewer
        .require(&[Role::Freelancer])
        .and_then(|()| viewer.check_csrf(&f.csrf))
    {
        return r;
    }
    match s.app.start_skill_test(viewer.id(), &slug).await {
        Ok(a) => Redirect::to(&format!("/settings/tests/attempts/{}", a.id)).into_response(),
        Err(e) => after_post(&s, &viewer, "/settings/tests", Err(e), member_error),
    }
}

/// `GET /settings/tests/attempts/{id}`.
pub async fn attempt(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(f): Query<Flash>,
) -> Response {
    if let Err(r) = viewer.require(&[Role::Freelancer]) {
        return r;
    }
    let attempt = match s.app.skill_test_attempt(viewer.id(), &id).await {
        Ok(a) => a,
        Err(e) => return app_error(&e),
    };
    let deadline = trustwork_core::Timestamp::parse_rfc3339(&attempt.deadline_at)
        .map(trustwork_core::Timestamp::to_human)
        .unwrap_or_default();
    let title = attempt.test_name.to_owned();
    render(&AttemptPage {
        layout: Layout::new(&s, &viewer, "/settings/tests", &title, f).await,
        open: attempt.status == "open",
        attempt,
        deadline,
    })
}

/// `POST /settings/tests/attempts/{id}`: saves the answers chosen (`q1`…`qN`) and, with
/// `act=finish`, scores the attempt.
pub async fn answer(
    State(s): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    FormPairs(pairs): FormPairs,
) -> Response {
    let f = FormPairs(pairs);
    if let Err(r) = viewer
        .require(&[Role::Freelancer])
        .and_then(|()| viewer.check_csrf(f.one("csrf")))
    {
        return r;
    }
    let here = format!("/settings/tests/attempts/{id}");
    let attempt = match s.app.skill_test_attempt(viewer.id(), &id).await {
        Ok(a) => a,
        Err(e) => return app_error(&e),
    };
    for q in &attempt.questions {
        let Ok(choice) = f.one(&format!("q{}", q.number)).parse::<usize>() else {
            continue;
        };
        if q.answer == Some(choice) {
            continue;
        }
        if let Err(e) = s
            .app
            .answer_skill_test(viewer.id(), &id, q.number, choice)
            .await
        {
            return after_post(&s, &viewer, &here, Err(e), member_error);
        }
    }
    if f.one("act") != "finish" {
        return flash(&s, &viewer, &here, Kind::Notice, "Your answers were saved.");
    }
    let result = s.app.finish_skill_test(viewer.id(), &id).await.map(|r| {
        if r.passed {
            format!(
                "You passed with {}% (Top {}%): the skill is verified on your profile.",
                r.score, r.top_percent
            )
        } else {
            format!("You scored {}%; the pass mark was not reached.", r.score)
        }
    });
    after_post(&s, &viewer, &here, result, member_error)
}

/// A question's text with its `code` in `<code>`, everything escaped.
pub fn code_spans(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, part) in text.split('`').enumerate() {
        let code = i % 2 == 1;
        if code {
            out.push_str("<code>");
        }
        super::review::escape_into(&mut out, part);
        if code {
            out.push_str("</code>");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::code_spans;

    #[test]
    fn code_is_marked_and_everything_is_escaped() {
        assert_eq!(
            code_spans("What does `Vec<T>` hold & <b>?"),
            "What does <code>Vec&lt;T&gt;</code> hold &amp; &lt;b&gt;?"
        );
        assert_eq!(code_spans("no code"), "no code");
    }
}
