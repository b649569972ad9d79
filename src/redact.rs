//! Redaction of secrets (passwords, tokens) from everything the tool writes.
//!
//! One [`Redactor::redact_report`] call produces the copy every output is rendered from, so no
//! reporter can forget a field (the approach Hurl takes). A secret rarely appears only verbatim:
//! it is sent base64-encoded in HTTP Basic, JSON-escaped in bodies and percent-encoded in URLs, so
//! each secret is registered in all of those forms.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use serde_json::{Map, Value};

use crate::result::{CaseResult, RunMeta, RunReport, Unrestored};

/// What every secret is replaced with, everywhere.
pub const MARKER: &str = "***";

/// Shorter secrets are ignored: redacting "" or "ab" would shred every line of output.
const MIN_SECRET_CHARS: usize = 3;

/// Headers that carry credentials whatever the dialect; dialects add their own (`X-OS-API-TOKEN`).
const DEFAULT_SENSITIVE_HEADERS: [&str; 4] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

#[derive(Clone)]
pub struct Redactor {
    /// Every form of every secret, longest first, without duplicates.
    needles: Vec<String>,
    /// `first_bytes[b]` is true when some needle starts with byte `b`: lets the scan skip most
    /// positions without comparing against every needle.
    first_bytes: [bool; 256],
    /// Lower-cased header names whose values are replaced wholesale.
    sensitive_headers: Vec<String>,
}

// Hand-written so that `{:?}` of a Redactor (e.g. in a panic or a log line) never prints a secret.
impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redactor")
            .field("needles", &self.needles.len())
            .field("sensitive_headers", &self.sensitive_headers)
            .finish()
    }
}

impl Default for Redactor {
    fn default() -> Self {
        Self::new()
    }
}

impl Redactor {
    /// A redactor with no secrets yet and the standard credential headers
    /// (`Authorization`, `Proxy-Authorization`, `Cookie`, `Set-Cookie`) already marked sensitive.
    pub fn new() -> Self {
        Self {
            needles: Vec::new(),
            first_bytes: [false; 256],
            sensitive_headers: DEFAULT_SENSITIVE_HEADERS.map(str::to_owned).to_vec(),
        }
    }

    /// Registers a secret and its encoded forms. Secrets under 3 characters are ignored.
    pub fn add_secret(&mut self, secret: &str) {
        if secret.chars().count() < MIN_SECRET_CHARS {
            return;
        }
        let forms = secret_forms(secret);
        self.add_needles(forms);
    }

    /// Registers the password, and the base64 of `username:password` that HTTP Basic sends
    /// (its encoding does not contain the password's own base64, so both are needed).
    pub fn add_basic(&mut self, username: &str, password: &str) {
        self.add_secret(password);
        if password.is_empty() {
            return;
        }
        let pair = format!("{username}:{password}");
        self.add_needles(base64_forms(pair.as_bytes()));
    }

    /// Marks a header (case-insensitive) whose values are replaced wholesale in every record.
    pub fn add_sensitive_header(&mut self, name: &str) {
        let name = name.to_ascii_lowercase();
        if !self.sensitive_headers.contains(&name) {
            self.sensitive_headers.push(name);
        }
    }

    pub fn is_sensitive_header(&self, name: &str) -> bool {
        self.sensitive_headers
            .iter()
            .any(|h| h.eq_ignore_ascii_case(name))
    }

    /// Replaces every occurrence of every secret form with [`MARKER`].
    ///
    /// One left-to-right pass taking the longest match at each position, so a secret that is a
    /// prefix of another (or of its own padded base64) never leaves a tail behind, and a marker
    /// already written is never matched again.
    pub fn redact_str(&self, text: &str) -> String {
        if self.needles.is_empty() {
            return text.to_owned();
        }
        let mut out = String::with_capacity(text.len());
        let mut copied_to = 0;
        // Needles are whole UTF-8 strings, so a match starts and ends on char boundaries.
        for (i, _) in text.char_indices() {
            if i < copied_to {
                continue;
            }
            if let Some(len) = text
                .get(i..)
                .and_then(|rest| self.match_at(rest.as_bytes()))
            {
                out.push_str(text.get(copied_to..i).unwrap_or_default());
                out.push_str(MARKER);
                copied_to = i + len;
            }
        }
        out.push_str(text.get(copied_to..).unwrap_or_default());
        out
    }

