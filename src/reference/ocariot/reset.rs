//! `POST /v1/users/{user_id}/reset-password` (ocariot.md, "Admin reset"): an administrator sets any
//! user's password without the old one. Body `{"new_password": "<string>"}`; 204, no body; no
//! forced change at the next login, tokens stay valid. The password route's faults do not apply
//! here, so the runner can always put a password back with it.

use axum::body::{Body, Bytes};
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::super::Faults;
use super::Shared;
use super::auth::token_caller;
use super::body::{NEW, read_fields};
use super::errors::{ApiError, MSG_REQUIRED_FIELD};
use super::password::valid_id;

pub async fn reset(
    State(state): State<Shared>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Response {
    let user_id = path.map(|Path(id)| id).unwrap_or_default();
    match run(&state, &user_id, &headers, raw.as_deref().ok()) {
        Ok(()) => (StatusCode::NO_CONTENT, Body::empty()).into_response(),
        Err(e) => e.into_plain_response(),
    }
}

/// Gateway (token, then the `users:resetPassword` scope), then the service's checks in the
/// documented order: id format, `new_password` present, a non-empty string, the user exists.
fn run(
    state: &Shared,
    user_id: &str,
    headers: &HeaderMap,
    raw: Option<&[u8]>,
) -> Result<(), ApiError> {
    let caller = token_caller(state, headers)?;
    if !caller.may_reset {
        return Err(ApiError::forbidden());
    }
    let fields = read_fields(headers, raw, &Faults::default())?;
    if !valid_id(user_id) {
        return Err(ApiError::invalid_id());
    }
    let password = match fields.get(NEW) {
        None => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                MSG_REQUIRED_FIELD,
                format!("{NEW} is required!"),
            ));
        }
        Some(Value::String(s)) if s.is_empty() => {
            return Err(ApiError::invalid_field(format!(
                "{NEW} must have at least one character!"
            )));
        }
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(ApiError::invalid_field(format!("{NEW} must be a string!"))),
    };
    if state.lock().set_password(user_id, password) {
        Ok(())
    } else {
        Err(ApiError::user_not_found())
    }
}
