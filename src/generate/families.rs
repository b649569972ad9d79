//! The values of each family, for one field of one dialect, each with its computed outcome.
//! Fixed values and a fixed order: generation is deterministic.

use serde_json::{Value, json};

use super::expect::{Expected, NO_ROUTE, TOO_LARGE, field_valid, for_id, for_value, silent};
use crate::spec::{LoadedDialect, Location};

/// One generated input.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Short, ASCII, appended to the case id: `unicode:nfd`.
    pub label: String,
    /// Appended to the case title.
    pub title: String,
    pub family: &'static str,
    pub change: Change,
    pub expect: Expected,
}

/// What the variant changes in the valid own change.
#[derive(Debug, Clone)]
pub enum Change {
    /// The field's value (literal, or a `{{ variable | filter }}` template).
    Value(Value),
    /// Content-Type sent (`None`: no header).
    ContentType(Option<String>),
    /// The body as JSON text with `{{ variable | json }}` templates.
    BodyText(String),
    /// A trailing slash on the route; with an actor role, against another user's account.
    PathSuffix { actor: Option<String> },
}

/// The variants of `family` for `field` on `dialect`; empty where the family does not apply
/// (e.g. `types` for a field sent in the path).
pub fn variants(family: &str, field: Option<&str>, dialect: &LoadedDialect) -> Vec<Variant> {
    match (family, field) {
        ("types", Some(f)) => types(f, dialect),
        ("empty", Some(f)) => values(f, dialect, "empty", &[("empty", "empty string", json!(""))]),
        ("whitespace", Some(f)) => values(
            f,
            dialect,
            "whitespace",
            &[
                ("spaces", "three spaces", json!("   ")),
                ("tab-newline", "a tab and a newline", json!("\t\n")),
            ],
        ),
        ("lengths", Some(f)) => lengths(f, dialect),
        ("unicode", Some(f)) => values(f, dialect, "unicode", &unicode()),
        ("ids", Some(f)) => ids(f, dialect),
        ("headers", _) => headers(dialect),
        ("bodies", _) => bodies(dialect),
        _ => Vec::new(),
    }
}

fn in_body(field: &str, dialect: &LoadedDialect) -> bool {
    dialect
        .spec
        .change_password
        .fields
        .get(field)
        .is_some_and(|p| p.location == Location::Body)
}

/// One variant per value of a body field, its outcome from the schema.
fn values(
    field: &str,
    dialect: &LoadedDialect,
    family: &'static str,
    list: &[(&str, &str, Value)],
) -> Vec<Variant> {
    if !in_body(field, dialect) {
        return Vec::new();
    }
    list.iter()
        .map(|(label, title, v)| {
            value_variant(field, dialect, family, label, title, v.clone(), &[])
        })
        .collect()
}

fn value_variant(
    field: &str,
    dialect: &LoadedDialect,
    family: &'static str,
    label: &str,
    title: &str,
    value: Value,
    refusals: &[u16],
) -> Variant {
    Variant {
        label: format!("{family}:{label}"),
        title: format!("{field} is {title}"),
        family,
        expect: for_value(dialect, field, &value, refusals),
        change: Change::Value(value),
    }
}

/// Every JSON type the field's schema does not accept.
fn types(field: &str, dialect: &LoadedDialect) -> Vec<Variant> {
    let all = [
        ("null", "null", json!(null)),
        ("boolean", "a boolean", json!(true)),
        ("integer", "an integer", json!(0)),
        ("number", "a fraction", fraction(field, dialect)),
        ("string", "a string of letters", json!("text")),
        ("array", "an array", json!([])),
        ("object", "an object", json!({})),
    ];
    let wrong: Vec<(&str, &str, Value)> = all
        .into_iter()
        .filter(|(_, _, v)| field_valid(dialect, field, v) == Some(false))
        .collect();
    values(field, dialect, "types", &wrong)
}

/// A fraction; for a numeric user id, the dialect's id of nobody plus a half: a server that
/// truncates it must not land on a real account (1.5 would be user 1's).
fn fraction(field: &str, dialect: &LoadedDialect) -> Value {
    let nobody = dialect
        .spec
        .user_ids
        .as_ref()
        .and_then(|u| u.nonexistent.as_u64());
    match nobody {
        Some(n) if field == "user_id" => json!(n as f64 + 0.5),
        _ => json!(1.5),
    }
}

/// 1 KiB and 64 KiB, and the bounds of `minLength`/`maxLength` where the schema has them. The
/// 64 KiB value may meet a server's size limit: HTTP's refusals are acceptable there.
fn lengths(field: &str, dialect: &LoadedDialect) -> Vec<Variant> {
    if !in_body(field, dialect) {
        return Vec::new();
    }
    // Upper, lower, digit and symbol first, so a usual password policy has nothing to object to.
    let text = |n: usize| Value::String(format!("Aa1!{}", "x".repeat(n.saturating_sub(4))));
    let mut out = vec![
        value_variant(
            field,
            dialect,
            "lengths",
            "1KiB",
            "1 KiB long",
            text(1024),
            &[],
        ),
        value_variant(
            field,
            dialect,
            "lengths",
            "64KiB",
            "64 KiB long",
            text(64 * 1024),
            TOO_LARGE,
        ),
    ];
    let (min, max) = length_bounds(field, dialect);
    for (label, n) in [
        min.filter(|m| *m > 1).map(|m| ("min-1", m - 1)),
        min.map(|m| ("min", m)),
        max.map(|m| ("max", m)),
        max.map(|m| ("max+1", m + 1)),
    ]
    .into_iter()
    .flatten()
    {
        let v = Value::String("x".repeat(n as usize));
        let title = format!("{n} characters long");
        out.push(value_variant(
            field,
            dialect,
            "lengths",
            label,
            &title,
            v,
            &[],
        ));
    }
    out
}

