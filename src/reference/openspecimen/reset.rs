//! `POST /users/reset-password` `{"loginName", "resetPasswordToken", "newPassword"}`: the end of the
//! forced reset. No session needed (the user cannot get one before). Faults never apply here, so the
//! runner can always bring an account back.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::Value;

use super::Shared;
use super::accounts::{Store, is_blank};
use super::body::{check_content_type, read_reset};
use super::change::new_password_rules;
use super::reply::{Fail, ok_json};
use crate::reference::Faults;

pub(crate) async fn reset_password(
    State(app): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let clean = Faults::default();
    reset(&mut app.store(), &headers, &body).unwrap_or_else(|fail| fail.render(&clean, false))
}

fn reset(store: &mut Store, headers: &HeaderMap, bytes: &[u8]) -> Result<Response, Fail> {
    let clean = Faults::default();
    check_content_type(headers)?;
    let body = read_reset(bytes)?;
    let token = body
        .token
        .filter(|t| !is_blank(t))
        .ok_or(Fail::InvalidResetToken)?;
    // An unknown login name answers like a wrong token: the endpoint needs no sign-in and must not
    // tell which accounts exist.
    let account = body
        .login_name
        .and_then(|login| store.by_login_mut(&login))
        .ok_or(Fail::InvalidResetToken)?;
    if account.reset_token.as_deref() != Some(token.as_str()) {
        return Err(Fail::InvalidResetToken);
    }
    new_password_rules(account, body.new_password.as_deref(), &clean)?;
    let new_password = body.new_password.ok_or(Fail::Rules)?;
    account.set_password(&new_password);
    account.reset_token = None;
    Ok(ok_json(&Value::Bool(true)))
}
