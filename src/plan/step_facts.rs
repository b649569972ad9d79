//! What one step of a case is about and what it must get back from a dialect: its subject, the
//! expectation (documented, or every outcome where the contract is silent), why it may not apply,
//! and which of the dialect's rules it exercises (for coverage).

use indexmap::IndexMap;
use serde_json::Value;

use super::expand::Who;
use super::expect::{Subject, Unresolved, kind_of, resolve_expectation};
use super::{AuthMode, TargetUser};
use crate::case::{Case, Expect};
use crate::coverage::rule;
use crate::spec::LoadedDialect;

/// The dialect rules a step exercises: its outcome, the refinement that applied, and, when it
/// sends a valid credential, the role entry (own or others) its actor plays.
pub(super) fn rules_exercised(
    expect: &super::Expectation,
    base: Option<&str>,
    role: &str,
    subject: &Subject,
    auth: AuthMode,
) -> Vec<String> {
    let mut rules = Vec::new();
    if !expect.any_of.is_empty() {
        // Contract-silent: no documented rule decides this input.
    } else if expect.outcome != "explicit" {
        rules.push(rule::outcome(&expect.outcome));
        if let Some(i) = expect.refinement {
            rules.push(rule::refinement(&expect.outcome, i));
        }
    } else if let Some(name) = base {
        // A dialect's explicit response stands for the outcome the case names in `expect`.
        rules.push(rule::outcome(name));
    }
    if auth == AuthMode::Valid {
        rules.push(rule::role(role, subject.target == "self"));
    }
    rules
}

/// Any of `outcomes` (each resolved as the dialect documents it), or one of `refusals`.
pub(super) fn silent_expectation(
    outcomes: &[String],
    refusals: &[u16],
    dialect: &LoadedDialect,
    subject: &Subject,
) -> Result<super::Expectation, Unresolved> {
    let alternatives = outcomes
        .iter()
        .map(|name| match dialect.spec.outcomes.get(name) {
            Some(o) => resolve_expectation(name, o, dialect, subject),
            None => Err(Unresolved::unmapped(name)),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(super::Expectation::any_of(alternatives, refusals))
}

/// The abstract outcome the case names in `expect`, whatever a dialect overrides.
pub(super) fn base_outcome(case: &Case) -> Option<&str> {
    match &case.def.expect.value {
        Expect::Outcome(n) => Some(n.as_str()),
        Expect::Explicit(_) => None,
    }
}

/// Why the case cannot be asked of this dialect: it is about a field the route does not take, or
/// it expects an outcome the API cannot produce. The dialect's own words are the reason.
pub(super) fn not_applicable(
    case: &Case,
    dialect: &LoadedDialect,
    variant: Option<&(String, Value)>,
    outcome: &str,
) -> Option<String> {
    let d = &case.def;
    let spec = &dialect.spec;
    let name = spec.name.as_str();
    let mut fields: Vec<&str> = Vec::new();
    if matches!(
        d.user.as_ref().map(|u| u.value.as_str()),
        Some("other" | "nonexistent" | "malformed")
    ) {
        fields.push("user_id");
    }
    fields.extend(
        d.body
            .iter()
            .flat_map(|b| b.value.keys().map(String::as_str)),
    );
    fields.extend(d.absent.iter().map(|a| a.value.as_str()));
    fields.extend(variant.map(|(f, _)| f.as_str()));
    let field_reason = fields.into_iter().find_map(|f| {
        let why = spec.not_applicable(f)?;
        Some(format!("not applicable: {name} has no `{f}` ({why})"))
    });
    field_reason.or_else(|| {
        let why = spec.not_applicable(outcome)?;
        Some(format!(
            "not applicable: {name} cannot answer `{outcome}` ({why})"
        ))
    })
}

/// The expectation for this dialect: its own override, else one for a dialect it extends, else `expect`.
pub(super) fn spec_expect<'a>(case: &'a Case, dialect: &LoadedDialect) -> &'a Expect {
    dialect
        .lineage
        .iter()
        .find_map(|n| case.def.expect_by_dialect.get(n))
        .map_or(&case.def.expect.value, |x| &x.value)
}

pub(super) fn subject_of<'a>(
    order: impl Iterator<Item = &'a String>,
    variant: Option<&(String, Value)>,
    overrides: &[String],
    absent: &[String],
    fields: &IndexMap<String, Value>,
    who: &Who,
) -> Subject {
    let order: Vec<&String> = order.collect();
    let mut subject: Vec<String> = match variant {
        Some((f, _)) => vec![f.clone()],
        None => {
            let mut s: Vec<String> = order
                .iter()
                .filter(|f| overrides.contains(f))
                .map(|f| (*f).clone())
                .collect();
            s.extend(
                order
                    .iter()
                    .filter(|f| absent.contains(f))
                    .map(|f| (*f).clone()),
            );
            s
        }
    };
    subject.dedup();
    let kind = subject.first().map(|f| kind_of(fields.get(f)));
    let target = match (&who.target, who.actor) {
        (TargetUser::Account(t), Some(a)) if *t == a => "self",
        _ => "other",
    };
    Subject {
        fields: subject,
        kind,
        target,
        auth: "valid",
        raw: None,
    }
}
