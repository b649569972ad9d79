//! Reading request bodies the way the platform's Express stack does (`body-parser` JSON in strict
//! mode), and validating the password-change fields in the documented order.

use axum::http::{HeaderMap, header};
use serde_json::{Map, Value};

use super::super::Faults;
use super::errors::ApiError;
use super::faults as f;

pub const OLD: &str = "old_password";
pub const NEW: &str = "new_password";

/// Whether the request says its body is JSON (`application/json`, parameters allowed).
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

/// The fault's check: the header's whole value against one spelling.
fn is_exactly_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == b"application/json")
}

/// The body's fields. A body not declared as JSON is not read at all (no fields), an empty JSON
/// body has no fields, arrays have no fields; anything else that is not a JSON object or array
/// (a syntax error, a bare string, number, `true` or `null`) cannot be processed.
pub fn read_fields(
    headers: &HeaderMap,
    body: Option<&[u8]>,
    faults: &Faults,
) -> Result<Map<String, Value>, ApiError> {
    let Some(body) = body else {
        return Err(ApiError::unable_to_process());
    };
    let json = if faults.has(f::CONTENT_TYPE_COMPARED_EXACTLY) {
        is_exactly_json(headers)
    } else {
        is_json(headers)
    };
    if !json && !faults.has(f::ACCEPT_ANY_CONTENT_TYPE) {
        return Ok(Map::new());
    }
    if body.is_empty() {
        return Ok(Map::new());
    }
    // body-parser's strict mode: the first non-blank character must open an object or array.
    let first = body
        .iter()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
    let parsed = match first {
        Some(b'{' | b'[') => serde_json::from_slice::<Value>(body).ok(),
        _ => None,
    };
    match parsed {
        Some(Value::Object(map)) => Ok(map),
        Some(_) => Ok(Map::new()),
        None if faults.has(f::INVALID_JSON_AS_MISSING_FIELDS) => Ok(Map::new()),
        None if faults.has(f::INVALID_JSON_500) => Err(ApiError::internal(
            "SyntaxError: Unexpected token in JSON at position 0".into(),
        )),
        None => Err(ApiError::unable_to_process()),
    }
}

/// A valid change request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub old_password: String,
    pub new_password: String,
}

/// One field: absent (`Ok(None)`), valid, or the first error about it.
fn check_field(
    fields: &Map<String, Value>,
    name: &str,
    faults: &Faults,
) -> Result<Option<String>, ApiError> {
    let value = match fields.get(name) {
        None => return Ok(None),
        Some(Value::Null) if faults.has(f::NULL_AS_ABSENT) => return Ok(None),
        Some(Value::String(s)) => s.clone(),
        Some(other) if faults.has(f::ACCEPT_NON_STRING_PASSWORDS) => other.to_string(),
        Some(_) if faults.has(f::ERROR_500_ON_WRONG_TYPE) => {
            return Err(ApiError::internal(format!(
                "TypeError: {name}.trim is not a function"
            )));
        }
        Some(_) => {
            return Err(ApiError::invalid_field(format!("{name} must be a string!")));
        }
    };
    if value.len() > 4096 && faults.has(f::LONG_PASSWORD_500) {
        return Err(ApiError::internal(format!(
            "Error: {name} is too long to hash"
        )));
    }
    if value.is_empty() && faults.has(f::EMPTY_STRING_AS_MISSING) {
        return Ok(None);
    }
    let blank = value.is_empty()
        || (name == NEW && faults.has(f::WHITESPACE_PASSWORD_REJECTED) && value.trim().is_empty());
    let lenient = faults.has(f::ACCEPT_EMPTY_PASSWORDS)
        || (name == NEW && faults.has(f::ACCEPT_EMPTY_NEW_PASSWORD));
    if blank && !lenient {
        return Err(ApiError::invalid_field(format!(
            "{name} must have at least one character!"
        )));
    }
    if name == NEW && faults.has(f::MIN_LENGTH_8_NEW_PASSWORD) && value.chars().count() < 8 {
        return Err(ApiError::invalid_field(format!(
            "{name} must have at least 8 characters!"
        )));
    }
    Ok(Some(value))
}

