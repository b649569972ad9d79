//! `pwconform coverage`: every rule of each dialect with the cases that exercise it, from the plan
//! against stand-in accounts (two per role, every trait). Sends nothing; exits 1 when a rule has
//! no case.

use super::setup::load_inputs;
use super::{CoverageArgs, Exit};
use crate::case::all_traits;
use crate::coverage::{table, uncovered};
use crate::plan::build_plan;
use crate::target::Target;

pub fn coverage(args: &CoverageArgs) -> Exit {
    let inputs = match load_inputs(&args.sources, &args.dialects) {
        Ok(i) => i,
        Err(e) => return e,
    };
    let mut missing = 0;
    let mut all = Vec::new();
    for d in &inputs.dialects {
        let target = Target::stand_in(d, &all_traits(&inputs.cases));
        let mut plan = build_plan(&inputs.cases, d, &target);
        // A step that is not sent (not applicable to the dialect, or skipped) exercises no rule.
        plan.steps
            .retain(|s| s.not_applicable.is_none() && s.skip.is_none());
        let rows = table(d, &plan.steps);
        let gaps = uncovered(&rows).count() + crate::coverage::unknown_untested(d).len();
        for typo in crate::coverage::unknown_untested(d) {
            eprintln!("{}: `untested` names no rule: {typo}", d.name());
        }
        let waived = rows
            .iter()
            .filter(|r| r.cases.is_empty() && r.untested.is_some())
            .count();
        missing += gaps;
        if args.json {
            all.push(serde_json::json!({"dialect": d.name(), "rules": rows}));
            continue;
        }
        say!("{}", d.name());
        for row in &rows {
            let mark = match (&row.untested, row.cases.is_empty()) {
                (Some(_), true) => "untested",
                (None, true) => "MISSING",
                _ => "",
            };
            let first: Vec<&str> = row.cases.iter().take(3).map(String::as_str).collect();
            let more = row.cases.len().saturating_sub(first.len());
            let tail = if more > 0 {
                format!(" (+{more})")
            } else {
                String::new()
            };
            let what = match (&row.untested, row.cases.is_empty()) {
                (Some(why), true) => why.clone(),
                _ => format!("{}{tail}", first.join(", ")),
            };
            say!(
                "  {:<36} {:<44} {:>4} {mark:<8} {what}",
                row.id,
                row.text,
                row.cases.len()
            );
        }
        say!(
            "  {} rule(s): {} covered, {waived} untested with a reason, {gaps} without a case\n",
            rows.len(),
            rows.len() - gaps - waived
        );
    }
    if args.json {
        match serde_json::to_string_pretty(&all) {
            Ok(s) => say!("{s}"),
            Err(e) => eprintln!("error: {e}"),
        }
    }
    if missing > 0 {
        eprintln!("{missing} rule(s) without a case");
        Exit::Failures
    } else {
        Exit::Pass
    }
}
