//! JSON request bodies with errors in the API's shape: which field, what was wrong, where.

use crate::ApiError;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use serde::Deserialize;
use serde::de::DeserializeOwned;

pub struct Body<T>(pub T);

impl<S, T> FromRequest<S> for Body<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        if !is_json(req.headers()) {
            return Err(unsupported_media_type());
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| bytes_rejection(&e))?;
        from_json(&bytes).map(Body)
    }
}

/// Parses a JSON object into `T`: malformed JSON is a 400 whatever it holds; well-formed JSON
/// that does not fit is a 422. serde would also fill a struct from an array, by position; the
/// API takes objects only, so that every value is named.
fn from_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            e.to_string(),
        ));
    }
    refuse_nul(bytes)?;
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            "the body must be a JSON object",
        ));
    }
    axum::Json::<T>::from_bytes(bytes)
        .map(|axum::Json(v)| v)
        .map_err(reject)
}

/// No text in the API may hold U+0000: PostgreSQL cannot store it, and no field means it. JSON
/// can only carry it escaped (`\u0000`); the body is read as a tree (to name the field) only when
/// that escape appears. Call on well-formed JSON.
pub(crate) fn refuse_nul(bytes: &[u8]) -> Result<(), ApiError> {
    if !bytes.windows(6).any(|w| w == b"\\u0000") {
        return Ok(());
    }
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return Ok(());
    };
    match nul_at(&value, String::new()) {
        Some(at) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            format!(
                "{}: text must not contain the NUL character (U+0000)",
                if at.is_empty() { "/" } else { &at }
            ),
        )
        .with_detail("field", serde_json::Value::String(at))),
        None => Ok(()),
    }
}

/// The JSON pointer (under `at`) of the first string or key holding U+0000, if any.
pub(crate) fn nul_at(value: &serde_json::Value, at: String) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(s) => s.contains('\0').then_some(at),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| nul_at(v, format!("{at}/{i}"))),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            let here = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
            if k.contains('\0') {
                Some(here)
            } else {
                nul_at(v, here)
            }
        }),
        _ => None,
    }
}

fn reject(r: JsonRejection) -> ApiError {
    match r {
        JsonRejection::JsonDataError(e) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            inner_message(&e.body_text()),
        ),
        JsonRejection::JsonSyntaxError(e) => ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            inner_message(&e.body_text()),
        ),
        JsonRejection::MissingJsonContentType(_) => unsupported_media_type(),
        JsonRejection::BytesRejection(e) => bytes_rejection(&e),
        other => ApiError::new(other.status(), "bad_request", other.body_text()),
    }
}

fn unsupported_media_type() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "send the body as JSON with Content-Type: application/json",
    )
}

fn bytes_rejection(e: &BytesRejection) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the request body is too large",
        )
    } else {
        ApiError::new(e.status(), "bad_request", e.body_text())
    }
}

/// `application/json` or `application/<something>+json`, as axum's `Json` accepts.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence
        .strip_prefix("application/")
        .is_some_and(|sub| sub == "json" || sub.ends_with("+json"))
}

/// A JSON body that may be left out: an empty body means `T::default()`. A body that is there
/// must be JSON, as for [`Body`], with the same errors.
pub struct OptionalBody<T>(pub T);

impl<S, T> FromRequest<S> for OptionalBody<T>
where
    T: DeserializeOwned + Default,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let json = is_json(req.headers());
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| bytes_rejection(&e))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalBody(T::default()));
        }
        if !json {
            return Err(unsupported_media_type());
        }
        from_json(&bytes).map(OptionalBody)
    }
}

/// Query-string parameters with errors in the API's shape (422 naming the parameter).
pub struct Params<T>(pub T);

impl<S, T> FromRequestParts<S> for Params<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Params(v)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_input",
                inner_message(&e.body_text()),
            )),
            Err(other) => Err(ApiError::new(
                other.status(),
                "bad_request",
                other.body_text(),
            )),
        }
    }
}

/// An integer field: JSON Schema counts `1016.0` as the integer 1016, and so does the API; a
/// fraction or a number beyond i64 is refused with the field's name.
pub(crate) fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    use serde::de::Error;
    let n = serde_json::Number::deserialize(d)?;
    if let Some(i) = n.as_i64() {
        return Ok(i);
    }
    match n.as_f64() {
        // 2^63 as f64 is just beyond i64::MAX.
        Some(f)
            if f.fract() == 0.0
                && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) =>
        {
            Ok(f as i64)
        }
        _ => Err(D::Error::custom(format!(
            "invalid value: {n}, expected a whole number"
        ))),
    }
}

/// axum prefixes serde's message ("missing field `outcome` at line 1 column 2") with its own
/// words; keep serde's part, which names the field and the position.
fn inner_message(text: &str) -> String {
    text.split_once(": ")
        .map_or(text, |(_, rest)| rest)
        .to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn whole_numbers_may_be_written_with_a_zero_fraction() {
        #[derive(serde::Deserialize, Debug)]
        struct T {
            #[serde(deserialize_with = "super::whole_number")]
            n: i64,
        }
        let n = |text: &str| serde_json::from_str::<T>(text).map(|t| t.n);
        assert_eq!(n(r#"{"n": 1016}"#).unwrap(), 1016);
        assert_eq!(n(r#"{"n": 1016.0}"#).unwrap(), 1016);
        assert_eq!(n(r#"{"n": -5e2}"#).unwrap(), -500);
        for bad in [
            r#"{"n": 1016.5}"#,
            r#"{"n": 1e300}"#,
            r#"{"n": "7"}"#,
            r#"{"n": 18446744073709551615}"#,
        ] {
            assert!(n(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn nul_is_refused_with_its_place() {
        let e = super::refuse_nul(br#"{"a": [1, {"note": "x\u0000y"}]}"#).unwrap_err();
        assert_eq!(e.code, "invalid_input");
        assert!(e.message.starts_with("/a/1/note: "), "{}", e.message);
        assert!(super::refuse_nul(br#"{"k\u0000": 1}"#).is_err());
        // An escaped backslash followed by "u0000" is six ordinary characters.
        assert!(super::refuse_nul(br#"{"a": "\\u0000"}"#).is_ok());
        assert!(super::refuse_nul(br#"{"a": "fine"}"#).is_ok());
    }

    #[test]
    fn keeps_the_serde_part() {
        assert_eq!(
            super::inner_message(
                "Failed to deserialize the JSON body into the target type: missing field `outcome` at line 1 column 2"
            ),
            "missing field `outcome` at line 1 column 2"
        );
    }
}
