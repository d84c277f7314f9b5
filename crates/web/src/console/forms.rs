//! Form bodies for the console, with errors shown as a readable page.

use super::layout::error_page;
use axum::extract::rejection::FormRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::Response;
use serde::de::DeserializeOwned;

pub struct ConsoleForm<T>(pub T);

/// A form's body, refused as a readable page when it is too large or holds U+0000.
async fn checked_bytes(body: axum::body::Body) -> Result<axum::body::Bytes, Response> {
    let bytes = axum::body::to_bytes(body, crate::server::BODY_LIMIT)
        .await
        .map_err(|_| {
            error_page(
                StatusCode::PAYLOAD_TOO_LARGE,
                "The form is too large to send.",
            )
        })?;
    if has_nul(&bytes) {
        return Err(error_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "The form holds a character that cannot be stored (U+0000). Remove it and send again.",
        ));
    }
    Ok(bytes)
}

impl<S, T> FromRequest<S> for ConsoleForm<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let (parts, body) = req.into_parts();
        let bytes = checked_bytes(body).await?;
        let req = Request::from_parts(parts, axum::body::Body::from(bytes));
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(ConsoleForm(v)),
            Err(FormRejection::FailedToDeserializeForm(e)) => Err(incomplete(&e.body_text())),
            Err(FormRejection::FailedToDeserializeFormBody(e)) => Err(incomplete(&e.body_text())),
            Err(other) => Err(error_page(other.status(), &other.body_text())),
        }
    }
}

/// A form as its name–value pairs in order, for forms with a repeated field (a multiple
/// select), with the same size and U+0000 checks as [`ConsoleForm`].
pub struct FormPairs(pub Vec<(String, String)>);

impl FormPairs {
    /// The first value of `name` ("" when absent).
    pub fn one(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

impl<S: Send + Sync> FromRequest<S> for FormPairs {
    type Rejection = Response;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Response> {
        let bytes = checked_bytes(req.into_body()).await?;
        Ok(FormPairs(
            form_urlencoded::parse(&bytes)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        ))
    }
}

/// U+0000 in a form body, raw or percent-encoded (`%00`).
pub fn has_nul(bytes: &[u8]) -> bool {
    bytes.contains(&0) || bytes.windows(3).any(|w| w == b"%00")
}

fn incomplete(detail: &str) -> Response {
    error_page(
        StatusCode::UNPROCESSABLE_ENTITY,
        &format!("The form was incomplete or invalid: {detail}"),
    )
}

/// Percent-encodes text for a query string value.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn nul_is_found_raw_or_encoded() {
        assert!(super::has_nul(b"a=1&note=x%00y"));
        assert!(super::has_nul(b"note=x\0"));
        assert!(!super::has_nul(b"note=100%25%2000"));
    }

    #[test]
    fn encodes_reserved_characters() {
        assert_eq!(super::encode("a b&c=é"), "a%20b%26c%3D%C3%A9");
    }
}

/// A form whose only field is its CSRF token (a button).
#[derive(serde::Deserialize)]
pub struct CsrfOnly {
    pub csrf: String,
}

/// A multipart form of a CSRF token and one file: `(csrf, bytes)`, or the words to show when
/// the upload could not be read (too large, cut off).
pub async fn read_file_form(
    mut multipart: axum::extract::Multipart,
) -> Result<(String, Vec<u8>), String> {
    let mut csrf = String::new();
    let mut bytes = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok((csrf, bytes)),
            Err(e) => return Err(format!("The file could not be read: {}", e.body_text())),
        };
        let read = match field.name().unwrap_or_default() {
            "csrf" => field.text().await.map(|t| csrf = t),
            "file" => field.bytes().await.map(|b| bytes = b.to_vec()),
            _ => Ok(()),
        };
        if let Err(e) = read {
            return Err(format!("The file could not be read: {}", e.body_text()));
        }
    }
}
