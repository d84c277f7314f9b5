//! Who is looking at the console: the session cookie, role checks and the CSRF check.

use super::layout::error_page;
use crate::WebState;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::header::COOKIE;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use trustwork_app::auth::SignedIn;
use trustwork_core::{Actor, Role};

pub const SESSION_COOKIE: &str = "tw_session";
pub const LOGIN_CSRF_COOKIE: &str = "tw_login_csrf";

/// A signed-in console user. Pages that take a `Viewer` redirect to the sign-in page otherwise.
pub struct Viewer(pub SignedIn);

/// Who may decide cases and restrict accounts.
pub const ENFORCERS: &[Role] = &[Role::Agent, Role::Admin];

/// The marketplace's members: who has proposals, contracts and messages.
pub const MEMBERS: &[Role] = &[Role::Freelancer, Role::Client];

impl Viewer {
    pub fn role(&self) -> Role {
        self.0.account.role
    }

    pub fn actor(&self) -> Actor {
        Actor::Account(self.0.account.id.clone())
    }

    pub fn id(&self) -> &str {
        &self.0.account.id
    }

    /// Refuses the page unless the viewer has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), Response> {
        if roles.contains(&self.role()) {
            Ok(())
        } else {
            Err(error_page(
                StatusCode::FORBIDDEN,
                "This page is not available to your account.",
            ))
        }
    }

    /// Refuses a form post whose token does not match the session's.
    pub fn check_csrf(&self, token: &str) -> Result<(), Response> {
        if constant_time_eq(token, &self.0.csrf_token) {
            Ok(())
        } else {
            Err(error_page(
                StatusCode::FORBIDDEN,
                "The form expired or did not come from this site. Go back, reload the page and try again.",
            ))
        }
    }
}

pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The value of one cookie from the request.
pub fn cookie(parts: &Parts, name: &str) -> Option<String> {
    cookie_in(&parts.headers, name)
}

/// The value of one cookie among these headers.
pub fn cookie_in(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A `Set-Cookie` value: HttpOnly and SameSite=Lax always, Secure when configured.
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}")
}

impl FromRequestParts<WebState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Response> {
        let Some(token) = cookie(parts, SESSION_COOKIE) else {
            return Err(Redirect::to("/login").into_response());
        };
        match state.app.session(&token).await {
            Ok(Some(signed)) => Ok(Viewer(signed)),
            Ok(None) => Err(Redirect::to("/login").into_response()),
            Err(e) => {
                tracing::error!(error = %e.detail(), "session lookup failed");
                Err(error_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong. Please try again.",
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let req = axum::http::Request::builder()
            .header(COOKIE, "a=1; tw_session=abc; b=2")
            .body(())
            .unwrap();
        let (parts, _) = req.into_parts();
        assert_eq!(cookie(&parts, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&parts, "missing"), None);
    }

    #[test]
    fn set_cookie_is_http_only_and_same_site() {
        let c = set_cookie("tw_session", "x", 60, true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.ends_with("Secure"));
        assert!(!set_cookie("tw_session", "x", 60, false).contains("Secure"));
    }
}
