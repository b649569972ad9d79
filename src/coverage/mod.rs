//! Rule coverage: every rule of a dialect (each outcome, each `when:` refinement, each role's
//! own/others entry, each check-order rule) with the cases that exercise it. Pure: it reads a plan
//! (or results carrying the same rule ids) and the dialect, and sends nothing.

pub mod rule;

use serde::Serialize;

use crate::plan::Step;
use crate::spec::{LoadedDialect, Refinement};

/// One rule of a dialect and the cases exercising it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RuleRow {
    /// Rule id, as steps and results carry it (see [`rule`]).
    pub id: String,
    /// What the rule says, for people.
    pub text: String,
    /// Ids of the steps exercising it; skipped steps count (they would with the accounts).
    pub cases: Vec<String>,
    /// Why no case can exercise it, from the dialect's `untested:`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub untested: Option<String>,
}

/// Every rule of `dialect`, in the dialect file's order, with empty case lists.
pub fn rules_of(dialect: &LoadedDialect) -> Vec<RuleRow> {
    let spec = &dialect.spec;
    let mut rows = Vec::new();
    let mut push = |id: String, text: String| {
        rows.push(RuleRow {
            untested: spec.untested.get(&id).cloned(),
            id,
            text,
            cases: Vec::new(),
        });
    };
    for (name, o) in &spec.outcomes {
        let status: Vec<String> = o
            .status
            .as_ref()
            .map(|s| s.codes().iter().map(u16::to_string).collect())
            .unwrap_or_default();
        push(rule::outcome(name), format!("{name}: {}", status.join("|")));
        for (i, r) in o.when.iter().enumerate() {
            push(
                rule::refinement(name, i),
                format!("{name} {}", when_text(r)),
            );
        }
    }
    for (first, then) in crate::plan::order::pairs(dialect) {
        push(
            rule::order(&first, &then),
            format!("{first} is checked before {then}: its error wins when both fail"),
        );
    }
    for (name, r) in &spec.roles {
        let may = |b: bool| if b { "may" } else { "may not" };
        push(
            rule::role(name, true),
            format!("{name} {} change its own password", may(r.own)),
        );
        // A route without a user id cannot name another user: there is no such rule to test.
        if spec.change_password.fields.contains_key("user_id") {
            push(
                rule::role(name, false),
                format!("{name} {} change another user's password", may(r.others)),
            );
        }
    }
    rows
}

fn when_text(r: &Refinement) -> String {
    let mut parts = Vec::new();
    let list = |v: &crate::spec::OneOrMany| match v {
        crate::spec::OneOrMany::One(s) => s.clone(),
        crate::spec::OneOrMany::Many(v) => v.join(","),
    };
    if let Some(f) = &r.field {
        parts.push(format!("field={}", list(f)));
    }
    if let Some(k) = &r.kind {
        parts.push(format!("kind={}", list(k)));
    }
    if let Some(t) = &r.target {
        parts.push(format!("target={t}"));
    }
    if let Some(a) = &r.auth {
        parts.push(format!("auth={}", list(a)));
    }
    if let Some(raw) = &r.raw {
        parts.push(format!("raw={}", list(raw)));
    }
    if parts.is_empty() {
        // No condition: it matches every case of the outcome.
        parts.push("always".to_string());
    }
    format!("when {}", parts.join(" "))
}

/// The rules of `dialect` with the steps of its plan that exercise each. A step naming a rule the
/// dialect does not have (it cannot, but a stale results file could) is ignored.
pub fn table(dialect: &LoadedDialect, steps: &[Step]) -> Vec<RuleRow> {
    let mut rows = rules_of(dialect);
    for step in steps {
        for id in &step.subject.rules {
            if let Some(row) = rows.iter_mut().find(|r| r.id == *id) {
                row.cases.push(step.id.clone());
            }
        }
    }
    rows
}

/// Rows of rules no case exercises and the dialect does not say why.
pub fn uncovered(rows: &[RuleRow]) -> impl Iterator<Item = &RuleRow> {
    rows.iter()
        .filter(|r| r.cases.is_empty() && r.untested.is_none())
}

