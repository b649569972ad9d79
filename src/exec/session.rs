//! Accounts during a run: the password each one has now, its session, and logging in per the
//! dialect. An account is logged in at most once per run unless its session is ended by the
//! server, and a rejected login is never retried (lockout policies count failures).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use indexmap::IndexSet;
use serde_json::{Value, json};

use super::ahead::Reserved;
use super::client::Http;
use crate::result::{Exchange, RequestRecord};
use crate::spec::{LoadedDialect, TokenFormat, UserIdFrom};
use crate::target::Account;
use crate::template::{render_str, render_value};

/// What the run knows of one account right now.
#[derive(Debug, Clone)]
pub struct AccountState {
    pub account: Account,
    /// The password it had when the run started.
    pub original: Option<String>,
    /// The password it has now, as far as the run knows.
    pub password: Option<String>,
    pub token: Option<String>,
    pub user_id: Option<Value>,
    /// Set after a rejected login: no further login is tried for this account.
    pub login_failed: Option<String>,
    /// Reset token from a login that demanded a password reset.
    pub reset_token: Option<String>,
    /// The one failed login this run may cause ("the old password no longer works") is spent.
    pub probe_used: bool,
    /// Every password sent to this account as a new one, oldest first (restore candidates); a
    /// set, so a run of 10,000 cases does not compare each new one with all before it.
    pub sent: IndexSet<String>,
    /// Journal entries to close once the password is confirmed.
    pub journal_ids: Vec<u64>,
    /// What is on disk ahead of its cases (`ahead.rs`), in synced entries that stay open until
    /// the end-of-run check: the entries, every candidate they name, and the actor they name.
    pub reserved: Reserved,
    /// The server answered 2xx to a change of this account's password during the run.
    pub change_accepted: bool,
    /// A login of this account succeeded during the run (so its original password can be checked).
    pub logged_in: bool,
    /// Logins of this account the server rejected in a row (lockout policies count them).
    pub failed_logins: u32,
    /// The ladder could not restore it during its case (no administrator was free): the passwords
    /// it may have, tried again at the end of the run with every administrator.
    pub unsettled: Option<Vec<String>>,
}

impl AccountState {
    pub fn new(account: Account) -> Self {
        Self {
            original: account.password.clone(),
            password: account.password.clone(),
            token: account.token.clone(),
            user_id: account.id.clone(),
            login_failed: None,
            reset_token: None,
            probe_used: false,
            sent: IndexSet::new(),
            journal_ids: Vec::new(),
            reserved: Reserved::default(),
            change_accepted: false,
            logged_in: false,
            failed_logins: 0,
            unsettled: None,
            account,
        }
    }
}

/// Failed logins in a row the run allows itself per account: well below the dialect's lockout
/// threshold (OpenSpecimen locks after 5: the run stops at 2), unlimited where none is documented.
pub fn login_budget(dialect: &LoadedDialect) -> u32 {
    match dialect.spec.login.lockout_after {
        Some(n) => (n.saturating_sub(1) / 2).max(1),
        None => u32::MAX,
    }
}

impl AccountState {
    /// Whether one more rejected login stays within [`login_budget`].
    pub fn may_fail_login(&self, dialect: &LoadedDialect) -> bool {
        self.failed_logins < login_budget(dialect)
    }
}

/// Logs `state`'s account in with `password`, counting a rejection against its budget.
pub async fn login_counted(
    http: &Http,
    dialect: &LoadedDialect,
    state: &mut AccountState,
    password: &str,
    log: &mut Vec<Exchange>,
) -> LoginResult {
    let username = state.account.username.clone().unwrap_or_default();
    let result = login(http, dialect, &username, password, log).await;
    match result {
        LoginResult::Rejected(_) => state.failed_logins = state.failed_logins.saturating_add(1),
        // Lockout policies count failures in a row: a good login starts the count again.
        LoginResult::Session { .. } | LoginResult::MustReset { .. } => state.failed_logins = 0,
        LoginResult::Failed(_) => {}
    }
    result
}

