//! Steps 2 and 3 of the restore ladder: other accounts put the password back (the actor that
//! changed it, the way it did; an administrator through the dialect's `admin_reset`). A helper's
//! own request may be misapplied by the server, so each helper is journaled and checked after.

use serde_json::{Value, json};

use super::super::client::Http;
use super::super::journal::{Entry, Journal};
use super::super::session::{
    AccountState, LoginResult, auth_header, ensure_session, login_counted,
};
use super::{confirm, itself};
use crate::plan::{AuthMode, valid_change};
use crate::result::{Exchange, RequestRecord};
use crate::spec::LoadedDialect;
use crate::template::{render_str, render_value};

/// Other accounts the ladder may call on.
#[derive(Default)]
pub struct Helpers<'a> {
    /// The account that sent the change, when it is not the account itself.
    pub actor: Option<&'a mut AccountState>,
    /// Accounts of the roles `admin_reset` names (any order; they are tried in the roles' order).
    pub admins: Vec<&'a mut AccountState>,
    /// Where a helper is journaled before it writes.
    pub journal: Option<HelperJournal<'a>>,
}

/// A helper's request carries its credentials: a server that writes to the caller would change
/// the helper. So the helper is journaled before it writes, like any account a request touches.
pub struct HelperJournal<'a> {
    pub journal: &'a Journal,
    pub dialect: String,
    pub base_url: String,
    /// The case (or journal entry) whose account is being restored.
    pub case: String,
}

impl HelperJournal<'_> {
    fn open(&self, helper: &AccountState, written: &str) -> Result<u64, String> {
        let Some(original) = helper.original.clone() else {
            return Err("its original password is unknown".into());
        };
        self.journal.open(Entry {
            id: 0,
            dialect: self.dialect.clone(),
            base_url: self.base_url.clone(),
            role: helper.account.role.clone(),
            username: helper.account.username.clone().unwrap_or_default(),
            user_id: helper.user_id.clone(),
            candidates: vec![written.to_string(), original.clone()],
            original,
            case: format!("{} (a restore request it sent)", self.case),
            actor: None,
            admins: Vec::new(),
        })
    }
}

/// Journals `helper` (if there is a journal) before it writes `written`; returns the entry.
pub(super) fn journal_helper(
    journal: Option<&HelperJournal<'_>>,
    helper: &mut AccountState,
    written: &str,
) -> Result<Option<u64>, String> {
    wrote_with(helper, written);
    journal.map(|j| j.open(helper, written)).transpose()
}

/// Closes the helper's entry once its own password is confirmed.
pub(super) fn helper_done(journal: Option<&HelperJournal<'_>>, entry: Option<u64>, fine: bool) {
    if let (Some(j), Some(id), true) = (journal, entry, fine) {
        let _ = j.journal.close(id, None);
    }
}

/// Step 2: the actor sends the valid change of the account's password, with its own session.
#[allow(clippy::too_many_arguments)]
pub(super) async fn by_actor(
    http: &Http,
    dialect: &LoadedDialect,
    state: &mut AccountState,
    actor: &mut AccountState,
    candidates: &[String],
    original: &str,
    journal: Option<&HelperJournal<'_>>,
    log: &mut Vec<Exchange>,
) -> Result<(), String> {
    let user_id = state.user_id.clone().ok_or("the account's id is unknown")?;
    ensure_session(http, dialect, actor, log).await?;
    let entry = journal_helper(journal, actor, original)?;
    let mut outcome = Err("none of the passwords it may have was taken as the old one".into());
    let mut risky = false;
    for cand in candidates {
        let status = send_change(http, dialect, actor, Some(&user_id), cand, original, log).await;
        risky |= status.is_none_or(|s| !(400..500).contains(&s));
        match status {
            Some(s) if (200..300).contains(&s) => {
                outcome = confirm(http, dialect, state, log).await;
                break;
            }
            Some(s @ (401 | 403)) => {
                outcome = Err(format!("the change answered {s}"));
                break;
            }
            None => {
                outcome = Err("the target did not answer".into());
                break;
            }
            Some(_) => {}
        }
    }
    // A refusal changed nothing; after anything else the actor's own password is checked.
    let fine = !risky || check_helper(http, dialect, actor, original, log).await;
    helper_done(journal, entry, fine);
    outcome
}

