//! `{{ name }}` templates in case bodies, dialect bodies and expected fields.
//!
//! A string that is exactly one `{{ name }}` is replaced by the variable's JSON value, keeping its
//! type (a numeric user id stays a number); otherwise variables are interpolated as text.
//!
//! A variable may carry one filter, for values derived at run time from one only known then:
//! `{{ user_id | swapcase }}` (letters' case flipped), `{{ user_id | percent }}` (every byte
//! percent-encoded), `{{ current_password | json }}` (the value as JSON text, for a body written
//! as text).

use serde_json::Value;

/// Names of the variables used in `s`, in order.
pub fn variables(s: &str) -> Vec<String> {
    pieces(s)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Var(v) => Some(split_filter(v).0.to_string()),
            Piece::Text(_) => None,
        })
        .collect()
}

/// Names of the variables used anywhere inside `v`.
pub fn variables_in(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => variables(s),
        Value::Array(a) => a.iter().flat_map(variables_in).collect(),
        Value::Object(o) => o.values().flat_map(variables_in).collect(),
        _ => Vec::new(),
    }
}

/// Renders a string; an unknown variable is an error naming it.
pub fn render_str(s: &str, lookup: &dyn Fn(&str) -> Option<Value>) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    for piece in pieces(s) {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Var(name) => match filtered(name, lookup) {
                Some(Value::String(v)) => out.push_str(&v),
                Some(other) => out.push_str(&other.to_string()),
                None => return Err(format!("unknown template variable `{name}`")),
            },
        }
    }
    Ok(out)
}

/// Renders every string inside `v`.
pub fn render_value(v: &Value, lookup: &dyn Fn(&str) -> Option<Value>) -> Result<Value, String> {
    Ok(match v {
        Value::String(s) => match whole_variable(s) {
            Some(name) => filtered(name, lookup)
                .ok_or_else(|| format!("unknown template variable `{name}`"))?,
            None => Value::String(render_str(s, lookup)?),
        },
        Value::Array(a) => Value::Array(
            a.iter()
                .map(|x| render_value(x, lookup))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(o) => {
            let mut m = serde_json::Map::new();
            for (k, x) in o {
                m.insert(k.clone(), render_value(x, lookup)?);
            }
            Value::Object(m)
        }
        other => other.clone(),
    })
}

/// `name | filter` -> (`name`, `filter`).
fn split_filter(var: &str) -> (&str, Option<&str>) {
    match var.split_once('|') {
        Some((name, filter)) => (name.trim(), Some(filter.trim())),
        None => (var, None),
    }
}

/// The variable's value with its filter applied; an unknown filter is an unknown variable.
fn filtered(var: &str, lookup: &dyn Fn(&str) -> Option<Value>) -> Option<Value> {
    let (name, filter) = split_filter(var);
    let value = lookup(name)?;
    let text = || match &value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match filter {
        None => Some(value),
        Some("swapcase") => Some(Value::String(
            text()
                .chars()
                .map(|c| {
                    if c.is_ascii_uppercase() {
                        c.to_ascii_lowercase()
                    } else {
                        c.to_ascii_uppercase()
                    }
                })
                .collect(),
        )),
        Some("percent") => Some(Value::String(
            text().bytes().map(|b| format!("%{b:02X}")).collect(),
        )),
        Some("json") => Some(Value::String(value.to_string())),
        Some(_) => None,
    }
}

fn whole_variable(s: &str) -> Option<&str> {
    match pieces(s).as_slice() {
        [Piece::Var(v)] => Some(v),
        _ => None,
    }
}

#[derive(Debug, PartialEq)]
enum Piece<'a> {
    Text(&'a str),
    Var(&'a str),
}

fn pieces(s: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some((text, after)) = rest.split_once("{{") {
        let Some((name, next)) = after.split_once("}}") else {
            break;
        };
        if !text.is_empty() {
            out.push(Piece::Text(text));
        }
        out.push(Piece::Var(name.trim()));
        rest = next;
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use serde_json::json;

    fn vars(name: &str) -> Option<Value> {
        match name {
            "user_id" => Some(json!(42)),
            "password" => Some(json!("s3cret")),
            _ => None,
        }
    }

    #[rstest]
    #[case(json!("{{ user_id }}"), json!(42))]
    #[case(json!("id={{user_id}}"), json!("id=42"))]
    #[case(json!({"a": ["{{ password }}x"]}), json!({"a": ["s3cretx"]}))]
    #[case(json!("no vars {"), json!("no vars {"))]
    #[case(json!(7), json!(7))]
    fn renders(#[case] input: Value, #[case] expected: Value) {
        assert_eq!(render_value(&input, &vars), Ok(expected));
    }

    #[test]
    fn filters_derive_values() {
        let vars = |n: &str| match n {
            "user_id" => Some(json!("5a62bE07")),
            "pw" => Some(json!("a\"b")),
            _ => None,
        };
        assert_eq!(
            render_str("{{ user_id | swapcase }}", &vars).unwrap(),
            "5A62Be07"
        );
        assert_eq!(
            render_str("{{user_id|percent}}", &vars).unwrap(),
            "%35%61%36%32%62%45%30%37"
        );
        assert_eq!(
            render_str("{\"p\": {{ pw | json }}}", &vars).unwrap(),
            r#"{"p": "a\"b"}"#
        );
        assert!(render_str("{{ user_id | nope }}", &vars).is_err());
        assert_eq!(variables("{{ user_id | swapcase }}"), vec!["user_id"]);
    }

    #[test]
    fn unknown_variable_is_named() {
        assert_eq!(
            render_str("{{ nope }}", &vars),
            Err("unknown template variable `nope`".to_string())
        );
        assert_eq!(variables("a {{ x }} b {{y}}"), vec!["x", "y"]);
    }
}
