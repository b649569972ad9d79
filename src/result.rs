//! Plain result data: what a run did and saw. `exec` produces it, every reporter only reads it.
//! Secrets are still in here; reporters get a copy passed through [`crate::redact::Redactor`].

use serde::{Deserialize, Serialize};

mod checks;
pub use checks::{CheckKind, CheckResult};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunReport {
    pub meta: RunMeta,
    pub cases: Vec<CaseResult>,
    /// Accounts whose password the run changed and could not change back.
    pub unrestored: Vec<Unrestored>,
    /// Problems that are not one case's (login failures, interrupted run...).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunMeta {
    pub tool_version: String,
    pub target: String,
    pub dialects: Vec<String>,
    /// Seconds since the Unix epoch.
    pub started_unix: u64,
    pub duration_ms: u64,
    pub command_line: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Fail,
    /// Could not be run (e.g. no account for the role); not a failure.
    Skip,
    /// The target could not be asked (connection refused, timeout...).
    Error,
    /// Failed, but listed in the baseline as a known deviation; does not fail the run.
    Known,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CaseResult {
    pub dialect: String,
    /// Expanded id, e.g. `wrong-type[old_password=123]`.
    pub id: String,
    pub title: String,
    pub theme: String,
    pub tags: Vec<String>,
    /// Abstract outcome expected (or `explicit`).
    pub expected_outcome: String,
    pub verdict: Verdict,
    /// One line per reason the case did not pass.
    pub reasons: Vec<String>,
    pub checks: Vec<CheckResult>,
    pub exchanges: Vec<Exchange>,
    /// Accounts whose password the request changed (the named user, the caller, or both), each
    /// with the step of the restore ladder that put it back.
    #[serde(default)]
    pub changed_accounts: Vec<ChangedAccount>,
    /// The case expected the change (the happy path); otherwise the change was a deviation.
    #[serde(default)]
    pub change_expected: bool,
    pub duration_ms: u64,
    /// Documentation of the contract this case checks.
    pub doc: Option<String>,
    /// What the case is about, from the plan (results of older versions have none).
    #[serde(default)]
    pub subject: CaseSubject,
    /// The case file the case is defined in, as named in messages (`cases/auth.yaml`,
    /// `(embedded)/cases/auth.yaml`), and the line of its `id:`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

/// An account a case changed, and how it was put back.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ChangedAccount {
    /// `educator#1 (edu1)`.
    pub account: String,
    /// The rung of the restore ladder that worked; `None`: not restored (see `unrestored`).
    pub restored_by: Option<RestoredBy>,
}

/// The restore ladder, in the order its steps are tried.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum RestoredBy {
    /// The account changed its own password back (or completed a forced reset).
    Itself,
    /// The account that made the change changed it back the same way.
    Actor,
    /// An administrator of the accounts file used the dialect's `admin_reset`.
    AdminReset,
}

impl RestoredBy {
    pub fn label(self) -> &'static str {
        match self {
            RestoredBy::Itself => "itself",
            RestoredBy::Actor => "the actor",
            RestoredBy::AdminReset => "admin reset",
        }
    }
}

impl std::fmt::Display for RestoredBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// What a case is about, carried from the plan so reports need not guess it from ids.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSubject {
    /// Abstract fields the case varies (`old_password`...), in the dialect's order; empty when it
    /// is about no field (a token, a role, the body as a whole).
    #[serde(default)]
    pub fields: Vec<String>,
    /// The dialect rules the case exercises, by rule id (see `crate::coverage`): the outcome, the
    /// `when:` refinement that applied, the role entry.
    #[serde(default)]
    pub rules: Vec<String>,
}

/// One HTTP request and what came back.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Exchange {
    /// Why it was sent: `case`, `verify-new-password`, `verify-old-password`, `restore`, `login`...
    pub purpose: String,
    pub request: RequestRecord,
    pub response: Option<ResponseRecord>,
    /// Transport failure instead of a response.
    pub error: Option<String>,
    pub duration_ms: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequestRecord {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResponseRecord {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The body was longer than the cap and was cut.
    pub truncated: bool,
    /// The body is not valid UTF-8; `body` holds a lossy copy (U+FFFD for the bad bytes).
    #[serde(default)]
    pub invalid_utf8: bool,
}

impl ResponseRecord {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Unrestored {
    pub dialect: String,
    pub role: String,
    pub username: String,
    pub reason: String,
    pub journal: Option<String>,
    /// What a person must do by hand, exactly.
    #[serde(default)]
    pub manual: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Totals {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub errors: usize,
    pub known: usize,
}

impl RunReport {
    pub fn totals(&self) -> Totals {
        totals_of(self.cases.iter())
    }
}

pub fn totals_of<'a>(cases: impl Iterator<Item = &'a CaseResult>) -> Totals {
    let mut t = Totals::default();
    for c in cases {
        match c.verdict {
            Verdict::Pass => t.passed += 1,
            Verdict::Fail => t.failed += 1,
            Verdict::Skip => t.skipped += 1,
            Verdict::Error => t.errors += 1,
            Verdict::Known => t.known += 1,
        }
    }
    t
}
