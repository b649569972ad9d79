//! `POST /v1/auth` and the gateway's token checks.

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::super::Faults;
use super::super::jwt::{self, JwtError};
use super::accounts::{RESET_SCOPE, Role, scope_allows_password_update};
use super::errors::{self, ApiError, json_response};
use super::faults as f;
use super::{ISSUER, Shared, TOKEN_LIFETIME, body};

/// Who is calling the password route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub sub: String,
    /// The token carries one of the password-update scopes.
    pub may_update: bool,
    /// The token carries `users:resetPassword` (admins).
    pub may_reset: bool,
}

/// `POST /v1/auth`: username and password for a token.
pub async fn login(
    State(state): State<Shared>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Response {
    let fields = match body::read_fields(&headers, raw.as_deref().ok(), &Faults::default()) {
        Ok(fields) => fields,
        Err(e) => return e.into_plain_response(),
    };
    let mut texts = Vec::new();
    let mut absent = Vec::new();
    for name in ["username", "password"] {
        match fields.get(name) {
            None => absent.push(name),
            Some(Value::String(s)) => texts.push(s.as_str()),
            Some(_) => {
                return ApiError::invalid_field(format!("{name} must be a string!"))
                    .into_plain_response();
            }
        }
    }
    if !absent.is_empty() {
        return ApiError::required(&absent).into_plain_response();
    }
    let [username, password] = texts[..] else {
        return ApiError::required(&["username", "password"]).into_plain_response();
    };
    let now = jwt::now();
    let mut store = state.lock();
    let account = match store.by_username(username) {
        Some(a) if a.password == password => a.clone(),
        _ => {
            drop(store);
            return json_response(
                StatusCode::UNAUTHORIZED,
                &json!({"code": 401, "message": "Invalid username or password!"}),
            );
        }
    };
    let token = issue(&account.id, account.role, now, &state.key);
    if state.faults.has(f::TOKENS_REVOKED_AFTER_CHANGE) {
        store.remember_token(&account.id, &token);
    }
    drop(store);
    json_response(StatusCode::OK, &json!({ "access_token": token }))
}

/// A signed token for a user, as the account service issues it.
pub fn issue(id: &str, role: Role, now: u64, key: &jwt::Key) -> String {
    jwt::sign(
        &json!({
            "sub": id,
            "sub_type": role.as_str(),
            "scope": role.scope(),
            "iss": ISSUER,
            "iat": now,
            "exp": now + TOKEN_LIFETIME,
            // Two logins in the same second must not mint the same token (revocation is per token).
            "jti": format!("{:016x}", rand::random::<u64>()),
        }),
        key,
    )
}

/// The bearer token, if the header has one: `Bearer` (any case), blanks, a non-empty token.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(char::is_whitespace)?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The gateway's authentication: a valid, unexpired token of the platform.
pub fn authenticate(
    state: &Shared,
    headers: &HeaderMap,
    user_id: &str,
) -> Result<Caller, ApiError> {
    match token_caller(state, headers) {
        Ok(caller) => Ok(caller),
        Err(_) if state.faults.has(f::IGNORE_TOKEN) => {
            // The path's owner is taken for the caller (an unknown id is let through).
            let may_update = state
                .lock()
                .get(user_id)
                .is_none_or(|a| scope_allows_password_update(a.role.scope()));
            Ok(Caller {
                sub: user_id.to_string(),
                may_update,
                may_reset: false,
            })
        }
        Err(e) => Err(e),
    }
}

/// The caller of a route that needs a valid token whatever the faults (the reset route).
pub fn token_caller(state: &Shared, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let token =
        bearer(headers).ok_or_else(|| ApiError::unauthorized(errors::DESC_NO_CREDENTIALS))?;
    let now = jwt::now();
    let claims = if state.faults.has(f::SIGNATURE_NOT_VERIFIED) {
        jwt::decode(token)
            .and_then(|d| jwt::check_claims(&d.claims, ISSUER, now).map(|()| d.claims))
    } else {
        jwt::verify(token, &state.key, ISSUER, now)
    };
    let claims = claims.map_err(|e| match e {
        JwtError::Expired => ApiError::unauthorized(errors::DESC_EXPIRED),
        JwtError::Malformed(_) | JwtError::BadSignature | JwtError::WrongIssuer => {
            ApiError::unauthorized(errors::DESC_TOKEN_ISSUES)
        }
    })?;
    if state.faults.has(f::TOKENS_REVOKED_AFTER_CHANGE) && state.lock().is_revoked(token) {
        return Err(ApiError::unauthorized(errors::DESC_TOKEN_ISSUES));
    }
    let sub = claims
        .get("sub")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::unauthorized(errors::DESC_TOKEN_ISSUES))?;
    let scope = claims.get("scope").and_then(Value::as_str).unwrap_or("");
    Ok(Caller {
        sub: sub.to_string(),
        may_update: scope_allows_password_update(scope),
        may_reset: scope.split_whitespace().any(|s| s == RESET_SCOPE),
    })
}

/// An id the ownership rule looks at: 24 letters or digits.
fn well_formed(id: &str) -> bool {
    id.len() == 24 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The gateway's permission rule: the route needs an update scope, and a well-formed id must be
/// the caller's own.
/// The gateway's scope check, then (when the route has it: `ownership`) its ownership rule.
pub fn authorize(
    state: &Shared,
    caller: &Caller,
    user_id: &str,
    ownership: bool,
) -> Result<(), ApiError> {
    let faults = &state.faults;
    let forbidden = || {
        if faults.has(f::UNAUTHORIZED_INSTEAD_OF_FORBIDDEN) {
            ApiError::unauthorized(errors::DESC_FORBIDDEN)
        } else {
            ApiError::forbidden()
        }
    };
    if !caller.may_update && !faults.has(f::ALLOW_CHILD_AND_APPLICATION) {
        return Err(forbidden());
    }
    let exempt = !ownership
        || faults.has(f::ALLOW_OTHER_USERS)
        || faults.has(f::CHANGE_APPLIES_TO_CALLER)
        || (faults.has(f::ADMIN_CHANGES_OTHERS) && caller.may_reset);
    let own = if faults.has(f::OWN_ID_CASE_INSENSITIVE) {
        user_id.eq_ignore_ascii_case(&caller.sub)
    } else {
        user_id == caller.sub
    };
    if well_formed(user_id) && !own && !exempt {
        if faults.has(f::UNKNOWN_USER_404_INSTEAD_OF_403) && state.lock().get(user_id).is_none() {
            return Ok(());
        }
        return Err(forbidden());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use rstest::rstest;

    #[rstest]
    #[case::standard("Bearer abc", Some("abc"))]
    #[case::lower_case_scheme("bearer abc", Some("abc"))]
    #[case::extra_blanks("Bearer   abc  ", Some("abc"))]
    #[case::no_token("Bearer", None)]
    #[case::blank_token("Bearer    ", None)]
    #[case::basic("Basic abc", None)]
    #[case::token_only("abc", None)]
    fn bearer_header(#[case] value: &'static str, #[case] want: Option<&str>) {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_static(value));
        assert_eq!(bearer(&h), want);
    }

    #[rstest]
    #[case::hex("5a62be07de34500146d9c544", true)]
    #[case::letters("zzzzzzzzzzzzzzzzzzzzzzzz", true)]
    #[case::short("123", false)]
    #[case::long("5a62be07de34500146d9c5440", false)]
    #[case::dash("5a62be07de34500146d9c54-", false)]
    fn ownership_rule_ids(#[case] id: &str, #[case] want: bool) {
        assert_eq!(well_formed(id), want);
    }
}
