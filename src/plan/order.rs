//! Check-order rules: the dialect's `check_order` says, for two fields `A` then `B`, that a
//! request in which both fail is answered with `A`'s error (`order:A<B`). A step exercises that
//! rule when `A` and `B` both fail in it (not both by being absent: absent fields are often
//! reported together) and its expected answer is `A`'s.
//!
//! Two stages may stand in a rule too: `credential` (authentication, only as `first`) and `body`
//! (reading the body: its media type and JSON, only as `then`). `order:credential<body` is
//! exercised by a step that sends no valid credential and a body that cannot be read, and expects
//! `unauthenticated`; `order:credential<FIELD` by one whose FIELD fails instead.

use indexmap::IndexMap;
use serde_json::Value;

use super::AuthMode;
use super::expect::{Expectation, Subject};
use crate::coverage::rule;
use crate::generate::expect::field_valid;
use crate::spec::LoadedDialect;

/// Outcomes that answer before, or without, any field check: they say nothing about field order.
const NOT_ABOUT_FIELDS: &[&str] = &[
    "changed",
    "forbidden",
    "unauthenticated",
    "malformed_body",
    "unsupported_media_type",
    "explicit",
];

/// Authentication, as a stage of a check-order rule.
pub const CREDENTIAL: &str = "credential";
/// Reading the body (media type, JSON), as a stage of a check-order rule.
pub const BODY: &str = "body";

/// The dialect's check-order rules, as `(first, then)`.
pub fn pairs(dialect: &LoadedDialect) -> Vec<(String, String)> {
    dialect
        .spec
        .check_order
        .iter()
        .map(|r| (r.first.clone(), r.then.clone()))
        .collect()
}

/// What one step sends, as far as field checks go.
pub(super) struct Sent<'a> {
    pub fields: &'a IndexMap<String, Value>,
    pub absent: &'a [String],
    /// The step names a malformed user id.
    pub malformed_id: bool,
    pub auth: AuthMode,
    /// The body cannot be read: not JSON, empty, or sent with a media type that is not JSON.
    pub body_unreadable: bool,
}

impl Sent<'_> {
    /// Whether `field`'s own check fails: absent, refused by the request schema, or the malformed id.
    fn fails(&self, dialect: &LoadedDialect, field: &str) -> bool {
        if self.absent.iter().any(|a| a == field) {
            return true;
        }
        if field == "user_id" && self.malformed_id {
            return true;
        }
        // A `{{ template }}` is the run's valid value (the current password, the fresh one, the
        // target's id): only a literal can fail.
        self.fields.get(field).is_some_and(|v| {
            !v.as_str().is_some_and(|s| s.contains("{{"))
                && field_valid(dialect, field, v) == Some(false)
        })
    }
}

/// The `order:A<B` rules the step exercises.
pub(super) fn exercised(
    dialect: &LoadedDialect,
    sent: &Sent,
    subject: &Subject,
    expect: &Expectation,
) -> Vec<String> {
    let outcome = expect.outcome.as_str();
    if sent.auth != AuthMode::Valid && outcome == "unauthenticated" && expect.any_of.is_empty() {
        return credential_first(dialect, sent);
    }
    if sent.auth != AuthMode::Valid
        || !expect.any_of.is_empty()
        || NOT_ABOUT_FIELDS.contains(&outcome)
    {
        return Vec::new();
    }
    // The field whose error the expected answer is: the malformed id's, else the subject's.
    let winner = if sent.malformed_id && outcome == "invalid_user_id" {
        Some("user_id")
    } else {
        subject
            .fields
            .iter()
            .map(String::as_str)
            .find(|f| sent.fails(dialect, f))
    };
    let Some(winner) = winner else {
        return Vec::new();
    };
    let absent = |f: &str| sent.absent.iter().any(|a| a == f);
    pairs(dialect)
        .into_iter()
        .filter(|(a, b)| a == winner && sent.fails(dialect, b) && !(absent(a) && absent(b)))
        .map(|(a, b)| rule::order(&a, &b))
        .collect()
}

/// The `order:credential<X` rules a step refused for its credential exercises: X (the body, or a
/// field) fails in it too.
fn credential_first(dialect: &LoadedDialect, sent: &Sent) -> Vec<String> {
    pairs(dialect)
        .into_iter()
        .filter(|(a, b)| {
            a == CREDENTIAL
                && if b == BODY {
                    sent.body_unreadable
                } else {
                    sent.fails(dialect, b)
                }
        })
        .map(|(a, b)| rule::order(&a, &b))
        .collect()
}
