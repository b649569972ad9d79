//! Rules a dialect must follow beyond its shape: every abstract outcome and field mapped, names
//! spelt right, schemas present. Problems are collected so a spec author sees them all at once.

use super::load::LoadedDialect;
use super::model::{FIELDS, KINDS, Location, OUTCOMES, Outcome};
use crate::source::did_you_mean;
use crate::template::{variables, variables_in};

pub fn validate_dialect(d: &LoadedDialect) -> Vec<String> {
    let mut p = Vec::new();
    let spec = &d.spec;
    let cp = &spec.change_password;

    for f in FIELDS {
        if !cp.fields.contains_key(*f) {
            p.push(format!(
                "change_password.fields: abstract field `{f}` is not placed"
            ));
        }
    }
    for (name, place) in &cp.fields {
        if !FIELDS.contains(&name.as_str()) {
            p.push(format!(
                "change_password.fields: unknown abstract field `{name}`{}",
                did_you_mean(name, FIELDS.iter().copied())
            ));
        }
        let in_path = cp.path.contains(&format!("{{{name}}}"));
        if (place.location == Location::Path) != in_path {
            p.push(format!(
                "change_password: field `{name}` is `in: {:?}` but the path `{}` {} `{{{name}}}`",
                place.location,
                cp.path,
                if in_path { "uses" } else { "does not use" }
            ));
        }
    }
    if let Some(schema) = &cp.schema {
        need_schema(d, "change_password.schema", schema, &mut p);
    }
    for v in variables_in(&spec.login.body) {
        if v != "username" && v != "password" {
            p.push(format!(
                "login.body: unknown template variable `{v}` (use username, password)"
            ));
        }
    }
    if !variables(&spec.auth.value).iter().any(|v| v == "token") {
        p.push("auth.value must contain `{{ token }}`".to_string());
    }
    if let Some(reset) = &spec.reset {
        for v in variables_in(&reset.body) {
            if !["username", "reset_token", "password"].contains(&v.as_str()) {
                p.push(format!(
                    "reset.body: unknown template variable `{v}` (use username, reset_token, password)"
                ));
            }
        }
    }
    if !spec.roles.values().any(|r| r.own) {
        p.push("roles: no role may change its own password (`own: true`)".to_string());
    }

    for name in spec.outcomes.keys() {
        if !OUTCOMES.contains(&name.as_str()) {
            p.push(format!(
                "outcomes: unknown outcome `{name}`{}",
                did_you_mean(name, OUTCOMES.iter().copied())
            ));
        }
    }
    for o in OUTCOMES {
        match spec.outcomes.get(*o) {
            None => p.push(format!("outcomes: `{o}` is not mapped")),
            Some(out) => {
                if out.status.is_none() {
                    p.push(format!("outcomes.{o}: `status` is required"));
                }
                check_outcome(d, &format!("outcomes.{o}"), out, &mut p);
            }
        }
    }
    p
}

fn check_outcome(d: &LoadedDialect, at: &str, out: &Outcome, p: &mut Vec<String>) {
    if let Some(schema) = &out.schema {
        need_schema(d, &format!("{at}.schema"), schema, p);
    }
    for pointer in out.fields.keys() {
        if !(pointer.is_empty() || pointer.starts_with('/')) {
            p.push(format!(
                "{at}.fields: `{pointer}` is not a JSON pointer (write `/{pointer}`)"
            ));
        }
    }
    for (i, r) in out.when.iter().enumerate() {
        let here = format!("{at}.when[{i}]");
        if let Some(fields) = &r.field {
            for f in one_or_many(fields) {
                if !FIELDS.contains(&f.as_str()) {
                    p.push(format!(
                        "{here}.field: unknown field `{f}`{}",
                        did_you_mean(&f, FIELDS.iter().copied())
                    ));
                }
            }
        }
        if let Some(kinds) = &r.kind {
            for k in one_or_many(kinds) {
                if !KINDS.contains(&k.as_str()) {
                    p.push(format!(
                        "{here}.kind: unknown kind `{k}`{}; expected one of {}",
                        did_you_mean(&k, KINDS.iter().copied()),
                        KINDS.join(", ")
                    ));
                }
            }
        }
        if let Some(t) = &r.target
            && t != "self"
            && t != "other"
        {
            p.push(format!(
                "{here}.target: `{t}` is neither `self` nor `other`"
            ));
        }
        if !r.then.when.is_empty() {
            p.push(format!("{here}: refinements cannot nest `when`"));
        }
        check_outcome(d, &here, &r.then, p);
    }
}

fn one_or_many(v: &super::model::OneOrMany) -> Vec<String> {
    match v {
        super::model::OneOrMany::One(s) => vec![s.clone()],
        super::model::OneOrMany::Many(m) => m.clone(),
    }
}

fn need_schema(d: &LoadedDialect, at: &str, file: &str, p: &mut Vec<String>) {
    if !d.schemas.contains_key(file) {
        let known: Vec<&str> = d.schemas.keys().map(String::as_str).collect();
        p.push(format!(
            "{at}: no schema file `{file}` in the dialect's folder{}",
            did_you_mean(file, known.iter().copied())
        ));
    }
}
