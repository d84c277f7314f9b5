//! The console: server-rendered pages for freelancers, clients, agents and admins. Forms work
//! without JavaScript; every form post carries a CSRF token.

// Handlers return a ready `Response` as their error: it goes straight to the client, so its
// size on the stack does not matter.
#![allow(clippy::result_large_err)]

mod admin;
mod agent;
mod contracts;
mod desk;
mod dispute_review;
mod flags;
mod forms;
mod help;
mod layout;
mod live_chat;
mod login;
mod member;
mod messages;
mod my_jobs;
mod payment_methods;
mod profile;
mod profile_details;
mod profile_review;
mod review;
mod session;
mod skill_tests;
mod support;
mod thread_call;
mod verification;
mod verify_member;
mod views;

pub(crate) use verification::{evidence_response, file_response, portfolio_file_response};
pub(crate) use verify_member::read_document;

pub(crate) use layout::error_page;
pub(crate) use session::constant_time_eq;
pub(crate) use views::member_error;
mod webhooks;

use crate::WebState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};

/// An ID still or a document, with room for the multipart framing.
const UPLOAD_LIMIT: usize = trustwork_core::evidence::MAX_EVIDENCE_BYTES + 64 * 1024;

const CSS: &str = include_str!("../../static/console.css");
const SUPPORT_JS: &str = include_str!("../../static/support.js");
const CHAT_JS: &str = include_str!("../../static/chat.js");

/// A ticket's file, with room for the multipart framing.
const TICKET_FILE_LIMIT: usize = trustwork_app::tickets::MAX_ATTACHMENT_BYTES + 64 * 1024;

async fn support_js() -> axum::response::Response {
    verify_member::script(SUPPORT_JS)
}

async fn chat_js() -> axum::response::Response {
    verify_member::script(CHAT_JS)
}

