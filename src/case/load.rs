//! Reads `cases/*.yaml` and checks every name in them, pointing at `file:line:col`.

use std::collections::HashMap;
use std::sync::Arc;

use serde_saphyr::Spanned;

use super::model::{CaseDef, CaseFile, Expect};
use super::{AUTHS, BODY_VARIABLES, ROLE_SELECTORS, USERS};
use crate::assets::Tree;
use crate::source::{LoadError, LoadErrors, SourceFile, did_you_mean};
use crate::spec::{FIELDS, LoadedDialect, OUTCOMES};
use crate::template::variables_in;

/// A case as loaded, with where it came from.
#[derive(Debug)]
pub struct Case {
    pub def: CaseDef,
    pub theme: String,
    pub file: Arc<SourceFile>,
}

impl Case {
    pub fn id(&self) -> &str {
        &self.def.id.value
    }

    /// An error pointing at a spanned value of this case.
    pub fn error_at<T>(&self, at: &Spanned<T>, message: impl Into<String>) -> LoadError {
        self.file
            .error_at(at.referenced.line(), at.referenced.column(), message)
    }
}

/// Loads every `*.yaml` / `*.yml` file of the tree; all problems are reported together.
pub fn load_cases(tree: &Tree) -> Result<Vec<Case>, LoadErrors> {
    let mut cases = Vec::new();
    let mut errors = Vec::new();
    for name in tree.files_with_ext(&[".yaml", ".yml"])? {
        let file = match tree.read(&name) {
            Ok(f) => Arc::new(f),
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let parsed: CaseFile = match file.parse_yaml() {
            Ok(p) => p,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let theme = parsed.theme.clone().unwrap_or_else(|| {
            name.trim_end_matches(".yaml")
                .trim_end_matches(".yml")
                .to_string()
        });
        for def in parsed.cases {
            let case = Case {
                def,
                theme: theme.clone(),
                file: file.clone(),
            };
            errors.extend(check_case(&case));
            cases.push(case);
        }
    }
    errors.extend(check_unique_ids(&cases));
    if errors.is_empty() {
        Ok(cases)
    } else {
        Err(LoadErrors(errors))
    }
}

fn check_unique_ids(cases: &[Case]) -> Vec<LoadError> {
    let mut seen: HashMap<&str, &Case> = HashMap::new();
    let mut errors = Vec::new();
    for c in cases {
        if let Some(first) = seen.get(c.id()) {
            errors.push(c.error_at(
                &c.def.id,
                format!(
                    "duplicate case id `{}`; first defined at {}:{}",
                    c.id(),
                    first.file.name,
                    first.def.id.referenced.line()
                ),
            ));
        } else {
            seen.insert(c.id(), c);
        }
    }
    errors
}

fn one_of(
    case: &Case,
    at: &Spanned<String>,
    what: &str,
    allowed: &[&str],
    errors: &mut Vec<LoadError>,
) {
    if !allowed.contains(&at.value.as_str()) {
        errors.push(case.error_at(
            at,
            format!(
                "unknown {what} `{}`{}; expected one of: {}",
                at.value,
                did_you_mean(&at.value, allowed.iter().copied()),
                allowed.join(", ")
            ),
        ));
    }
}

fn check_case(case: &Case) -> Vec<LoadError> {
    let d = &case.def;
    let mut e = Vec::new();
    let id = &d.id.value;
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        e.push(case.error_at(
            &d.id,
            format!("case id `{id}` must be non-empty letters, digits, `-`, `_` or `.`"),
        ));
    }
    if let Some(user) = &d.user {
        one_of(case, user, "user", USERS, &mut e);
    }
    if let Some(auth) = &d.auth {
        one_of(case, auth, "auth", AUTHS, &mut e);
    }
    for role in [&d.actor, &d.user_role].into_iter().flatten() {
        if role.value.starts_with('@') {
            one_of(case, role, "role selector", ROLE_SELECTORS, &mut e);
        }
    }
    if let Some(ur) = &d.user_role
        && d.user.as_ref().map(|u| u.value.as_str()) != Some("other")
    {
        e.push(case.error_at(ur, "`user_role` needs `user: other`"));
    }
    for f in &d.absent {
        one_of(case, f, "field", FIELDS, &mut e);
    }
    if let Some(v) = &d.vary {
        one_of(case, &v.field, "field", FIELDS, &mut e);
        if v.values.is_empty() {
            e.push(case.error_at(&v.field, "`vary.values` is empty"));
        }
    }
    if let Some(body) = &d.body {
        for (k, v) in &body.value {
            if !FIELDS.contains(&k.as_str()) {
                e.push(case.error_at(
                    body,
                    format!(
                        "unknown field `{k}` in `body`{}; expected one of: {}",
                        did_you_mean(k, FIELDS.iter().copied()),
                        FIELDS.join(", ")
                    ),
                ));
            }
            for var in variables_in(v) {
                if !BODY_VARIABLES.contains(&var.as_str()) {
                    e.push(case.error_at(
                        body,
                        format!(
                            "unknown template variable `{var}` in `body.{k}`{}; expected one of: {}",
                            did_you_mean(&var, BODY_VARIABLES.iter().copied()),
                            BODY_VARIABLES.join(", ")
                        ),
                    ));
                }
            }
        }
    }
    if d.raw_body.is_some() && (d.body.is_some() || d.vary.is_some() || !d.absent.is_empty()) {
        e.push(case.error_at(
            &d.id,
            "`raw_body` replaces the JSON body: it cannot be combined with `body`, `vary` or `absent`",
        ));
    }
    check_expect(case, &d.expect, true, &mut e);
    for x in d.expect_by_dialect.values() {
        check_expect(case, x, false, &mut e);
    }
    e
}

fn check_expect(case: &Case, x: &Spanned<Expect>, top: bool, e: &mut Vec<LoadError>) {
    match &x.value {
        Expect::Outcome(name) => {
            if !OUTCOMES.contains(&name.as_str()) {
                e.push(case.error_at(
                    x,
                    format!(
                        "unknown outcome `{name}`{}; expected one of: {}",
                        did_you_mean(name, OUTCOMES.iter().copied()),
                        OUTCOMES.join(", ")
                    ),
                ));
            }
        }
        Expect::Explicit(o) => {
            let restricted = case
                .def
                .dialects
                .as_ref()
                .is_some_and(|f| !f.only.is_empty());
            if top && !restricted {
                e.push(case.error_at(
                    x,
                    "an explicit `expect` names one API's response: restrict the case with \
                     `dialects: {only: [...]}` or use `expect_by_dialect`",
                ));
            }
            if o.status.is_none() {
                e.push(case.error_at(x, "an explicit `expect` needs `status`"));
            }
        }
    }
}

/// Checks names that depend on the dialects: roles and dialect names.
pub fn check_against_dialects(cases: &[Case], dialects: &[LoadedDialect]) -> Vec<LoadError> {
    let names: Vec<&str> = dialects.iter().map(|d| d.name()).collect();
    let mut e = Vec::new();
    for case in cases {
        let d = &case.def;
        let filter_names = d
            .dialects
            .iter()
            .flat_map(|f| f.only.iter().chain(f.skip.iter()));
        for n in filter_names.chain(d.expect_by_dialect.keys()) {
            if !names.contains(&n.as_str()) {
                e.push(case.error_at(
                    &d.id,
                    format!(
                        "case `{}` names unknown dialect `{n}`{}; known: {}",
                        case.id(),
                        did_you_mean(n, names.iter().copied()),
                        names.join(", ")
                    ),
                ));
            }
        }
        for role in [&d.actor, &d.user_role].into_iter().flatten() {
            if role.value.starts_with('@') {
                continue;
            }
            let admitted: Vec<&LoadedDialect> = dialects
                .iter()
                .filter(|x| d.dialects.as_ref().is_none_or(|f| f.admits(&x.lineage)))
                .collect();
            let known = admitted
                .iter()
                .any(|x| x.spec.roles.contains_key(&role.value));
            if !known {
                let all: Vec<&str> = admitted
                    .iter()
                    .flat_map(|x| x.spec.roles.keys().map(String::as_str))
                    .collect();
                e.push(case.error_at(
                    role,
                    format!(
                        "no dialect this case runs on has a role `{}`{}",
                        role.value,
                        did_you_mean(&role.value, all.iter().copied())
                    ),
                ));
            }
        }
    }
    e
}
