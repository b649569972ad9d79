//! The typed form of a case file (`cases/*.yaml`). Cases speak abstract outcomes and abstract fields
//! only; `expect_by_dialect` and `dialects` hold the few dialect-specific overrides.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_saphyr::Spanned;

use crate::spec::Outcome;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseFile {
    /// Theme shown in reports; defaults to the file name without extension.
    #[serde(default)]
    pub theme: Option<String>,
    pub cases: Vec<CaseDef>,
}

/// One case as written: "a valid change of the actor's own password, except ...".
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseDef {
    pub id: Spanned<String>,
    pub title: String,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Who sends the request: a role name or a selector (`@one`, `@self_service`, `@own_only`,
    /// `@no_route`, `@admin`, `@any`). Selectors expand into one case per role.
    #[serde(default, rename = "as")]
    pub actor: Option<Spanned<String>>,
    /// Whose password: `self`, `other`, `nonexistent`, `malformed`.
    #[serde(default)]
    pub user: Option<Spanned<String>>,
    /// For `user: other`: a role or selector for the target; default any other account.
    #[serde(default)]
    pub user_role: Option<Spanned<String>>,
    /// Credential sent: `valid` (default), `none`, `malformed`, `foreign` (right shape, wrong signer).
    #[serde(default)]
    pub auth: Option<Spanned<String>>,
    /// Traits the acting account must have (e.g. `password-history`); such accounts are used only
    /// by cases that require them.
    #[serde(default)]
    pub requires: Vec<String>,
    /// Traits the target account (`user: other`) must have, e.g. `other-institute`.
    #[serde(default)]
    pub user_requires: Vec<String>,
    /// Abstract fields left out of the request.
    #[serde(default)]
    pub absent: Vec<Spanned<String>>,
    /// Abstract field -> value, with YAML's own types; strings may use `{{ current_password }}`,
    /// `{{ new_password }}`.
    #[serde(default)]
    pub body: Option<Spanned<IndexMap<String, Value>>>,
    /// Keys that are no field of any API (e.g. `unexpected_field: x`), added to the JSON body as
    /// they are: documented contracts ignore unknown fields.
    #[serde(default)]
    pub extra: IndexMap<String, Value>,
    /// One field with several values: one case each.
    #[serde(default)]
    pub vary: Option<Vary>,
    /// Bytes sent as the body instead of the JSON object (for malformed bodies).
    #[serde(default)]
    pub raw_body: Option<String>,
    /// HTTP method sent instead of the dialect's (for "wrong method" cases).
    #[serde(default)]
    pub method: Option<String>,
    /// Content-Type sent instead of the dialect's; `none` sends no Content-Type header.
    #[serde(default)]
    pub content_type: Option<String>,
    /// Abstract outcome name, or an explicit response (only in dialect-restricted cases).
    pub expect: Spanned<Expect>,
    /// Dialect name -> expectation replacing `expect` there.
    #[serde(default)]
    pub expect_by_dialect: IndexMap<String, Spanned<Expect>>,
    /// Restricts the case to some dialects.
    #[serde(default)]
    pub dialects: Option<DialectFilter>,
    /// Cases generated from the dialect: families of values for one field (or for the headers
    /// and the body), each with the outcome the dialect documents for it (`expect: computed`).
    #[serde(default)]
    pub generate: Option<Generate>,
    /// Set on the cases the generator derives from this one (never read from a file).
    #[serde(skip)]
    pub generated: Option<Generated>,
}

/// `generate: {field: new_password, families: [types, empty, lengths, unicode]}`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Generate {
    /// The abstract field the values are for; families about headers or the body need none.
    #[serde(default)]
    pub field: Option<Spanned<String>>,
    pub families: Vec<Spanned<String>>,
}

/// What the generator decided for one derived case, beyond what a case file can say.
#[derive(Debug, Clone, Default)]
pub struct Generated {
    /// The family the value comes from (`unicode`, `ids`...).
    pub family: String,
    /// Where the contract is silent: any of these outcomes is acceptable, checked for status and
    /// schema only (`expect` is then the first of them).
    pub any_of: Vec<String>,
    /// HTTP's own refusals (413, 414, 431; 404/405 for a route variant) are acceptable too.
    pub refusals: Vec<u16>,
    /// Appended to the route's path (`/`, for the trailing-slash variant).
    pub path_suffix: String,
    /// The body as JSON text with `{{ variables }}` (duplicate keys cannot be a JSON value).
    pub body_text: Option<String>,
}

/// Outcome name a generator case gives as `expect`: the generator computes each value's.
pub const COMPUTED: &str = "computed";

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Vary {
    pub field: Spanned<String>,
    pub values: Vec<Value>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Expect {
    Outcome(String),
    Explicit(Box<Outcome>),
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DialectFilter {
    #[serde(default)]
    pub only: Vec<String>,
    #[serde(default)]
    pub skip: Vec<String>,
}

impl DialectFilter {
    /// `lineage` is the dialect's name followed by those it extends: a case for `openspecimen`
    /// also runs on `openspecimen-legacy`.
    pub fn admits(&self, lineage: &[String]) -> bool {
        let named = |list: &[String]| list.iter().any(|n| lineage.contains(n));
        (self.only.is_empty() || named(&self.only)) && !named(&self.skip)
    }
}
