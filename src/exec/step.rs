//! Running one step: sessions, the request, the checks, the proof that a password really changed,
//! and putting the password back whenever the server accepted a change.

use std::time::Instant;

use serde_json::{Value, json};

use super::client::Http;
use super::journal::{Entry, Journal, restore_command};
use super::render::render_request;
use super::restore::{candidates, restore};
use super::session::{AccountState, LoginResult, ensure_session, login};
use super::{RunOptions, Secrets};
use crate::check::{check_response, reasons};
use crate::plan::{BodyPlan, Step, TargetUser};
use crate::result::{CaseResult, CheckResult, Unrestored, Verdict};
use crate::spec::LoadedDialect;
use std::sync::atomic::{AtomicBool, Ordering};

/// The accounts a step holds locked, by index.
pub struct Held<'a> {
    pub states: Vec<(usize, tokio::sync::MutexGuard<'a, AccountState>)>,
}

impl Held<'_> {
    fn get(&mut self, index: usize) -> Option<&mut AccountState> {
        self.states
            .iter_mut()
            .find(|(i, _)| *i == index)
            .map(|(_, g)| &mut **g)
    }
}

pub struct StepEnv<'a> {
    pub http: &'a Http,
    pub dialect: &'a LoadedDialect,
    pub options: &'a RunOptions,
    pub secrets: &'a Secrets,
    pub journal: Option<&'a Journal>,
    /// Set on Ctrl-C / SIGTERM: no new case is sent.
    pub stop: &'a AtomicBool,
}

/// A passing result for `step` with nothing done yet; the run fills it in.
pub fn new_result(step: &Step) -> CaseResult {
    CaseResult {
        dialect: step.dialect.clone(),
        id: step.id.clone(),
        title: step.title.clone(),
        theme: step.theme.clone(),
        tags: step.tags.clone(),
        expected_outcome: step.expect.outcome.clone(),
        verdict: Verdict::Pass,
        reasons: Vec::new(),
        checks: Vec::new(),
        exchanges: Vec::new(),
        changed_account: None,
        duration_ms: 0,
        doc: step.expect.doc.clone(),
    }
}

/// Runs `step` with its accounts held; returns its result and, if a password could not be put
/// back, which account.
pub async fn run_step(
    env: &StepEnv<'_>,
    step: &Step,
    held: &mut Held<'_>,
) -> (CaseResult, Option<Unrestored>) {
    let started = Instant::now();
    let mut result = new_result(step);
    let unrestored = execute(env, step, held, &mut result).await;
    if result.verdict == Verdict::Pass && !result.reasons.is_empty() {
        result.verdict = Verdict::Fail;
    }
    result.duration_ms = started.elapsed().as_millis() as u64;
    (result, unrestored)
}