    /// Redacts every string of a JSON value in place, object keys included (a body may use data
    /// as keys).
    pub fn redact_value(&self, value: &mut Value) {
        self.redact_strings(value, true);
    }

    /// A copy of `report` safe to show: values of sensitive headers replaced wholesale, then every
    /// string redacted. Every output (terminal excepted, which sees cases one at a time) is
    /// rendered from this copy.
    pub fn redact_report(&self, report: &RunReport) -> RunReport {
        let mut copy = report.clone();
        for exchange in copy.cases.iter_mut().flat_map(|c| c.exchanges.iter_mut()) {
            self.redact_headers(&mut exchange.request.headers);
            if let Some(response) = exchange.response.as_mut() {
                self.redact_headers(&mut response.headers);
            }
        }
        // Going through `Value` covers every string field, including ones added to `result.rs`
        // later; a field nobody remembered to redact is how secrets leak.
        match self.redact_via_json(&copy) {
            Ok(redacted) => redacted,
            Err(err) => self.fail_closed(report, &err),
        }
    }

    /// One case through [`Redactor::redact_report`], for outputs that show cases as they finish
    /// (the terminal). `None` if redaction failed closed and dropped it.
    pub fn redact_case(&self, case: &CaseResult) -> Option<CaseResult> {
        let one = RunReport {
            meta: RunMeta {
                tool_version: String::new(),
                target: String::new(),
                dialects: Vec::new(),
                started_unix: 0,
                duration_ms: 0,
                command_line: String::new(),
            },
            cases: vec![case.clone()],
            unrestored: Vec::new(),
            notes: Vec::new(),
        };
        self.redact_report(&one).cases.pop()
    }

    /// Replaces the values of sensitive headers, keeping an auth scheme word (`Bearer ***`).
    pub fn redact_headers(&self, headers: &mut [(String, String)]) {
        for (name, value) in headers.iter_mut() {
            if self.is_sensitive_header(name) {
                *value = mask_header_value(value);
            }
        }
    }

    fn match_at(&self, rest: &[u8]) -> Option<usize> {
        let first = *rest.first()?;
        if !self.first_bytes.get(usize::from(first)).is_some_and(|b| *b) {
            return None;
        }
        // Longest first, so the first hit is the longest match here.
        self.needles
            .iter()
            .find(|n| rest.starts_with(n.as_bytes()))
            .map(String::len)
    }

    fn add_needles(&mut self, forms: impl IntoIterator<Item = String>) {
        self.needles
            .extend(forms.into_iter().filter(|f| !f.is_empty()));
        // Ties broken by content so the order (and so the output) does not depend on insertion.
        self.needles
            .sort_unstable_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        self.needles.dedup();
        self.first_bytes = [false; 256];
        for needle in &self.needles {
            if let Some(slot) = needle
                .as_bytes()
                .first()
                .and_then(|b| self.first_bytes.get_mut(usize::from(*b)))
            {
                *slot = true;
            }
        }
    }

