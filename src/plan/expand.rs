//! One case -> its concrete steps: role selectors, `user: other` targets and `vary` values expand
//! into one step each, and abstract fields are placed where the dialect puts them.

use serde_json::Value;

use super::expect::{Unresolved, raw_kind, resolve_expectation};
use super::placement::{place_fields, valid_fields};
use super::spread;
use super::state::PlanState;
use super::step_facts::{
    base_outcome, not_applicable, rules_exercised, silent_expectation, spec_expect, subject_of,
};
use super::{AuthMode, BodyPlan, RequestTemplate, Step, TargetUser};
use crate::case::{Case, Expect};
use crate::result::CaseSubject;
use crate::spec::{LoadedDialect, Location};
use crate::target::Target;

/// Roles a selector or role name stands for, and whether each step's id names the role.
fn resolve_roles(selector: &str, dialect: &LoadedDialect) -> (Vec<String>, bool) {
    let roles = &dialect.spec.roles;
    let pick = |f: &dyn Fn(&crate::spec::Role) -> bool| -> Vec<String> {
        roles
            .iter()
            .filter(|(_, r)| f(r))
            .map(|(n, _)| n.clone())
            .collect()
    };
    match selector {
        "@one" => (pick(&|r| r.own).into_iter().take(1).collect(), false),
        "@self_service" => (pick(&|r| r.own), true),
        "@own_only" => (pick(&|r| r.own && !r.others), true),
        "@no_route" => (pick(&|r| !r.own && !r.others), true),
        "@admin" => (pick(&|r| r.others), true),
        "@any" => (pick(&|_| true), true),
        name if roles.contains_key(name) => (vec![name.to_string()], false),
        _ => (Vec::new(), false),
    }
}

/// Where the step's target comes from, before accounts are looked up.
pub(super) struct Who {
    pub(super) actor: Option<usize>,
    pub(super) target: TargetUser,
    pub(super) suffix: String,
    pub(super) skip: Option<String>,
}

/// Why a case cannot run: exactly what the accounts lack (a role, a second account, a trait).
fn no_account(target: &Target, role: &str, nth: usize, traits: &[String]) -> String {
    let source = &target.accounts_source;
    let of_role: Vec<&crate::target::Account> =
        target.accounts.iter().filter(|a| a.role == role).collect();
    if !traits.is_empty() {
        let plain = if of_role.is_empty() {
            "none of that role at all".to_string()
        } else {
            format!("{} of that role, none with it", of_role.len())
        };
        return format!(
            "needs an account of role `{role}` with trait(s) {}, and {source} has {plain}",
            traits.join(", ")
        );
    }
    let plain = of_role.iter().filter(|a| a.traits.is_empty()).count();
    match (nth, plain) {
        (0, _) if of_role.is_empty() => {
            format!("needs an account of role `{role}`, and {source} has none")
        }
        (0, _) => format!(
            "needs an account of role `{role}` without traits, and {source}'s `{role}` accounts \
             all have traits (they are kept for the cases that require them)"
        ),
        (_, 0) => {
            format!("needs two accounts of role `{role}`, and {source} has none without traits")
        }
        _ => format!(
            "needs a second account of role `{role}`, and {source} has only {plain} without traits"
        ),
    }
}

/// The other account of the actor's own role: the next one after the actor (the second one for
/// the first); `1` when there is no second one, for the skip message to say so.
fn other_nth(actor: usize, plain: usize) -> usize {
    if plain >= 2 { (actor + 1) % plain } else { 1 }
}

