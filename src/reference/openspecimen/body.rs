//! Reading request bodies from raw bytes, the way the documented contract describes Jackson reading
//! them: Content-Type check (415), then JSON reading with each field read as its declared type.

use axum::http::{HeaderMap, header};
use serde_json::{Map, Value};

use super::reply::Fail;
use crate::reference::Faults;

/// How forgiving the JSON reading is; strict is the documented contract, the rest are faults.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Lenience {
    pub(crate) non_string_passwords: bool,
    pub(crate) container_password_ends_body: bool,
    pub(crate) user_id_string: bool,
    pub(crate) user_id_float: bool,
    pub(crate) server_error_on_wrong_type: bool,
    pub(crate) server_error_on_malformed: bool,
}

impl Lenience {
    pub(crate) fn from_faults(faults: &Faults) -> Self {
        Lenience {
            non_string_passwords: faults.has("accept-non-string-passwords"),
            container_password_ends_body: faults.has("container-password-ends-body"),
            user_id_string: faults.has("user-id-string-accepted"),
            user_id_float: faults.has("user-id-float-truncated"),
            server_error_on_wrong_type: faults.has("500-on-wrong-type"),
            server_error_on_malformed: faults.has("500-on-malformed-json"),
        }
    }

    fn malformed(&self, message: String) -> Fail {
        if self.server_error_on_malformed {
            Fail::Server
        } else {
            Fail::Invalid(message)
        }
    }

    fn wrong_type(&self, key: &str, java_type: &str, value: &Value) -> Fail {
        if self.server_error_on_wrong_type {
            return Fail::Server;
        }
        let kind = match value {
            Value::Null => "Null",
            Value::Bool(_) => "Boolean",
            Value::Number(n) if n.is_f64() => "Floating-point",
            Value::Number(_) => "Integer",
            Value::String(_) => "String",
            Value::Array(_) => "Array",
            Value::Object(_) => "Object",
        };
        Fail::Invalid(format!(
            "JSON parse error: Cannot deserialize value of type `{java_type}` from {kind} value \
             (through reference chain: [\"{key}\"])"
        ))
    }
}

/// 415 unless the media type is `application/json` or `application/*+json`.
pub(crate) fn check_content_type(headers: &HeaderMap) -> Result<(), Fail> {
    let value = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .ok_or(Fail::UnsupportedMediaType)?;
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let json = essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"));
    if json {
        Ok(())
    } else {
        Err(Fail::UnsupportedMediaType)
    }
}

/// The body as a JSON object. Empty body and `null` are "missing"; anything else unreadable is a
/// parse error.
fn read_object(bytes: &[u8], len: &Lenience) -> Result<Map<String, Value>, Fail> {
    const MISSING: &str = "Required request body is missing";
    if bytes.is_empty() {
        return Err(len.malformed(MISSING.to_string()));
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(Value::Null) => Err(len.malformed(MISSING.to_string())),
        Ok(other) => Err(len.wrong_type("", "PasswordDetails", &other)),
        Err(e) => Err(len.malformed(format!("JSON parse error: {e}"))),
    }
}

/// `userId`: absent or null -> `None`; an integer in i64 range -> `Some`; anything else cannot be read
/// as a Long (faults aside).
fn read_user_id(obj: &Map<String, Value>, key: &str, len: &Lenience) -> Result<Option<i64>, Fail> {
    let Some(value) = obj.get(key) else {
        return Ok(None);
    };
    match value {
        Value::Null => Ok(None),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                return Ok(Some(i));
            }
            match n.as_f64() {
                // `as` saturates, so this cannot overflow or panic.
                Some(f) if len.user_id_float && n.is_f64() && f.is_finite() => {
                    Ok(Some(f.trunc() as i64))
                }
                _ => Err(len.wrong_type(key, "java.lang.Long", value)),
            }
        }
        Value::String(s) if len.user_id_string => {
            if s.is_empty() {
                Ok(None)
            } else {
                s.parse::<i64>()
                    .map(Some)
                    .map_err(|_| len.wrong_type(key, "java.lang.Long", value))
            }
        }
        _ => Err(len.wrong_type(key, "java.lang.Long", value)),
    }
}

/// A string field: absent or null -> `None`. `password` fields may take numbers/booleans as text under
/// the `accept-non-string-passwords` fault.
fn read_text(
    obj: &Map<String, Value>,
    key: &str,
    password: bool,
    len: &Lenience,
) -> Result<Option<String>, Fail> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(v @ (Value::Number(_) | Value::Bool(_))) if password && len.non_string_passwords => {
            Ok(Some(v.to_string()))
        }
        Some(other) => Err(len.wrong_type(key, "java.lang.String", other)),
    }
}

/// Body of `PUT /users/password` (and the legacy URL).
#[derive(Debug, Clone, Default)]
pub(crate) struct ChangeBody {
    pub(crate) user_id: Option<i64>,
    pub(crate) old_password: Option<String>,
    pub(crate) new_password: Option<String>,
}

pub(crate) fn read_change(bytes: &[u8], len: &Lenience) -> Result<ChangeBody, Fail> {
    let mut obj = read_object(bytes, len)?;
    if len.container_password_ends_body {
        obj = read_until_container_password(obj);
    }
    Ok(ChangeBody {
        user_id: read_user_id(&obj, "userId", len)?,
        old_password: read_text(&obj, "oldPassword", true, len)?,
        new_password: read_text(&obj, "newPassword", true, len)?,
    })
}