    fn redact_strings(&self, value: &mut Value, keys: bool) {
        match value {
            Value::String(s) => *s = self.redact_str(s),
            Value::Array(items) => items.iter_mut().for_each(|v| self.redact_strings(v, keys)),
            Value::Object(map) => {
                map.values_mut().for_each(|v| self.redact_strings(v, keys));
                if keys && map.keys().any(|k| self.redact_str(k) != *k) {
                    // Rebuilt only when needed; `preserve_order` keeps the original key order.
                    let old = std::mem::take(map);
                    *map = old
                        .into_iter()
                        .map(|(k, v)| (self.redact_str(&k), v))
                        .collect::<Map<String, Value>>();
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    fn redact_via_json(&self, report: &RunReport) -> Result<RunReport, serde_json::Error> {
        let mut value = serde_json::to_value(report)?;
        // Keys are field names here, not data: redacting them would break deserialization.
        self.redact_strings(&mut value, false);
        // The verdict is an enum tag, not text: a password such as "failing" must not turn
        // `"fail"` into something that no longer deserializes.
        if let Some(cases) = value.get_mut("cases").and_then(Value::as_array_mut) {
            for (case_value, case) in cases.iter_mut().zip(&report.cases) {
                if let Some(obj) = case_value.as_object_mut() {
                    obj.insert("verdict".to_owned(), serde_json::to_value(case.verdict)?);
                }
            }
        }
        serde_json::from_value(value)
    }

    /// Used only if the JSON round trip fails, which the types make impossible today: rather than
    /// return unredacted cases, keep what is needed to act (run facts, unrestored accounts, notes)
    /// and drop the cases.
    fn fail_closed(&self, report: &RunReport, err: &serde_json::Error) -> RunReport {
        let r = |s: &str| self.redact_str(s);
        let meta = &report.meta;
        RunReport {
            meta: RunMeta {
                tool_version: r(&meta.tool_version),
                target: r(&meta.target),
                dialects: meta.dialects.iter().map(|d| r(d)).collect(),
                started_unix: meta.started_unix,
                duration_ms: meta.duration_ms,
                command_line: r(&meta.command_line),
            },
            cases: Vec::new(),
            unrestored: report
                .unrestored
                .iter()
                .map(|u| Unrestored {
                    dialect: r(&u.dialect),
                    role: r(&u.role),
                    username: r(&u.username),
                    reason: r(&u.reason),
                    journal: u.journal.as_deref().map(r),
                    manual: u.manual.as_deref().map(r),
                })
                .collect(),
            notes: report
                .notes
                .iter()
                .map(|n| r(n))
                .chain(std::iter::once(r(&format!(
                    "internal error: the report could not be redacted ({err}); \
                     case results are left out so that no secret leaks"
                ))))
                .collect(),
        }
    }
}

/// `Bearer abc` -> `Bearer ***`; anything without a recognisable scheme word -> `***`.
fn mask_header_value(value: &str) -> String {
    match value.trim_start().split_once(' ') {
        // Only an auth-scheme-like word is kept: `session=abc; x=y` (a cookie) is all secret.
        Some((scheme, rest))
            if !rest.trim().is_empty()
                && scheme
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
        {
            format!("{scheme} {MARKER}")
        }
        _ => MARKER.to_owned(),
    }
}

/// The secret as written, JSON-escaped, base64-encoded and percent-encoded.
fn secret_forms(secret: &str) -> Vec<String> {
    let mut forms = vec![secret.to_owned()];
    // Without the surrounding quotes: the escaped text sits inside a longer JSON string.
    if let Ok(quoted) = serde_json::to_string(secret)
        && let Some(inner) = quoted.strip_prefix('"').and_then(|q| q.strip_suffix('"'))
    {
        forms.push(inner.to_owned());
    }
    forms.extend(base64_forms(secret.as_bytes()));
    // Query strings and form bodies (`+` for space), and strict RFC 3986 (`%20`).
    forms.push(percent_encode(secret, |b| b"*-._".contains(&b), true));
    forms.push(percent_encode(secret, |b| b"-._~".contains(&b), false));
    forms
}

fn base64_forms(bytes: &[u8]) -> [String; 4] {
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD].map(|engine| engine.encode(bytes))
}

fn percent_encode(s: &str, keep: impl Fn(u8) -> bool, space_as_plus: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || keep(b) {
            out.push(char::from(b));
        } else if b == b' ' && space_as_plus {
            out.push('+');
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests;
