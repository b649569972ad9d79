//! Redaction of secrets (passwords, tokens) from everything the tool writes.
//!
//! One [`Redactor::redact_report`] call produces the copy every output is rendered from, so no
//! reporter can forget a field (the approach Hurl takes). A secret rarely appears only verbatim:
//! it is sent base64-encoded in HTTP Basic, JSON-escaped in bodies and percent-encoded in URLs, so
//! each secret is registered in all of those forms.

use std::fmt;
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use indexmap::IndexSet;
use serde_json::{Map, Value};

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

/// Secrets and credential headers to mask, compiled into multi-pattern automata.
///
/// A redactor can be *layered* ([`Redactor::layered`]): the automaton of a run's secret book is
/// compiled once and shared, and each case adds only its own secrets (its generated password) in a
/// small layer of its own. Nothing is recompiled per case but that small layer.
#[derive(Clone)]
pub struct Redactor {
    /// Frozen, compiled layers below this one (shared).
    layers: Vec<Arc<Patterns>>,
    /// This layer's forms of every secret, without duplicates.
    needles: IndexSet<String>,
    /// `needles` compiled, built on first use after a change.
    compiled: OnceLock<Arc<Patterns>>,
    /// Lower-cased header names whose values are replaced wholesale.
    sensitive_headers: Vec<String>,
}

/// One compiled set of needles. A few needles (one case's generated password in its encoded
/// forms) are searched one by one: building an automaton for them cost more than every search it
/// would serve (a tenth of a 10,000-case run). `None` when the automaton could not be built (it
/// cannot for plain strings, but then every text is masked whole rather than shown unredacted).
struct Patterns {
    search: Search,
    /// A needle holds the byte [`many`] joins texts with: they are then searched one by one.
    holds_joint: bool,
}

enum Search {
    /// Each needle's searcher, built once (building one per text searched cost more than the
    /// search itself).
    Few(Vec<memchr::memmem::Finder<'static>>),
    Automaton(Option<AhoCorasick>),
}

/// Up to this many needles are searched one by one.
const FEW_NEEDLES: usize = 16;

impl Patterns {
    fn compile(needles: &IndexSet<String>) -> Self {
        Self {
            search: Search::compile(needles),
            holds_joint: needles.iter().any(|n| n.contains(many::JOINT)),
        }
    }

    fn spans(&self, text: &str, out: &mut Vec<(usize, usize)>) -> Result<(), ()> {
        self.search.spans(text, out)
    }
}

impl Search {
    fn compile(needles: &IndexSet<String>) -> Self {
        if needles.len() <= FEW_NEEDLES {
            let finders = needles
                .iter()
                .map(|n| memchr::memmem::Finder::new(n).into_owned());
            return Self::Few(finders.collect());
        }
        Self::Automaton(
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                // Built once per growth of the run's book and shared by every case: a
                // contiguous NFA builds fast and the search still starts with the SIMD prefilter.
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .build(needles)
                .ok(),
        )
    }

