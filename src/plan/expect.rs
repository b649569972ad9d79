//! Turns an abstract outcome into the concrete response a dialect documents for this case.

use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::spec::{BodyKind, CompiledSchema, LoadedDialect, Outcome, Refinement};
use crate::template::{render_str, render_value};

/// What the answer to one step must look like.
#[derive(Debug, Clone, Serialize)]
pub struct Expectation {
    /// Abstract outcome (`explicit` for a case-level response).
    pub outcome: String,
    pub status: Vec<u16>,
    pub content_type: Option<String>,
    pub body: BodyKind,
    pub schema: Option<String>,
    #[serde(skip)]
    pub compiled: Option<Arc<CompiledSchema>>,
    /// JSON pointer -> expected value.
    pub fields: Vec<(String, Value)>,
    pub headers: Vec<(String, String)>,
    pub doc: Option<String>,
    /// Index of the outcome's `when:` refinement that applied, if one did.
    pub refinement: Option<usize>,
    /// Where the contract is silent: the answer must be one of these (status, Content-Type, body
    /// form and schema only); `status` above is then all of theirs.
    pub any_of: Vec<Expectation>,
}

impl Expectation {
    /// Whether a 2xx answer is the expected one (the password is meant to change).
    pub fn expects_success(&self) -> bool {
        if !self.any_of.is_empty() {
            return self.any_of.iter().any(Expectation::expects_success);
        }
        !self.status.is_empty() && self.status.iter().all(|s| (200..300).contains(s))
    }

    /// The expectation of a contract-silent case: any of `alternatives`, or one of HTTP's own
    /// `refusals` (413...), whose bodies are not the API's.
    pub fn any_of(mut alternatives: Vec<Expectation>, refusals: &[u16]) -> Expectation {
        if !refusals.is_empty() {
            alternatives.push(Expectation {
                outcome: "http_refusal".into(),
                status: refusals.to_vec(),
                ..Expectation::none("http_refusal")
            });
        }
        let mut status: Vec<u16> = alternatives.iter().flat_map(|a| a.status.clone()).collect();
        status.sort_unstable();
        status.dedup();
        Expectation {
            status,
            any_of: alternatives,
            ..Expectation::none("any_documented")
        }
    }

    /// Nothing expected yet (an expectation that could not be resolved).
    pub fn none(outcome: &str) -> Expectation {
        Expectation {
            outcome: outcome.to_string(),
            status: Vec::new(),
            content_type: None,
            body: BodyKind::Any,
            schema: None,
            compiled: None,
            fields: Vec::new(),
            headers: Vec::new(),
            doc: None,
            refinement: None,
            any_of: Vec::new(),
        }
    }
}

/// What the case is about, for `when` refinements and `{{ field }}` texts.
#[derive(Debug, Clone, Default)]
pub struct Subject {
    /// Abstract fields, in the dialect's field order.
    pub fields: Vec<String>,
    /// Kind of the value sent for the first of them.
    pub kind: Option<&'static str>,
    /// `self` or `other`.
    pub target: &'static str,
    /// The credential sent: `valid`, `none`, `malformed`, `foreign`.
    pub auth: &'static str,
    /// For a raw-body case, what the body is (see [`raw_kind`]); `None` for a JSON-object case.
    pub raw: Option<&'static str>,
}

/// What a raw body is, as `raw:` refinements name it: `empty`, `invalid` (not JSON), or the kind
/// of JSON value it parses as.
pub fn raw_kind(raw: &str) -> &'static str {
    if raw.is_empty() {
        return "empty";
    }
    match serde_json::from_str::<Value>(raw) {
        Err(_) => "invalid",
        Ok(Value::Null) => "null",
        Ok(Value::Bool(_)) => "boolean",
        Ok(Value::Number(_)) => "number",
        Ok(Value::String(_)) => "string",
        Ok(Value::Array(_)) => "array",
        Ok(Value::Object(_)) => "object",
    }
}

/// An expectation a dialect cannot give a step, and where in the dialect file that comes from
/// (`["outcomes", NAME, "when", I]`; empty when no entry of the file is at fault).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    pub at: Vec<String>,
    pub message: String,
}

impl Unresolved {
    /// The dialect maps no response for the outcome.
    pub fn unmapped(outcome: &str) -> Unresolved {
        Unresolved {
            at: Vec::new(),
            message: format!("dialect does not map outcome `{outcome}`"),
        }
    }
}

impl std::fmt::Display for Unresolved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.at.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", crate::source::dotted(&self.at), self.message)
        }
    }
}

/// The outcome's answer for this subject: the outcome with its first matching refinement merged
/// over it. An error says which outcome or refinement of the dialect it comes from.
pub fn resolve_expectation(
    outcome_name: &str,
    outcome: &Outcome,
    dialect: &LoadedDialect,
    subject: &Subject,
) -> Result<Expectation, Unresolved> {
    // The outcome's own settings: its refinements are not cloned for every step (a 10,000-case
    // plan spent more on cloning them than on anything else).
    let mut merged = Outcome {
        status: outcome.status.clone(),
        content_type: outcome.content_type.clone(),
        body: outcome.body,
        schema: outcome.schema.clone(),
        fields: outcome.fields.clone(),
        headers: outcome.headers.clone(),
        doc: outcome.doc.clone(),
        when: Vec::new(),
    };
    let refinement = refinement_for(outcome, subject);
    if let Some(r) = refinement.and_then(|i| outcome.when.get(i)) {
        overlay(&mut merged, &r.then);
    }
    resolve_merged(outcome_name, merged, refinement, dialect, subject).map_err(|message| {
        let mut at = vec!["outcomes".to_string(), outcome_name.to_string()];
        if let Some(i) = refinement {
            at.extend(["when".to_string(), i.to_string()]);
        }
        Unresolved { at, message }
    })
}

