//! Every account a request may touch: the named user and the caller, whose credentials the request
//! carries (a server may apply a change to the caller whatever user the request names). Each is
//! journaled before the request is sent, and after an answer that may hide a change (any 2xx, 5xx,
//! or no answer at all) each is verified by logging in with the password it should have, and put
//! back through the ladder when it changed.

use serde_json::Value;

use super::ahead::{actor_of, reserve};
use super::journal::{Credential, Durability, Entry, restore_command};
use super::ladder::{HelperJournal, Helpers, climb, manual_step};
use super::restore::candidates;
use super::session::{AccountState, LoginResult, login_counted, reset_password};
use super::step::{Held, StepEnv};
use crate::plan::{AuthMode, Step};
use crate::result::{ChangedAccount, RestoredBy, Unrestored};

/// The accounts `step`'s request may change: the named one, and the actor unless the request
/// carries no usable credential of it. Sorted, without duplicates.
pub fn touched_accounts(step: &Step) -> Vec<usize> {
    let mut out: Vec<usize> = step.target_account().into_iter().collect();
    // A forged token keeps the actor's claims: a server that does not check signatures acts as it.
    if let Some(actor) = step.actor
        && matches!(step.auth, AuthMode::Valid | AuthMode::Foreign)
    {
        out.push(actor);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether an answer may hide a change: any 2xx, a 5xx, or no answer after the request was sent.
pub fn may_have_changed(status: Option<u16>) -> bool {
    status.is_none_or(|s| (200..300).contains(&s) || s >= 500)
}

/// A journal entry naming `state`'s account on `step`'s target; the caller fills in what it
/// journals (original, candidates, case, actor, administrators).
pub fn account_entry(env: &StepEnv<'_>, step: &Step, state: &AccountState) -> Entry {
    Entry {
        id: 0,
        dialect: step.dialect.clone(),
        base_url: env.http.base_url.clone(),
        role: state.account.role.clone(),
        username: state.account.username.clone().unwrap_or_default(),
        user_id: state.user_id.clone(),
        original: String::new(),
        candidates: Vec::new(),
        case: String::new(),
        actor: None,
        admins: Vec::new(),
    }
}

/// The credentials a later restore may log in with: an administrator's, or the actor's.
pub fn credential_of(state: &AccountState) -> Option<Credential> {
    Some(Credential {
        role: state.account.role.clone(),
        username: state.account.username.clone()?,
        password: state.original.clone()?,
        user_id: state.user_id.clone(),
    })
}

/// Writes what `index` may have after this request to the journal, before it is sent: an unsynced
/// entry when a synced one still open already names every candidate (`ahead.rs`), else a synced
/// one that stays open until the end-of-run check.
pub fn journal_before_send(
    env: &StepEnv<'_>,
    step: &Step,
    held: &mut Held<'_>,
    index: usize,
    sent: Option<&Value>,
) -> Result<(), String> {
    let actor = actor_of(step, held, index);
    let Some(state) = held.get(index) else {
        return Ok(());
    };
    let Some(original) = state.original.clone() else {
        return Ok(());
    };
    let tries = candidates(sent, &original);
    // Candidates are the generated password (already a secret), its trimmed form (the same) or a
    // literal of the case file (`123`, `true`): test data, not secrets, so they are not redacted.
    for t in &tries {
        if *t != original && !state.sent.contains(t) {
            state.sent.insert(t.clone());
        }
    }
    let Some(journal) = env.journal else {
        return Ok(());
    };
    if !state.reserved.covers(&tries, &original, actor.as_ref()) {
        return reserve(journal, env, step, held, &[index], &tries, &step.id);
    }
    let ids = journal.open_many(
        vec![Entry {
            original,
            candidates: tries,
            case: step.id.clone(),
            actor,
            // The synced entries name them; `restore` gathers an account's administrators from
            // all its entries.
            admins: Vec::new(),
            ..account_entry(env, step, state)
        }],
        Durability::Unsynced,
    )?;
    state.journal_ids.extend(ids);
    Ok(())
}

/// The account's password is known to be the original again: its entries for single cases are
/// closed; those written ahead stay open while the run may still send their passwords.
pub fn close_journal(env: &StepEnv<'_>, state: &mut AccountState, by: Option<RestoredBy>) {
    if let Some(j) = env.journal {
        let _ = j.close_many(&std::mem::take(&mut state.journal_ids), by);
    }
}

/// The end-of-run check confirmed the account: every entry of it is closed.
pub fn close_all(env: &StepEnv<'_>, state: &mut AccountState, by: Option<RestoredBy>) {
    close_journal(env, state, by);
    if let Some(j) = env.journal {
        let reserved = std::mem::take(&mut state.reserved);
        let _ = j.close_many(&reserved.ids, by);
    }
}

/// What became of one touched account.
pub enum Settled {
    /// Its password never changed.
    Unchanged,
    /// It changed and the ladder put it back.
    Restored(ChangedAccount),
    /// It changed and is not back: `Some` to report now, `None` when the restore waits for the
    /// end of the run (every administrator was busy).
    Lost(ChangedAccount, Option<Unrestored>),
}

/// An account whose change was not announced (the caller after someone else's change, anyone
/// after a 5xx or a lost answer): logs in with the password it should have, and climbs the ladder
/// only when that fails.
pub async fn verify_touched(
    env: &StepEnv<'_>,
    step: &Step,
    held: &mut Held<'_>,
    index: usize,
    tries: &[String],
    log: &mut Vec<crate::result::Exchange>,
) -> Settled {
    let Some(state) = held.get(index) else {
        return Settled::Unchanged;
    };
    let (Some(_), Some(expected)) = (&state.account.username, state.password.clone()) else {
        return Settled::Unchanged;
    };
    // An account that could not log in before (an external directory's) cannot be checked here;
    // the end-of-run check and the journal still cover it.
    if !state.logged_in {
        return Settled::Unchanged;
    }
    match login_counted(env.http, env.dialect, state, &expected, log).await {
        LoginResult::Session { token, .. } => {
            state.token = Some(token);
            Settled::Unchanged
        }
        LoginResult::MustReset { reset_token } => {
            let user = state.account.username.clone().unwrap_or_default();
            let done =
                reset_password(env.http, env.dialect, &user, &reset_token, &expected, log).await;
            let changed = ChangedAccount {
                account: state.account.label(),
                restored_by: done.is_ok().then_some(RestoredBy::Itself),
            };
            match done {
                Ok(()) => Settled::Restored(changed),
                Err(e) => {
                    let lost = unrestored(env, step, state, e);
                    Settled::Lost(changed, Some(lost))
                }
            }
        }
        LoginResult::Rejected(_) => {
            if let Some(s) = held.get(index) {
                s.change_accepted = true;
            }
            restore_touched(env, step, held, index, tries, log).await
        }
        LoginResult::Failed(e) => {
            let changed = ChangedAccount {
                account: state.account.label(),
                restored_by: None,
            };
            state.unsettled = Some(tries.to_vec());
            let lost = unrestored(env, step, state, format!("cannot check its password: {e}"));
            Settled::Lost(changed, Some(lost))
        }
    }
}

/// Puts `index` back through the ladder, with the step's actor and any free administrator.
pub async fn restore_touched(
    env: &StepEnv<'_>,
    step: &Step,
    held: &mut Held<'_>,
    index: usize,
    tries: &[String],
    log: &mut Vec<crate::result::Exchange>,
) -> Settled {
    // Administrators the step does not hold are borrowed only if free: waiting for one while
    // holding this step's accounts could deadlock with a step waiting for ours.
    let admin_roles: Vec<String> = env
        .dialect
        .spec
        .admin_reset
        .as_ref()
        .map(|r| r.roles.clone())
        .unwrap_or_default();
    let held_ids: Vec<usize> = held.states.iter().map(|(i, _)| *i).collect();
    let mut busy = false;
    let mut borrowed = Vec::new();
    for (i, account) in env.accounts.iter().enumerate() {
        if !admin_roles.contains(&account.role) || held_ids.contains(&i) {
            continue;
        }
        match env.states.get(i).map(|m| m.try_lock()) {
            Some(Ok(guard)) => borrowed.push(guard),
            Some(Err(_)) => busy = true,
            None => {}
        }
    }
    let actor_index = step.actor.filter(|a| *a != index);
    let mut target = None;
    let mut actor = None;
    let mut admins: Vec<&mut AccountState> = Vec::new();
    for (i, guard) in held.states.iter_mut() {
        let state: &mut AccountState = guard;
        if *i == index {
            target = Some(state);
        } else if Some(*i) == actor_index {
            actor = Some(state);
        } else {
            admins.push(state);
        }
    }
    admins.extend(borrowed.iter_mut().map(|g| &mut **g));
    let Some(state) = target else {
        return Settled::Unchanged;
    };
    let journal = env.journal.map(|journal| HelperJournal {
        journal,
        dialect: step.dialect.clone(),
        base_url: env.http.base_url.clone(),
        case: step.id.clone(),
    });
    let helpers = Helpers {
        actor,
        admins,
        journal,
    };
    let result = climb(env.http, env.dialect, state, tries, helpers, log).await;
    let mut changed = ChangedAccount {
        account: state.account.label(),
        restored_by: None,
    };
    match result {
        Ok(by) => {
            changed.restored_by = Some(by);
            close_journal(env, state, Some(by));
            Settled::Restored(changed)
        }
        Err(_) if busy && env.dialect.spec.admin_reset.is_some() => {
            // Once this step has let go of its accounts, `settle_after_step` waits for the
            // administrators and climbs again.
            state.unsettled = Some(tries.to_vec());
            state.token = None;
            Settled::Lost(changed, None)
        }
        Err(e) => {
            let lost = unrestored(env, step, state, e);
            Settled::Lost(changed, Some(lost))
        }
    }
}

/// An account whose restore waited for a busy administrator: with none of the step's accounts held
/// any more, takes it and every administrator (in index order, as every step does, so no two wait
/// on each other) and climbs the ladder again. The case's result learns the outcome.
pub async fn settle_after_step(
    env: &StepEnv<'_>,
    step: &Step,
    index: usize,
    result: &mut crate::result::CaseResult,
) -> Option<Unrestored> {
    let roles: Vec<String> = env
        .dialect
        .spec
        .admin_reset
        .as_ref()
        .map(|r| r.roles.clone())
        .unwrap_or_default();
    let mut held = Held { states: Vec::new() };
    for (i, account) in env.accounts.iter().enumerate() {
        if (i == index || roles.contains(&account.role))
            && let Some(m) = env.states.get(i)
        {
            held.states.push((i, m.lock().await));
        }
    }
    let tries = held.get(index)?.unsettled.take()?;
    let settled = restore_touched(env, step, &mut held, index, &tries, &mut result.exchanges).await;
    let (changed, lost) = match settled {
        Settled::Unchanged => return None,
        Settled::Restored(c) => (c, None),
        Settled::Lost(c, lost) => (c, lost),
    };
    let pending = pending_reason(&changed.account);
    for reason in &mut result.reasons {
        if *reason == pending {
            *reason = match (&lost, changed.restored_by) {
                (_, Some(by)) => format!(
                    "{}'s password changed; restored after the case by {by}",
                    changed.account
                ),
                (Some(u), None) => {
                    format!(
                        "could NOT restore {}'s password: {}",
                        changed.account, u.reason
                    )
                }
                (None, None) => reason.clone(),
            };
        }
    }
    for c in &mut result.changed_accounts {
        if c.account == changed.account {
            c.restored_by = changed.restored_by;
        }
    }
    lost
}

/// The reason a case carries while one of its accounts waits for an administrator.
pub fn pending_reason(account: &str) -> String {
    format!(
        "{account}'s password changed and every administrator was busy: it is restored once one is free"
    )
}

/// The loud report of an account the ladder could not put back.
pub fn unrestored(
    env: &StepEnv<'_>,
    step: &Step,
    state: &AccountState,
    reason: String,
) -> Unrestored {
    let journal = env.journal.map(|j| j.path().display().to_string());
    Unrestored {
        dialect: step.dialect.clone(),
        role: state.account.role.clone(),
        username: state.account.username.clone().unwrap_or_default(),
        reason,
        journal: env.journal.map(restore_command),
        manual: Some(manual_step(env.dialect, state, journal.as_deref())),
    }
}
