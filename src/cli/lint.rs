//! `pwconform lint`: every check that needs no target. Specs and cases are loaded with all their
//! rules, every case is planned against a stand-in set of accounts (two per role) so expectation
//! problems surface, and each dialect's valid request is checked against its request schema.

use super::setup::load_inputs;
use super::{Exit, SourceArgs};
use crate::assets::is_built_in;
use crate::case::all_traits;
use crate::plan::{BodyPlan, build_plan, valid_change};
use crate::target::Target;
use crate::template::render_value;

pub fn lint(sources: &SourceArgs, dialect: Option<&str>) -> Exit {
    let names: Vec<String> = dialect.map(str::to_string).into_iter().collect();
    let inputs = match load_inputs(sources, &names) {
        Ok(i) => i,
        Err(e) => return e,
    };
    let mut problems = Vec::new();
    let mut steps = 0;
    let mut left_out = Vec::new();
    for d in &inputs.dialects {
        let target = Target::stand_in(d, &all_traits(&inputs.cases));
        let plan = build_plan(&inputs.cases, d, &target);
        problems.extend(unplannable(d, &plan.steps));
        let out: Vec<String> = plan
            .steps
            .iter()
            .filter_map(|s| Some(format!("  {}: {}", s.id, s.not_applicable.as_ref()?)))
            .collect();
        // With a user's folder, what the built-ins leave out is not news: list the user's.
        let user_folder_given = inputs.dialects.iter().any(|x| !is_built_in(&x.file));
        let shown = !user_folder_given || !is_built_in(&d.file);
        if !out.is_empty() && shown {
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

/// A reason, where in the dialect file it comes from, and the steps it concerns.
type Unplannable<'a> = (&'a str, Option<&'a Vec<String>>, Vec<&'a str>);

/// Steps the stand-in accounts cannot plan: one line per reason, pointed at the outcome or
/// refinement of the dialect file it comes from (a refinement using `{{ key }}` that matches a
/// raw-body case, say), with the cases it concerns.
fn unplannable(d: &crate::spec::LoadedDialect, steps: &[crate::plan::Step]) -> Vec<String> {
    let mut grouped: Vec<Unplannable> = Vec::new();
    for s in steps {
        let Some(why) = s.skip.as_deref() else {
            continue;
        };
        let at = s.skip_at.as_ref();
        match grouped.iter_mut().find(|(w, a, _)| *w == why && *a == at) {
            Some((_, _, ids)) => ids.push(&s.id),
            None => grouped.push((why, at, vec![&s.id])),
        }
    }
    if grouped.is_empty() {
        return Vec::new();
    }
    // Positions only for a file on disk (a built-in is not the user's to edit).
    let file = crate::source::SourceFile::read(std::path::Path::new(&d.file)).ok();
    let positions = file.map(crate::source::Located::new);
    let positions = positions.as_ref().map(crate::source::Located::positions);
    grouped
        .into_iter()
        .map(|(why, path, ids)| {
            let at = positions
                .as_ref()
                .zip(path.filter(|p| !p.is_empty()))
                .and_then(|(p, path)| p.key(path))
                .map(|p| format!("{}:{}:{}: ", d.file, p.line, p.column))
                .unwrap_or_else(|| format!("{}: ", d.name()));
            let shown: Vec<&str> = ids.iter().take(8).copied().collect();
            let more = ids.len().saturating_sub(shown.len());
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            format!(
                "{at}{why}; in {} step(s): {}{more}",
                ids.len(),
                shown.join(", ")
            )
        })
        .collect()
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
