//! The restore ladder: how an account whose password a request may have changed is put back, the
//! same in a run and in `pwconform restore`:
//! 1. the account itself, with each password it may now have (through a live session first, so no
//!    login is spent; then only the most likely password at the login);
//! 2. the account that made the change, the way it made it (its session, the account's id);
//! 3. the dialect's `admin_reset`, with any administrator of the accounts file;
//! 4. the remaining passwords at the login, within the account's failed-login budget;
//!
//! and only then an error, which the caller reports loudly with [`manual_step`]. Steps 2 and 3
//! need no guessing at the login, so they come before step 4: lockout policies count failures.

use serde_json::Value;

use super::client::Http;
use super::session::{AccountState, LoginResult, login_counted, reset_password};
use crate::result::{Exchange, RestoredBy};
use crate::spec::{LoadedDialect, ResetFinish};

mod helpers;

pub use helpers::{HelperJournal, Helpers};
use helpers::{by_actor, by_admin, send_change};

/// Puts `state`'s original password back; returns the step that did it, or why none could.
pub async fn climb(
    http: &Http,
    dialect: &LoadedDialect,
    state: &mut AccountState,
    candidates: &[String],
    helpers: Helpers<'_>,
    log: &mut Vec<Exchange>,
) -> Result<RestoredBy, String> {
    let Some(original) = state.original.clone() else {
        return Err(
            "its original password is unknown (the accounts file gives only a token)".into(),
        );
    };
    let mut why = Vec::new();
    let mut tried = Vec::new();
    match itself(
        http, dialect, state, candidates, &original, &mut tried, false, log,
    )
    .await
    {
        Ok(()) => return Ok(RestoredBy::Itself),
        Err(e) => why.push(format!("itself: {e}")),
    }
    let journal = helpers.journal.as_ref();
    if let Some(actor) = helpers.actor {
        match by_actor(
            http, dialect, state, actor, candidates, &original, journal, log,
        )
        .await
        {
            Ok(()) => return Ok(RestoredBy::Actor),
            Err(e) => why.push(format!("the actor {}: {e}", actor.account.label())),
        }
    }
    if dialect.spec.admin_reset.is_some() {
        match by_admin(
            http,
            dialect,
            state,
            helpers.admins,
            &original,
            journal,
            log,
        )
        .await
        {
            Ok(()) => return Ok(RestoredBy::AdminReset),
            Err(e) => why.push(format!("admin reset: {e}")),
        }
    }
    match itself(
        http, dialect, state, candidates, &original, &mut tried, true, log,
    )
    .await
    {
        Ok(()) => return Ok(RestoredBy::Itself),
        Err(e) => why.push(format!("guessing at the login: {e}")),
    }
    state.password = None;
    Err(why.join("; "))
}

