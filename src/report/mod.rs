//! Reporters: JSON, JUnit XML, Markdown summary, one-file HTML and the terminal.
//!
//! Reporters only read [`RunReport`]. Files are rendered from one redacted copy made by
//! [`write_all`], so a secret cannot reach one format and not another.

pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod terminal;

use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use crate::redact::Redactor;
use crate::result::{CaseResult, Exchange, RunReport, Totals, Unrestored, totals_of};

/// Where to write each file report; `None` skips that format.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outputs {
    pub json: Option<PathBuf>,
    pub junit: Option<PathBuf>,
    pub markdown: Option<PathBuf>,
    pub html: Option<PathBuf>,
}

impl Outputs {
    /// Every format in `dir` under its default name (`--out DIR`).
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            json: Some(dir.join("results.json")),
            junit: Some(dir.join("junit.xml")),
            markdown: Some(dir.join("summary.md")),
            html: Some(dir.join("report.html")),
        }
    }

    /// These paths, and `fallback`'s for the formats these leave unset: a format's own flag wins
    /// over `--out`.
    pub fn or(self, fallback: Outputs) -> Self {
        Self {
            json: self.json.or(fallback.json),
            junit: self.junit.or(fallback.junit),
            markdown: self.markdown.or(fallback.markdown),
            html: self.html.or(fallback.html),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    // The cause is part of the message (not a `source`) so it is printed once however the caller
    // formats the error chain.
    #[error("cannot {action} {}: {cause}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        cause: io::Error,
    },
    #[error("cannot render {}: {message}", path.display())]
    Render { path: PathBuf, message: String },
    #[error("{}", join_errors(.0))]
    Several(Vec<ReportError>),
}

fn join_errors(errors: &[ReportError]) -> String {
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    lines.join("; ")
}

/// Redacts `report` once, writes every requested file, and appends the Markdown summary to
/// `$GITHUB_STEP_SUMMARY` when it is set (GitHub Actions shows that file on the run page).
///
/// Every output is attempted even if one fails (a bad JUnit path must not cost the JSON results);
/// the errors are returned together.
pub fn write_all(
    report: &RunReport,
    redactor: &Redactor,
    outputs: &Outputs,
) -> Result<(), ReportError> {
    let step_summary = std::env::var_os("GITHUB_STEP_SUMMARY")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    write_all_to(report, redactor, outputs, step_summary.as_deref())
}

/// [`write_all`] with the step-summary path passed in, so tests need not set the environment.
fn write_all_to(
    report: &RunReport,
    redactor: &Redactor,
    outputs: &Outputs,
    step_summary: Option<&Path>,
) -> Result<(), ReportError> {
    let redacted = redactor.redact_report(report);
    let mut errors = Vec::new();
    if let Some(path) = &outputs.json {
        errors.extend(json::write(&redacted, path).err());
    }
    if let Some(path) = &outputs.junit {
        errors.extend(junit::write(&redacted, path).err());
    }
    if let Some(path) = &outputs.markdown {
        errors.extend(write_file(path, &markdown::render(&redacted)).err());
    }
    if let Some(path) = &outputs.html {
        errors.extend(html::write(&redacted, path).err());
    }
    if let Some(path) = step_summary {
        errors.extend(append_file(path, &markdown::render(&redacted)).err());
    }
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(ReportError::Several(errors)),
    }
}

/// Writes `contents` to `path`, creating missing parent directories.
pub(crate) fn write_file(path: &Path, contents: &str) -> Result<(), ReportError> {
    create_parent(path)?;
    fs::write(path, contents).map_err(io_error("write", path))
}

fn append_file(path: &Path, contents: &str) -> Result<(), ReportError> {
    create_parent(path)?;
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(io_error("open", path))?;
    // A blank line first so our summary does not run into a previous step's last paragraph.
    write!(file, "\n{contents}").map_err(io_error("append to", path))
}

fn create_parent(path: &Path) -> Result<(), ReportError> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => {
            fs::create_dir_all(dir).map_err(io_error("create directory", dir))
        }
        _ => Ok(()),
    }
}

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> ReportError {
    let path = path.to_path_buf();
    move |cause| ReportError::Io {
        action,
        path,
        cause,
    }
}

/// Totals per dialect: the run's dialects in their order (even those without cases, so an empty
/// dialect still shows), then any other dialect in order of first appearance.
pub fn dialect_totals(report: &RunReport) -> Vec<(String, Totals)> {
    let mut names: Vec<&str> = report.meta.dialects.iter().map(String::as_str).collect();
    for case in &report.cases {
        if !names.contains(&case.dialect.as_str()) {
            names.push(&case.dialect);
        }
    }
    names
        .into_iter()
        .map(|name| {
            let cases = report.cases.iter().filter(|c| c.dialect == name);
            (name.to_owned(), totals_of(cases))
        })
        .collect()
}

