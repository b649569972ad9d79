//! Planning: cases x dialect x accounts -> an ordered list of concrete steps. Pure: no I/O, so
//! `pwconform plan` can print exactly what a run would send.
//!
//! Values only known at run time (tokens, ids read at login, the fresh password) stay as
//! `{{ variables }}` in the step and are filled in by `exec`.

mod expand;
mod expect;
pub mod order;
mod placement;
mod select;
mod spread;
mod state;
mod step_facts;

use serde::Serialize;
use serde_json::Value;

pub use expand::expand_case;
pub use expect::{Expectation, Subject, Unresolved, kind_of, raw_kind, resolve_expectation};
pub use placement::valid_change;
pub use select::Selection;
pub use state::PlanState;

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

impl AuthMode {
    /// The name cases and `auth:` refinements use.
    pub fn name(self) -> &'static str {
        match self {
            AuthMode::Valid => "valid",
            AuthMode::None => "none",
            AuthMode::Malformed => "malformed",
            AuthMode::Foreign => "foreign",
        }
    }
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
    /// Where in the dialect file the skip comes from (an outcome or refinement that cannot give
    /// this step an expectation), for `lint` to point at.
    pub skip_at: Option<Vec<String>>,
    /// Why the case does not apply to this dialect at all (a field the route does not take, an
    /// outcome the API cannot produce), as the dialect says; reported as skipped, and by `lint`
    /// and `plan` as left out rather than as a problem.
    pub not_applicable: Option<String>,
    /// Accounts this step may act on or change, sorted: they are locked while it runs.
    pub accounts: Vec<usize>,
    /// What the step is about: its fields and the dialect rules it exercises.
    pub subject: crate::result::CaseSubject,
}

impl Step {
    /// Why the step is not sent, if it is not: not applicable first, then a missing account.
    pub fn skipped(&self) -> Option<&String> {
        self.not_applicable.as_ref().or(self.skip.as_ref())
    }

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
    let mut state = PlanState::default();
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
        .flat_map(|c| expand_case(&c, dialect, target, &mut state))
        .collect();
    Plan {
        dialect: dialect.name().to_string(),
        steps,
    }
}

/// One error for every account whose user id a step needs and nobody provides: the dialect's
/// route takes an id, its login does not say where to read one (`login.user_id`), and the
/// accounts file gives no `id:`. Said once, before anything is sent, instead of once per step.
pub fn missing_ids(plan: &Plan, dialect: &LoadedDialect, target: &Target) -> Option<String> {
    let spec = &dialect.spec;
    if !spec.change_password.fields.contains_key("user_id") || spec.login.user_id.is_some() {
        return None;
    }
    let mut missing: Vec<usize> = plan
        .steps
        .iter()
        .filter(|s| s.skipped().is_none())
        .filter_map(Step::target_account)
        .filter(|i| target.accounts.get(*i).is_some_and(|a| a.id.is_none()))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    if missing.is_empty() {
        return None;
    }
    let names: Vec<String> = missing
        .iter()
        .filter_map(|i| target.accounts.get(*i).map(|a| a.label()))
        .collect();
    Some(format!(
        "dialect `{}` sends a user id (change_password.fields.user_id), its login gives none (no \
         `login.user_id`), and {} gives no `id:` for {}; add `id:` to these accounts, or say in \
         the dialect where the login answer holds the id (`login.user_id: {{from: body|jwt, at: \
         ...}}`)",
        spec.name,
        target.accounts_source,
        names.join(", ")
    ))
}
