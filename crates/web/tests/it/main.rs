//! The HTTP layer's tests: the API driven in-process through the real router, on SQLite and
//! (when TRUSTWORK_TEST_POSTGRES_URL is set) PostgreSQL, with a fake clock.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod browser;
mod console;
mod support;

mod api_errors;
mod api_story;
mod connections;
mod contract_story;
mod contracts_story;
mod conversation_story;
mod inbound_mail;
mod jobs;
mod limits;
mod live_verification;
mod nul_text;
mod openapi;
mod profile_api_story;
mod profile_story;
mod review;
mod support_desk_story;
mod support_story;
mod tickets_story;
mod video_call;
mod webhooks;
