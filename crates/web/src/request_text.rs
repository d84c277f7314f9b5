//! Text in the request line: a path or query that decodes to U+0000 or to bytes that are not
//! UTF-8 is refused before any handler, with the API's JSON error under `/api` and the console's
//! page elsewhere. PostgreSQL cannot store U+0000, and no id, filter or search means it.

use crate::ApiError;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub(crate) async fn refuse_bad_text(request: Request, next: Next) -> Response {
    let uri = request.uri();
    let problem =
        problem_in(uri.path(), false).or_else(|| uri.query().and_then(|q| problem_in(q, true)));
    let Some(problem) = problem else {
        return next.run(request).await;
    };
    let (status, message) = match problem {
        Problem::Nul => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "the address must not contain the NUL character (U+0000)",
        ),
        Problem::NotUtf8 => (
            StatusCode::BAD_REQUEST,
            "the address must be UTF-8 once percent-decoded",
        ),
    };
    if uri.path().starts_with("/api/") {
        let code = match problem {
            Problem::Nul => "invalid_input",
            Problem::NotUtf8 => "bad_request",
        };
        ApiError::new(status, code, message).into_response()
    } else {
        crate::console::error_page(status, &format!("This page cannot be shown: {message}."))
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Problem {
    Nul,
    NotUtf8,
}

/// Percent-decodes `text` (and `+` in a query) and says what is wrong with the result.
fn problem_in(text: &str, query: bool) -> Option<Problem> {
    if !text.contains('%') {
        return None;
    }
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let hex = |at: usize| bytes.get(at).and_then(|c| char::from(*c).to_digit(16));
        match (b, hex(i + 1), hex(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                decoded.push(u8::try_from(hi * 16 + lo).unwrap_or(0));
                i += 3;
            }
            (b'+', _, _) if query => {
                decoded.push(b' ');
                i += 1;
            }
            _ => {
                decoded.push(b);
                i += 1;
            }
        }
    }
    if decoded.contains(&0) {
        return Some(Problem::Nul);
    }
    // A query's pairs are decoded one by one; any part that is not UTF-8 is wrong.
    std::str::from_utf8(&decoded)
        .is_err()
        .then_some(Problem::NotUtf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_and_broken_utf8_are_found() {
        assert_eq!(
            problem_in("/api/v1/accounts/a%00b", false),
            Some(Problem::Nul)
        );
        assert_eq!(problem_in("q=x%00", true), Some(Problem::Nul));
        assert_eq!(
            problem_in("/api/v1/accounts/%FF", false),
            Some(Problem::NotUtf8)
        );
        assert_eq!(problem_in("q=L%C3%B3pez", true), None);
        assert_eq!(problem_in("/plain/path", false), None);
        assert_eq!(problem_in("q=100%", true), None);
        assert_eq!(problem_in("q=%2500", true), None);
    }
}
