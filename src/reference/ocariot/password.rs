//! `PUT /v1/users/{user_id}/password`: the checks in the documented order, only the first failure
//! reported.

use axum::body::{Body, Bytes};
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::super::Faults;
use super::Shared;
use super::auth::{authenticate, authorize};
use super::body::{Change, check_change, read_fields};
use super::errors::{ApiError, json_response};
use super::faults as f;

/// The handler: runs the checks and writes the first failure, or the success.
pub async fn change(
    State(state): State<Shared>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Response {
    answer(&state, path, &headers, raw, true)
}

/// The same route with a trailing slash, served only with the fault that routes it past the
/// gateway's ownership policy (bound to the exact path).
pub async fn change_trailing_slash(
    State(state): State<Shared>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Response {
    answer(&state, path, &headers, raw, false)
}

/// Both routes: the checks (the ownership rule only when `ownership`), then the first failure
/// or the success.
fn answer(
    state: &Shared,
    path: Result<Path<String>, PathRejection>,
    headers: &HeaderMap,
    raw: Result<Bytes, BytesRejection>,
    ownership: bool,
) -> Response {
    // An id axum cannot decode (bad percent-encoding) is simply not a valid id.
    let user_id = path.map(|Path(id)| id).unwrap_or_default();
    match run(state, &user_id, headers, raw.as_deref().ok(), ownership) {
        Ok(response) => response,
        Err(e) => e.into_route_response(&state.faults),
    }
}

fn run(
    state: &Shared,
    user_id: &str,
    headers: &HeaderMap,
    raw: Option<&[u8]>,
    ownership: bool,
) -> Result<Response, ApiError> {
    let mut validated = None;
    if state.faults.has(f::VALIDATE_BEFORE_AUTH) {
        validated = Some(validate(state, user_id, headers, raw)?);
    }
    // Gateway: authentication, then permissions.
    let caller = authenticate(state, headers, user_id)?;
    authorize(state, &caller, user_id, ownership)?;
    // Account service: body, id, fields.
    let change = match validated {
        Some(change) => change,
        None => validate(state, user_id, headers, raw)?,
    };
    // The fault's service reads the id from the token: the caller's own account is changed.
    // The case-insensitive fault's service parses the id as an ObjectId, whose hex has no case.
    let canonical = user_id.to_ascii_lowercase();
    let changed = if state.faults.has(f::CHANGE_APPLIES_TO_CALLER) {
        caller.sub.as_str()
    } else if state.faults.has(f::OWN_ID_CASE_INSENSITIVE) {
        canonical.as_str()
    } else {
        user_id
    };
    apply(state, changed, change)
}

/// `^[a-fA-F0-9]{24}$`
pub fn valid_id(id: &str) -> bool {
    id.len() == 24 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The fault's `^[a-fA-F0-9]{24}`: any id that starts with 24 hex digits.
fn valid_id_unanchored(id: &str) -> bool {
    id.len() >= 24 && id.bytes().take(24).all(|b| b.is_ascii_hexdigit())
}

fn check_id(state: &Shared, user_id: &str) -> Result<(), ApiError> {
    let valid = if state.faults.has(f::ID_PATTERN_UNANCHORED) {
        valid_id_unanchored(user_id)
    } else {
        valid_id(user_id)
    };
    if valid {
        Ok(())
    } else if state.faults.has(f::NOT_FOUND_ON_INVALID_ID) {
        Err(ApiError::user_not_found())
    } else {
        Err(ApiError::invalid_id())
    }
}

/// The account service's validation: body is JSON, id format, then the fields.
fn validate(
    state: &Shared,
    user_id: &str,
    headers: &HeaderMap,
    raw: Option<&[u8]>,
) -> Result<Change, ApiError> {
    let faults = &state.faults;
    let fields = read_fields(headers, raw, faults)?;
    let id_late = faults.has(f::INVALID_ID_AFTER_FIELDS);
    if !id_late {
        check_id(state, user_id)?;
    }
    let change = check_change(&fields, faults)?;
    if id_late {
        check_id(state, user_id)?;
    }
    Ok(change)
}

fn old_password_matches(faults: &Faults, current: &str, given: &str) -> bool {
    if faults.has(f::SKIP_OLD_PASSWORD_CHECK) {
        true
    } else if faults.has(f::OLD_PASSWORD_TRIMMED_CASE_INSENSITIVE) {
        current.trim().to_lowercase() == given.trim().to_lowercase()
    } else {
        current == given
    }
}

/// The user must exist and the old password match; then the password is changed.
fn apply(state: &Shared, user_id: &str, change: Change) -> Result<Response, ApiError> {
    let faults = &state.faults;
    let mut store = state.lock();
    let Some(account) = store.get(user_id) else {
        return Err(ApiError::user_not_found());
    };
    if !old_password_matches(faults, &account.password, &change.old_password) {
        return Err(ApiError::password_mismatch());
    }
    if !faults.has(f::NO_CHANGE_BUT_204) {
        let new = if faults.has(f::NEW_PASSWORD_TRIMMED) {
            change.new_password.trim().to_string()
        } else if faults.has(f::CONTROL_CHARACTERS_STRIPPED) {
            change.new_password.replace(char::is_control, "")
        } else {
            change.new_password
        };
        store.set_password(user_id, new);
        if faults.has(f::TOKENS_REVOKED_AFTER_CHANGE) {
            store.revoke_tokens(user_id);
        }
    }
    drop(store);
    if faults.has(f::CHANGE_BUT_ANSWER_400) {
        return Err(ApiError::password_mismatch());
    }
    if faults.has(f::ANSWER_200_INSTEAD_OF_204) {
        return Ok(json_response(StatusCode::OK, &json!({})));
    }
    Ok((StatusCode::NO_CONTENT, Body::empty()).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case::lower("507f191e810c19729de860ea", true)]
    #[case::upper("507F191E810C19729DE860EA", true)]
    #[case::short("123", false)]
    #[case::letters("zzzzzzzzzzzzzzzzzzzzzzzz", false)]
    #[case::empty("", false)]
    #[case::unicode("é07f191e810c19729de860e", false)]
    fn id_format(#[case] id: &str, #[case] want: bool) {
        assert_eq!(valid_id(id), want);
    }
}