/// The answer to one login attempt.
#[derive(Debug, Clone)]
pub enum LoginResult {
    Session {
        token: String,
        user_id: Option<Value>,
    },
    /// The password is right but must be reset first.
    MustReset { reset_token: String },
    /// The server said no (wrong credentials, locked...).
    Rejected(String),
    /// No usable answer (transport failure, unexpected body).
    Failed(String),
}

/// Logs in with `password`; the exchange is recorded in `log`.
pub async fn login(
    http: &Http,
    dialect: &LoadedDialect,
    username: &str,
    password: &str,
    log: &mut Vec<Exchange>,
) -> LoginResult {
    let spec = &dialect.spec.login;
    let vars = |n: &str| match n {
        "username" => Some(json!(username)),
        "password" => Some(json!(password)),
        _ => None,
    };
    let body = match render_value(&spec.body, &vars) {
        Ok(b) => b,
        Err(e) => return LoginResult::Failed(format!("login body: {e}")),
    };
    let request = RequestRecord {
        method: spec.method.clone(),
        url: http.url(&spec.path, &[]),
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: Some(body.to_string()),
    };
    let exchange = http.send("login", request).await;
    let result = interpret_login(dialect, &exchange);
    log.push(exchange);
    result
}

fn interpret_login(dialect: &LoadedDialect, exchange: &Exchange) -> LoginResult {
    let spec = &dialect.spec.login;
    let Some(resp) = &exchange.response else {
        return LoginResult::Failed(exchange.error.clone().unwrap_or_default());
    };
    if !(200..300).contains(&resp.status) {
        return LoginResult::Rejected(format!("login answered {}", resp.status));
    }
    let Ok(json) = serde_json::from_str::<Value>(&resp.body) else {
        return LoginResult::Failed(format!("login answered {} without JSON", resp.status));
    };
    if let Some(reset) = spec.reset_token.as_deref().and_then(|p| json.pointer(p))
        && let Some(reset) = reset.as_str()
    {
        return LoginResult::MustReset {
            reset_token: reset.to_string(),
        };
    }
    let Some(token) = json.pointer(&spec.token).and_then(Value::as_str) else {
        return LoginResult::Failed(format!(
            "login answered {} but no token at `{}`",
            resp.status, spec.token
        ));
    };
    let user_id = spec.user_id.as_ref().and_then(|at| match at.from {
        UserIdFrom::Body => json.pointer(&at.at).cloned(),
        UserIdFrom::Jwt => jwt_claims(token).and_then(|c| c.get(&at.at).cloned()),
    });
    LoginResult::Session {
        token: token.to_string(),
        user_id,
    }
}

