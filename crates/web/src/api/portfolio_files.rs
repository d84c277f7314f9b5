//! Files on portfolio items (`/api/v1/accounts/{id}/portfolio-files`): the body is the file,
//! its type read from its bytes.

use super::auth::Caller;
use crate::{ApiError, WebState};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};
use trustwork_app::auth::Scope;

/// The most a request may carry: one file and a little room.
pub const BODY_LIMIT: usize = trustwork_app::portfolio_files::MAX_PORTFOLIO_FILE_BYTES + 64 * 1024;

fn file_json(f: &trustwork_app::records::PortfolioFile) -> Value {
    json!({
        "id": f.id,
        "account_id": f.account_id,
        "content_type": f.content_type,
        "size_bytes": f.size_bytes,
        "created_at": f.created_at.to_rfc3339(),
    })
}

/// `POST /api/v1/accounts/{id}/portfolio-files`: the body is a JPEG, PNG or PDF.
pub async fn upload(
    State(s): State<WebState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(Scope::AccountsWrite)?;
    s.app.account(&id).await?;
    let body = body.map_err(|e| ApiError::new(e.status(), "invalid_upload", e.body_text()))?;
    require_file_type(&headers)?;
    let file = s.app.add_portfolio_file(&id, &body).await?;
    Ok((StatusCode::CREATED, Json(file_json(&file))))
}

/// `GET /api/v1/accounts/{id}/portfolio-files/{file_id}`: the file's bytes.
pub async fn download(
    State(s): State<WebState>,
    caller: Caller,
    Path((id, file_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    caller.require(Scope::AccountsRead)?;
    let (file, bytes) = s.app.portfolio_file(&id, &file_id).await?;
    Ok(crate::console::portfolio_file_response(&file, bytes))
}

/// A file upload's body must say it is a JPEG, PNG or PDF (the bytes are checked too).
pub(crate) fn require_file_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !matches!(content_type, "image/jpeg" | "image/png" | "application/pdf") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the file as the body with Content-Type: image/jpeg, image/png or application/pdf",
        ));
    }
    Ok(())
}