async fn execute(
    env: &StepEnv<'_>,
    step: &Step,
    held: &mut Held<'_>,
    result: &mut CaseResult,
) -> Option<Unrestored> {
    if let Some(why) = &step.skip {
        result.verdict = Verdict::Skip;
        result.reasons.push(why.clone());
        return None;
    }
    if env.stop.load(Ordering::SeqCst) {
        result.verdict = Verdict::Skip;
        result
            .reasons
            .push("not sent: the run was interrupted".into());
        return None;
    }
    let Some(actor) = step.actor else {
        result.verdict = Verdict::Skip;
        result.reasons.push("no actor account".into());
        return None;
    };
    let log = &mut result.exchanges;
    for index in step.accounts.iter().copied() {
        let Some(state) = held.get(index) else {
            continue;
        };
        // The target needs a session only to learn its id; restoring logs in when it must (an
        // account of an external directory cannot log in here at all).
        if index != actor && state.user_id.is_some() {
            continue;
        }
        if let Err(e) = ensure_session(env.http, env.dialect, state, log).await {
            result.verdict = Verdict::Error;
            result.reasons.push(e);
            return None;
        }
        env.secrets.add(state.token.as_deref());
    }
    let new_password = fresh_password();
    env.secrets.add(Some(&new_password));
    let (actor_password, token) = match held.get(actor) {
        Some(a) => (a.password.clone(), a.token.clone().unwrap_or_default()),
        None => (None, String::new()),
    };
    let (current, user_id) = match &step.target {
        TargetUser::Account(t) => match held.get(*t) {
            Some(s) => (s.password.clone(), s.user_id.clone()),
            None => (None, None),
        },
        TargetUser::Literal(v) => (actor_password.clone(), Some(v.clone())),
    };
    let vars = |n: &str| -> Option<Value> {
        match n {
            "current_password" => Some(json!(current.clone().unwrap_or_default())),
            "actor_password" => Some(json!(actor_password.clone().unwrap_or_default())),
            "new_password" => Some(json!(new_password)),
            "user_id" => user_id.clone(),
            _ => None,
        }
    };
    let request = match render_request(
        env.http,
        env.dialect,
        &step.request,
        &vars,
        &token,
        step.auth,
    ) {
        Ok(r) => r,
        Err(e) => {
            result.verdict = Verdict::Error;
            result
                .reasons
                .push(format!("cannot build the request: {e}"));
            return None;
        }
    };
    let sent = sent_new_password(step, &vars);
    if let Some(t) = step.target_account()
        && let Some(state) = held.get(t)
        && let Err(e) = journal_before_send(env, step, state, sent.as_ref())
    {
        result.verdict = Verdict::Error;
        result.reasons.push(format!("not sent: {e}"));
        return None;
    }
    let mut exchange = env.http.send("case", request).await;
    if needs_fresh_session(step, &exchange)
        && let Some(state) = held.get(actor)
        && state.account.username.is_some()
    {
        // The token may have expired: log in again, once, and send the case again. A 401 means the
        // change was not made, so sending it twice cannot change a password twice.
        state.token = None;
        let relogin = ensure_session(env.http, env.dialect, state, &mut result.exchanges).await;
        if let (Ok(()), Some(token)) = (relogin, state.token.clone()) {
            env.secrets.add(Some(&token));
            if let Ok(again) = render_request(
                env.http,
                env.dialect,
                &step.request,
                &vars,
                &token,
                step.auth,
            ) {
                result.exchanges.push(exchange);
                exchange = env.http.send("case (after logging in again)", again).await;
            }
        }
    }
    let Some(response) = exchange.response.clone() else {
        result.verdict = Verdict::Error;
        result.reasons.push(format!(
            "no answer from the target: {}",
            exchange.error.clone().unwrap_or_default()
        ));
        result.exchanges.push(exchange);
        return None;
    };
    result.exchanges.push(exchange);
    result.checks = check_response(&step.expect, &response);
    result.reasons = reasons(&result.checks);
    if !result.reasons.is_empty() {
        // Why the body looks the way it does (compressed, cut, not UTF-8, a redirect).
        result.reasons.extend(Http::response_notes(&response));
    }

    let target = step.target_account()?;
    if !(200..300).contains(&response.status) {
        return None;
    }
    // The server accepted a change of the target's password.
    let state = held.get(target)?;
    state.change_accepted = true;
    result.changed_account = Some(state.account.label());
    let own = step.actor == Some(target);
    let proving = step.expect.expects_success() && result.reasons.is_empty();
    if proving {
        prove_change(env, state, sent.as_ref(), own, result).await;
    } else {
        result.reasons.push(format!(
            "the server accepted this request ({}), so {}'s password may have changed; restoring it",
            response.status,
            state.account.label()
        ));
    }
    let original = state.original.clone().unwrap_or_default();
    let tries = candidates(sent.as_ref(), &original);
    let before = result.exchanges.len();
    let restored = restore(env.http, env.dialect, state, &tries, &mut result.exchanges).await;
    if proving && own && env.dialect.spec.auth.session_survives_own_change {
        let restore_log = result.exchanges.split_off(before);
        check_session_survived(&restore_log, result);
        result.exchanges.extend(restore_log);
    }
    match restored {
        Ok(_) => {
            close_journal(env, state);
            None
        }
        Err(e) => {
            result.reasons.push(format!(
                "could NOT restore {}'s password: {e}",
                state.account.label()
            ));
            Some(Unrestored {
                dialect: step.dialect.clone(),
                role: state.account.role.clone(),
                username: state.account.username.clone().unwrap_or_default(),
                reason: e,
                journal: env.journal.map(restore_command),
            })
        }
    }
}

/// A valid credential answered 401 where the contract expects something else.
fn needs_fresh_session(step: &Step, exchange: &crate::result::Exchange) -> bool {
    step.auth == crate::plan::AuthMode::Valid
        && exchange.response.as_ref().is_some_and(|r| r.status == 401)
        && !step.expect.status.contains(&401)
}

