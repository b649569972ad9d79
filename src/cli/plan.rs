//! `pwconform plan`: every concrete request a run would send, in order, sending nothing. Values
//! only known at run time stay as `{{ variables }}`; passwords and tokens are never printed.

use super::setup::load_inputs;
use super::{Exit, PlanArgs};
use crate::case::all_traits;
use crate::plan::{AuthMode, BodyPlan, Step, TargetUser, build_plan};
use crate::target::{Target, load_accounts};

pub fn plan(args: &PlanArgs) -> Exit {
    let target = match &args.accounts {
        Some(path) => match load_accounts(path) {
            Ok(file) => {
                let base = args.target.clone().or_else(|| file.base_url.clone());
                Some(file.into_target(base.as_deref().unwrap_or("{target}"), path))
            }
            Err(e) => {
                eprintln!("error: {e}");
                return Exit::BadInput;
            }
        },
        None => None,
    };
    let mut inputs = match load_inputs(&args.sources, &args.dialects) {
        Ok(i) => i,
        Err(e) => return e,
    };
    if args.no_generated {
        inputs.drop_generated();
    }
    let mut count = 0;
    for d in &inputs.dialects {
        let target = target
            .clone()
            .unwrap_or_else(|| Target::stand_in(d, &all_traits(&inputs.cases)));
        let plan = build_plan(&inputs.cases, d, &target);
        let selection = args.select.selection();
        for step in plan.steps.iter().filter(|s| selection.keeps_step(s)) {
            count += 1;
            if args.json {
                match serde_json::to_string(step) {
                    Ok(line) => say!("{line}"),
                    Err(e) => eprintln!("error: {e}"),
                }
            } else {
                say!(
                    "{}\n",
                    describe(step, &target, &d.spec.auth.header, &d.spec.auth.value)
                );
            }
        }
    }
    eprintln!("{count} step(s); nothing was sent");
    Exit::Pass
}

fn describe(step: &Step, target: &Target, auth_header: &str, auth_value: &str) -> String {
    let who = |i: usize| {
        target
            .accounts
            .get(i)
            .map_or_else(|| "?".into(), |a| a.label())
    };
    let actor = step.actor.map_or_else(|| "(none)".into(), who);
    let whose = match &step.target {
        TargetUser::Account(i) if Some(*i) == step.actor => "own".to_string(),
        TargetUser::Account(i) => format!("{}'s", who(*i)),
        // No account or id stands for the target (the step is skipped, and says why).
        TargetUser::Literal(serde_json::Value::Null) => "no one's".to_string(),
        TargetUser::Literal(v) => format!("id {v}'s"),
    };
    let status: Vec<String> = step.expect.status.iter().map(u16::to_string).collect();
    // An outcome the dialect does not map has no status to show.
    let status = if status.is_empty() {
        String::new()
    } else {
        format!(" ({})", status.join("|"))
    };
    let mut out = format!(
        "{}/{}  as {actor}, {whose} password; expect {}{status}",
        step.dialect, step.id, step.expect.outcome,
    );
    if let Some(why) = &step.not_applicable {
        out.push_str(&format!("\n  LEFT OUT: {why}"));
        return out;
    }
    if let Some(skip) = &step.skip {
        out.push_str(&format!("\n  SKIPPED: {skip}"));
    }
    let r = &step.request;
    let query: Vec<String> = r.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let q = if query.is_empty() {
        String::new()
    } else {
        format!("?{}", query.join("&"))
    };
    out.push_str(&format!(
        "\n  {} {}{}{q}",
        r.method, target.base_url, r.path
    ));
    if let Some(ct) = &r.content_type {
        out.push_str(&format!("\n  Content-Type: {ct}"));
    }
    let credential = match step.auth {
        AuthMode::None => None,
        AuthMode::Valid => Some("{{ token }}"),
        AuthMode::Malformed => Some("{{ malformed token }}"),
        AuthMode::Foreign => Some("{{ token signed by someone else }}"),
    };
    if let Some(c) = credential {
        out.push_str(&format!(
            "\n  {auth_header}: {}",
            auth_value.replace("{{ token }}", c)
        ));
    }
    match &r.body {
        BodyPlan::Json(v) => out.push_str(&format!("\n  {v}")),
        BodyPlan::Raw(raw) => out.push_str(&format!("\n  {raw:?} (raw bytes)")),
        BodyPlan::Text(text) => {
            let shown: String = text.chars().take(200).collect();
            let more = text.chars().count().saturating_sub(200);
            let tail = if more > 0 {
                format!("... ({more} more characters)")
            } else {
                String::new()
            };
            out.push_str(&format!("\n  {shown}{tail} (JSON text)"));
        }
    }
    out
}
