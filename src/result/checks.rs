//! One check of one answer, typed: what kind of promise it tests (`CheckKind`) and, for headers
//! and body fields, which one. Reports and tools read the kind; people read the label, which the
//! JSON results also carry (`name`), so `results.json` stays readable.

use serde::{Deserialize, Serialize};

/// What a check tests. The label of each kind is what reports print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckKind {
    Status,
    ContentType,
    /// A documented response header; `at` names it.
    Header,
    /// The body's form (empty, JSON).
    Body,
    /// The body against the documented JSON Schema.
    Schema,
    /// A documented value at a JSON pointer; `at` is the pointer.
    Field,
    /// The new password logs in after an accepted change.
    NewPasswordLogin,
    /// The old password no longer logs in after an accepted change.
    OldPasswordLogin,
    /// The session that changed its own password stays valid.
    SessionAfterChange,
    /// After someone else's change, the target's earlier session has ended.
    TargetSessionEnded,
    /// After someone else's change, the target's next login demands a reset.
    ForcedReset,
}

impl CheckKind {
    /// The label reports print (with `at` appended for headers and fields).
    pub fn label(self) -> &'static str {
        match self {
            CheckKind::Status => "status",
            CheckKind::ContentType => "content-type",
            CheckKind::Header => "header",
            CheckKind::Body => "body",
            CheckKind::Schema => "schema",
            CheckKind::Field => "field",
            CheckKind::NewPasswordLogin => "login with the new password",
            CheckKind::OldPasswordLogin => "login with the old password",
            CheckKind::SessionAfterChange => "session after the change",
            CheckKind::TargetSessionEnded => "target's earlier session after the change",
            CheckKind::ForcedReset => "forced reset after another user's change",
        }
    }

    /// A check of the answer itself, comparable with what the contract documents (as opposed to
    /// the proof that a password changed, and the body's form).
    pub fn is_comparable(self) -> bool {
        matches!(
            self,
            CheckKind::Status | CheckKind::ContentType | CheckKind::Header | CheckKind::Field
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "CheckRecord", from = "CheckRecord")]
pub struct CheckResult {
    pub kind: CheckKind,
    /// The header name or JSON pointer a `Header` or `Field` check is about.
    pub at: Option<String>,
    pub passed: bool,
    pub expected: String,
    pub actual: String,
    /// Extra lines, e.g. one per JSON Schema error.
    pub details: Vec<String>,
    /// For a failed `schema` check: `"file#/pointer"` -> the part of the schema each error comes
    /// from (the object holding the failing keyword), so a report can show the rule next to the
    /// error without the spec files at hand.
    pub schema_fragment: Option<serde_json::Value>,
}

impl CheckResult {
    pub fn new(
        kind: CheckKind,
        passed: bool,
        expected: impl Into<String>,
        actual: impl Into<String>,
    ) -> Self {
        CheckResult {
            kind,
            at: None,
            passed,
            expected: expected.into(),
            actual: actual.into(),
            details: Vec::new(),
            schema_fragment: None,
        }
    }

    /// The same check about one header or JSON pointer.
    pub fn at(mut self, at: impl Into<String>) -> Self {
        self.at = Some(at.into());
        self
    }

    /// `status`, `content-type`, `header WWW-Authenticate`, `field /code`...
    pub fn label(&self) -> String {
        match &self.at {
            Some(at) => format!("{} {at}", self.kind.label()),
            None => self.kind.label().to_string(),
        }
    }
}

/// The JSON form: the kind for tools, the label for people.
#[derive(Serialize, Deserialize)]
struct CheckRecord {
    kind: CheckKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    at: Option<String>,
    /// Written for readers; recomputed from `kind` and `at` when read.
    #[serde(default)]
    name: String,
    passed: bool,
    expected: String,
    actual: String,
    details: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    schema_fragment: Option<serde_json::Value>,
}

impl From<CheckResult> for CheckRecord {
    fn from(c: CheckResult) -> Self {
        CheckRecord {
            name: c.label(),
            kind: c.kind,
            at: c.at,
            passed: c.passed,
            expected: c.expected,
            actual: c.actual,
            details: c.details,
            schema_fragment: c.schema_fragment,
        }
    }
}

impl From<CheckRecord> for CheckResult {
    fn from(r: CheckRecord) -> Self {
        CheckResult {
            kind: r.kind,
            at: r.at,
            passed: r.passed,
            expected: r.expected,
            actual: r.actual,
            details: r.details,
            schema_fragment: r.schema_fragment,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_carries_kind_and_a_readable_name_and_reads_back() {
        let c = CheckResult::new(CheckKind::Field, false, "400", "200").at("/code");
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["kind"], "field");
        assert_eq!(json["at"], "/code");
        assert_eq!(json["name"], "field /code");
        let back: CheckResult = serde_json::from_value(json).unwrap();
        assert_eq!(back, c);
        let proof = CheckResult::new(CheckKind::NewPasswordLogin, true, "accepted", "accepted");
        assert_eq!(
            serde_json::to_value(&proof).unwrap()["name"],
            "login with the new password"
        );
    }
}
