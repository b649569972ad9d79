//! Rules a dialect must follow beyond its shape: every abstract outcome and field mapped, names
//! spelt right, schemas present. Problems are collected so a spec author sees them all at once.

use super::load::LoadedDialect;
use super::model::{
    AdminReset, CONFIRMATION_FIELD, CONFIRMATION_OUTCOME, Dialect, FIELDS, KINDS, Location,
    OPTIONAL_FIELDS, OUTCOMES, RAW_KINDS, ResetFinish,
};
use super::outcome::Outcome;
use crate::case::AUTHS;
use crate::source::{Problem, did_you_mean, dotted};
use crate::template::{variables, variables_in};

/// Every problem, with the path of the key it is about so the loader can give it a position.
pub fn validate_dialect(d: &LoadedDialect) -> Vec<Problem> {
    let mut p = Vec::new();
    let spec = &d.spec;
    let cp = &spec.change_password;

    check_coverage(spec, &mut p);
    for (i, rule) in spec.check_order.iter().enumerate() {
        let index = i.to_string();
        for (key, field) in [("first", &rule.first), ("then", &rule.then)] {
            // A stage: authentication first, reading the body after it.
            let stage = match key {
                "first" => crate::plan::order::CREDENTIAL,
                _ => crate::plan::order::BODY,
            };
            if field != stage && !cp.fields.contains_key(field) {
                p.push(Problem::at_value(
                    &["check_order", index.as_str(), key],
                    format!(
                        "check_order[{i}].{key}: `{field}` is not a field of change_password.fields{} \
                         nor the stage `{stage}`",
                        did_you_mean(field, cp.fields.keys().map(String::as_str))
                    ),
                ));
            }
        }
    }
    for (name, place) in &cp.fields {
        if !FIELDS.contains(&name.as_str()) {
            p.push(Problem::at_key(
                &["change_password", "fields", name],
                format!(
                    "change_password.fields: unknown abstract field `{name}`{}; expected one of: {}",
                    did_you_mean(name, FIELDS.iter().copied()),
                    FIELDS.join(", ")
                ),
            ));
        }
        let in_path = cp.path.contains(&format!("{{{name}}}"));
        if (place.location == Location::Path) != in_path {
            p.push(Problem::at_key(
                &["change_password", "fields", name, "in"],
                format!(
                    "change_password: field `{name}` is `in: {}` but the path `{}` {} `{{{name}}}`",
                    format!("{:?}", place.location).to_lowercase(),
                    cp.path,
                    if in_path { "uses" } else { "does not use" }
                ),
            ));
        }
    }
    if let Some(schema) = &cp.schema {
        need_schema(d, &["change_password", "schema"], schema, &mut p);
    }
    for v in variables_in(&spec.login.body) {
        if v != "username" && v != "password" {
            p.push(Problem::at_key(
                &["login", "body"],
                format!("login.body: unknown template variable `{v}` (use username, password)"),
            ));
        }
    }
    if !variables(&spec.auth.value).iter().any(|v| v == "token") {
        p.push(Problem::at_value(
            &["auth", "value"],
            format!(
                "auth.value: `{}` must contain `{{{{ token }}}}`",
                spec.auth.value
            ),
        ));
    }
    if let Some(reset) = &spec.reset {
        for v in variables_in(&reset.body) {
            if !["username", "reset_token", "password"].contains(&v.as_str()) {
                p.push(Problem::at_key(
                    &["reset", "body"],
                    format!(
                        "reset.body: unknown template variable `{v}` (use username, reset_token, \
                         password)"
                    ),
                ));
            }
        }
    }
    if let Some(reset) = &spec.admin_reset {
        check_admin_reset(spec, reset, &mut p);
    }
    if !spec.roles.values().any(|r| r.own) {
        p.push(Problem::at_key(
            &["roles"],
            "roles: no role may change its own password; expected at least one with `own: true`",
        ));
    }

    for name in spec.outcomes.keys() {
        if !OUTCOMES.contains(&name.as_str()) {
            p.push(Problem::at_key(
                &["outcomes", name],
                format!(
                    "outcomes: unknown outcome `{name}`{}; expected one of: {}",
                    did_you_mean(name, OUTCOMES.iter().copied()),
                    OUTCOMES.join(", ")
                ),
            ));
        }
    }
    for (o, out) in &spec.outcomes {
        let at = vec!["outcomes".to_string(), o.clone()];
        if out.status.is_none() {
            p.push(Problem::at_key(
                &at,
                format!("outcomes.{o}: `status` is required (a code or a list of codes)"),
            ));
        }
        check_outcome(d, &at, out, &mut p);
    }
    p
}

