//! The JSON API under `/api/v1`, for the operator's systems. Every route needs a bearer token
//! with the right scope.

mod accounts;
mod auth;
mod body;
mod clock;
mod contracts;
mod conversations;
mod dto;
mod events;
mod jobs;
mod phone;
pub(crate) mod portfolio_files;
mod profiles;
mod review;
mod skill_tests;
mod tickets;
mod verification;
mod webhooks;

use crate::{ApiError, WebState};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{any, get, post};

/// A batch of up to 1,000 events needs more room than the 64 KiB every other body gets.
pub const BATCH_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// A week of work-diary segments (1,008, each with a memo) needs more than 64 KiB.
pub const DIARY_BODY_LIMIT: usize = 1024 * 1024;

/// A policy file may be longer than an ordinary body.
pub const POLICY_BODY_LIMIT: usize = 1024 * 1024;

/// The OpenAPI document, written by hand and checked against the router by a test.
pub const OPENAPI: &str = include_str!("../../openapi.json");

pub fn routes(demo_mode: bool) -> Router<WebState> {
    let mut r = Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/accounts/{id}", get(accounts::get_account))
        .route(
            "/api/v1/accounts/{id}/capabilities",
            get(accounts::capabilities),
        )
        .route(
            "/api/v1/accounts/{id}/restrictions",
            get(accounts::restrictions).post(accounts::apply_restriction),
        )
        .route(
            "/api/v1/restrictions/{id}/lift",
            post(accounts::lift_restriction),
        )
        .route(
            "/api/v1/accounts/{id}/verification-requests",
            post(verification::require),
        )
        .route(
            "/api/v1/accounts/{id}/verification-cases",
            get(verification::cases_of),
        )
        .route(
            "/api/v1/verification-cases/{id}",
            get(verification::get_case),
        )
        .route(
            "/api/v1/verification-cases/{id}/outcome",
            post(verification::outcome),
        )
        .route(
            "/api/v1/verification-cases/{id}/sessions",
            post(verification::create_session),
        )
        .route("/api/v1/verification-queue", get(verification::queue))
        .route(
            "/api/v1/verification-cases/{id}/questions",
            get(verification::questions),
        )
        .route(
            "/api/v1/verification-cases/{id}/questions/{question_id}",
            post(verification::mark_question),
        )
        .route(
            "/api/v1/verification-cases/{id}/evidence",
            get(verification::list_evidence)
                .post(verification::add_evidence)
                .layer(DefaultBodyLimit::max(verification::UPLOAD_BODY_LIMIT)),
        )
        .route(
            "/api/v1/verification-cases/{id}/evidence/{evidence_id}",
            get(verification::get_evidence),
        )
        .route(
            "/api/v1/verification-cases/{id}/documents",
            post(verification::add_document)
                .layer(DefaultBodyLimit::max(verification::UPLOAD_BODY_LIMIT)),
        )
        .route(
            "/api/v1/accounts/{id}/facts",
            get(verification::get_facts).put(verification::put_facts),
        )
        .route(
            "/api/v1/accounts/{id}/proposals",
            get(accounts::proposals).post(accounts::submit_proposal),
        )
        .route("/api/v1/accounts/{id}/contracts", get(accounts::contracts))
        .route(
            "/api/v1/accounts/{id}/payment-methods",
            get(contracts::payment_methods).post(contracts::add_payment_method),
        )
        .route("/api/v1/nda", get(contracts::nda))
        .route("/api/v1/contracts", post(contracts::offer))
        .route("/api/v1/contracts/{id}", get(contracts::get_contract))
        .route(
            "/api/v1/contracts/{id}/nda-acceptances",
            post(contracts::accept_nda),
        )
        .route("/api/v1/contracts/{id}/end", post(contracts::end))
        .route("/api/v1/contracts/{id}/pause", post(contracts::pause))
        .route("/api/v1/contracts/{id}/resume", post(contracts::resume))
        .route(
            "/api/v1/contracts/{id}/work-diary",
            post(contracts::log_work).layer(DefaultBodyLimit::max(DIARY_BODY_LIMIT)),
        )
        .route("/api/v1/contracts/{id}/weeks/{week}", get(contracts::week))
        .route(
            "/api/v1/contracts/{id}/milestones",
            post(contracts::fund_milestone),
        )
        .route(
            "/api/v1/contracts/{id}/disputes",
            post(contracts::open_dispute),
        )
        .route(
            "/api/v1/milestones/{id}/actions",
            post(contracts::act_on_milestone),
        )
        .route(
            "/api/v1/contracts/{id}/feedback",
            get(contracts::feedback).post(contracts::leave_feedback),
        )
        .route("/api/v1/accounts/{id}/stats", get(contracts::stats))
        .route("/api/v1/tickets", post(tickets::open))
        .route("/api/v1/inbound-email", post(tickets::inbound))
        .route("/api/v1/tickets/{id}", get(tickets::get))
        .route("/api/v1/tickets/{id}/replies", post(tickets::reply))
        .route("/api/v1/tickets/{id}/status", post(tickets::set_status))
        .route("/api/v1/tickets/{id}/assignee", post(tickets::assign))
        .route("/api/v1/tickets/{id}/priority", post(tickets::set_priority))
        .route("/api/v1/tickets/{id}/merge", post(tickets::merge))
        .route("/api/v1/tickets/{id}/satisfaction", post(tickets::rate))
        .route(
            "/api/v1/tickets/{id}/attachments",
            post(tickets::attach).layer(DefaultBodyLimit::max(portfolio_files::BODY_LIMIT)),
        )
        .route(
            "/api/v1/tickets/{id}/attachments/{file_id}",
            get(tickets::attachment),
        )
        .route(
            "/api/v1/ticket-macros",
            get(tickets::macros).post(tickets::create_macro),
        )
        .route("/api/v1/support/report", get(tickets::report))
        .route("/api/v1/support/agents/{id}", post(tickets::set_agent))
        .route("/api/v1/disputes/{id}", get(contracts::get_dispute))
        .route(
            "/api/v1/disputes/{id}/resolution",
            post(contracts::resolve_dispute),
        )
        .route(
            "/api/v1/accounts/{id}/withdrawals",
            get(accounts::withdrawals).post(accounts::request_withdrawal),
        )
        .route("/api/v1/accounts/{id}/audit", get(accounts::audit))
        .route("/api/v1/freelancers", get(accounts::search_freelancers))
        .route("/api/v1/skills", get(profiles::skills))
        .route(
            "/api/v1/accounts/{id}/profile",
            get(profiles::get_profile).put(profiles::put_profile),
        )
        .route(
            "/api/v1/accounts/{id}/profile/submit",
            post(profiles::submit),
        )
        .route(
            "/api/v1/accounts/{id}/profile/review",
            post(profiles::review),
        )
        .route(
            "/api/v1/accounts/{id}/profile/re-review",
            post(profiles::re_review),
        )
        .route(
            "/api/v1/accounts/{id}/portfolio-files",
            post(portfolio_files::upload).layer(DefaultBodyLimit::max(portfolio_files::BODY_LIMIT)),
        )
        .route(
            "/api/v1/accounts/{id}/portfolio-files/{file_id}",
            get(portfolio_files::download),
        )
        .route("/api/v1/skill-tests", get(skill_tests::list))
        .route(
            "/api/v1/accounts/{id}/skill-tests",
            get(skill_tests::results),
        )
        .route(
            "/api/v1/accounts/{id}/skill-tests/{slug}/attempts",
            post(skill_tests::start),
        )
        .route(
            "/api/v1/accounts/{id}/skill-test-attempts/{attempt}",
            get(skill_tests::attempt),
        )
        .route(
            "/api/v1/accounts/{id}/skill-test-attempts/{attempt}/answers",
            post(skill_tests::answer),
        )
        .route(
            "/api/v1/accounts/{id}/skill-test-attempts/{attempt}/finish",
            post(skill_tests::finish),
        )
        .route("/api/v1/jobs/{id}", get(jobs::get_job))
        .route("/api/v1/jobs/{id}/review", post(jobs::review))
        .route("/api/v1/jobs/{id}/invitations", post(conversations::invite))
        .route(
            "/api/v1/invitations/{id}",
            get(conversations::get_invitation),
        )
        .route(
            "/api/v1/invitations/{id}/accept",
            post(conversations::accept),
        )
        .route(
            "/api/v1/invitations/{id}/decline",
            post(conversations::decline),
        )
        .route("/api/v1/threads/{id}", get(conversations::get_thread))
        .route(
            "/api/v1/threads/{id}/messages",
            post(conversations::post_message),
        )
        .route("/api/v1/proposals/{id}/replies", post(conversations::reply))
        .route(
            "/api/v1/webhooks",
            get(webhooks::list).post(webhooks::create),
        )
        .route("/api/v1/webhooks/{id}/disable", post(webhooks::disable))
        .route(
            "/api/v1/webhooks/{id}/deliveries",
            get(webhooks::deliveries),
        )
        .route(
            "/api/v1/webhook-deliveries/{id}/replay",
            post(webhooks::replay),
        )
        .route("/api/v1/review-cases", get(review::list_cases))
        .route("/api/v1/review-cases/{id}", get(review::get_case))
        .route("/api/v1/review-cases/{id}/claim", post(review::claim))
        .route("/api/v1/review-cases/{id}/resolve", post(review::resolve))
        .route("/api/v1/flags", post(review::create_flag))
        .route(
            "/api/v1/restrictions/{id}/appeals",
            post(review::file_appeal),
        )
        .route("/api/v1/appeals", get(review::list_appeals))
        .route("/api/v1/appeals/{id}/decision", post(review::decide_appeal))
        .route("/api/v1/timers", get(clock::timers))
        .route("/api/v1/events", post(events::post_event))
        .route(
            "/api/v1/events:batch",
            post(events::post_batch).layer(DefaultBodyLimit::max(BATCH_BODY_LIMIT)),
        )
        .route("/api/v1/decisions/{id}", get(events::get_decision))
        .route(
            "/api/v1/accounts/{id}/phone-verifications",
            post(phone::start),
        )
        .route("/api/v1/phone-verifications/{id}", get(phone::get))
        .route("/api/v1/phone-verifications/{id}/check", post(phone::check))
        .route(
            "/api/v1/policy",
            get(events::get_policy)
                .put(events::put_policy)
                .layer(DefaultBodyLimit::max(POLICY_BODY_LIMIT)),
        );
    // Outside demo mode the test clock does not exist at all.
    if demo_mode {
        r = r.route("/api/v1/test-clock/advance", post(clock::advance));
    }
    // Unknown API paths and methods answer in the API's error shape too.
    r.route("/api/v1/{*rest}", any(no_such_route))
        .method_not_allowed_fallback(method_not_allowed)
}

async fn no_such_route() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such API route; see /api/v1/openapi.json",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this route does not take that method; see /api/v1/openapi.json",
    )
}

async fn openapi() -> impl axum::response::IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        OPENAPI,
    )
}