/// Step 3: an administrator sets the original with the dialect's `admin_reset`.
pub(super) async fn by_admin(
    http: &Http,
    dialect: &LoadedDialect,
    state: &mut AccountState,
    mut admins: Vec<&mut AccountState>,
    original: &str,
    journal: Option<&HelperJournal<'_>>,
    log: &mut Vec<Exchange>,
) -> Result<(), String> {
    let Some(spec) = &dialect.spec.admin_reset else {
        return Err("the dialect has no admin_reset".into());
    };
    let user_id = state.user_id.clone().ok_or("the account's id is unknown")?;
    let rank = |a: &AccountState| spec.roles.iter().position(|r| *r == a.account.role);
    admins.retain(|a| rank(a).is_some() && a.account.username != state.account.username);
    admins.sort_by_key(|a| rank(a));
    let mut why = Vec::new();
    for admin in admins {
        if let Err(e) = ensure_session(http, dialect, admin, log).await {
            why.push(e);
            continue;
        }
        let entry = match journal_helper(journal, admin, original) {
            Ok(e) => e,
            Err(e) => {
                why.push(format!("{}: not journaled: {e}", admin.account.label()));
                continue;
            }
        };
        let token = admin.token.clone().unwrap_or_default();
        let mut status = send_admin_reset(http, dialect, &token, &user_id, original, log).await;
        if status == Some(401) {
            // Its session ended (sessions end when passwords change): once more with a new one.
            admin.token = None;
            if ensure_session(http, dialect, admin, log).await.is_ok() {
                let token = admin.token.clone().unwrap_or_default();
                status = send_admin_reset(http, dialect, &token, &user_id, original, log).await;
            }
        }
        let outcome = match status {
            Some(s) if (200..300).contains(&s) => Some(confirm(http, dialect, state, log).await),
            Some(s) => {
                why.push(format!("{} got {s}", admin.account.label()));
                None
            }
            None => {
                why.push(format!("{}: no answer", admin.account.label()));
                None
            }
        };
        // A refusal changed nothing; after anything else the admin's own password is checked.
        let refused = status.is_some_and(|s| (400..500).contains(&s));
        let fine = refused || check_helper(http, dialect, admin, original, log).await;
        helper_done(journal, entry, fine);
        if let Some(result) = outcome {
            return result;
        }
    }
    // OCARIoT lets an administrator reset its own password with its live session.
    if rank(state).is_some()
        && let Some(token) = state.token.clone()
    {
        match send_admin_reset(http, dialect, &token, &user_id, original, log).await {
            Some(s) if (200..300).contains(&s) => return confirm(http, dialect, state, log).await,
            Some(s) => why.push(format!("its own session got {s}")),
            None => why.push("its own session: no answer".into()),
        }
    }
    if why.is_empty() {
        why.push(format!(
            "no account of role {} to call it with",
            spec.roles.join(" or ")
        ));
    }
    Err(why.join(", "))
}

/// A helper's request carries its credentials, so a server that applies changes to the caller
/// may change the helper instead: what was sent is one of the passwords it may now have, and the
/// end-of-run check covers it.
pub(super) fn wrote_with(helper: &mut AccountState, password: &str) {
    if helper.original.as_deref() != Some(password) && !helper.sent.iter().any(|p| p == password) {
        helper.sent.insert(password.to_string());
    }
}

/// After a helper's write: the helper must still log in with its own password; if the server
/// gave it the written one instead, it changes it back itself. Returns whether the helper is known
/// to have its own password; one that is not stays journaled for the end-of-run check and
/// `pwconform restore`.
pub(super) async fn check_helper(
    http: &Http,
    dialect: &LoadedDialect,
    helper: &mut AccountState,
    written: &str,
    log: &mut Vec<Exchange>,
) -> bool {
    let (Some(_), Some(own)) = (&helper.account.username, helper.original.clone()) else {
        return true;
    };
    match login_counted(http, dialect, helper, &own, log).await {
        LoginResult::Session { token, .. } => {
            helper.token = Some(token);
            return true;
        }
        LoginResult::MustReset { reset_token } => helper.reset_token = Some(reset_token),
        LoginResult::Rejected(_) => helper.token = None,
        LoginResult::Failed(_) => return false,
    }
    let mut tried = Vec::new();
    let tries = [written.to_string(), own.clone()];
    itself(http, dialect, helper, &tries, &own, &mut tried, false, log)
        .await
        .is_ok()
}

/// The dialect's valid change from `old` to `new`, sent with `by`'s session for `user_id` (the
/// account's own when `None`). Returns the status.
pub(super) async fn send_change(
    http: &Http,
    dialect: &LoadedDialect,
    by: &AccountState,
    user_id: Option<&Value>,
    old: &str,
    new: &str,
    log: &mut Vec<Exchange>,
) -> Option<u16> {
    let template = valid_change(dialect);
    let id = user_id.cloned().or_else(|| by.user_id.clone());
    let vars = |n: &str| match n {
        "current_password" => Some(json!(old)),
        "new_password" => Some(json!(new)),
        "user_id" => id.clone(),
        _ => None,
    };
    let token = by.token.clone().unwrap_or_default();
    let request = super::super::render::render_request(
        http,
        dialect,
        &template,
        &vars,
        &token,
        AuthMode::Valid,
    )
    .ok()?;
    let purpose = if user_id.is_some() {
        "restore (by the actor)"
    } else {
        "restore"
    };
    let exchange = http.send(purpose, request).await;
    let status = exchange.response.as_ref().map(|r| r.status);
    log.push(exchange);
    status
}

/// The dialect's `admin_reset` for `user_id` to `password`, with an administrator's token.
pub(super) async fn send_admin_reset(
    http: &Http,
    dialect: &LoadedDialect,
    token: &str,
    user_id: &Value,
    password: &str,
    log: &mut Vec<Exchange>,
) -> Option<u16> {
    let spec = dialect.spec.admin_reset.as_ref()?;
    let vars = |n: &str| match n {
        "user_id" => Some(user_id.clone()),
        "password" => Some(json!(password)),
        _ => None,
    };
    let path = render_str(&spec.path, &vars).ok()?;
    let query: Vec<(String, String)> = spec
        .query
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let body = render_value(&spec.body, &vars).ok()?;
    let mut headers = vec![("Content-Type".to_string(), spec.content_type.clone())];
    headers.extend(auth_header(dialect, token, AuthMode::Valid).ok().flatten());
    let request = RequestRecord {
        method: spec.method.clone(),
        url: http.url(&path, &query),
        headers,
        body: Some(body.to_string()),
    };
    let exchange = http.send("restore (admin reset)", request).await;
    let status = exchange.response.as_ref().map(|r| r.status);
    log.push(exchange);
    status
}