/// As built: an object or array sent as a password field becomes null and the rest of the body is
/// not read. The keys keep the order they were sent in (serde_json's `preserve_order`), so the
/// fields before the container are read, the container is null and the ones after it are absent.
fn read_until_container_password(obj: Map<String, Value>) -> Map<String, Value> {
    let mut read = Map::new();
    for (key, value) in obj {
        let password = key == "oldPassword" || key == "newPassword";
        if password && (value.is_array() || value.is_object()) {
            read.insert(key, Value::Null);
            break;
        }
        read.insert(key, value);
    }
    read
}

/// Body of `POST /users/reset-password`.
#[derive(Debug, Clone, Default)]
pub(crate) struct ResetBody {
    pub(crate) login_name: Option<String>,
    pub(crate) token: Option<String>,
    pub(crate) new_password: Option<String>,
}

pub(crate) fn read_reset(bytes: &[u8]) -> Result<ResetBody, Fail> {
    let len = Lenience::default();
    let obj = read_object(bytes, &len)?;
    Ok(ResetBody {
        login_name: read_text(&obj, "loginName", false, &len)?,
        token: read_text(&obj, "resetPasswordToken", false, &len)?,
        new_password: read_text(&obj, "newPassword", true, &len)?,
    })
}

/// Body of `POST /sessions`.
#[derive(Debug, Clone, Default)]
pub(crate) struct LoginBody {
    pub(crate) login_name: Option<String>,
    pub(crate) password: Option<String>,
    pub(crate) domain_name: Option<String>,
}

pub(crate) fn read_login(bytes: &[u8]) -> Result<LoginBody, Fail> {
    let len = Lenience::default();
    let obj = read_object(bytes, &len)?;
    Ok(LoginBody {
        login_name: read_text(&obj, "loginName", false, &len)?,
        password: read_text(&obj, "password", false, &len)?,
        domain_name: read_text(&obj, "domainName", false, &len)?,
    })
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn user_id_types() {
        let strict = Lenience::default();
        let read = |s: &str| read_change(s.as_bytes(), &strict).map(|b| b.user_id);
        assert_eq!(read(r#"{"userId": 5}"#), Ok(Some(5)));
        assert_eq!(read(r#"{"userId": -3}"#), Ok(Some(-3)));
        assert_eq!(read(r#"{"userId": null}"#), Ok(None));
        assert_eq!(read(r#"{}"#), Ok(None));
        for bad in [
            r#""5""#,
            "5.0",
            "1.9",
            "true",
            "[]",
            "{}",
            "18446744073709551615",
            "1e3",
        ] {
            let body = format!(r#"{{"userId": {bad}}}"#);
            assert!(
                matches!(read(&body), Err(Fail::Invalid(_))),
                "{body} should be INVALID_REQUEST"
            );
        }
        let lenient = Lenience {
            user_id_string: true,
            user_id_float: true,
            ..Lenience::default()
        };
        let read = |s: &str| read_change(s.as_bytes(), &lenient).map(|b| b.user_id);
        assert_eq!(read(r#"{"userId": "5"}"#), Ok(Some(5)));
        assert_eq!(read(r#"{"userId": ""}"#), Ok(None));
        assert_eq!(read(r#"{"userId": 1.9}"#), Ok(Some(1)));
    }

    #[test]
    fn as_built_container_password_ends_the_body() {
        let as_built = Lenience {
            container_password_ends_body: true,
            ..Lenience::default()
        };
        let read = |s: &str| read_change(s.as_bytes(), &as_built);
        let body = read(r#"{"userId": 5, "oldPassword": [], "newPassword": "n"}"#).expect("read");
        assert_eq!(body.user_id, Some(5));
        assert_eq!(body.old_password, None);
        assert_eq!(
            body.new_password, None,
            "after the container nothing is read"
        );
        let body = read(r#"{"newPassword": {}, "userId": 5, "oldPassword": "o"}"#).expect("read");
        assert_eq!((body.user_id, body.old_password), (None, None));
        let body = read(r#"{"userId": 5, "oldPassword": "o", "newPassword": [1]}"#).expect("read");
        assert_eq!(body.old_password.as_deref(), Some("o"));
        assert_eq!(body.new_password, None);
        // Documented contract: a container is a parse error.
        let strict = read_change(br#"{"userId": 5, "oldPassword": []}"#, &Lenience::default());
        assert!(matches!(strict, Err(Fail::Invalid(_))));
    }

    #[test]
    fn bodies_that_are_not_objects() {
        let strict = Lenience::default();
        let missing = |s: &str| match read_change(s.as_bytes(), &strict) {
            Err(Fail::Invalid(m)) => m,
            other => format!("{other:?}"),
        };
        assert_eq!(missing(""), "Required request body is missing");
        assert_eq!(missing("null"), "Required request body is missing");
        assert!(missing("  ").starts_with("JSON parse error"));
        assert!(missing("{").starts_with("JSON parse error"));
        assert!(missing("[1]").starts_with("JSON parse error"));
        assert!(missing("\u{0}\u{ff}").starts_with("JSON parse error"));
    }

    #[test]
    fn content_types() {
        let check = |v: Option<&str>| {
            let mut h = HeaderMap::new();
            if let Some(v) = v {
                h.insert(header::CONTENT_TYPE, v.parse().expect("header value"));
            }
            check_content_type(&h).is_ok()
        };
        assert!(check(Some("application/json")));
        assert!(check(Some("Application/JSON; charset=UTF-8")));
        assert!(check(Some("application/merge-patch+json")));
        assert!(!check(None));
        assert!(!check(Some("text/plain")));
        assert!(!check(Some("application/x-www-form-urlencoded")));
        assert!(!check(Some("text/json")));
    }
}