/// `dialect/case-id`, the name a case has in every report.
pub fn case_name(case: &CaseResult) -> String {
    format!("{}/{}", case.dialect, case.id)
}

/// The one-line reason shown for a case that did not pass; falls back to the first failed check
/// so a case never shows an empty reason.
pub fn first_reason(case: &CaseResult) -> String {
    if let Some(reason) = case.reasons.first() {
        return reason.clone();
    }
    match case.checks.iter().find(|c| !c.passed) {
        Some(check) => format!(
            "{}: expected {}, got {}",
            check.name, check.expected, check.actual
        ),
        None => "no reason recorded".to_owned(),
    }
}

/// How to restore an account, from `Unrestored.journal`, which holds either the ready command or
/// the journal file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestoreHint<'a> {
    Command(&'a str),
    Journal(&'a str),
}

impl fmt::Display for RestoreHint<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Command(command) => write!(f, "restore with: {command}"),
            Self::Journal(path) => write!(f, "journal: {path} (give it to `pwconform restore`)"),
        }
    }
}

pub fn restore_hint(u: &Unrestored) -> Option<RestoreHint<'_>> {
    let journal = u.journal.as_deref()?;
    Some(if journal.starts_with("pwconform ") {
        RestoreHint::Command(journal)
    } else {
        RestoreHint::Journal(journal)
    })
}

/// `850 ms`, `12.3 s`, `2 min 5 s`.
pub fn format_duration(ms: u64) -> String {
    match ms {
        0..1_000 => format!("{ms} ms"),
        1_000..60_000 => format!("{:.1} s", ms as f64 / 1000.0),
        _ => format!("{} min {} s", ms / 60_000, (ms % 60_000) / 1000),
    }
}

/// Exchanges in a curl-like form: `>` request lines, `<` response lines, bodies as sent.
pub fn render_exchanges(exchanges: &[Exchange]) -> String {
    let mut out = String::new();
    for (i, exchange) in exchanges.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        render_exchange(&mut out, exchange);
    }
    out
}

fn render_exchange(out: &mut String, exchange: &Exchange) {
    let request = &exchange.request;
    let header = format!(
        "=== {} ({})",
        exchange.purpose,
        format_duration(exchange.duration_ms)
    );
    push_line(out, &header);
    push_line(out, &format!("> {} {}", request.method, request.url));
    push_headers(out, '>', &request.headers);
    if let Some(body) = &request.body {
        push_line(out, body);
    }
    if let Some(response) = &exchange.response {
        push_line(out, &format!("< {}", response.status));
        push_headers(out, '<', &response.headers);
        push_line(out, &response.body);
        if response.truncated {
            push_line(out, "[body truncated]");
        }
        if response.invalid_utf8 {
            push_line(out, "[body is not valid UTF-8; bad bytes shown as U+FFFD]");
        }
    }
    if let Some(error) = &exchange.error {
        push_line(out, &format!("! {error}"));
    }
}

fn push_headers(out: &mut String, prefix: char, headers: &[(String, String)]) {
    for (name, value) in headers {
        push_line(out, &format!("{prefix} {name}: {value}"));
    }
    push_line(out, &prefix.to_string());
}

fn push_line(out: &mut String, line: &str) {
    out.push_str(line);
    out.push('\n');
}

#[cfg(test)]
pub(crate) mod testdata {
    //! One report with every verdict, secrets in bodies, headers and text, shared by the tests of
    //! the redactor and of every reporter.

    use crate::redact::Redactor;
    use crate::result::*;

    pub const OLD_PASSWORD: &str = "Hunter2-old!";
    pub const NEW_PASSWORD: &str = "Hunter2-new\"q";
    pub const TOKEN: &str = "tok-abc.def.ghi";
    pub const BASIC_USER: &str = "admin";
    pub const BASIC_PASSWORD: &str = "Login!2024";
    /// base64("admin:Login!2024"), as sent in `Authorization: Basic`.
    pub const BASIC_B64: &str = "YWRtaW46TG9naW4hMjAyNA==";
    /// Sent in a sensitive header but never registered as a secret.
    pub const UNREGISTERED_TOKEN: &str = "os-token-never-registered";
    pub const SECRETS: [&str; 5] = [OLD_PASSWORD, NEW_PASSWORD, TOKEN, BASIC_PASSWORD, BASIC_B64];

    pub fn redactor() -> Redactor {
        let mut r = Redactor::new();
        r.add_secret(OLD_PASSWORD);
        r.add_secret(NEW_PASSWORD);
        r.add_secret(TOKEN);
        r.add_basic(BASIC_USER, BASIC_PASSWORD);
        r.add_sensitive_header("X-OS-API-TOKEN");
        r
    }