    /// Byte ranges of the matches; a match is a whole needle, so its ends are on char
    /// boundaries. `Err` when the text must be masked whole. The automaton gives leftmost-longest,
    /// non-overlapping matches; the few needles give every needle's own, which may overlap: the
    /// caller masks overlapping ranges as one (so overlapping secrets are masked whole).
    fn spans(&self, text: &str, out: &mut Vec<(usize, usize)>) -> Result<(), ()> {
        match self {
            Self::Few(finders) => {
                for finder in finders {
                    let len = finder.needle().len();
                    // Non-overlapping, left to right, as `str::match_indices`.
                    let mut at = 0;
                    while let Some(found) = text.as_bytes().get(at..).and_then(|t| finder.find(t)) {
                        let start = at + found;
                        out.push((start, start + len));
                        at = start + len.max(1);
                    }
                }
                Ok(())
            }
            Self::Automaton(ac) => {
                let ac = ac.as_ref().ok_or(())?;
                out.extend(ac.find_iter(text).map(|m| (m.start(), m.end())));
                Ok(())
            }
        }
    }
}

// Hand-written so that `{:?}` of a Redactor (e.g. in a panic or a log line) never prints a secret.
impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redactor")
            .field("layers", &self.layers.len())
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
            layers: Vec::new(),
            needles: IndexSet::new(),
            compiled: OnceLock::new(),
            sensitive_headers: DEFAULT_SENSITIVE_HEADERS.map(str::to_owned).to_vec(),
        }
    }

    /// A redactor masking everything this one does, whose own additions go into a new, empty
    /// layer: this one's automaton is compiled once and shared, not rebuilt.
    pub fn layered(&self) -> Self {
        let mut layers = self.layers.clone();
        if !self.needles.is_empty() {
            layers.push(self.patterns());
        }
        Self {
            layers,
            needles: IndexSet::new(),
            compiled: OnceLock::new(),
            sensitive_headers: self.sensitive_headers.clone(),
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
    /// Per layer, one left-to-right pass takes the longest match at each position, so a secret
    /// that is a prefix of another (or of its own padded base64) never leaves a tail behind;
    /// matches of different layers that overlap are masked as one.
    pub fn redact_str(&self, text: &str) -> String {
        let mut out = text.to_owned();
        self.redact_in_place(&mut out);
        out
    }

    /// [`Redactor::redact_str`] in place; allocates only when something is masked.
    pub fn redact_in_place(&self, text: &mut String) {
        match self.matches(text) {
            Ok(spans) => mask_spans(text, spans),
            Err(()) => MARKER.clone_into(text),
        }
    }

    /// Every layer's matches in `text`, as byte ranges; `Err` when the text must be masked whole.
    fn matches(&self, text: &str) -> Result<Vec<(usize, usize)>, ()> {
        let own = (!self.needles.is_empty()).then(|| self.patterns());
        let mut spans = Vec::new();
        for layer in self.layers.iter().chain(own.as_ref()) {
            layer.spans(text, &mut spans)?;
        }
        Ok(spans)
    }

    /// Whether a needle of any layer holds the byte [`many`] joins texts with.
    fn holds_joint(&self) -> bool {
        let own = (!self.needles.is_empty()).then(|| self.patterns());
        self.layers
            .iter()
            .chain(own.as_ref())
            .any(|l| l.holds_joint)
    }

    /// Redacts every string of a JSON value in place, object keys included (a body may use data
    /// as keys).
    pub fn redact_value(&self, value: &mut Value) {
        match value {
            Value::String(s) => self.redact_in_place(s),
            Value::Array(items) => items.iter_mut().for_each(|v| self.redact_value(v)),
            Value::Object(map) => {
                map.values_mut().for_each(|v| self.redact_value(v));
                if map.keys().any(|k| self.redact_str(k) != *k) {
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

    /// Replaces the values of sensitive headers, keeping an auth scheme word (`Bearer ***`).
    pub fn redact_headers(&self, headers: &mut [(String, String)]) {
        for (name, value) in headers.iter_mut() {
            if self.is_sensitive_header(name) {
                *value = mask_header_value(value);
            }
        }
    }

    fn patterns(&self) -> Arc<Patterns> {
        self.compiled
            .get_or_init(|| Arc::new(Patterns::compile(&self.needles)))
            .clone()
    }

    fn add_needles(&mut self, forms: impl IntoIterator<Item = String>) {
        let before = self.needles.len();
        self.needles
            .extend(forms.into_iter().filter(|f| !f.is_empty()));
        if self.needles.len() != before {
            self.compiled = OnceLock::new();
        }
    }
}

/// Replaces the byte ranges `spans` (whole needles, so on char boundaries) of `text` with
/// [`MARKER`]; ranges that overlap (matches of different layers) are masked as one.
fn mask_spans(text: &mut String, mut spans: Vec<(usize, usize)>) {
    if spans.is_empty() {
        return;
    }
    spans.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut masked_to = 0;
    for (start, end) in spans {
        if start < masked_to {
            // Overlaps the previous mask (another layer's match): widen it.
            masked_to = masked_to.max(end);
            continue;
        }
        out.push_str(text.get(masked_to..start).unwrap_or_default());
        out.push_str(MARKER);
        masked_to = end;
    }
    out.push_str(text.get(masked_to..).unwrap_or_default());
    *text = out;
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

mod book;
mod many;
mod results;
#[cfg(test)]
mod tests;

pub use book::SecretBook;
