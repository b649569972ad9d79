//! Sign-in, sign-out, and recognising the caller of a request (`X-OS-API-TOKEN` or HTTP Basic).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::Response;
use base64::Engine as _;
use serde_json::json;

use super::Shared;
use super::accounts::{LOCAL_DOMAIN, NotAuthenticated, Role, Store, is_blank};
use super::body::{check_content_type, read_login};
use super::reply::{Fail, ok_json, unauthorized};
use crate::reference::Faults;

/// The header carrying a session token.
pub(crate) const TOKEN_HEADER: &str = "x-os-api-token";

/// Who sent a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Caller {
    /// Signed in with a session token.
    Session { user_id: i64, token: String },
    /// HTTP Basic credentials (no session).
    Basic { user_id: i64 },
    /// Nobody, let through by the `ignore-token` fault as the target user.
    Impersonated { user_id: i64 },
}

impl Caller {
    pub(crate) fn user_id(&self) -> i64 {
        match self {
            Caller::Session { user_id, .. }
            | Caller::Basic { user_id }
            | Caller::Impersonated { user_id } => *user_id,
        }
    }

    pub(crate) fn token(&self) -> Option<&str> {
        match self {
            Caller::Session { token, .. } => Some(token),
            _ => None,
        }
    }
}

/// The token header wins when present (an unknown token is 401 even with good Basic credentials).
pub(crate) fn authenticate(
    store: &mut Store,
    headers: &HeaderMap,
) -> Result<Caller, NotAuthenticated> {
    if let Some(value) = headers.get(TOKEN_HEADER) {
        let token = value.to_str().map_err(|_| NotAuthenticated)?.trim();
        let user_id = store.session_user(token)?;
        return Ok(Caller::Session {
            user_id,
            token: token.to_string(),
        });
    }
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(NotAuthenticated);
    };
    let (login, password) = basic_credentials(value.as_bytes()).ok_or(NotAuthenticated)?;
    let user_id = store
        .check_credentials(&login, &password)
        .map_err(|_| NotAuthenticated)?;
    // An account that must reset its password cannot sign in any other way first.
    match store.account(user_id) {
        Some(account) if account.reset_token.is_none() => Ok(Caller::Basic { user_id }),
        _ => Err(NotAuthenticated),
    }
}

/// `Basic base64(login:password)` -> `(login, password)`.
fn basic_credentials(value: &[u8]) -> Option<(String, String)> {
    let value = std::str::from_utf8(value).ok()?.trim();
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (login, password) = text.split_once(':')?;
    Some((login.to_string(), password.to_string()))
}

/// `POST /sessions`. Faults never apply here: the runner must always be able to sign in.
pub(crate) async fn login(State(app): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let clean = Faults::default();
    match sign_in(&mut app.store(), &headers, &body) {
        Ok(response) => response,
        Err(fail) => fail.render(&clean, false),
    }
}

fn sign_in(store: &mut Store, headers: &HeaderMap, body: &[u8]) -> Result<Response, Fail> {
    check_content_type(headers)?;
    let body = read_login(body)?;
    let (Some(login), Some(password)) = (body.login_name, body.password) else {
        return Err(Fail::InvalidCredentials);
    };
    let domain = body
        .domain_name
        .filter(|d| !is_blank(d))
        .unwrap_or_else(|| LOCAL_DOMAIN.to_string());
    // A login through the wrong domain never tries the password, so it does not count towards the lock.
    match store.by_login_mut(&login) {
        Some(account) if account.domain == domain => {}
        _ => return Err(Fail::InvalidCredentials),
    }
    let user_id = match store.check_credentials(&login, &password) {
        Ok(id) => id,
        Err(true) => return Err(Fail::Locked),
        Err(false) => return Err(Fail::InvalidCredentials),
    };
    let Some(account) = store.account(user_id) else {
        return Err(Fail::InvalidCredentials);
    };
    if let Some(reset) = &account.reset_token {
        return Ok(ok_json(&json!({ "resetPasswordToken": reset })));
    }
    let (id, first, last, login_name, role) = (
        account.id,
        account.first_name.clone(),
        account.last_name.clone(),
        account.login.clone(),
        account.role,
    );
    let token = store.open_session(user_id);
    let detail = json!({
        "id": id,
        "firstName": first,
        "lastName": last,
        "loginName": login_name,
        "token": token,
        "admin": role == Role::SuperAdmin,
        "instituteAdmin": role == Role::InstituteAdmin,
    });
    Ok(ok_json(&detail))
}

/// `DELETE /sessions`: ends the token's session (HTTP Basic has none: nothing to end).
pub(crate) async fn logout(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let mut store = app.store();
    let caller = match authenticate(&mut store, &headers) {
        Ok(caller) => caller,
        Err(NotAuthenticated) => return unauthorized(&app.faults),
    };
    if let Some(token) = caller.token() {
        store.close_session(token);
    }
    ok_json(&json!({ "Status": "Success" }))
}