/// Every abstract field is placed or said not to apply (optional ones may be left out), every
/// abstract outcome is mapped or said not to apply; never both, and only known names.
fn check_coverage(spec: &Dialect, p: &mut Vec<Problem>) {
    let fields = &spec.change_password.fields;
    for f in FIELDS {
        let placed = fields.contains_key(*f);
        let excused = spec.not_applicable.contains_key(*f);
        if !placed && !excused && !OPTIONAL_FIELDS.contains(f) {
            p.push(Problem::at_key(
                &["change_password", "fields"],
                format!(
                    "change_password.fields: abstract field `{f}` is not placed; expected a key \
                     `{f}: {{ in: body|path|query, key: NAME }}`, or `{f}: <why>` under \
                     `not_applicable` if the API has no such field"
                ),
            ));
        }
        if placed && excused {
            p.push(Problem::at_key(
                &["not_applicable", f],
                format!(
                    "not_applicable: `{f}` is placed in change_password.fields too; expected one \
                     of the two"
                ),
            ));
        }
    }
    if fields.contains_key("user_id") && spec.user_ids.is_none() {
        p.push(Problem::at_key(
            &["change_password", "fields", "user_id"],
            "user_ids: the route takes a user id, so the dialect needs `user_ids: {nonexistent: \
             ID, malformed: ID}` (an id of nobody, an id in the wrong format)",
        ));
    }
    if spec.not_applicable.contains_key("new_password") {
        p.push(Problem::at_key(
            &["not_applicable", "new_password"],
            "not_applicable: `new_password` always applies: it is what the route changes",
        ));
    }
    for o in OUTCOMES {
        let mapped = spec.outcomes.contains_key(*o);
        let excused = spec.not_applicable.contains_key(*o);
        let optional = *o == CONFIRMATION_OUTCOME && !fields.contains_key(CONFIRMATION_FIELD);
        if !mapped && !excused && !optional {
            p.push(Problem::at_key(
                &["outcomes"],
                format!(
                    "outcomes: `{o}` is not mapped; every abstract outcome needs its documented \
                     response (at least `status`), or `{o}: <why>` under `not_applicable` if the \
                     API cannot produce it"
                ),
            ));
        }
        if mapped && excused {
            p.push(Problem::at_key(
                &["not_applicable", o],
                format!(
                    "not_applicable: `{o}` is mapped under outcomes too; expected one of the two"
                ),
            ));
        }
    }
    for (name, why) in &spec.not_applicable {
        let known = FIELDS.contains(&name.as_str()) || OUTCOMES.contains(&name.as_str());
        if !known {
            p.push(Problem::at_key(
                &["not_applicable", name],
                format!(
                    "not_applicable: `{name}` is neither an abstract field nor an outcome{}; \
                     expected one of: {}, {}",
                    did_you_mean(name, FIELDS.iter().chain(OUTCOMES).copied()),
                    FIELDS.join(", "),
                    OUTCOMES.join(", ")
                ),
            ));
        }
        if why.trim().is_empty() {
            p.push(Problem::at_value(
                &["not_applicable", name],
                format!("not_applicable.{name}: say why, for the skipped cases' reason"),
            ));
        }
    }
}

/// Variables an outcome's expected texts and pointers may use.
const OUTCOME_VARIABLES: &[&str] = &["field", "fields", "key", "body_fields"];

