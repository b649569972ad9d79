//! Where the dialect puts each abstract field (path, query or body), and the valid request that
//! every step starts from.

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::{BodyPlan, RequestTemplate};
use crate::spec::{LoadedDialect, Location};

/// Every abstract field with its valid value: the target's current password, the fresh one, its id.
pub(super) fn valid_fields(dialect: &LoadedDialect) -> IndexMap<String, Value> {
    let mut fields = IndexMap::new();
    for name in dialect.spec.change_password.fields.keys() {
        let base = match name.as_str() {
            "old_password" => "{{ current_password }}",
            // The confirmation repeats the new password.
            "new_password" | "new_password_confirmation" => "{{ new_password }}",
            _ => "{{ user_id }}",
        };
        fields.insert(name.clone(), Value::String(base.into()));
    }
    fields
}

/// The valid change of the target's own password, used to restore it.
pub fn valid_change(dialect: &LoadedDialect) -> RequestTemplate {
    let cp = &dialect.spec.change_password;
    let (path, query, body) = place_fields(dialect, &valid_fields(dialect));
    RequestTemplate {
        method: cp.method.clone(),
        path,
        query,
        content_type: Some(cp.content_type.clone()),
        body,
    }
}

/// Puts each abstract field where the dialect wants it: path, query or body.
pub(super) fn place_fields(
    dialect: &LoadedDialect,
    fields: &IndexMap<String, Value>,
) -> (String, Vec<(String, String)>, BodyPlan) {
    let cp = &dialect.spec.change_password;
    let mut path = cp.path.clone();
    let mut query: Vec<(String, String)> = cp
        .query
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut body = Map::new();
    for (name, place) in &cp.fields {
        let value = fields.get(name);
        match place.location {
            Location::Path => {
                let text = value.map(as_text).unwrap_or_default();
                path = path.replace(&format!("{{{name}}}"), &text);
            }
            Location::Query => {
                if let Some(v) = value {
                    query.push((place.key.clone(), as_text(v)));
                }
            }
            Location::Body => {
                if let Some(v) = value {
                    body.insert(place.key.clone(), v.clone());
                }
            }
        }
    }
    (path, query, BodyPlan::Json(Value::Object(body)))
}

fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