    fn h(name: &str, value: &str) -> (String, String) {
        (name.to_owned(), value.to_owned())
    }

    fn exchange(purpose: &str, method: &str, url: &str) -> Exchange {
        Exchange {
            purpose: purpose.to_owned(),
            request: RequestRecord {
                method: method.to_owned(),
                url: url.to_owned(),
                headers: vec![h("Content-Type", "application/json")],
                body: None,
            },
            response: None,
            error: None,
            duration_ms: 7,
        }
    }

    fn response(status: u16, body: &str) -> Option<ResponseRecord> {
        Some(ResponseRecord {
            status,
            headers: vec![h("content-type", "application/json")],
            body: body.to_owned(),
            truncated: false,
            invalid_utf8: false,
        })
    }

    fn case(dialect: &str, id: &str, theme: &str, verdict: Verdict) -> CaseResult {
        CaseResult {
            dialect: dialect.to_owned(),
            id: id.to_owned(),
            title: format!("title of {id}"),
            theme: theme.to_owned(),
            tags: vec![theme.to_owned()],
            expected_outcome: "changed".to_owned(),
            verdict,
            reasons: Vec::new(),
            checks: Vec::new(),
            exchanges: Vec::new(),
            changed_account: None,
            duration_ms: 120,
            doc: None,
        }
    }

