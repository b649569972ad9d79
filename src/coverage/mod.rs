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
}

/// Every rule of `dialect`, in the dialect file's order, with empty case lists.
pub fn rules_of(dialect: &LoadedDialect) -> Vec<RuleRow> {
    let spec = &dialect.spec;
    let mut rows = Vec::new();
    let mut push = |id: String, text: String| {
        rows.push(RuleRow {
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
    for (name, r) in &spec.roles {
        let may = |b: bool| if b { "may" } else { "may not" };
        push(
            rule::role(name, true),
            format!("{name} {} change its own password", may(r.own)),
        );
        push(
            rule::role(name, false),
            format!("{name} {} change another user's password", may(r.others)),
        );
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

/// Rows of rules no case exercises.
pub fn uncovered(rows: &[RuleRow]) -> impl Iterator<Item = &RuleRow> {
    rows.iter().filter(|r| r.cases.is_empty())
}
