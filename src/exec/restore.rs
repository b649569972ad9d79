//! Changing a password back. The run knows what it sent, so it tries each password the account may
//! now have, most likely first, through the dialect's own valid change request (or its reset flow
//! when the server demands one). Every attempt is recorded.

use serde_json::{Value, json};

use super::client::Http;
use super::render::render_request;
use super::session::{AccountState, LoginResult, login, reset_password};
use crate::plan::{AuthMode, valid_change};
use crate::result::Exchange;
use crate::spec::LoadedDialect;

/// Passwords an account may have after the server accepted `sent` as the new one.
pub fn candidates(sent: Option<&Value>, original: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    match sent {
        Some(Value::String(s)) => {
            out.push(s.clone());
            out.push(s.trim().to_string());
        }
        None => {}
        // A lenient server may store any JSON value as its text (`123`, `true`, `null`, `[]`).
        Some(other) => out.push(other.to_string()),
    }
    out.push(original.to_string());
    let mut seen = Vec::new();
    out.retain(|c| {
        let new = !seen.contains(c);
        seen.push(c.clone());
        new
    });
    out
}

/// Brings `state` back to its original password. Returns the password that was replaced.
pub async fn restore(
    http: &Http,
    dialect: &LoadedDialect,
    state: &mut AccountState,
    candidates: &[String],
    log: &mut Vec<Exchange>,
) -> Result<String, String> {
    let Some(original) = state.original.clone() else {
        return Err(
            "its original password is unknown (the accounts file gives only a token)".into(),
        );
    };
    let username = state.account.username.clone().unwrap_or_default();
    if let Some(reset_token) = state.reset_token.take() {
        let last = candidates.first().cloned().unwrap_or_default();
        reset_password(http, dialect, &username, &reset_token, &original, log).await?;
        state.password = Some(original);
        state.token = None;
        return Ok(last);
    }
    let mut tried = Vec::new();
    let mut last_answer = None;
    for cand in candidates {
        for _attempt in 0..2 {
            if state.token.is_none() {
                match login(http, dialect, &username, cand, log).await {
                    LoginResult::Session { token, .. } => state.token = Some(token),
                    LoginResult::MustReset { reset_token } => {
                        reset_password(http, dialect, &username, &reset_token, &original, log)
                            .await?;
                        state.password = Some(original);
                        return Ok(cand.clone());
                    }
                    LoginResult::Rejected(_) | LoginResult::Failed(_) => break,
                }
            }
            let answer = change_own(http, dialect, state, cand, &original, log).await;
            last_answer = answer.or(last_answer);
            match answer {
                Some(s) if (200..300).contains(&s) => {
                    state.password = Some(original);
                    return Ok(cand.clone());
                }
                // The server ended the session (e.g. a change logs out other sessions): log in again.
                Some(401) => state.token = None,
                _ => break,
            }
        }
        tried.push(cand.clone());
    }
    // A server may make a change while answering an error: if the original works now, it is back.
    if let LoginResult::Session { token, .. } =
        login(http, dialect, &username, &original, log).await
    {
        state.token = Some(token);
        state.password = Some(original);
        return Ok("(a change the server answered with an error)".into());
    }
    state.password = None;
    let hint = match last_answer {
        Some(403) => " (the change route answered 403: this account may not change its own password there; an administrator must reset it)".to_string(),
        Some(s) => format!(" (last answer: {s})"),
        None => String::new(),
    };
    Err(format!(
        "none of the {} password(s) it may have worked{hint}",
        tried.len()
    ))
}

/// Sends the valid change of `state`'s own password from `old` to `new`; returns the status.
async fn change_own(
    http: &Http,
    dialect: &LoadedDialect,
    state: &AccountState,
    old: &str,
    new: &str,
    log: &mut Vec<Exchange>,
) -> Option<u16> {
    let template = valid_change(dialect);
    let vars = |n: &str| match n {
        "current_password" => Some(json!(old)),
        "new_password" => Some(json!(new)),
        "user_id" => state.user_id.clone(),
        _ => None,
    };
    let token = state.token.clone().unwrap_or_default();
    let request = render_request(http, dialect, &template, &vars, &token, AuthMode::Valid).ok()?;
    let exchange = http.send("restore", request).await;
    let status = exchange.response.as_ref().map(|r| r.status);
    log.push(exchange);
    status
}

/// After the last step: an account the run sent a new password to must log in with its original
/// one. This catches a server that changed a password while answering an error, and a request
/// whose answer never came. If the login fails, every password sent to it is tried, newest first.
pub async fn verify_original(
    http: &Http,
    dialect: &LoadedDialect,
    state: &mut AccountState,
    log: &mut Vec<Exchange>,
) -> Result<(), String> {
    let (Some(user), Some(original)) = (state.account.username.clone(), state.original.clone())
    else {
        return Ok(());
    };
    // Only accounts that could log in during the run, or whose change the server accepted, can be
    // and need to be checked (an account of an external directory never logs in here).
    if state.sent.is_empty() || !(state.logged_in || state.change_accepted) {
        return Ok(());
    }
    match login(http, dialect, &user, &original, log).await {
        LoginResult::Session { token, .. } => {
            state.token = Some(token);
            state.password = Some(original);
            Ok(())
        }
        LoginResult::MustReset { reset_token } => {
            reset_password(http, dialect, &user, &reset_token, &original, log).await?;
            state.password = Some(original);
            Ok(())
        }
        LoginResult::Rejected(_) => {
            let mut tries: Vec<String> = state.sent.iter().rev().cloned().collect();
            tries.push(original);
            restore(http, dialect, state, &tries, log).await.map(|_| ())
        }
        LoginResult::Failed(e) => Err(format!("cannot check its password: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(Some(json!("New-1")), vec!["New-1", "orig"])]
    #[case(Some(json!(" pad ")), vec![" pad ", "pad", "orig"])]
    #[case(Some(json!(123)), vec!["123", "orig"])]
    #[case(Some(json!("")), vec!["", "orig"])]
    #[case(Some(json!(null)), vec!["null", "orig"])]
    #[case(None, vec!["orig"])]
    fn candidate_passwords(#[case] sent: Option<Value>, #[case] expected: Vec<&str>) {
        assert_eq!(candidates(sent.as_ref(), "orig"), expected);
    }
}