pub fn routes(demo_mode: bool) -> Router<WebState> {
    let mut r = Router::new()
        .route("/", get(login::home))
        .route("/static/console.css", get(css))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/dashboard", get(member::dashboard))
        .route(
            "/settings",
            get(|| async { axum::response::Redirect::to("/settings/identity") }),
        )
        .route("/settings/identity", get(member::identity))
        .route("/settings/profile", get(profile::form).post(profile::save))
        .route("/settings/profile/submit", post(profile::submit))
        .route(
            "/settings/profile/details",
            get(profile_details::form).post(profile_details::save),
        )
        .route(
            "/settings/profile/details/files",
            post(profile_details::upload).layer(DefaultBodyLimit::max(
                crate::api::portfolio_files::BODY_LIMIT,
            )),
        )
        .route(
            "/settings/profile/files/{id}",
            get(profile_details::own_file),
        )
        .route(
            "/agent/accounts/{account}/portfolio-files/{id}",
            get(profile_details::agent_file),
        )
        .route("/settings/profile/re-review", post(profile::re_review))
        .route("/settings/tests", get(skill_tests::list))
        .route("/settings/tests/{slug}/start", post(skill_tests::start))
        .route(
            "/settings/tests/attempts/{id}",
            get(skill_tests::attempt).post(skill_tests::answer),
        )
        .route("/settings/phone", post(member::start_phone))
        .route("/settings/identity/chat", post(verify_member::start_chat))
        .route("/verify/{id}", get(verify_member::page))
        .route("/verify/{id}/open", post(verify_member::open))
        .route(
            "/agent/verification/calls/{id}/release",
            post(verification::release),
        )
        .route("/verify/{id}/state", get(verify_member::state))
        .route("/verify/{id}/queue", post(verify_member::join))
        .route("/verify/{id}/leave", post(verify_member::leave))
        .route(
            "/verify/{id}/documents",
            post(verify_member::upload).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/verify/{id}/ws", get(verify_member::socket))
        .route("/static/call.js", get(verify_member::call_js))
        .route("/static/verify.js", get(verify_member::verify_js))
        .route("/static/agent-call.js", get(verification::agent_js))
        .route("/agent/verification", get(verification::queue))
        .route("/agent/verification/take", post(verification::take))
        .route(
            "/agent/verification/calls/{id}",
            get(verification::call_page),
        )
        .route(
            "/agent/verification/calls/{id}/ws",
            get(verification::socket),
        )
        .route(
            "/agent/verification/calls/{id}/questions/{question_id}",
            post(verification::mark),
        )
        .route(
            "/agent/verification/calls/{id}/capture",
            post(verification::capture).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/agent/verification/calls/{id}/outcome",
            post(verification::outcome),
        )
        .route(
            "/agent/evidence/{case_id}/{id}",
            get(verification::evidence),
        )
        .route("/settings/phone/{id}/check", post(member::check_phone))
        .route("/stats", get(member::stats))
        .route("/flags", post(flags::create))
        .route("/messages", get(messages::list))
        .route("/messages/{id}", get(messages::thread).post(messages::send))
        .route("/messages/{id}/calls", post(messages::start_call))
        .route("/messages/{id}/calls/{call}", get(thread_call::page))
        .route("/messages/{id}/calls/{call}/ws", get(thread_call::socket))
        .route("/static/thread-call.js", get(thread_call::script))
        .route("/invitations/{id}/accept", post(messages::accept))
        .route("/invitations/{id}/decline", post(messages::decline))
        .route("/freelancers/{id}/invite", post(messages::invite))
        .route("/my-jobs", get(my_jobs::list).post(my_jobs::post))
        .route("/proposals/{id}/reply", post(messages::reply))
        .route("/proposals/{id}/hire", post(member::hire))
        .route("/work", get(member::work))
        .route(
            "/settings/payment-methods",
            get(payment_methods::list).post(payment_methods::add),
        )
        .route("/contracts/{id}", get(contracts::show).post(contracts::act))
        .route("/jobs", get(member::jobs))
        .route("/jobs/{id}/proposals", post(member::submit_proposal))
        .route("/withdrawals", post(member::withdraw))
        .route("/freelancers", get(member::find_freelancers))
        .route("/agent/accounts", get(agent::search))
        .route("/agent/accounts/{id}", get(agent::account))
        .route(
            "/agent/accounts/{id}/verification",
            post(agent::require_verification),
        )
        .route(
            "/agent/accounts/{id}/restrictions",
            post(agent::apply_restriction),
        )
        .route("/agent/cases/{id}/outcome", post(agent::record_outcome))
        .route(
            "/agent/restrictions/{id}/lift",
            post(agent::lift_restriction),
        )
        .route("/review", get(review::queue))
        .route("/review/{id}", get(review::case_page))
        .route("/review/{id}/claim", post(review::claim))
        .route("/review/{id}/release", post(review::release))
        .route("/review/{id}/resolve", post(review::resolve))
        .route("/review/{id}/job", post(review::decide_job))
        .route("/review/{id}/profile", post(profile_review::decide))
        .route("/review/{id}/dispute", post(dispute_review::settle))
        .route("/appeals", get(review::appeals))
        .route("/appeals/{id}/decision", post(review::decide))
        .route("/restrictions/{id}/appeal", post(review::file_appeal))
        .route("/support", get(support::home))
        .route("/support/tickets", post(support::open))
        .route("/support/tickets/{id}", get(support::ticket))
        .route("/support/tickets/{id}/reply", post(support::reply))
        .route("/support/tickets/{id}/rate", post(support::rate))
        .route(
            "/support/tickets/{id}/files",
            post(support::upload).layer(DefaultBodyLimit::max(TICKET_FILE_LIMIT)),
        )
        .route("/support/tickets/{id}/files/{file_id}", get(support::file))
        .route("/support/chat", post(support::start_chat))
        .route("/support/message", post(support::leave_message))
        .route("/support/chat/{id}", get(live_chat::page))
        .route("/support/chat/{id}/ws", get(live_chat::socket))
        .route("/support/chat/{id}/say", post(live_chat::say))
        .route("/support/chat/{id}/end", post(live_chat::end))
        .route("/static/support.js", get(support_js))
        .route("/static/chat.js", get(chat_js))
        .route("/desk", get(desk::home))
        .route("/desk/availability", post(desk::availability))
        .route("/desk/chats/{id}", get(live_chat::page))
        .route("/desk/chats/{id}/accept", post(live_chat::accept))
        .route("/desk/chats/{id}/transfer", post(live_chat::transfer))
        .route("/desk/tickets/{id}", get(desk::ticket))
        .route("/desk/tickets/{id}/reply", post(desk::reply))
        .route("/desk/tickets/{id}/{field}", post(desk::change))
        .route("/desk/macros", get(desk::macros).post(desk::create_macro))
        .route("/desk/report", get(desk::report))
        .route("/help", get(help::ask).post(help::send))
        .route("/help/{token}", get(help::access))
        .route("/help/{token}/appeal", post(help::appeal))
        .route("/help/{token}/message", post(help::message))
        .route("/admin", get(admin::overview))
        .route("/admin/mailbox", get(admin::mailbox))
        .route("/admin/timers/{id}/retry", post(admin::retry_timer))
        .route(
            "/admin/webhooks",
            get(webhooks::overview).post(webhooks::create),
        )
        .route("/admin/webhooks/{id}/disable", post(webhooks::disable))
        .route(
            "/admin/webhook-deliveries/{id}/replay",
            post(webhooks::replay),
        );
    if demo_mode {
        r = r.route("/admin/clock/advance", post(admin::advance_clock));
    }
    r
}

/// Any address nothing answers: a page in the console's own look, not a bare status.
pub(crate) async fn not_found() -> axum::response::Response {
    layout::error_page(
        axum::http::StatusCode::NOT_FOUND,
        "There is no page at this address. The link may be mistyped or out of date.",
    )
}

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        CSS,
    )
}
