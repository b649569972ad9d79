//! `pwconform lint`: every check that needs no target. Specs and cases are loaded with all their
//! rules, every case is planned against a stand-in set of accounts (two per role) so expectation
//! problems surface, and each dialect's valid request is checked against its request schema.

use super::setup::load_inputs;
use super::{Exit, SourceArgs};
use crate::plan::{BodyPlan, build_plan, valid_change};
use crate::target::{Account, Target};
use crate::template::render_value;

pub fn lint(sources: &SourceArgs) -> Exit {
    let inputs = match load_inputs(sources, &[]) {
        Ok(i) => i,
        Err(e) => return e,
    };
    let mut problems = Vec::new();
    let mut steps = 0;
    for d in &inputs.dialects {
        let target = stand_in_target(d);
        let plan = build_plan(&inputs.cases, d, &target);
        for s in &plan.steps {
            if let Some(why) = &s.skip {
                problems.push(format!("{}/{}: {why}", d.name(), s.id));
            }
        }
        steps += plan.steps.len();
        if let Some(schema) = d
            .spec
            .change_password
            .schema
            .as_ref()
            .and_then(|s| d.schemas.get(s))
        {
            if let BodyPlan::Json(body) = valid_change(d).body {
                let sample = |n: &str| match n {
                    "user_id" => Some(d.spec.user_ids.nonexistent.clone()),
                    _ => Some(serde_json::json!("Sample-password-1")),
                };
                if let Ok(body) = render_value(&body, &sample) {
                    for e in schema.validator.iter_errors(&body) {
                        problems.push(format!(
                            "{}: the valid request breaks {} at `{}`: {e}",
                            d.file,
                            schema.file,
                            e.instance_path().as_str()
                        ));
                    }
                }
            }
        }
    }
    for p in &problems {
        eprintln!("error: {p}");
    }
    if !problems.is_empty() {
        eprintln!("{} problem(s).", problems.len());
        return Exit::BadInput;
    }
    println!(
        "ok: {} dialect(s), {} case definition(s), {} step(s) planned",
        inputs.dialects.len(),
        inputs.cases.len(),
        steps
    );
    Exit::Pass
}

/// Two accounts per role, so no case is skipped for lack of one.
fn stand_in_target(d: &crate::spec::LoadedDialect) -> Target {
    let accounts = d
        .spec
        .roles
        .keys()
        .flat_map(|role| {
            (0..2).map(move |nth| Account {
                role: role.clone(),
                nth,
                username: Some(format!("{role}{nth}")),
                password: Some("x".into()),
                token: None,
                id: None,
            })
        })
        .collect();
    Target {
        base_url: "http://127.0.0.1:1".into(),
        accounts,
        allow_writes: false,
        accounts_source: "lint's stand-in accounts".into(),
    }
}
