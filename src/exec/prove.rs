//! The proof that a password really changed: the new one logs in, the old one no longer does, the
//! session that made an own change survives it, and after someone else's change the target's
//! sessions end and its next login demands a reset, where the dialect documents those.

use serde_json::Value;

use super::session::{AccountState, LoginResult, login};
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

/// The change was accepted: logging in with the new password must work, with the old one fail;
/// after someone else's change, where the dialect says so, the login must demand a reset.
pub(super) async fn prove_change(
    env: &StepEnv<'_>,
    state: &mut AccountState,
    sent: Option<&Value>,
    own: bool,
    result: &mut CaseResult,
) {
    let username = state.account.username.clone().unwrap_or_default();
    let Some(Value::String(new)) = sent else {
        return;
    };
    let mut check = |kind: CheckKind, passed: bool, expected: &str, actual: String| {
        let name = kind.label();
        result
            .checks
            .push(CheckResult::new(kind, passed, expected, actual.clone()));
        if !passed {
            result
                .reasons
                .push(format!("{name}: expected {expected}, got {actual}"));
        }
    };
    if state.account.username.is_none() {
        return;
    }
    if !own
        && env.dialect.spec.auth.target_sessions_end_on_change_by_other
        && let Some(old_token) = state.token.clone()
        && let Some(status) = probe_session(env, &old_token, &mut result.exchanges).await
    {
        check(
            CheckKind::TargetSessionEnded,
            status == 401,
            "ended (401)",
            status.to_string(),
        );
    }
    match login(env.http, env.dialect, &username, new, &mut result.exchanges).await {
        LoginResult::Session { token, .. } => {
            env.secrets.add(Some(&token));
            // After an own change the restore goes through the session that made it (see
            // `check_session_survived`); after someone else's, the target's old one is gone.
            if !own {
                state.token = Some(token);
            }
            check(
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
                check(
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
            check(
                CheckKind::NewPasswordLogin,
                true,
                "accepted",
                "accepted, reset demanded".into(),
            );
        }
        LoginResult::Rejected(e) | LoginResult::Failed(e) => {
            check(CheckKind::NewPasswordLogin, false, "accepted", e);
        }
    }
    state.password = Some(new.clone());
    let old = state.original.clone().unwrap_or_default();
    // Probing the old password proves nothing when it is also the new one, and would spend the
    // account's one allowed failed login for no reason.
    if !env.options.login_probe || state.probe_used || old == *new {
        return;
    }
    state.probe_used = true;
    match login(
        env.http,
        env.dialect,
        &username,
        &old,
        &mut result.exchanges,
    )
    .await
    {
        LoginResult::Rejected(_) => check(
            CheckKind::OldPasswordLogin,
            true,
            "rejected",
            "rejected".into(),
        ),
        LoginResult::Session { token, .. } => {
            env.secrets.add(Some(&token));
            check(
                CheckKind::OldPasswordLogin,
                false,
                "rejected",
                "accepted: the password did not change".into(),
            );
        }
        LoginResult::MustReset { .. } => {
            check(
                CheckKind::OldPasswordLogin,
                false,
                "rejected",
                "accepted (reset demanded)".into(),
            );
        }
        LoginResult::Failed(e) => check(CheckKind::OldPasswordLogin, false, "rejected", e),
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