fn resolve_merged(
    outcome_name: &str,
    merged: Outcome,
    refinement: Option<usize>,
    dialect: &LoadedDialect,
    subject: &Subject,
) -> Result<Expectation, String> {
    let key = |abstract_name: &String| {
        dialect
            .spec
            .change_password
            .fields
            .get(abstract_name)
            .map(|p| p.key.clone())
            .unwrap_or_else(|| abstract_name.clone())
    };
    let subject_keys: Vec<String> = subject.fields.iter().map(key).collect();
    let body_keys: Vec<String> = dialect
        .spec
        .change_password
        .fields
        .iter()
        .filter(|(_, p)| p.location == crate::spec::Location::Body)
        .map(|(_, p)| p.key.clone())
        .collect();
    let lookup = |name: &str| -> Option<Value> {
        match name {
            "field" => Some(Value::String(
                subject_keys.first().cloned().unwrap_or_default(),
            )),
            "fields" => Some(Value::String(subject_keys.join(", "))),
            "body_fields" => Some(Value::String(body_keys.join(", "))),
            // The API's name of the field the case is about; only for cases about a field.
            "key" => subject_keys.first().cloned().map(Value::String),
            _ => None,
        }
    };
    let mut fields = Vec::new();
    for (pointer, v) in &merged.fields {
        let rendered = render_value(v, &lookup).map_err(|e| format!("fields.{pointer}: {e}"))?;
        let pointer = render_str(pointer, &lookup).map_err(|e| {
            format!(
                "fields.{pointer}: {e} (a case about no field, e.g. a raw body, has no key: \
                 give the refinement a `field:`, or put a `raw:` refinement before it)"
            )
        })?;
        fields.push((pointer, rendered));
    }
    let compiled =
        match &merged.schema {
            Some(s) => {
                Some(dialect.schemas.get(s).cloned().ok_or_else(|| {
                    format!("no schema file `{s}` in dialect `{}`", dialect.name())
                })?)
            }
            None => None,
        };
    let body = merged
        .body
        .unwrap_or(if compiled.is_some() || !fields.is_empty() {
            BodyKind::Json
        } else {
            BodyKind::Any
        });
    Ok(Expectation {
        outcome: outcome_name.to_string(),
        status: merged.status.map(|s| s.codes()).unwrap_or_default(),
        content_type: merged.content_type,
        body,
        schema: merged.schema,
        compiled,
        fields,
        headers: merged.headers.into_iter().collect(),
        doc: merged.doc,
        refinement,
        any_of: Vec::new(),
    })
}

/// The first of the outcome's `when:` refinements that applies to the subject.
pub(super) fn refinement_for(outcome: &Outcome, subject: &Subject) -> Option<usize> {
    outcome.when.iter().position(|r| matches(r, subject))
}

fn matches(r: &Refinement, s: &Subject) -> bool {
    let field_ok = r
        .field
        .as_ref()
        .is_none_or(|f| s.fields.first().is_some_and(|x| f.contains(x)));
    let kind_ok = r
        .kind
        .as_ref()
        .is_none_or(|k| s.kind.is_some_and(|x| k.contains(x)));
    let target_ok = r.target.as_ref().is_none_or(|t| t == s.target);
    let auth_ok = r.auth.as_ref().is_none_or(|a| a.contains(s.auth));
    let raw_ok = r
        .raw
        .as_ref()
        .is_none_or(|k| s.raw.is_some_and(|x| k.contains(x)));
    field_ok && kind_ok && target_ok && auth_ok && raw_ok
}

/// A refinement's settings replace the outcome's; its `fields` and `headers` add to them.
fn overlay(base: &mut Outcome, over: &Outcome) {
    if over.status.is_some() {
        base.status = over.status.clone();
    }
    if over.content_type.is_some() {
        base.content_type = over.content_type.clone();
    }
    if over.body.is_some() {
        base.body = over.body;
    }
    if over.schema.is_some() {
        base.schema = over.schema.clone();
    }
    if over.doc.is_some() {
        base.doc = over.doc.clone();
    }
    for (k, v) in &over.fields {
        base.fields.insert(k.clone(), v.clone());
    }
    for (k, v) in &over.headers {
        base.headers.insert(k.clone(), v.clone());
    }
}

/// The kind of a value, as refinements name it.
pub fn kind_of(v: Option<&Value>) -> &'static str {
    match v {
        None => "absent",
        Some(Value::Null) => "null",
        Some(Value::Bool(_)) => "boolean",
        Some(Value::Number(_)) => "number",
        Some(Value::Array(_)) => "array",
        Some(Value::Object(_)) => "object",
        Some(Value::String(s)) if s.is_empty() => "empty",
        Some(Value::String(s)) if s.trim().is_empty() => "blank",
        Some(Value::String(_)) => "string",
    }
}