    fn happy_path() -> CaseResult {
        let mut login = exchange("login", "POST", "http://127.0.0.1:9/v1/auth");
        login.response = response(200, &format!(r#"{{"access_token":"{TOKEN}"}}"#));
        let mut change = exchange("case", "PATCH", "http://127.0.0.1:9/v1/users/u1/password");
        change
            .request
            .headers
            .push(h("Authorization", &format!("Bearer {TOKEN}")));
        let body = serde_json::json!({"old_password": OLD_PASSWORD, "new_password": NEW_PASSWORD});
        change.request.body = Some(body.to_string());
        change.response = response(204, "");
        let mut c = case("ocariot", "happy-path", "happy-path", Verdict::Pass);
        c.exchanges = vec![login, change];
        c.changed_account = Some("edu1".to_owned());
        c
    }

    fn wrong_type() -> CaseResult {
        let mut c = case(
            "ocariot",
            "wrong-type[old_password=123]",
            "wrong-types",
            Verdict::Fail,
        );
        c.expected_outcome = "invalid_field".to_owned();
        c.reasons = vec![
            "status: expected 400, got 204 <&>".to_owned(),
            format!("the server accepted old password {OLD_PASSWORD}"),
        ];
        c.checks = vec![
            CheckResult {
                name: "status".to_owned(),
                passed: false,
                expected: "400".to_owned(),
                actual: "204".to_owned(),
                details: Vec::new(),
                schema_fragment: None,
            },
            CheckResult {
                name: "schema".to_owned(),
                passed: false,
                expected: "error.schema.json".to_owned(),
                actual: "empty body".to_owned(),
                details: vec!["/: expected object".to_owned()],
                schema_fragment: None,
            },
            CheckResult {
                name: "content-type".to_owned(),
                passed: true,
                expected: "application/json".to_owned(),
                actual: "application/json".to_owned(),
                details: Vec::new(),
                schema_fragment: None,
            },
        ];
        c.doc = Some("https://example.org/docs#change-password".to_owned());
        c
    }

    fn refused() -> CaseResult {
        let url = "https://os.example/openspecimen/rest/ng/users/password";
        let mut ex = exchange("case", "PUT", url);
        ex.request
            .headers
            .push(h("X-OS-API-TOKEN", UNREGISTERED_TOKEN));
        ex.request
            .headers
            .push(h("Authorization", &format!("Basic {BASIC_B64}")));
        ex.error = Some("connection refused".to_owned());
        let mut c = case(
            "openspecimen",
            "missing-fields[newPassword]",
            "missing-fields",
            Verdict::Error,
        );
        c.reasons = vec!["connection refused".to_owned()];
        c.exchanges = vec![ex];
        c
    }

    fn skipped() -> CaseResult {
        let mut c = case(
            "openspecimen",
            "forbidden-roles",
            "forbidden-roles",
            Verdict::Skip,
        );
        c.reasons = vec!["no account for role `researcher`".to_owned()];
        c
    }

    pub fn report() -> RunReport {
        RunReport {
            meta: RunMeta {
                tool_version: "0.1.0".to_owned(),
                target: "http://127.0.0.1:9".to_owned(),
                dialects: vec!["ocariot".to_owned(), "openspecimen".to_owned()],
                started_unix: 1_700_000_000,
                duration_ms: 3_400,
                command_line: format!("pwconform run --password {OLD_PASSWORD}"),
            },
            cases: vec![happy_path(), wrong_type(), refused(), skipped()],
            unrestored: vec![Unrestored {
                dialect: "ocariot".to_owned(),
                role: "educator".to_owned(),
                username: "edu1".to_owned(),
                reason: format!("restore answered 401; password is now {NEW_PASSWORD}"),
                journal: Some("reports/restore-journal-1700000000.json".to_owned()),
            }],
            notes: vec![format!("login failed for admin with token {TOKEN}")],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outputs(dir: &Path) -> Outputs {
        Outputs {
            json: Some(dir.join("a/b/results.json")),
            junit: Some(dir.join("junit.xml")),
            markdown: Some(dir.join("md/summary.md")),
            html: Some(dir.join("report.html")),
        }
    }

    fn read(path: &Path) -> String {
        fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn writes_every_output_redacted() {
        let dir = tempfile::tempdir().unwrap();
        let out = outputs(dir.path());
        let summary = dir.path().join("step_summary.md");
        fs::write(&summary, "previous step\n").unwrap();
        let report = testdata::report();
        write_all_to(&report, &testdata::redactor(), &out, Some(&summary)).unwrap();
        for path in [&out.json, &out.junit, &out.markdown, &out.html]
            .into_iter()
            .flatten()
        {
            let text = read(path);
            assert!(!text.is_empty(), "{}", path.display());
            for secret in testdata::SECRETS {
                assert!(!text.contains(secret), "{secret} in {}", path.display());
            }
        }
        let summary = read(&summary);
        assert!(summary.starts_with("previous step\n"), "{summary}");
        assert!(summary.contains("pwconform"), "{summary}");
    }

    #[test]
    fn errors_name_the_path_and_others_are_still_written() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        fs::write(&blocker, "").unwrap();
        let out = Outputs {
            json: Some(dir.path().join("ok.json")),
            junit: Some(blocker.join("junit.xml")),
            markdown: None,
            html: None,
        };
        let err = write_all_to(&testdata::report(), &Redactor::new(), &out, None).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains(&blocker.display().to_string()),
            "{message}"
        );
        assert!(dir.path().join("ok.json").exists());
    }

    #[test]
    fn out_dir_gives_default_names_and_own_flags_win() {
        let own = Outputs {
            json: Some(PathBuf::from("mine.json")),
            ..Outputs::default()
        };
        let out = own.or(Outputs::in_dir(Path::new("reports")));
        assert_eq!(out.json, Some(PathBuf::from("mine.json")));
        assert_eq!(out.junit, Some(PathBuf::from("reports/junit.xml")));
        assert_eq!(out.markdown, Some(PathBuf::from("reports/summary.md")));
        assert_eq!(out.html, Some(PathBuf::from("reports/report.html")));
        assert_eq!(
            Outputs::default().or(Outputs::default()),
            Outputs::default()
        );
    }

    #[test]
    fn dialect_totals_keep_run_order_and_empty_dialects() {
        let mut report = testdata::report();
        report.meta.dialects.push("third".to_owned());
        let totals = dialect_totals(&report);
        let names: Vec<&str> = totals.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["ocariot", "openspecimen", "third"]);
        assert_eq!(totals[0].1.passed, 1);
        assert_eq!(totals[0].1.failed, 1);
        assert_eq!(totals[2].1, Totals::default());
    }

    #[test]
    fn exchanges_render_request_and_response() {
        let report = testdata::report();
        let text = render_exchanges(&report.cases[0].exchanges);
        assert!(
            text.contains("> PATCH http://127.0.0.1:9/v1/users/u1/password\n"),
            "{text}"
        );
        assert!(
            text.contains("> Content-Type: application/json\n"),
            "{text}"
        );
        assert!(text.contains("< 204\n"), "{text}");
        assert!(!text.contains("UTF-8"), "{text}");
        let error = render_exchanges(&report.cases[2].exchanges);
        assert!(error.contains("! connection refused"), "{error}");
    }

    #[test]
    fn exchanges_flag_cut_and_lossy_bodies() {
        let mut exchanges = testdata::report().cases[0].exchanges.clone();
        if let Some(response) = exchanges[1].response.as_mut() {
            response.truncated = true;
            response.invalid_utf8 = true;
        }
        let text = render_exchanges(&exchanges);
        assert!(
            text.contains("[body truncated]\n[body is not valid UTF-8"),
            "{text}"
        );
    }

    #[test]
    fn first_reason_falls_back_to_failed_check() {
        let mut case = testdata::report().cases[1].clone();
        case.reasons.clear();
        assert_eq!(first_reason(&case), "status: expected 400, got 204");
        case.checks.clear();
        assert_eq!(first_reason(&case), "no reason recorded");
    }

    #[test]
    fn durations_are_human() {
        assert_eq!(format_duration(850), "850 ms");
        assert_eq!(format_duration(12_345), "12.3 s");
        assert_eq!(format_duration(125_000), "2 min 5 s");
    }
}