/// The steps' targets with the `nth` plain account of `role` acting.
fn targets_for(
    case: &Case,
    dialect: &LoadedDialect,
    target: &Target,
    role: &str,
    nth: usize,
) -> Vec<Who> {
    let d = &case.def;
    let plain = spread::plain_accounts(target, role);
    let actor = if d.requires.is_empty() {
        target.account(role, nth)
    } else {
        target.account_with(role, &d.requires)
    };
    let mut skip = actor
        .is_none()
        .then(|| no_account(target, role, 0, &d.requires));
    let user = d.user.as_ref().map_or("self", |u| u.value.as_str());
    let literal = |v: &Value| Who {
        actor,
        target: TargetUser::Literal(v.clone()),
        suffix: String::new(),
        skip: skip.clone(),
    };
    match user {
        // A dialect without `user_ids` takes no user id: such steps are not applicable.
        "nonexistent" | "malformed" => {
            let ids = dialect.spec.user_ids.as_ref();
            let id = match user {
                "nonexistent" => ids.map(|i| i.nonexistent.clone()),
                _ => ids.map(|i| i.malformed.clone()),
            };
            vec![literal(&id.unwrap_or(Value::Null))]
        }
        "other" => {
            let explicit = d
                .user_role
                .as_ref()
                .map(|r| resolve_roles(&r.value, dialect));
            let (roles, named) = explicit.unwrap_or_else(|| (vec![role.to_string()], false));
            roles
                .into_iter()
                .map(|tr| {
                    let nth = if tr == role { other_nth(nth, plain) } else { 0 };
                    let t = if d.user_requires.is_empty() {
                        target.account(&tr, nth)
                    } else {
                        target.account_with(&tr, &d.user_requires)
                    };
                    let skip = skip.clone().or_else(|| {
                        t.is_none()
                            .then(|| no_account(target, &tr, nth, &d.user_requires))
                    });
                    Who {
                        actor,
                        target: t.map_or(TargetUser::Literal(Value::Null), TargetUser::Account),
                        suffix: if named {
                            format!("->{tr}")
                        } else {
                            String::new()
                        },
                        skip,
                    }
                })
                .collect()
        }
        _ => {
            let t = actor.map_or(TargetUser::Literal(Value::Null), TargetUser::Account);
            vec![Who {
                actor,
                target: t,
                suffix: String::new(),
                skip: skip.take(),
            }]
        }
    }
}

/// Short text for a varied value in a step id: `123`, `true`, `""`, `[]`.
fn value_label(v: &Value) -> String {
    match v {
        Value::String(s) if s.is_empty() => "\"\"".into(),
        Value::String(s) => s.chars().take(24).collect(),
        other => {
            // Cut by characters: the JSON text may hold non-ASCII keys or strings.
            let t = other.to_string();
            if t.chars().count() > 24 {
                format!("{}...", t.chars().take(20).collect::<String>())
            } else {
                t
            }
        }
    }
}

/// Expands one case into the steps it stands for on `dialect`; `state` is the plan's so far
/// (consecutive steps take turns over the accounts, see `spread`).
pub fn expand_case(
    case: &Case,
    dialect: &LoadedDialect,
    target: &Target,
    state: &mut PlanState,
) -> Vec<Step> {
    let d = &case.def;
    let variants: Vec<Option<(String, Value)>> = match &d.vary {
        Some(v) => v
            .values
            .iter()
            .map(|x| Some((v.field.value.clone(), x.clone())))
            .collect(),
        None => vec![None],
    };
    let mut steps = Vec::new();
    let mut push = |state: &mut PlanState,
                    role: &str,
                    named: bool,
                    nth: usize,
                    variant: &Option<(String, Value)>| {
        for who in targets_for(case, dialect, target, role, nth) {
            let mut id = case.id().to_string();
            if named || !who.suffix.is_empty() {
                id.push_str(&format!("[{role}{}]", who.suffix));
            }
            if let Some((f, v)) = variant {
                id.push_str(&format!("[{f}={}]", value_label(v)));
            }
            steps.push(build_step(
                case,
                dialect,
                state,
                role,
                &who,
                variant.as_ref(),
                id,
            ));
        }
    };
    // The default actor: each step takes its turn among every account that can play it.
    if let Some(pool) = spread::default_actor_pool(case, dialect, target) {
        for variant in &variants {
            if let Some((role, nth)) = spread::next_in(&pool, &mut state.turns) {
                push(state, &role, false, nth, variant);
            }
        }
        return steps;
    }
    let selector = d.actor.as_ref().map_or("@one", |a| a.value.as_str());
    let (roles, named) = resolve_roles(selector, dialect);
    for role in &roles {
        for variant in &variants {
            let nth = spread::next_of_role(case, dialect, target, role, &mut state.turns);
            push(state, role, named, nth, variant);
        }
    }
    steps
}

