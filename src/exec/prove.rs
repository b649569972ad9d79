//! The proof that a password really changed: the new one logs in, the old one no longer does, the
//! session that made an own change survives it, and after someone else's change the target's
//! sessions end and its next login demands a reset, where the dialect documents those.

use serde_json::Value;

use super::session::{AccountState, LoginResult, login_counted};
use super::step::StepEnv;
use crate::result::{CaseResult, CheckKind, CheckResult};

/// The restore after an own change is sent with the session that made the change: the contract
/// says it stays valid, so a 401 there is a failure of the case.
pub(super) fn check_session_survived(
    restore_log: &[crate::result::Exchange],
    result: &mut CaseResult,
) {
    let first = restore_log
        .iter()
        .find(|e| e.purpose == "restore")
        .and_then(|e| e.response.as_ref())
        .map(|r| r.status);
    if first == Some(401) {
        let line = "session after the change: expected the session that changed its own password to stay valid, got 401";
        result.reasons.push(line.to_string());
        result.checks.push(CheckResult::new(
            CheckKind::SessionAfterChange,
            false,
            "still valid",
            "401",
        ));
    }
}

/// Records one check of the proof, and its reason when it failed.
fn push_check(
    result: &mut CaseResult,
    kind: CheckKind,
    passed: bool,
    expected: &str,
    actual: String,
) {
    if !passed {
        result.reasons.push(format!(
            "{}: expected {expected}, got {actual}",
            kind.label()
        ));
    }
    result
        .checks
        .push(CheckResult::new(kind, passed, expected, actual));
}

/// The change was accepted: logging in with the new password must work, with the old one fail;
/// after someone else's change, where the dialect says so, the login must demand a reset. The old
/// password is tried first, so that the good login with the new one follows the one failure and
/// lockout counts (failures in a row) start again from zero.
pub(super) async fn prove_change(
    env: &StepEnv<'_>,
    state: &mut AccountState,
    sent: Option<&Value>,
    own: bool,
    result: &mut CaseResult,
) {
    let Some(Value::String(new)) = sent else {
        return;
    };
    if state.account.username.is_none() {
        return;
    }
    if !own
        && env.dialect.spec.auth.target_sessions_end_on_change_by_other
        && let Some(old_token) = state.token.clone()
        && let Some(status) = probe_session(env, &old_token, &mut result.exchanges).await
    {
        push_check(
            result,
            CheckKind::TargetSessionEnded,
            status == 401,
            "ended (401)",
            status.to_string(),
        );
    }
    let unchanged = probe_old_password(env, state, new, result).await;
    login_with_new(env, state, new, own, result).await;
    state.password = Some(if unchanged {
        state.original.clone().unwrap_or_default()
    } else {
        new.clone()
    });
}

/// Logs in with the new password: it must work (and demand a reset after another's change where
/// the dialect says so).
async fn login_with_new(
    env: &StepEnv<'_>,
    state: &mut AccountState,
    new: &str,
    own: bool,
    result: &mut CaseResult,
) {
    match login_counted(env.http, env.dialect, state, new, &mut result.exchanges).await {
        LoginResult::Session { token, .. } => {
            env.secrets.add(Some(&token));
            // After an own change the restore goes through the session that made it (see
            // `check_session_survived`); after someone else's, the target's old one is gone.
            if !own {
                state.token = Some(token);
            }
            push_check(
                result,
                CheckKind::NewPasswordLogin,
                true,
                "accepted",
                "accepted".into(),
            );
            let forced = env
                .dialect
                .spec
                .reset
                .as_ref()
                .is_some_and(|r| r.forced_after_change_by_other);
            if forced && !own {
                push_check(
                    result,
                    CheckKind::ForcedReset,
                    false,
                    "the next login demands a password reset",
                    "a normal session".into(),
                );
            }
        }
        LoginResult::MustReset { reset_token } => {
            state.reset_token = Some(reset_token);
            state.token = None;
            push_check(
                result,
                CheckKind::NewPasswordLogin,
                true,
                "accepted",
                "accepted, reset demanded".into(),
            );
        }
        LoginResult::Rejected(e) | LoginResult::Failed(e) => {
            push_check(result, CheckKind::NewPasswordLogin, false, "accepted", e);
        }
    }
}

/// Once per account: the old password must no longer log in. Returns true when it still does
/// (nothing changed, nothing to restore).
async fn probe_old_password(
    env: &StepEnv<'_>,
    state: &mut AccountState,
    new: &str,
    result: &mut CaseResult,
) -> bool {
    let old = state.original.clone().unwrap_or_default();
    // Probing the old password proves nothing when it is also the new one, and would spend the
    // account's one allowed failed login for no reason.
    if !env.options.login_probe
        || state.probe_used
        || old == new
        || !state.may_fail_login(env.dialect)
    {
        return false;
    }
    state.probe_used = true;
    let name = CheckKind::OldPasswordLogin;
    match login_counted(env.http, env.dialect, state, &old, &mut result.exchanges).await {
        LoginResult::Rejected(_) => {
            push_check(result, name, true, "rejected", "rejected".into());
            false
        }
        LoginResult::Session { token, .. } => {
            env.secrets.add(Some(&token));
            push_check(
                result,
                name,
                false,
                "rejected",
                "accepted: the password did not change".into(),
            );
            true
        }
        LoginResult::MustReset { .. } => {
            push_check(
                result,
                name,
                false,
                "rejected",
                "accepted (reset demanded)".into(),
            );
            false
        }
        LoginResult::Failed(e) => {
            push_check(result, name, false, "rejected", e);
            false
        }
    }
}

/// Sends the dialect's logout with `token`: harmless whatever the answer (a live session ends, an
/// ended one is refused). Returns the status.
async fn probe_session(
    env: &StepEnv<'_>,
    token: &str,
    log: &mut Vec<crate::result::Exchange>,
) -> Option<u16> {
    let logout = env.dialect.spec.login.logout.as_ref()?;
    let header = super::session::auth_header(env.dialect, token, crate::plan::AuthMode::Valid)
        .ok()
        .flatten()?;
    let request = crate::result::RequestRecord {
        method: logout.method.clone(),
        url: env.http.url(&logout.path, &[]),
        headers: vec![header],
        body: None,
    };
    let exchange = env.http.send("session probe (logout)", request).await;
    let status = exchange.response.as_ref().map(|r| r.status);
    log.push(exchange);
    status
}