/// The field checks in the documented order: each present field is type- and emptiness-checked
/// (old first), then absent fields are reported together.
pub fn check_change(fields: &Map<String, Value>, faults: &Faults) -> Result<Change, ApiError> {
    let order: [&str; 2] = if faults.has(f::NEW_PASSWORD_CHECKED_FIRST) {
        [NEW, OLD]
    } else {
        [OLD, NEW]
    };
    if faults.has(f::MISSING_FIELDS_BEFORE_INVALID) {
        let absent: Vec<&str> = [OLD, NEW]
            .into_iter()
            .filter(|name| !fields.contains_key(*name))
            .collect();
        if !absent.is_empty() {
            return Err(required(&absent, faults));
        }
    }
    let mut values = [None, None];
    for (slot, name) in values.iter_mut().zip(order) {
        *slot = check_field(fields, name, faults)?;
    }
    let [first, second] = values;
    let (old, new) = if order[0] == OLD {
        (first, second)
    } else {
        (second, first)
    };
    let (old_password, new_password) = match (old, new) {
        (Some(old), Some(new)) => (old, new),
        (old, new) => {
            let absent: Vec<&str> = [(OLD, old.is_none()), (NEW, new.is_none())]
                .into_iter()
                .filter_map(|(name, missing)| missing.then_some(name))
                .collect();
            return Err(required(&absent, faults));
        }
    };
    if faults.has(f::EXTRA_FIELDS_REJECTED)
        && let Some(extra) = fields.keys().find(|k| *k != OLD && *k != NEW)
    {
        return Err(ApiError::invalid_field(format!("{extra} is not allowed!")));
    }
    if faults.has(f::SAME_PASSWORD_REJECTED) && old_password == new_password {
        return Err(ApiError::invalid_field(format!(
            "{NEW} must be different from {OLD}!"
        )));
    }
    Ok(Change {
        old_password,
        new_password,
    })
}

fn required(absent: &[&str], faults: &Faults) -> ApiError {
    if faults.has(f::MISSING_FIELDS_ONLY_FIRST) {
        ApiError::required(absent.get(..1).unwrap_or(absent))
    } else {
        ApiError::required(absent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use rstest::rstest;
    use serde_json::json;

    fn headers(content_type: Option<&'static str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(ct) = content_type {
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
        }
        h
    }

    #[rstest]
    #[case::json("application/json", true)]
    #[case::json_charset("application/json; charset=utf-8", true)]
    #[case::upper("Application/JSON", true)]
    #[case::text("text/plain", false)]
    #[case::merge_patch("application/merge-patch+json", false)]
    fn content_types(#[case] ct: &'static str, #[case] json: bool) {
        assert_eq!(is_json(&headers(Some(ct))), json);
    }

    #[rstest]
    #[case::empty(b"".as_slice(), Some(json!({})))]
    #[case::object(br#"{"a":1}"#.as_slice(), Some(json!({"a": 1})))]
    #[case::array(b"[1,2]".as_slice(), Some(json!({})))]
    #[case::padded_object(b" \n{}".as_slice(), Some(json!({})))]
    #[case::string(br#""x""#.as_slice(), None)]
    #[case::number(b"12".as_slice(), None)]
    #[case::null(b"null".as_slice(), None)]
    #[case::blank(b"   ".as_slice(), None)]
    #[case::broken(b"{\"a\":".as_slice(), None)]
    #[case::invalid_utf8(b"{\"a\":\"\xff\"}".as_slice(), None)]
    fn json_bodies(#[case] body: &[u8], #[case] want: Option<Value>) {
        let got = read_fields(
            &headers(Some("application/json")),
            Some(body),
            &Faults::default(),
        );
        match want {
            Some(Value::Object(map)) => assert_eq!(got, Ok(map)),
            _ => assert_eq!(got, Err(ApiError::unable_to_process())),
        }
    }

    #[test]
    fn non_json_content_type_is_not_read() {
        let got = read_fields(
            &headers(Some("text/plain")),
            Some(b"nonsense"),
            &Faults::default(),
        );
        assert_eq!(got, Ok(Map::new()));
        let got = read_fields(&headers(None), Some(br#"{"a":1}"#), &Faults::default());
        assert_eq!(got, Ok(Map::new()));
    }

    fn check(body: Value) -> Result<Change, ApiError> {
        let Value::Object(map) = body else {
            panic!("test bodies are objects")
        };
        check_change(&map, &Faults::default())
    }

    fn invalid(d: &str) -> Result<Change, ApiError> {
        Err(ApiError::invalid_field(d.into()))
    }

    #[test]
    fn field_order_is_documented_order() {
        assert_eq!(
            check(json!({"new_password": ""})),
            invalid("new_password must have at least one character!")
        );
        assert_eq!(
            check(json!({"old_password": 1, "new_password": 2})),
            invalid("old_password must be a string!")
        );
        assert_eq!(
            check(json!({"old_password": "", "new_password": 2})),
            invalid("old_password must have at least one character!")
        );
        assert_eq!(
            check(json!({})),
            Err(ApiError::required(&["old_password", "new_password"]))
        );
        assert_eq!(
            check(json!({"new_password": "x"})),
            Err(ApiError::required(&["old_password"]))
        );
        assert_eq!(
            check(json!({"old_password": "a", "new_password": " ", "x": 1})),
            Ok(Change {
                old_password: "a".into(),
                new_password: " ".into()
            })
        );
    }
}