fn build_step(
    case: &Case,
    dialect: &LoadedDialect,
    state: &mut PlanState,
    role: &str,
    who: &Who,
    variant: Option<&(String, Value)>,
    id: String,
) -> Step {
    let d = &case.def;
    let spec = &dialect.spec;
    let cp = &spec.change_password;

    // The valid request, then the case's exceptions.
    let mut fields = valid_fields(dialect);
    let overrides: Vec<String> = d
        .body
        .as_ref()
        .map(|b| b.value.keys().cloned().collect())
        .unwrap_or_default();
    if let Some(b) = &d.body {
        for (k, v) in &b.value {
            fields.insert(k.clone(), v.clone());
        }
    }
    if let Some((f, v)) = variant {
        fields.insert(f.clone(), v.clone());
    }
    let absent: Vec<String> = d.absent.iter().map(|a| a.value.clone()).collect();
    for a in &absent {
        fields.shift_remove(a);
    }

    let auth = match d.auth.as_ref().map(|a| a.value.as_str()) {
        Some("none") => AuthMode::None,
        Some("malformed") => AuthMode::Malformed,
        Some("foreign") => AuthMode::Foreign,
        _ => AuthMode::Valid,
    };
    let mut subject = subject_of(cp.fields.keys(), variant, &overrides, &absent, &fields, who);
    subject.auth = auth.name();
    subject.raw = d.raw_body.as_deref().map(raw_kind);
    let (path, query, body) = place_fields(dialect, &fields);
    let generated = d.generated.clone().unwrap_or_default();
    let path = path + &generated.path_suffix;
    let body = match (&d.raw_body, body) {
        (Some(raw), _) => BodyPlan::Raw(raw.clone()),
        (None, _) if generated.body_text.is_some() => {
            BodyPlan::Text(generated.body_text.clone().unwrap_or_default())
        }
        (None, BodyPlan::Json(Value::Object(mut map))) => {
            for (k, v) in &d.extra {
                map.insert(k.clone(), v.clone());
            }
            BodyPlan::Json(Value::Object(map))
        }
        (None, other) => other,
    };

    let expect_src = spec_expect(case, dialect);
    let outcome_name = match expect_src {
        Expect::Outcome(n) => n.clone(),
        Expect::Explicit(_) => "explicit".to_string(),
    };
    let not_applicable = not_applicable(case, dialect, variant, &outcome_name);
    let mut skip = who.skip.clone();
    let expect = match expect_src {
        _ if not_applicable.is_some() => Err(Unresolved::unmapped(&outcome_name)),
        Expect::Explicit(o) => resolve_expectation(&outcome_name, o, dialect, &subject),
        Expect::Outcome(n) => match spec.outcomes.get(n) {
            Some(o) => state.dialect_outcome(n, o, dialect, &subject),
            None => Err(Unresolved::unmapped(n)),
        },
    };
    let expect = match d.generated.as_ref().filter(|g| !g.any_of.is_empty()) {
        Some(g) => silent_expectation(&g.any_of, &g.refusals, dialect, &subject),
        None => expect,
    };
    let mut skip_at = None;
    let expect = expect.unwrap_or_else(|e| {
        if not_applicable.is_none() && skip.is_none() {
            skip = Some(format!("cannot resolve the expectation: {e}"));
            skip_at = Some(e.at);
        }
        super::Expectation::none(&outcome_name)
    });
    let content_type = match d.content_type.as_deref() {
        None => Some(cp.content_type.clone()),
        Some("none") => None,
        Some(ct) => Some(ct.to_string()),
    };
    let mut rules = rules_exercised(&expect, base_outcome(case), role, &subject, auth);
    let sent = super::order::Sent {
        fields: &fields,
        absent: &absent,
        malformed_id: d.user.as_ref().is_some_and(|u| u.value == "malformed"),
        auth,
        body_unreadable: d
            .raw_body
            .as_deref()
            .is_some_and(|raw| matches!(super::expect::raw_kind(raw), "invalid" | "empty"))
            || content_type
                .as_deref()
                .is_none_or(|ct| !ct.contains("json")),
    };
    rules.extend(super::order::exercised(dialect, &sent, &subject, &expect));
    let case_subject = CaseSubject {
        fields: subject.fields.clone(),
        rules,
    };
    let mut accounts: Vec<usize> = who.actor.into_iter().collect();
    if let TargetUser::Account(t) = who.target {
        accounts.push(t);
    }
    accounts.sort_unstable();
    accounts.dedup();
    Step {
        dialect: spec.name.clone(),
        id,
        title: d.title.clone(),
        theme: case.theme.clone(),
        file: case.file.name.clone(),
        line: Some(d.id.referenced.line()).filter(|l| *l > 0),
        tags: d.tags.clone(),
        skip_at,
        actor: who.actor,
        target: who.target.clone(),
        auth,
        request: RequestTemplate {
            method: d.method.clone().unwrap_or_else(|| cp.method.clone()),
            path,
            query,
            content_type,
            body,
        },
        expect,
        new_password_key: cp
            .fields
            .get("new_password")
            .filter(|p| p.location == Location::Body)
            .map(|p| p.key.clone()),
        skip,
        not_applicable,
        accounts,
        subject: case_subject,
    }
}
