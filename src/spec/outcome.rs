//! The documented response for each abstract outcome of a dialect, and the refinements (`when:`)
//! that narrow it for one field, value kind, credential or raw body.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The documented response for one abstract outcome. `when` refines it for a field or value kind.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    #[serde(default)]
    pub status: Option<StatusSet>,
    /// Media type the answer must carry (compared without parameters, case-insensitively).
    #[serde(default)]
    pub content_type: Option<String>,
    #[serde(default)]
    pub body: Option<BodyKind>,
    /// Schema file, relative to the dialect folder.
    #[serde(default)]
    pub schema: Option<String>,
    /// JSON pointer -> expected value; strings may use `{{ field }}`, `{{ fields }}`, `{{ body_fields }}`.
    #[serde(default)]
    pub fields: IndexMap<String, Value>,
    /// Required response headers (name -> expected value prefix).
    #[serde(default)]
    pub headers: IndexMap<String, String>,
    /// The documentation line this outcome is promised by.
    #[serde(default)]
    pub doc: Option<String>,
    /// Refinements, first match wins, merged over the fields above.
    #[serde(default)]
    pub when: Vec<Refinement>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Refinement {
    /// Abstract field the case is about (the first one, in the dialect's field order).
    #[serde(default)]
    pub field: Option<OneOrMany>,
    /// Kind of value sent for that field: absent, null, empty, blank, string, number, boolean, array, object.
    #[serde(default)]
    pub kind: Option<OneOrMany>,
    /// `self` or `other`: whose password the request is about.
    #[serde(default)]
    pub target: Option<String>,
    /// Credential sent: `valid`, `none`, `malformed`, `foreign`.
    #[serde(default)]
    pub auth: Option<OneOrMany>,
    /// Only raw-body cases, by what the raw body is: `invalid` (not JSON), `empty` (no bytes), or
    /// the JSON kind it parses as: `null`, `string`, `number`, `boolean`, `array`, `object`.
    #[serde(default)]
    pub raw: Option<OneOrMany>,
    #[serde(flatten)]
    pub then: Outcome,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn contains(&self, s: &str) -> bool {
        match self {
            OneOrMany::One(v) => v == s,
            OneOrMany::Many(v) => v.iter().any(|x| x == s),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(untagged)]
pub enum StatusSet {
    One(u16),
    Many(Vec<u16>),
}

impl StatusSet {
    pub fn contains(&self, s: u16) -> bool {
        match self {
            StatusSet::One(v) => *v == s,
            StatusSet::Many(v) => v.contains(&s),
        }
    }
    pub fn codes(&self) -> Vec<u16> {
        match self {
            StatusSet::One(v) => vec![*v],
            StatusSet::Many(v) => v.clone(),
        }
    }
}

/// What the body must be, beyond its schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    /// Parses as JSON (and matches `schema` if given).
    Json,
    /// No bytes at all.
    Empty,
    /// Anything (e.g. an HTML error page).
    Any,
}