fn check_outcome(d: &LoadedDialect, at: &[String], out: &Outcome, p: &mut Vec<Problem>) {
    let shown = dotted(at);
    let path = |tail: &[&str]| -> Vec<String> {
        at.iter()
            .cloned()
            .chain(tail.iter().map(|s| s.to_string()))
            .collect()
    };
    if let Some(schema) = &out.schema {
        need_schema(d, &path(&["schema"]), schema, p);
    }
    for (pointer, value) in &out.fields {
        let used = variables(pointer).into_iter().chain(variables_in(value));
        for v in used.filter(|v| !OUTCOME_VARIABLES.contains(&v.as_str())) {
            p.push(Problem::at_key(
                &path(&["fields", pointer]),
                format!(
                    "{shown}.fields: unknown template variable `{v}`{}; expected one of: {}",
                    did_you_mean(&v, OUTCOME_VARIABLES.iter().copied()),
                    OUTCOME_VARIABLES.join(", ")
                ),
            ));
        }
        if !(pointer.is_empty() || pointer.starts_with('/')) {
            p.push(Problem::at_key(
                &path(&["fields", pointer]),
                format!("{shown}.fields: `{pointer}` is not a JSON pointer (write `/{pointer}`)"),
            ));
        }
    }
    for (i, r) in out.when.iter().enumerate() {
        let index = i.to_string();
        let here_path = path(&["when", &index]);
        let here = dotted(&here_path);
        let within = |tail: &str| -> Vec<String> {
            here_path
                .iter()
                .cloned()
                .chain([tail.to_string()])
                .collect()
        };
        if let Some(fields) = &r.field {
            for f in one_or_many(fields) {
                if !FIELDS.contains(&f.as_str()) {
                    p.push(Problem::at_value(
                        &within("field"),
                        format!(
                            "{here}.field: unknown field `{f}`{}; expected one of: {}",
                            did_you_mean(&f, FIELDS.iter().copied()),
                            FIELDS.join(", ")
                        ),
                    ));
                }
            }
        }
        if let Some(kinds) = &r.kind {
            for k in one_or_many(kinds) {
                if !KINDS.contains(&k.as_str()) {
                    p.push(Problem::at_value(
                        &within("kind"),
                        format!(
                            "{here}.kind: unknown kind `{k}`{}; expected one of: {}",
                            did_you_mean(&k, KINDS.iter().copied()),
                            KINDS.join(", ")
                        ),
                    ));
                }
            }
        }
        if let Some(t) = &r.target
            && t != "self"
            && t != "other"
        {
            p.push(Problem::at_value(
                &within("target"),
                format!("{here}.target: `{t}` is neither `self` nor `other`"),
            ));
        }
        for (key, list, allowed) in [("auth", &r.auth, AUTHS), ("raw", &r.raw, RAW_KINDS)] {
            for v in list.iter().flat_map(one_or_many) {
                if !allowed.contains(&v.as_str()) {
                    p.push(Problem::at_value(
                        &within(key),
                        format!(
                            "{here}.{key}: unknown value `{v}`{}; expected one of: {}",
                            did_you_mean(&v, allowed.iter().copied()),
                            allowed.join(", ")
                        ),
                    ));
                }
            }
        }
        if !r.then.when.is_empty() {
            p.push(Problem::at_key(
                &within("when"),
                format!("{here}: refinements cannot nest `when`"),
            ));
        }
        check_outcome(d, &here_path, &r.then, p);
    }
}

/// `admin_reset`: known template variables, known roles, and a finish the dialect can carry out.
fn check_admin_reset(spec: &super::model::Dialect, r: &AdminReset, p: &mut Vec<Problem>) {
    let allowed = ["user_id", "password"];
    let used = variables(&r.path)
        .into_iter()
        .map(|v| (v, "path"))
        .chain(variables_in(&r.body).into_iter().map(|v| (v, "body")));
    for (v, key) in used {
        if !allowed.contains(&v.as_str()) {
            p.push(Problem::at_key(
                &["admin_reset", key],
                format!(
                    "admin_reset.{key}: unknown template variable `{v}`{} (use user_id, password)",
                    did_you_mean(&v, allowed.iter().copied())
                ),
            ));
        }
    }
    if !variables_in(&r.body).iter().any(|v| v == "password") {
        p.push(Problem::at_key(
            &["admin_reset", "body"],
            "admin_reset.body: must send `{{ password }}`",
        ));
    }
    if r.roles.is_empty() {
        p.push(Problem::at_key(
            &["admin_reset", "roles"],
            "admin_reset.roles: name at least one role that may call it",
        ));
    }
    for (i, role) in r.roles.iter().enumerate() {
        if !spec.roles.contains_key(role) {
            p.push(Problem::at_value(
                &["admin_reset", "roles", &i.to_string()],
                format!(
                    "admin_reset.roles: unknown role `{role}`{}; expected one of: {}",
                    did_you_mean(role, spec.roles.keys().map(String::as_str)),
                    spec.roles.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
    let can_finish = spec.reset.is_some() && spec.login.reset_token.is_some();
    if r.finish == ResetFinish::ResetAtLogin && !can_finish {
        p.push(Problem::at_value(
            &["admin_reset", "finish"],
            "admin_reset.finish: `reset_at_login` needs `reset` and `login.reset_token`",
        ));
    }
}

fn one_or_many(v: &super::outcome::OneOrMany) -> Vec<String> {
    match v {
        super::outcome::OneOrMany::One(s) => vec![s.clone()],
        super::outcome::OneOrMany::Many(m) => m.clone(),
    }
}

fn need_schema<S: AsRef<str>>(d: &LoadedDialect, at: &[S], file: &str, p: &mut Vec<Problem>) {
    if !d.schemas.contains_key(file) {
        let known: Vec<&str> = d.schemas.keys().map(String::as_str).collect();
        p.push(Problem::at_value(
            at,
            format!(
                "{}: no schema file `{file}` in the dialect's folder{}; expected one of: {}",
                dotted(at),
                did_you_mean(file, known.iter().copied()),
                known.join(", ")
            ),
        ));
    }
}