/// Rule ids in the dialect's `untested:` that name no rule of it (a typo would hide a gap).
pub fn unknown_untested(dialect: &LoadedDialect) -> Vec<String> {
    let rows = rules_of(dialect);
    dialect
        .spec
        .untested
        .keys()
        .filter(|k| !rows.iter().any(|r| &r.id == *k))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::Tree;
    use crate::case::{all_traits, load_cases};
    use crate::plan::build_plan;
    use crate::spec::load_dialect;
    use crate::target::Target;

    #[test]
    fn every_rule_of_every_shipped_dialect_has_a_case_or_a_reason() {
        let cases = load_cases(&Tree::cases(None)).unwrap();
        for name in crate::spec::available_dialects(&Tree::specs(None)) {
            let d = load_dialect(&Tree::specs(None), &name).unwrap();
            assert!(unknown_untested(&d).is_empty(), "{name}");
            let target = Target::stand_in(&d, &all_traits(&cases));
            let rows = table(&d, &build_plan(&cases, &d, &target).steps);
            let gaps: Vec<&str> = uncovered(&rows).map(|r| r.id.as_str()).collect();
            assert!(gaps.is_empty(), "{name}: {gaps:?}");
            // The table names each outcome of the dialect.
            for o in d.spec.outcomes.keys() {
                assert!(rows.iter().any(|r| r.id == rule::outcome(o)), "{name}: {o}");
            }
        }
    }

    #[test]
    fn check_order_rules_are_exercised_where_both_fields_fail() {
        let cases = load_cases(&Tree::cases(None)).unwrap();
        let d = load_dialect(&Tree::specs(None), "ocariot").unwrap();
        let target = Target::stand_in(&d, &all_traits(&cases));
        let rows = table(&d, &build_plan(&cases, &d, &target).steps);
        let cases_of = |id: &str| {
            rows.iter()
                .find(|r| r.id == id)
                .map(|r| r.cases.clone())
                .unwrap()
        };
        // Both passwords empty: the old one's error wins.
        let old_new = cases_of("order:old_password<new_password");
        assert!(
            old_new.contains(&"empty-both-passwords".to_string()),
            "{old_new:?}"
        );
        // Both absent is no test of the order (absent fields are reported together); one field
        // alone neither.
        assert!(
            !old_new.iter().any(|c| c.starts_with("missing-both")),
            "{old_new:?}"
        );
        assert!(
            !old_new.iter().any(|c| c.starts_with("empty-old-password")),
            "{old_new:?}"
        );
        // A malformed id with the fields absent: the id's error wins (users.put017).
        let id_old = cases_of("order:user_id<old_password");
        assert!(
            id_old
                .iter()
                .all(|c| c.starts_with("malformed-user-id-empty-body")),
            "{id_old:?}"
        );
        assert!(!id_old.is_empty());
        // No token and a body that is not JSON: the 401 wins; a token-less case with a readable
        // body says nothing about the order.
        let auth_body = cases_of("order:credential<body");
        assert!(
            auth_body.contains(&"no-token-malformed-body".to_string()),
            "{auth_body:?}"
        );
        assert!(
            !auth_body.iter().any(|c| c.starts_with("no-token[")),
            "{auth_body:?}"
        );
        // djoser lists every failing field at once: its only check-order rule is the stage pair.
        let dj = load_dialect(&Tree::specs(None), "djoser").unwrap();
        let dj_order: Vec<String> = rules_of(&dj)
            .into_iter()
            .map(|r| r.id)
            .filter(|id| id.starts_with("order:"))
            .collect();
        assert_eq!(dj_order, vec!["order:credential<body".to_string()]);
    }

    #[test]
    fn a_rule_without_a_case_is_a_gap() {
        let d = load_dialect(&Tree::specs(None), "ocariot").unwrap();
        let rows = table(&d, &[]);
        assert!(uncovered(&rows).any(|r| r.id == "outcome:forbidden"));
        assert!(!uncovered(&rows).any(|r| r.id == "outcome:user_not_found"));
    }
}
