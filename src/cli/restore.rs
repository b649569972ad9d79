//! `pwconform restore --journal FILE`: finishes what a killed or failed run left. Idempotent: an
//! account whose original password works is done; otherwise the restore ladder runs, as in a run:
//! the account itself with each password the journal says it may have (newest first), the actor
//! that made the change, then the dialect's admin reset with the administrators the journal names.
//! An entry is closed, with the step that worked, once the original is back.

use std::collections::BTreeMap;

use super::{Exit, RestoreArgs};
use crate::assets::Tree;
use serde_json::Value;

use crate::exec::journal::{Entry, Journal, open_entries};
use crate::exec::{
    AccountState, HelperJournal, Helpers, Http, HttpOptions, LoginResult, climb, login_counted,
    manual_step,
};
use crate::result::RestoredBy;
use crate::spec::load_dialect;
use crate::target::Account;

pub async fn restore(args: RestoreArgs) -> Exit {
    if !args.journal.exists() {
        say!(
            "nothing to restore: no journal at {} (a run removes it once every account is back)",
            args.journal.display()
        );
        return Exit::Pass;
    }
    let entries = match open_entries(&args.journal) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::BadInput;
        }
    };
    if entries.is_empty() {
        say!(
            "nothing to restore: {} has no open entry",
            args.journal.display()
        );
        let _ = std::fs::remove_file(&args.journal);
        return Exit::Pass;
    }
    // One account may have several entries; the newest candidates are tried first.
    let mut accounts: BTreeMap<(String, String, String), Vec<Entry>> = BTreeMap::new();
    for e in entries {
        let key = (e.dialect.clone(), e.base_url.clone(), e.username.clone());
        accounts.entry(key).or_default().push(e);
    }
    // Accounts that help restore others (administrators, actors) are restored first.
    let helpers: Vec<String> = accounts
        .values()
        .flatten()
        .flat_map(|e| e.admins.iter().chain(e.actor.as_ref()))
        .map(|c| c.username.clone())
        .collect();
    let mut order: Vec<_> = accounts.into_iter().collect();
    order.sort_by_key(|((_, _, user), _)| !helpers.contains(user));
    let journal = match Journal::append_to(&args.journal) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::BadInput;
        }
    };
    let specs = super::setup::specs_tree(&args.specs);
    let options = match args.net.to_options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::BadInput;
        }
    };
    let mut left = 0;
    for ((dialect_name, base, username), list) in order {
        let base = args.target.clone().unwrap_or(base);
        if let Err(e) = crate::target::check_base_url(&base) {
            eprintln!("NOT restored {username} ({dialect_name}): target {e}; pass --target URL");
            left += 1;
            continue;
        }
        let outcome = restore_one(&specs, &dialect_name, &base, &list, &options, &journal).await;
        match outcome {
            Ok((by, how)) => {
                let ids: Vec<u64> = list.iter().map(|e| e.id).collect();
                let _ = journal.close_many(&ids, by);
                say!("restored {username} ({dialect_name} at {base}): {how}");
            }
            Err((why, manual)) => {
                left += 1;
                eprintln!("NOT restored {username} ({dialect_name} at {base}): {why}");
                if let Some(m) = manual {
                    eprintln!("  by hand: {m}");
                }
            }
        }
    }
    // A helper that a faulty server changed while restoring another account was journaled too.
    let helpers_left = open_entries(&args.journal).map_or(0, |e| e.len());
    if left == 0 && helpers_left > 0 {
        eprintln!(
            "{helpers_left} entr{} added while restoring (an account that helped may have been \
             changed by the server); run this again.",
            if helpers_left == 1 {
                "y was"
            } else {
                "ies were"
            }
        );
        return Exit::NotRestored;
    }
    if left == 0 {
        let _ = std::fs::remove_file(&args.journal);
        Exit::Pass
    } else {
        eprintln!(
            "{left} account(s) still changed; the journal {} keeps them. Fix the cause and run this again.",
            args.journal.display()
        );
        Exit::NotRestored
    }
}

/// An account of the journal as the ladder sees it: its original password is what it should have.
fn state_of(role: &str, username: &str, password: &str, id: Option<Value>) -> AccountState {
    AccountState::new(Account {
        role: role.to_string(),
        nth: 0,
        username: Some(username.to_string()),
        password: Some(password.to_string()),
        token: None,
        id,
        traits: Vec::new(),
    })
}

type Failure = (String, Option<String>);

async fn restore_one(
    specs: &Tree,
    dialect: &str,
    base: &str,
    list: &[Entry],
    options: &HttpOptions,
    journal: &Journal,
) -> Result<(Option<RestoredBy>, String), Failure> {
    let journal_path = journal.path().display().to_string();
    let dialect = load_dialect(specs, dialect).map_err(|e| (e.to_string(), None))?;
    let http = Http::new(base, options).map_err(|e| (e, None))?;
    let Some(last) = list.last() else {
        return Err(("no entry".into(), None));
    };
    let mut state = state_of(
        &last.role,
        &last.username,
        &last.original,
        last.user_id.clone(),
    );
    state.password = None;
    let mut log = Vec::new();
    // Already back (an earlier restore, or the change never happened)?
    match login_counted(&http, &dialect, &mut state, &last.original, &mut log).await {
        LoginResult::Session { .. } => {
            return Ok((None, "its original password already works".into()));
        }
        LoginResult::Failed(e) => return Err((format!("cannot reach the target: {e}"), None)),
        LoginResult::MustReset { reset_token } => state.reset_token = Some(reset_token),
        LoginResult::Rejected(_) => {}
    }
    // Newest first, each once: a run killed after 10,000 cases leaves as many entries.
    let mut tries: indexmap::IndexSet<String> = indexmap::IndexSet::new();
    for e in list.iter().rev() {
        for c in &e.candidates {
            if *c != last.original {
                tries.insert(c.clone());
            }
        }
    }
    let tries: Vec<String> = tries.into_iter().collect();
    // The actor of the newest change, and every administrator the entries name.
    let mut actor = list
        .iter()
        .rev()
        .find_map(|e| e.actor.as_ref())
        .map(|c| state_of(&c.role, &c.username, &c.password, c.user_id.clone()));
    let mut admins: Vec<AccountState> = Vec::new();
    for c in list.iter().flat_map(|e| &e.admins) {
        if !admins
            .iter()
            .any(|a| a.account.username.as_deref() == Some(c.username.as_str()))
        {
            admins.push(state_of(
                &c.role,
                &c.username,
                &c.password,
                c.user_id.clone(),
            ));
        }
    }
    let helpers = Helpers {
        actor: actor.as_mut(),
        admins: admins.iter_mut().collect(),
        journal: Some(HelperJournal {
            journal,
            dialect: dialect.name().to_string(),
            base_url: base.to_string(),
            case: format!("restoring {}", last.username),
        }),
    };
    match climb(&http, &dialect, &mut state, &tries, helpers, &mut log).await {
        Ok(by) => Ok((
            Some(by),
            format!("changed back to its original password by {by}"),
        )),
        Err(why) => Err((
            why,
            Some(manual_step(&dialect, &state, Some(&journal_path))),
        )),
    }
}
