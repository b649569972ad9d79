//! `pwconform lint --accounts FILE`: an accounts file against its dialect and the cases, sending
//! nothing. Errors (exit 2) are what would stop or mislead a run: unknown roles or traits, missing
//! credentials, a bad base URL. Notes say what a run would skip with these accounts.

use std::collections::BTreeMap;
use std::path::Path;

use super::setup::load_inputs;
use super::{Exit, SourceArgs};
use crate::plan::build_plan;
use crate::target::{check_accounts, check_base_url, known_traits, lint_accounts as read};

pub fn lint_accounts(sources: &SourceArgs, path: &Path, dialect: Option<&str>) -> Exit {
    let (file, unset) = match read(path) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::BadInput;
        }
    };
    let Some(name) = dialect.map(str::to_owned).or_else(|| file.dialect.clone()) else {
        eprintln!(
            "error: {}: no `dialect:`; add one, or pass --dialect NAME",
            path.display()
        );
        return Exit::BadInput;
    };
    let inputs = match load_inputs(sources, std::slice::from_ref(&name)) {
        Ok(i) => i,
        Err(e) => return e,
    };
    let Some(d) = inputs.dialects.first() else {
        return Exit::BadInput;
    };
    let mut errors: Vec<String> = check_accounts(&file, d, &known_traits(d, &inputs.cases))
        .iter()
        .map(ToString::to_string)
        .collect();
    if let Some(url) = &file.base_url
        && !url.contains("${")
        && let Err(e) = check_base_url(url)
    {
        errors.push(format!("{}: base_url {e}", path.display()));
    }
    for e in &errors {
        eprintln!("error: {e}");
    }
    for v in &unset {
        eprintln!("note: ${{{v}}} is not set here; a run needs it in its environment");
    }
    if !errors.is_empty() {
        eprintln!("{} problem(s); nothing was sent.", errors.len());
        return Exit::BadInput;
    }
    let base = file.base_url.clone().unwrap_or_else(|| "{target}".into());
    let target = file.into_target(&base, path);
    let plan = build_plan(&inputs.cases, d, &target);
    // What the dialect leaves out is never sent, whatever the accounts: not counted as skipped.
    let left_out = plan
        .steps
        .iter()
        .filter(|s| s.not_applicable.is_some())
        .count();
    let skipped: Vec<_> = plan
        .steps
        .iter()
        .filter(|s| s.not_applicable.is_none())
        .filter_map(|s| s.skip.as_deref())
        .collect();
    // One line per reason: "needs a second account of role `x`" covers many steps.
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    for why in &skipped {
        *reasons.entry(why).or_default() += 1;
    }
    for (why, n) in &reasons {
        eprintln!("note: {n} step(s) would be skipped: {why}");
    }
    let left_out_note = if left_out == 0 {
        String::new()
    } else {
        format!(
            " ({left_out} more do not apply to {}, as its spec says)",
            d.name()
        )
    };
    say!(
        "ok: {} is a valid accounts file for {}: {} account(s), {} of {} step(s) would run{}",
        path.display(),
        d.name(),
        target.accounts.len(),
        plan.steps.len() - skipped.len() - left_out,
        plan.steps.len() - left_out,
        left_out_note
    );
    Exit::Pass
}
