//! `{{ name }}` templates in case bodies, dialect bodies and expected fields.
//!
//! A string that is exactly one `{{ name }}` is replaced by the variable's JSON value, keeping its
//! type (a numeric user id stays a number); otherwise variables are interpolated as text.

use serde_json::Value;

/// Names of the variables used in `s`, in order.
pub fn variables(s: &str) -> Vec<String> {
    pieces(s)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Var(v) => Some(v.to_string()),
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
            Piece::Var(name) => match lookup(name) {
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
            Some(name) => {
                lookup(name).ok_or_else(|| format!("unknown template variable `{name}`"))?
            }
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
    fn unknown_variable_is_named() {
        assert_eq!(
            render_str("{{ nope }}", &vars),
            Err("unknown template variable `nope`".to_string())
        );
        assert_eq!(variables("a {{ x }} b {{y}}"), vec!["x", "y"]);
    }
}