/// Writes what the account may have after this request to the journal, before it is sent.
fn journal_before_send(
    env: &StepEnv<'_>,
    step: &Step,
    state: &mut AccountState,
    sent: Option<&Value>,
) -> Result<(), String> {
    let Some(original) = state.original.clone() else {
        return Ok(());
    };
    let tries = candidates(sent, &original);
    // Candidates are the generated password (already a secret), its trimmed form (the same) or a
    // literal of the case file (`123`, `true`): test data, not secrets, so they are not redacted.
    for t in &tries {
        if *t != original && !state.sent.contains(t) {
            state.sent.push(t.clone());
        }
    }
    let Some(journal) = env.journal else {
        return Ok(());
    };
    let id = journal.open(Entry {
        id: 0,
        dialect: step.dialect.clone(),
        base_url: env.http.base_url.clone(),
        role: state.account.role.clone(),
        username: state.account.username.clone().unwrap_or_default(),
        user_id: state.user_id.clone(),
        original,
        candidates: tries,
        case: step.id.clone(),
    })?;
    state.journal_ids.push(id);
    Ok(())
}

/// The account's password is known to be the original again.
pub fn close_journal(env: &StepEnv<'_>, state: &mut AccountState) {
    if let Some(j) = env.journal {
        for id in state.journal_ids.drain(..) {
            let _ = j.close(id);
        }
    }
}

/// The value sent as the new password, as the server saw it.
fn sent_new_password(step: &Step, vars: &dyn Fn(&str) -> Option<Value>) -> Option<Value> {
    let BodyPlan::Json(body) = &step.request.body else {
        return None;
    };
    let key = step.new_password_key.as_deref()?;
    let v = body.get(key)?;
    crate::template::render_value(v, vars).ok()
}

/// The change was accepted: logging in with the new password must work, with the old one fail.
/// The restore after an own change is sent with the session that made the change: the contract
/// says it stays valid, so a 401 there is a failure of the case.
fn check_session_survived(restore_log: &[crate::result::Exchange], result: &mut CaseResult) {
    let first = restore_log
        .iter()
        .find(|e| e.purpose == "restore")
        .and_then(|e| e.response.as_ref())
        .map(|r| r.status);
    if first == Some(401) {
        let line = "session after the change: expected the session that changed its own password to stay valid, got 401";
        result.reasons.push(line.to_string());
        result.checks.push(CheckResult {
            name: "session after the change".into(),
            passed: false,
            expected: "still valid".into(),
            actual: "401".into(),
            details: Vec::new(),
            schema_fragment: None,
        });
    }
}

/// The change was accepted: logging in with the new password must work, with the old one fail;
/// after someone else's change, where the dialect says so, the login must demand a reset.
async fn prove_change(
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
    let mut check = |name: &str, passed: bool, expected: &str, actual: String| {
        result.checks.push(CheckResult {
            name: name.into(),
            passed,
            expected: expected.into(),
            actual: actual.clone(),
            details: Vec::new(),
            schema_fragment: None,
        });
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
            "target's earlier session after the change",
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
                "login with the new password",
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
                    "forced reset after another user's change",
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
                "login with the new password",
                true,
                "accepted",
                "accepted, reset demanded".into(),
            );
        }
        LoginResult::Rejected(e) | LoginResult::Failed(e) => {
            check("login with the new password", false, "accepted", e);
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
            "login with the old password",
            true,
            "rejected",
            "rejected".into(),
        ),
        LoginResult::Session { token, .. } => {
            env.secrets.add(Some(&token));
            check(
                "login with the old password",
                false,
                "rejected",
                "accepted: the password did not change".into(),
            );
        }
        LoginResult::MustReset { .. } => {
            check(
                "login with the old password",
                false,
                "rejected",
                "accepted (reset demanded)".into(),
            );
        }
        LoginResult::Failed(e) => check("login with the old password", false, "rejected", e),
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

/// A new password no policy should refuse: upper, lower, digit, symbol, 20 characters.
fn fresh_password() -> String {
    format!(
        "Pwc-{:08x}-{:04x}a1!",
        rand::random::<u32>(),
        rand::random::<u16>()
    )
}
