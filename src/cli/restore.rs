//! `pwconform restore --journal FILE`: finishes what a killed or failed run left. Idempotent: an
//! account whose original password works is done; otherwise each password the journal says it may
//! have is tried, newest first, and the entry is closed once the original is back.

use std::collections::BTreeMap;

use super::{Exit, RestoreArgs};
use crate::assets::Tree;
use crate::exec::journal::{Entry, Journal, open_entries};
use crate::exec::{
    AccountState, Http, HttpOptions, LoginResult, login, restore as restore_account,
};
use crate::spec::load_dialect;
use crate::target::Account;

pub async fn restore(args: RestoreArgs) -> Exit {
    if !args.journal.exists() {
        println!(
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
        println!(
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
    for ((dialect_name, base, username), list) in accounts {
        let base = args.target.clone().unwrap_or(base);
        if let Err(e) = crate::target::check_base_url(&base) {
            eprintln!("NOT restored {username} ({dialect_name}): target {e}; pass --target URL");
            left += 1;
            continue;
        }
        let outcome = restore_one(&specs, &dialect_name, &base, &list, &options).await;
        match outcome {
            Ok(how) => {
                for e in &list {
                    let _ = journal.close(e.id);
                }
                println!("restored {username} ({dialect_name} at {base}): {how}");
            }
            Err(why) => {
                left += 1;
                eprintln!("NOT restored {username} ({dialect_name} at {base}): {why}");
            }
        }
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

async fn restore_one(
    specs: &Tree,
    dialect: &str,
    base: &str,
    list: &[Entry],
    options: &HttpOptions,
) -> Result<String, String> {
    let dialect = load_dialect(specs, dialect).map_err(|e| e.to_string())?;
    let http = Http::new(base, options)?;
    let Some(last) = list.last() else {
        return Err("no entry".into());
    };
    let mut state = AccountState::new(Account {
        role: last.role.clone(),
        nth: 0,
        username: Some(last.username.clone()),
        password: Some(last.original.clone()),
        token: None,
        id: last.user_id.clone(),
        traits: Vec::new(),
    });
    state.password = None;
    let mut log = Vec::new();
    // Already back (an earlier restore, or the change never happened)?
    match login(&http, &dialect, &last.username, &last.original, &mut log).await {
        LoginResult::Session { .. } => return Ok("its original password already works".into()),
        LoginResult::Failed(e) => return Err(format!("cannot reach the target: {e}")),
        LoginResult::MustReset { reset_token } => state.reset_token = Some(reset_token),
        LoginResult::Rejected(_) => {}
    }
    let mut tries: Vec<String> = Vec::new();
    for e in list.iter().rev() {
        for c in &e.candidates {
            if !tries.contains(c) && *c != last.original {
                tries.push(c.clone());
            }
        }
    }
    restore_account(&http, &dialect, &mut state, &tries, &mut log)
        .await
        .map(|_| "changed back to its original password".to_string())
}
