//! The `ids` family: ids around the dialect's id rules, where each layer (the gateway's ownership
//! rule, the service's format check) decides differently.

use serde_json::{Value, json};

use super::expect::{NO_ROUTE, for_id, silent};
use super::families::{Change, Variant};
use crate::spec::{LoadedDialect, Location};

/// Ids around the dialect's id rules (path ids: shorter, longer, wrong alphabet, the own id with
/// its case flipped or percent-encoded) and the route with a trailing slash.
pub(super) fn ids(field: &str, dialect: &LoadedDialect) -> Vec<Variant> {
    let mut out = Vec::new();
    // The dialect's well-formed id of nobody is the shape the id variants are cut from.
    let sample = match dialect.spec.user_ids.as_ref().map(|u| &u.nonexistent) {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let in_path = dialect
        .spec
        .change_password
        .fields
        .get(field)
        .is_some_and(|p| p.location == Location::Path);
    if in_path && !sample.is_empty() && !dialect.spec.id_rules.is_empty() {
        let n = sample.chars().count();
        let shorter: String = sample.chars().take(n.saturating_sub(1)).collect();
        let longer = format!("{sample}{}", sample.chars().next().unwrap_or('0'));
        let wrong = "z".repeat(n);
        let flipped: String = sample
            .chars()
            .map(|c| {
                if c.is_ascii_lowercase() {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        let literal = |label: &str, title: String, id: String| Variant {
            label: format!("ids:{label}"),
            title,
            family: "ids",
            expect: for_id(dialect, &id, false),
            change: Change::Value(Value::String(id)),
        };
        out.push(literal(
            "shorter",
            format!("an id of {} characters", n.saturating_sub(1)),
            shorter,
        ));
        out.push(literal(
            "longer",
            format!("an id of {} characters", n + 1),
            longer,
        ));
        out.push(literal(
            "wrong-alphabet",
            format!("an id of {n} letters outside its alphabet"),
            wrong,
        ));
        out.push(Variant {
            label: "ids:own-swapcase".into(),
            title: "the caller's own id with its letters' case flipped".into(),
            family: "ids",
            expect: for_id(dialect, &flipped, false),
            change: Change::Value(json!("{{ user_id | swapcase }}")),
        });
        out.push(Variant {
            label: "ids:own-percent-encoded".into(),
            title: "the caller's own id, every byte percent-encoded".into(),
            family: "ids",
            expect: silent(dialect, true, &[]),
            change: Change::Value(json!("{{ user_id | percent }}")),
        });
    }
    out.push(Variant {
        label: "ids:trailing-slash".into(),
        title: "the route with a trailing slash".into(),
        family: "ids",
        expect: silent(dialect, true, NO_ROUTE),
        change: Change::PathSuffix { actor: None },
    });
    // Someone else's password through the trailing-slash route, by a role that may only change
    // its own: whatever the server makes of the route, it must not change it.
    let has_id = dialect.spec.change_password.fields.contains_key("user_id");
    if let Some((role, _)) = dialect
        .spec
        .roles
        .iter()
        .find(|(_, r)| has_id && r.own && !r.others)
    {
        out.push(Variant {
            label: "ids:trailing-slash-other".into(),
            title: format!(
                "another user's password through the route with a trailing slash, as {role}"
            ),
            family: "ids",
            expect: silent(dialect, false, NO_ROUTE),
            change: Change::PathSuffix {
                actor: Some(role.clone()),
            },
        });
    }
    out
}
