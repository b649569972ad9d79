//! The outcome a generated value gets, computed from the dialect: its request schema says whether
//! a body value is valid, its `when:` refinements whether a valid new password may still be
//! refused by a policy, its `id_rules` what each layer does with an id. Where none of these
//! decides, the contract is silent and every documented outcome is acceptable.

use serde_json::{Value, json};

use crate::plan::kind_of;
use crate::spec::{LoadedDialect, Location};
use crate::template::render_value;

/// What a generated case expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// The dialect documents this outcome for the value.
    Documented(String),
    /// The contract is silent: any of these outcomes (status and schema only), or one of HTTP's
    /// own refusals.
    Silent {
        any_of: Vec<String>,
        refusals: Vec<u16>,
    },
}

/// HTTP's own answers to a request too large for a server.
pub const TOO_LARGE: &[u16] = &[413, 414, 431];
/// HTTP's own answers to a route a server does not have.
pub const NO_ROUTE: &[u16] = &[404, 405];

/// Every documented outcome, `changed` only when a change is a legitimate answer.
pub fn silent(dialect: &LoadedDialect, change_ok: bool, refusals: &[u16]) -> Expected {
    Expected::Silent {
        any_of: dialect
            .spec
            .outcomes
            .keys()
            .filter(|n| change_ok || n.as_str() != "changed")
            .cloned()
            .collect(),
        refusals: refusals.to_vec(),
    }
}

/// `outcome`, or with HTTP's refusals allowed too, the same outcome among them.
fn documented(outcome: &str, refusals: &[u16]) -> Expected {
    if refusals.is_empty() {
        Expected::Documented(outcome.to_string())
    } else {
        Expected::Silent {
            any_of: vec![outcome.to_string()],
            refusals: refusals.to_vec(),
        }
    }
}

/// The outcome of sending `value` as body field `field` in the otherwise valid own change.
pub fn for_value(
    dialect: &LoadedDialect,
    field: &str,
    value: &Value,
    refusals: &[u16],
) -> Expected {
    match (field_valid(dialect, field, value), field) {
        (Some(false), _) => documented("invalid_field", refusals),
        (Some(true), "old_password") => documented("old_password_mismatch", refusals),
        (Some(true), "new_password") if may_refuse(dialect, field, value) => Expected::Silent {
            any_of: vec!["changed".into(), "invalid_field".into()],
            refusals: refusals.to_vec(),
        },
        (Some(true), "new_password") => documented("changed", refusals),
        (_, f) => silent(dialect, f == "new_password", refusals),
    }
}

/// Whether the request schema accepts `value` for `field`: `None` when the field is not in the
/// body or the dialect has no request schema.
pub fn field_valid(dialect: &LoadedDialect, field: &str, value: &Value) -> Option<bool> {
    let cp = &dialect.spec.change_password;
    let place = cp.fields.get(field)?;
    if place.location != Location::Body {
        return None;
    }
    let schema = dialect.schemas.get(cp.schema.as_ref()?)?;
    let mut body = dialect
        .sample_body
        .get_or_init(|| sample_body(dialect))
        .clone()?;
    if let Value::Object(map) = &mut body {
        map.insert(place.key.clone(), value.clone());
    }
    let at = format!("/{}", place.key);
    Some(
        !schema
            .validator
            .iter_errors(&body)
            .any(|e| e.instance_path().as_str().starts_with(&at)),
    )
}

/// The valid request's body with a sample password and the id of nobody in it.
fn sample_body(dialect: &LoadedDialect) -> Option<Value> {
    let crate::plan::BodyPlan::Json(body) = crate::plan::valid_change(dialect).body else {
        return None;
    };
    let sample = |n: &str| match n {
        "user_id" => dialect
            .spec
            .user_ids
            .as_ref()
            .map(|u| u.nonexistent.clone()),
        _ => Some(json!("Sample-password-1")),
    };
    render_value(&body, &sample).ok()
}