/// Step 1 (and 4 with `guess`): the account changes its own password back.
#[allow(clippy::too_many_arguments)]
pub(super) async fn itself(
    http: &Http,
    dialect: &LoadedDialect,
    state: &mut AccountState,
    candidates: &[String],
    original: &str,
    tried: &mut Vec<String>,
    guess: bool,
    log: &mut Vec<Exchange>,
) -> Result<(), String> {
    let username = state.account.username.clone().unwrap_or_default();
    if let Some(reset_token) = state.reset_token.take() {
        reset_password(http, dialect, &username, &reset_token, original, log).await?;
        return back(state, original);
    }
    if !guess && state.token.is_some() {
        for cand in candidates {
            match send_change(http, dialect, state, None, cand, original, log).await {
                Some(s) if (200..300).contains(&s) => return back(state, original),
                // The session ended (a change may log out other sessions): log in below.
                Some(401) => {
                    state.token = None;
                    break;
                }
                Some(403) => return Err(forbidden_route()),
                None => return Err("the target did not answer".into()),
                Some(_) => {}
            }
        }
        if state.token.is_some() {
            // The session is fine and refused each of them as the old password: a login with
            // any of them would only be a failed login more.
            return Err("its session took none of the passwords it may have as the old one".into());
        }
    }
    if state.account.username.is_none() {
        return Err("it has no username to log in with".into());
    }
    let at_login: Vec<&String> = candidates
        .iter()
        .filter(|c| !tried.contains(c))
        .take(if guess { usize::MAX } else { 1 })
        .collect();
    let mut last = "no password left to try".to_string();
    for cand in at_login {
        if !state.may_fail_login(dialect) {
            return Err(format!(
                "{} failed login(s) already: no more are risked (lockout)",
                state.failed_logins
            ));
        }
        tried.push(cand.clone());
        match login_counted(http, dialect, state, cand, log).await {
            LoginResult::Session { token, .. } => {
                state.token = Some(token);
                state.logged_in = true;
                if cand == original {
                    return back(state, original);
                }
                return match send_change(http, dialect, state, None, cand, original, log).await {
                    Some(s) if (200..300).contains(&s) => back(state, original),
                    Some(403) => Err(forbidden_route()),
                    Some(s) => Err(format!("logged in, but the change back answered {s}")),
                    None => Err("the target did not answer".into()),
                };
            }
            LoginResult::MustReset { reset_token } => {
                reset_password(http, dialect, &username, &reset_token, original, log).await?;
                return back(state, original);
            }
            LoginResult::Rejected(e) => last = e,
            LoginResult::Failed(e) => return Err(e),
        }
    }
    Err(last)
}

fn forbidden_route() -> String {
    "the change route answered 403: this account may not change its own password there".into()
}

/// The password is the original again.
fn back(state: &mut AccountState, original: &str) -> Result<(), String> {
    state.password = Some(original.to_string());
    state.unsettled = None;
    Ok(())
}

/// After someone else set the original: the account logs in with it, completing a forced reset
/// when the server demands one. An account that never logged in during the run (an external
/// directory's) cannot confirm; the server's 2xx is taken.
pub(super) async fn confirm(
    http: &Http,
    dialect: &LoadedDialect,
    state: &mut AccountState,
    log: &mut Vec<Exchange>,
) -> Result<(), String> {
    let original = state.original.clone().unwrap_or_default();
    let username = state.account.username.clone().unwrap_or_default();
    state.token = None;
    if state.account.username.is_none() {
        return back(state, &original);
    }
    match login_counted(http, dialect, state, &original, log).await {
        LoginResult::Session { token, .. } => {
            state.token = Some(token);
            back(state, &original)
        }
        LoginResult::MustReset { reset_token } => {
            reset_password(http, dialect, &username, &reset_token, &original, log).await?;
            back(state, &original)
        }
        LoginResult::Rejected(_) if !state.logged_in => back(state, &original),
        LoginResult::Rejected(e) | LoginResult::Failed(e) => Err(format!(
            "the change was accepted but the original password does not log in ({e})"
        )),
    }
}

/// What a person must do when the ladder failed: exactly which request, by whom.
pub fn manual_step(dialect: &LoadedDialect, state: &AccountState, journal: Option<&str>) -> String {
    let label = state.account.label();
    let id = state
        .user_id
        .as_ref()
        .map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .unwrap_or_else(|| "its id".into());
    let original = match journal {
        Some(j) => format!("its original password (in the restore journal {j})"),
        None => "its original password (the one in the accounts file)".into(),
    };
    let then = match journal {
        Some(j) => format!("; then run `pwconform restore --journal {j}` to check it"),
        None => String::new(),
    };
    match &dialect.spec.admin_reset {
        Some(r) => {
            let path = r.path.replace("{{ user_id }}", &id);
            let finish = match r.finish {
                ResetFinish::ResetAtLogin => {
                    ", then log in as the account once and complete the reset it demands with the same password"
                }
                ResetFinish::None => "",
            };
            format!(
                "an administrator ({}) must set {label}'s password back to {original}: {} {path} \
                 with the new password {}{finish}{then}",
                r.roles.join(" or "),
                r.method,
                serde_json::to_string(&r.body).unwrap_or_default(),
            )
        }
        None => format!(
            "an administrator must set {label}'s password back to {original} in the \
             application's own user administration{then}"
        ),
    }
}
