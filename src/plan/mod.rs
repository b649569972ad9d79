//! Planning: cases x dialect x accounts -> an ordered list of concrete steps. Pure: no I/O, so
//! `pwconform plan` can print exactly what a run would send.
//!
//! Values only known at run time (tokens, ids read at login, the fresh password) stay as
//! `{{ variables }}` in the step and are filled in by `exec`.

mod expand;
mod expect;
mod placement;

use serde::Serialize;
use serde_json::Value;

pub use expand::expand_case;
pub use expect::{Expectation, Subject, kind_of, resolve_expectation};
pub use placement::valid_change;

use crate::case::Case;
use crate::spec::LoadedDialect;
use crate::target::Target;

/// Whose password a step is about.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum TargetUser {
    /// An account of the run (index into `Target::accounts`).
    Account(usize),
    /// A fixed id that belongs to nobody, or is malformed.
    Literal(Value),
}

/// Which credential the step sends.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AuthMode {
    Valid,
    None,
    Malformed,
    Foreign,
}

/// The request body before run-time values are filled in.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum BodyPlan {
    /// A JSON object (dialect keys), its strings may hold `{{ variables }}`.
    Json(Value),
    /// Bytes sent as they are.
    Raw(String),
    /// JSON text with `{{ variable | json }}` templates, for what a JSON value cannot hold
    /// (duplicate keys); its new password is always `{{ new_password }}`.
    Text(String),
}

/// A request with `{{ variables }}` still in it.
#[derive(Debug, Clone, Serialize)]
pub struct RequestTemplate {
    pub method: String,
    /// Path with `{{ variables }}`, e.g. `/v1/users/{{ user_id }}/password`.
    pub path: String,
    pub query: Vec<(String, String)>,
    /// `None`: no Content-Type header.
    pub content_type: Option<String>,
    pub body: BodyPlan,
}

/// One concrete request to send and how to judge the answer.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub dialect: String,
    pub id: String,
    pub title: String,
    pub theme: String,
    /// The case file's name as shown in messages.
    pub file: String,
    /// The line of the case's `id:` in that file (JUnit `line`, GitHub annotations).
    pub line: Option<u64>,
    pub tags: Vec<String>,
    /// Index into `Target::accounts`; `None` only in skipped steps.
    pub actor: Option<usize>,
    pub target: TargetUser,
    pub auth: AuthMode,
    pub request: RequestTemplate,
    pub expect: Expectation,
    /// The body key the new password is sent under, to know what the server may have stored.
    pub new_password_key: Option<String>,
    /// Why the step cannot run (e.g. no account for a role); reported as skipped.
    pub skip: Option<String>,
    /// Accounts this step may act on or change, sorted: they are locked while it runs.
    pub accounts: Vec<usize>,
    /// What the step is about: its fields and the dialect rules it exercises.
    pub subject: crate::result::CaseSubject,
}

impl Step {
    /// The account whose password the step may change, if any.
    pub fn target_account(&self) -> Option<usize> {
        match self.target {
            TargetUser::Account(i) => Some(i),
            TargetUser::Literal(_) => None,
        }
    }
}

/// Every step of one dialect, in case-file order.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub dialect: String,
    pub steps: Vec<Step>,
}

/// Builds the plan of `dialect` for `cases` against `target`'s accounts.
pub fn build_plan(cases: &[Case], dialect: &LoadedDialect, target: &Target) -> Plan {
    let steps = cases
        .iter()
        .filter(|c| {
            c.def
                .dialects
                .as_ref()
                .is_none_or(|f| f.admits(&dialect.lineage))
        })
        // The one seam with the generator: a case with `generate:` stands for the cases it
        // derives on this dialect; any other case for itself.
        .flat_map(|c| crate::generate::expand(c, dialect))
        .flat_map(|c| expand_case(&c, dialect, target))
        .collect();
    Plan {
        dialect: dialect.name().to_string(),
        steps,
    }
}
