//! Which passwords an account may have after a change, and the end-of-run check that every
//! account the run sent a new password to has its original one. Putting a password back is the
//! ladder's job (`ladder.rs`).

use serde_json::Value;

use super::DialectRun;
use super::client::Http;
use super::journal::restore_command;
use super::ladder::{HelperJournal, Helpers, climb, manual_step};
use super::session::{AccountState, LoginResult, login_counted, reset_password};
use super::step::StepEnv;
use super::touched::close_all;
use crate::result::{Exchange, RestoredBy, Unrestored};
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

/// After the last step: an account the run sent a new password to must log in with its original
/// one. This catches a server that changed a password while answering an error, and a request
/// whose answer never came. If the login fails, the ladder puts it back with every password sent
/// to it, newest first. Returns the step that restored it, `None` when nothing had changed.
pub async fn verify_original(
    http: &Http,
    dialect: &LoadedDialect,
    state: &mut AccountState,
    helpers: Helpers<'_>,
    log: &mut Vec<Exchange>,
) -> Result<Option<RestoredBy>, String> {
    let (Some(_), Some(original)) = (&state.account.username, state.original.clone()) else {
        return Ok(None);
    };
    let mut tries: Vec<String> = state.sent.iter().rev().cloned().collect();
    tries.push(original.clone());
    if let Some(unsettled) = state.unsettled.take() {
        // The ladder failed during its case: try again now that every administrator is free.
        return climb(http, dialect, state, &unsettled, helpers, log)
            .await
            .map(Some);
    }
    // Only accounts that could log in during the run, or whose change the server accepted, can be
    // and need to be checked (an account of an external directory never logs in here).
    if state.sent.is_empty() || !(state.logged_in || state.change_accepted) {
        return Ok(None);
    }
    match login_counted(http, dialect, state, &original, log).await {
        LoginResult::Session { token, .. } => {
            state.token = Some(token);
            state.password = Some(original);
            Ok(None)
        }
        LoginResult::MustReset { reset_token } => {
            let user = state.account.username.clone().unwrap_or_default();
            reset_password(http, dialect, &user, &reset_token, &original, log).await?;
            state.password = Some(original);
            Ok(Some(RestoredBy::Itself))
        }
        LoginResult::Rejected(_) => climb(http, dialect, state, &tries, helpers, log)
            .await
            .map(Some),
        LoginResult::Failed(e) => Err(format!("cannot check its password: {e}")),
    }
}

/// After the last step: every account is checked (`verify_original`), an account whose restore
/// waited for a free administrator is restored, and the case that changed it learns how.
pub(super) async fn verify_accounts(
    env: &StepEnv<'_>,
    states: &[tokio::sync::Mutex<AccountState>],
    run: &mut DialectRun,
) {
    for (index, m) in states.iter().enumerate() {
        let mut state = m.lock().await;
        if run
            .unrestored
            .iter()
            .any(|u| Some(&u.username) == state.account.username.as_ref())
        {
            continue; // already reported
        }
        // Nothing else runs now: every other account is free to help.
        let mut others: Vec<_> = states
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != index)
            .filter_map(|(_, o)| o.try_lock().ok())
            .collect();
        let helpers = Helpers {
            actor: None,
            admins: others.iter_mut().map(|g| &mut **g).collect(),
            journal: env.journal.map(|journal| HelperJournal {
                journal,
                dialect: env.dialect.name().to_string(),
                base_url: env.http.base_url.clone(),
                case: "the end-of-run check".into(),
            }),
        };
        let label = state.account.label();
        // The exchanges of this check belong to no case; only its verdict is reported.
        let mut log = Vec::new();
        let verdict = verify_original(env.http, env.dialect, &mut state, helpers, &mut log).await;
        drop(others);
        match verdict {
            Ok(by) => {
                close_all(env, &mut state, by);
                if let Some(by) = by {
                    settle_pending(run, &label, by);
                }
            }
            Err(e) => run.unrestored.push(unrestored_at_end(env, &state, e)),
        }
    }
}

/// Cases that left `account` for the end of the run now say how it was restored.
fn settle_pending(run: &mut DialectRun, account: &str, by: RestoredBy) {
    for case in &mut run.cases {
        for changed in &mut case.changed_accounts {
            if changed.account == account && changed.restored_by.is_none() {
                changed.restored_by = Some(by);
            }
        }
    }
}

fn unrestored_at_end(env: &StepEnv<'_>, state: &AccountState, e: String) -> Unrestored {
    let journal = env.journal.map(|j| j.path().display().to_string());
    Unrestored {
        dialect: env.dialect.name().to_string(),
        role: state.account.role.clone(),
        username: state.account.username.clone().unwrap_or_default(),
        reason: format!("its original password no longer works after the run: {e}"),
        journal: env.journal.map(restore_command),
        manual: Some(manual_step(env.dialect, state, journal.as_deref())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use serde_json::json;

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