/// The dialect documents a refusal (`invalid_field`) for a value of this kind in this field even
/// when it is schema-valid: a deployment's password policy.
fn may_refuse(dialect: &LoadedDialect, field: &str, value: &Value) -> bool {
    let kind = kind_of(Some(value));
    dialect.spec.outcomes.get("invalid_field").is_some_and(|o| {
        o.when.iter().any(|r| {
            r.field.as_ref().is_some_and(|f| f.contains(field))
                && r.kind.as_ref().is_some_and(|k| k.contains(kind))
        })
    })
}

/// The outcome of sending `id` (someone else's unless `own`) through the dialect's id rules, in
/// the order its layers apply them; silent when no rule decides.
pub fn for_id(dialect: &LoadedDialect, id: &str, own: bool) -> Expected {
    for rule in &dialect.spec.id_rules {
        let matched = matches(&rule.pattern, id);
        match (matched, &rule.not_own, &rule.mismatch) {
            (Some(true), Some(outcome), _) if !own => return documented(outcome, &[]),
            (Some(false), _, Some(outcome)) => return documented(outcome, &[]),
            _ => {}
        }
    }
    if own {
        documented("changed", &[])
    } else {
        silent(dialect, false, &[])
    }
}

/// Whether `text` matches the regular expression `pattern` (JSON Schema's dialect of regexes);
/// `None` when the pattern does not compile.
fn matches(pattern: &str, text: &str) -> Option<bool> {
    let schema = json!({"type": "string", "pattern": pattern});
    jsonschema::validator_for(&schema)
        .ok()
        .map(|v| v.is_valid(&json!(text)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::Tree;
    use crate::spec::load_dialect;

    fn dialect(name: &str) -> LoadedDialect {
        load_dialect(&Tree::specs(None), name).unwrap()
    }

    fn outcome(e: Expected) -> String {
        match e {
            Expected::Documented(o) => o,
            Expected::Silent { any_of, refusals } => format!("silent {any_of:?} {refusals:?}"),
        }
    }

    #[test]
    fn ocariot_id_rules_meet_as_the_facts_say() {
        let d = dialect("ocariot");
        // 24 letters, not hex: the gateway's ownership rule answers.
        assert_eq!(outcome(for_id(&d, &"z".repeat(24), false)), "forbidden");
        // 23 or 25 hex: not the gateway's, the service's format check answers.
        assert_eq!(
            outcome(for_id(&d, &"a".repeat(23), false)),
            "invalid_user_id"
        );
        assert_eq!(
            outcome(for_id(&d, &"a".repeat(25), false)),
            "invalid_user_id"
        );
        // The own id in upper case is someone else's for the gateway.
        assert_eq!(outcome(for_id(&d, &"A".repeat(24), false)), "forbidden");
    }

    #[test]
    fn body_values_follow_the_request_schema_and_policy_refinements() {
        let oc = dialect("ocariot");
        assert_eq!(
            outcome(for_value(&oc, "new_password", &json!(""), &[])),
            "invalid_field"
        );
        assert_eq!(
            outcome(for_value(&oc, "new_password", &json!("   "), &[])),
            "changed"
        );
        assert_eq!(
            outcome(for_value(&oc, "old_password", &json!("é"), &[])),
            "old_password_mismatch"
        );
        assert_eq!(
            outcome(for_value(&oc, "old_password", &json!(12), &[])),
            "invalid_field"
        );
        let os = dialect("openspecimen");
        assert_eq!(
            outcome(for_value(&os, "new_password", &json!("   "), &[])),
            "invalid_field"
        );
        // A deployment's pattern may refuse any non-blank new password.
        assert_eq!(
            outcome(for_value(&os, "new_password", &json!("é"), &[])),
            "silent [\"changed\", \"invalid_field\"] []"
        );
        assert_eq!(
            outcome(for_value(&os, "user_id", &json!("x"), &[])),
            "invalid_field"
        );
        assert_eq!(
            outcome(for_value(&oc, "new_password", &json!("x"), TOO_LARGE)),
            "silent [\"changed\"] [413, 414, 431]"
        );
    }
}