/// Reads a JWT's payload without checking its signature (the client only needs its own id).
pub fn jwt_claims(token: &str) -> Option<Value> {
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Makes sure `state` has a session, logging in if needed.
pub async fn ensure_session(
    http: &Http,
    dialect: &LoadedDialect,
    state: &mut AccountState,
    log: &mut Vec<Exchange>,
) -> Result<(), String> {
    if state.token.is_some() {
        return Ok(());
    }
    if let Some(why) = &state.login_failed {
        return Err(why.clone());
    }
    let (Some(_), Some(pw)) = (&state.account.username, state.password.clone()) else {
        return Err(format!(
            "{}: no token and no credentials",
            state.account.label()
        ));
    };
    match login_counted(http, dialect, state, &pw, log).await {
        LoginResult::Session { token, user_id } => {
            state.token = Some(token);
            state.logged_in = true;
            if state.user_id.is_none() {
                state.user_id = user_id;
            }
            // A dialect that says where the id is must find it there; one that does not only
            // needs ids for routes that take one (checked before the run, see plan::missing_ids).
            if let (None, Some(at)) = (&state.user_id, &dialect.spec.login.user_id) {
                return Err(format!(
                    "{}: logged in, but the user id is not where the dialect says ({:?} `{}`)",
                    state.account.label(),
                    at.from,
                    at.at
                ));
            }
            Ok(())
        }
        LoginResult::MustReset { reset_token } => {
            state.reset_token = Some(reset_token);
            Err(format!(
                "{}: the server demands a password reset before login",
                state.account.label()
            ))
        }
        LoginResult::Rejected(why) | LoginResult::Failed(why) => {
            let why = format!("login as {} failed: {why}", state.account.label());
            state.login_failed = Some(why.clone());
            Err(why)
        }
    }
}

/// Completes a forced reset: sets `password` with the dialect's reset flow.
pub async fn reset_password(
    http: &Http,
    dialect: &LoadedDialect,
    username: &str,
    reset_token: &str,
    password: &str,
    log: &mut Vec<Exchange>,
) -> Result<(), String> {
    let Some(reset) = &dialect.spec.reset else {
        return Err("the dialect has no reset flow".into());
    };
    let vars = |n: &str| match n {
        "username" => Some(json!(username)),
        "reset_token" => Some(json!(reset_token)),
        "password" => Some(json!(password)),
        _ => None,
    };
    let body = render_value(&reset.body, &vars)?;
    let request = RequestRecord {
        method: reset.method.clone(),
        url: http.url(&reset.path, &[]),
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: Some(body.to_string()),
    };
    let exchange = http.send("reset-password", request).await;
    let status = exchange.response.as_ref().map(|r| r.status);
    let error = exchange.error.clone();
    log.push(exchange);
    match status {
        Some(s) if (200..300).contains(&s) => Ok(()),
        Some(s) => Err(format!("the reset flow answered {s}")),
        None => Err(error.unwrap_or_default()),
    }
}

/// The credential header for a step: the real token, a malformed one, or a well-formed one the
/// server never issued.
pub fn auth_header(
    dialect: &LoadedDialect,
    token: &str,
    mode: crate::plan::AuthMode,
) -> Result<Option<(String, String)>, String> {
    use crate::plan::AuthMode;
    let token = match mode {
        AuthMode::None => return Ok(None),
        AuthMode::Valid => token.to_string(),
        AuthMode::Malformed => "not-a-valid-token".to_string(),
        AuthMode::Foreign => forge(token, dialect.spec.auth.token_format),
    };
    let vars = |n: &str| (n == "token").then(|| json!(token));
    let value = render_str(&dialect.spec.auth.value, &vars)?;
    Ok(Some((dialect.spec.auth.header.clone(), value)))
}

/// A token of the right shape that the server did not sign: a JWT keeps its header and claims with
/// another signature; an opaque token is replaced by random characters of the same length.
fn forge(token: &str, format: TokenFormat) -> String {
    let random = |n: usize| -> Vec<u8> { (0..n).map(|_| rand::random::<u8>()).collect() };
    match (format, token.rsplit_once('.')) {
        (TokenFormat::Jwt, Some((signed, sig))) => {
            let len = URL_SAFE_NO_PAD
                .decode(sig)
                .map(|s| s.len())
                .unwrap_or(32)
                .max(16);
            format!("{signed}.{}", URL_SAFE_NO_PAD.encode(random(len)))
        }
        _ => {
            // One hex digit per random byte: as long as the token, 16 at least.
            random(token.len().max(16))
                .iter()
                .map(|b| format!("{:x}", b & 0xf))
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forged_jwt_keeps_claims_and_changes_signature() {
        let claims = URL_SAFE_NO_PAD.encode(br#"{"sub":"abc"}"#);
        let token = format!("eyJhbGciOiJIUzI1NiJ9.{claims}.c2lnbmF0dXJlLWJ5dGVzLTEyMzQ1Njc4");
        let forged = forge(&token, TokenFormat::Jwt);
        assert_ne!(forged, token);
        assert_eq!(jwt_claims(&forged), Some(json!({"sub": "abc"})));
        let opaque = forge("0123456789abcdef0123", TokenFormat::Opaque);
        assert_eq!(opaque.len(), 20);
        assert_ne!(opaque, "0123456789abcdef0123");
    }
}
