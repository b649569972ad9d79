//! `pwconform lint`: every check that needs no target. Specs and cases are loaded with all their
//! rules, every case is planned against a stand-in set of accounts (two per role) so expectation
//! problems surface, and each dialect's valid request is checked against its request schema.

use super::setup::load_inputs;
use super::{Exit, SourceArgs};
use crate::case::all_traits;
use crate::plan::{BodyPlan, build_plan, valid_change};
use crate::target::Target;
use crate::template::render_value;

pub fn lint(sources: &SourceArgs) -> Exit {
    let inputs = match load_inputs(sources, &[]) {
        Ok(i) => i,
        Err(e) => return e,
    };
    let mut problems = Vec::new();
    let mut steps = 0;
    let mut left_out = Vec::new();
    for d in &inputs.dialects {
        let target = Target::stand_in(d, &all_traits(&inputs.cases));
        let plan = build_plan(&inputs.cases, d, &target);
        for s in &plan.steps {
            if let Some(why) = &s.skip {
                problems.push(format!("{}/{}: {why}", d.name(), s.id));
            }
        }
        let out: Vec<String> = plan
            .steps
            .iter()
            .filter_map(|s| Some(format!("  {}: {}", s.id, s.not_applicable.as_ref()?)))
            .collect();
        if !out.is_empty() {
            left_out.push(format!(
                "{} leaves out {} step(s), as its spec says:\n{}",
                d.name(),
                out.len(),
                out.join("\n")
            ));
        }
        steps += plan.steps.len();
        problems.extend(check_valid_request(d));
    }
    for p in &problems {
        eprintln!("error: {p}");
    }
    if !problems.is_empty() {
        eprintln!("{} problem(s).", problems.len());
        return Exit::BadInput;
    }
    say!(
        "ok: {} dialect(s), {} case definition(s), {} step(s) planned",
        inputs.dialects.len(),
        inputs.cases.len(),
        steps
    );
    // Not problems: what each dialect says does not apply to its API, and why.
    for l in &left_out {
        say!("{l}");
    }
    Exit::Pass
}

/// The request the runner builds as "valid" must satisfy the dialect's own request schema.
fn check_valid_request(d: &crate::spec::LoadedDialect) -> Vec<String> {
    let schema = d
        .spec
        .change_password
        .schema
        .as_ref()
        .and_then(|s| d.schemas.get(s));
    let (Some(schema), BodyPlan::Json(body)) = (schema, valid_change(d).body) else {
        return Vec::new();
    };
    let sample = |n: &str| match n {
        "user_id" => d.spec.user_ids.as_ref().map(|u| u.nonexistent.clone()),
        _ => Some(serde_json::json!("Sample-password-1")),
    };
    let Ok(body) = render_value(&body, &sample) else {
        return Vec::new();
    };
    schema
        .validator
        .iter_errors(&body)
        .map(|e| {
            format!(
                "{}: the valid request breaks {} at `{}`: {e}",
                d.file,
                schema.file,
                e.instance_path().as_str()
            )
        })
        .collect()
}
