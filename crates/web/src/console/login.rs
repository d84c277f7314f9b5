//! Sign-in and sign-out.

use super::forms::ConsoleForm;
use super::layout::{app_error, render};
use super::session::{
    LOGIN_CSRF_COOKIE, SESSION_COOKIE, Viewer, constant_time_eq, cookie, set_cookie,
};
use crate::WebState;
use askama::Template;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::net::SocketAddr;
use trustwork_app::AppError;
use trustwork_core::Role;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    email: String,
    error: Option<String>,
}

/// The landing page for each role.
pub fn home_of(role: Role) -> &'static str {
    match role {
        Role::Freelancer | Role::Client => "/dashboard",
        Role::Agent => "/agent/accounts",
        Role::Support => "/desk",
        Role::Admin => "/admin",
    }
}

pub async fn home(viewer: Viewer) -> Redirect {
    Redirect::to(home_of(viewer.role()))
}

fn random_token() -> String {
    let mut bytes = [0u8; 24];
    use std::io::Read;
    if std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .is_err()
    {
        // Fall back to time-based uniqueness; the token still has to match its cookie.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        return format!("{nanos:x}");
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn login_page(
    state: &WebState,
    status: StatusCode,
    email: &str,
    error: Option<String>,
) -> Response {
    // Double-submit token: the form carries the same value as a cookie set with it, so a
    // cross-site form cannot sign someone in to an account of the attacker's choosing.
    let csrf = random_token();
    let page = LoginPage {
        csrf: csrf.clone(),
        email: email.to_owned(),
        error,
    };
    (
        status,
        [(
            SET_COOKIE,
            set_cookie(LOGIN_CSRF_COOKIE, &csrf, 3600, state.secure_cookies),
        )],
        render(&page),
    )
        .into_response()
}

pub async fn form(State(state): State<WebState>) -> Response {
    login_page(&state, StatusCode::OK, "", None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    csrf: String,
}

/// The cookie that came with the sign-in form.
pub struct LoginCsrfCookie(Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for LoginCsrfCookie {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(LoginCsrfCookie(cookie(parts, LOGIN_CSRF_COOKIE)))
    }
}

/// The browser's device token for sign-in (see `App::sign_in`): kept for half a year.
pub struct DeviceCookie(Option<String>);

const DEVICE_COOKIE: &str = "tw_device";
const DEVICE_MAX_AGE_SECS: i64 = 183 * 24 * 3600;

impl<S: Send + Sync> FromRequestParts<S> for DeviceCookie {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(DeviceCookie(cookie(parts, DEVICE_COOKIE)))
    }
}

/// The client's address, when the server knows it (tests that call the router directly do not
/// provide one): the connection's peer, or behind a trusted proxy the address it forwarded.
pub struct RemoteAddr(pub(crate) String);

impl FromRequestParts<WebState> for RemoteAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        let Some(peer) = parts.extensions.get::<ConnectInfo<SocketAddr>>() else {
            return Ok(RemoteAddr("unknown".to_owned()));
        };
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        Ok(RemoteAddr(
            state
                .trusted_proxies
                .client(peer.0.ip(), &forwarded)
                .to_string(),
        ))
    }
}

pub async fn submit(
    State(state): State<WebState>,
    RemoteAddr(peer): RemoteAddr,
    LoginCsrfCookie(expected): LoginCsrfCookie,
    DeviceCookie(device): DeviceCookie,
    ConsoleForm(f): ConsoleForm<LoginForm>,
) -> Response {
    if !expected.is_some_and(|e| constant_time_eq(&e, &f.csrf)) {
        return login_page(
            &state,
            StatusCode::FORBIDDEN,
            &f.email,
            Some("The sign-in form expired. Please try again.".into()),
        );
    }
    match state
        .app
        .sign_in(&f.email, &f.password, &peer, device.as_deref())
        .await
    {
        Ok(done) => {
            let (token, signed) = (done.token, done.signed);
            let max_age = state.app.policy().session_idle_ms / 1000;
            let mut headers = HeaderMap::new();
            if let Ok(v) = set_cookie(SESSION_COOKIE, &token, max_age, state.secure_cookies).parse()
            {
                headers.append(SET_COOKIE, v);
            }
            if let Ok(v) = set_cookie(LOGIN_CSRF_COOKIE, "", 0, state.secure_cookies).parse() {
                headers.append(SET_COOKIE, v);
            }
            if let Ok(v) = set_cookie(
                DEVICE_COOKIE,
                &done.device,
                DEVICE_MAX_AGE_SECS,
                state.secure_cookies,
            )
            .parse()
            {
                headers.append(SET_COOKIE, v);
            }
            (headers, Redirect::to(home_of(signed.account.role))).into_response()
        }
        Err(
            e @ (AppError::BadCredentials
            | AppError::TooManyAttempts { .. }
            | AppError::LoginDenied),
        ) => {
            let status = crate::error::status_of(&e);
            let message = match e {
                AppError::LoginDenied => {
                    "This account cannot sign in. Check your email for the reason, or use “Can't sign in?” below to see it and appeal.".to_owned()
                }
                other => other.to_string(),
            };
            login_page(&state, status, &f.email, Some(message))
        }
        Err(e) => app_error(&e),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn logout(
    State(state): State<WebState>,
    viewer: Viewer,
    ConsoleForm(f): ConsoleForm<CsrfForm>,
) -> Response {
    if let Err(r) = viewer.check_csrf(&f.csrf) {
        return r;
    }
    if let Err(e) = state.app.logout(&viewer.0.session_id).await {
        return app_error(&e);
    }
    (
        [(
            SET_COOKIE,
            set_cookie(SESSION_COOKIE, "", 0, state.secure_cookies),
        )],
        Redirect::to("/login"),
    )
        .into_response()
}
