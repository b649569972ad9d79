//! Reads `cases/*.yaml` and checks every name in them, pointing at `file:line:col`.

use std::collections::HashMap;
use std::sync::Arc;

use serde_saphyr::Spanned;

use super::explain::{every_structural_problem, explain_expect};
use super::model::{CaseDef, CaseFile, Expect};
use super::{AUTHS, BODY_VARIABLES, ROLE_SELECTORS, USERS};
use crate::assets::Tree;
use crate::source::{LoadError, LoadErrors, PosMap, SourceFile, did_you_mean};
use crate::spec::{FIELDS, LoadedDialect, OUTCOMES};
use crate::template::variables_in;

/// A case as loaded, with where it came from.
#[derive(Debug, Clone)]
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
        let (parsed, shape_errors) = match file.parse_yaml::<CaseFile>() {
            Ok(p) => (Some(p), every_structural_problem(&file, None)),
            Err(e) => (
                None,
                every_structural_problem(&file, Some(explain_expect(&file, e))),
            ),
        };
        let Some(parsed) = parsed.filter(|_| shape_errors.is_empty()) else {
            errors.extend(shape_errors);
            continue;
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
                    "duplicate case id `{}`; first defined at {}:{}:{}; expected each id once",
                    c.id(),
                    first.file.name,
                    first.def.id.referenced.line(),
                    first.def.id.referenced.column()
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
    if let Some(g) = &d.generate {
        e.extend(crate::generate::check_generate(case, g));
    }
    for x in d.expect_by_dialect.values() {
        check_expect(case, x, false, &mut e);
    }
    e
}

fn check_expect(case: &Case, x: &Spanned<Expect>, top: bool, e: &mut Vec<LoadError>) {
    match &x.value {
        Expect::Outcome(name) if name == super::COMPUTED => {
            if !top || case.def.generate.is_none() {
                e.push(case.error_at(
                    x,
                    "`expect: computed` is only for a case with `generate:`, whose outcomes the \
                     dialect decides per value",
                ));
            }
        }
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
    // Dialect names are keys and list items without spans; a second parse of a file finds them,
    // once it has an unknown one (the parse costs more than the first: a 10,000-value `vary`).
    let mut positions: HashMap<&str, PosMap> = HashMap::new();
    for case in cases {
        let d = &case.def;
        let mut named: Vec<(Vec<String>, bool, &str, &str)> = Vec::new();
        for (list, key) in d
            .dialects
            .iter()
            .flat_map(|f| [(&f.only, "only"), (&f.skip, "skip")])
        {
            for (j, n) in list.iter().enumerate() {
                let path = vec!["dialects".to_string(), key.to_string(), j.to_string()];
                named.push((path, true, n, key));
            }
        }
        for n in d.expect_by_dialect.keys() {
            let path = vec!["expect_by_dialect".to_string(), n.clone()];
            named.push((path, false, n, "expect_by_dialect"));
        }
        for (tail, at_value, n, place) in named {
            if names.contains(&n) {
                continue;
            }
            let map = positions
                .entry(case.file.name.as_str())
                .or_insert_with(|| PosMap::parse(&case.file.text));
            let index = case_index(map, case);
            let message = format!(
                "case `{}`: unknown dialect `{n}` in `{place}`{}; expected one of: {}",
                case.id(),
                did_you_mean(n, names.iter().copied()),
                names.join(", ")
            );
            let pos = index.as_ref().and_then(|i| {
                let path: Vec<String> = ["cases".to_string(), i.clone()]
                    .into_iter()
                    .chain(tail)
                    .collect();
                if at_value {
                    map.value(&path)
                } else {
                    map.key(&path)
                }
            });
            e.push(match pos {
                Some(p) => case.file.error_at(p.line, p.column, message),
                None => case.error_at(&d.id, message),
            });
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
                let mut all: Vec<&str> = Vec::new();
                for r in admitted
                    .iter()
                    .flat_map(|x| x.spec.roles.keys().map(String::as_str))
                {
                    if !all.contains(&r) {
                        all.push(r);
                    }
                }
                e.push(case.error_at(
                    role,
                    format!(
                        "no dialect this case runs on has a role `{}`{}; expected one of: {}, \
                         or a selector ({})",
                        role.value,
                        did_you_mean(&role.value, all.iter().copied()),
                        all.join(", "),
                        ROLE_SELECTORS.join(", ")
                    ),
                ));
            }
        }
    }
    e
}

/// The index of `case` in its file's `cases` list, found by where its id is written.
fn case_index(map: &PosMap, case: &Case) -> Option<String> {
    let at = &case.def.id.referenced;
    (0..)
        .map(|i: usize| i.to_string())
        .map_while(|i| map.value(&["cases", i.as_str(), "id"]).map(|p| (i, p)))
        .find(|(_, p)| p.line == at.line() && p.column == at.column())
        .map(|(i, _)| i)
}