/// `minLength` and `maxLength` of the field in the request schema.
fn length_bounds(field: &str, dialect: &LoadedDialect) -> (Option<u64>, Option<u64>) {
    let cp = &dialect.spec.change_password;
    let prop = cp
        .fields
        .get(field)
        .zip(cp.schema.as_ref().and_then(|s| dialect.schemas.get(s)))
        .and_then(|(p, s)| {
            s.document
                .pointer(&format!("/properties/{}", p.key))
                .cloned()
        });
    let get = |k: &str| prop.as_ref().and_then(|p| p.get(k)).and_then(Value::as_u64);
    (get("minLength"), get("maxLength"))
}

/// Normalization forms, emoji, right-to-left text, NUL and other control characters.
fn unicode() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        (
            "nfc",
            "composed (NFC) accents",
            json!("Aa1-P\u{e4}ss-\u{e9}t\u{e9}"),
        ),
        (
            "nfd",
            "decomposed (NFD) accents",
            json!("Aa1-Pa\u{308}ss-e\u{301}te\u{301}"),
        ),
        ("emoji", "emoji", json!("Aa1-\u{1f511}\u{1f642}-key")),
        (
            "rtl",
            "right-to-left text",
            json!("Aa1-\u{643}\u{644}\u{645}\u{629}-\u{633}\u{631}"),
        ),
        (
            "nul",
            "text with a NUL character",
            json!("Aa1-before\u{0}after"),
        ),
        (
            "control",
            "text with control characters",
            json!("Aa1-\u{7}\u{1b}[0m\u{7f}"),
        ),
    ]
}

/// Ids around the dialect's id rules (path ids: shorter, longer, wrong alphabet, the own id with
/// its case flipped or percent-encoded) and the route with a trailing slash.
fn ids(field: &str, dialect: &LoadedDialect) -> Vec<Variant> {
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

/// Content-Type variants of the dialect's own.
fn headers(dialect: &LoadedDialect) -> Vec<Variant> {
    let ct = dialect.spec.change_password.content_type.clone();
    let variant = |label: &str, title: &str, sent: Option<String>, expect: Expected| Variant {
        label: format!("headers:{label}"),
        title: title.to_string(),
        family: "headers",
        change: Change::ContentType(sent),
        expect,
    };
    let same = || Expected::Documented("changed".into());
    let refused = || Expected::Documented("unsupported_media_type".into());
    let mut out = vec![
        // A media type's parameters and its case do not change it (RFC 9110 8.3.1).
        variant(
            "charset",
            "Content-Type with a charset parameter",
            Some(format!("{ct}; charset=utf-8")),
            same(),
        ),
        variant(
            "upper-case",
            "Content-Type in upper case",
            Some(ct.to_ascii_uppercase()),
            same(),
        ),
        variant("missing", "no Content-Type", None, refused()),
        variant(
            "wrong",
            "Content-Type application/xml",
            Some("application/xml".into()),
            refused(),
        ),
    ];
    // Another JSON media type: whether it is accepted, the contract does not say.
    if let Some((kind, _)) = ct.split_once('/') {
        out.push(variant(
            "plus-json",
            "Content-Type with a +json suffix",
            Some(format!("{kind}/vnd.pwconform+json")),
            silent(dialect, true, &[]),
        ));
    }
    out
}

/// Bodies JSON values cannot express: duplicate keys, deep nesting, a body over a size a server
/// may refuse. Each is the valid own change otherwise, written as text.
fn bodies(dialect: &LoadedDialect) -> Vec<Variant> {
    let cp = &dialect.spec.change_password;
    let members: Vec<(String, &str)> = cp
        .fields
        .iter()
        .filter(|(_, p)| p.location == Location::Body)
        .map(|(name, p)| {
            let var = match name.as_str() {
                "old_password" => "current_password",
                // The valid request repeats the new password in its confirmation.
                "new_password" | "new_password_confirmation" => "new_password",
                _ => "user_id",
            };
            (p.key.clone(), var)
        })
        .collect();
    let text = |first: Option<String>, last: Option<String>| {
        let mut parts: Vec<String> = first.into_iter().collect();
        parts.extend(
            members
                .iter()
                .map(|(k, var)| format!("{}: {{{{ {var} | json }}}}", json!(k))),
        );
        parts.extend(last);
        format!("{{{}}}", parts.join(", "))
    };
    let old_key = cp.fields.get("old_password").map(|p| p.key.clone());
    let variant = |label: &str, title: &str, body: String, refusals: &[u16]| Variant {
        label: format!("bodies:{label}"),
        title: title.to_string(),
        family: "bodies",
        change: Change::BodyText(body),
        expect: silent(dialect, true, refusals),
    };
    let mut out = Vec::new();
    // RFC 8259 4: names "SHOULD be unique"; what a parser keeps is not said.
    if let Some(key) = old_key {
        let wrong = format!("{}: \"not-the-password\"", json!(key));
        out.push(variant(
            "duplicate-key",
            "the old password's key twice, a wrong value first",
            text(Some(wrong), None),
            &[],
        ));
    }
    let depth = 512;
    let deep = format!("\"nested\": {}{}", "[".repeat(depth), "]".repeat(depth));
    out.push(variant(
        "deep-nesting",
        "an extra member nested 512 arrays deep",
        text(None, Some(deep)),
        &[],
    ));
    let padding = format!("\"padding\": \"{}\"", "x".repeat(1024 * 1024));
    out.push(variant(
        "oversized",
        "an extra member of 1 MiB",
        text(None, Some(padding)),
        TOO_LARGE,
    ));
    out
}
