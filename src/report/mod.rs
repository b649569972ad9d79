//! Reporters: JSON, JUnit XML, Markdown summary, one-file HTML and the terminal.
//!
//! Reporters only read [`RunReport`]. Files are rendered from one redacted copy made by
//! [`write_all`], so a secret cannot reach one format and not another.

pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod terminal;
#[cfg(test)]
pub(crate) mod testdata;
mod transcript;

pub use transcript::render_exchanges;

use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use crate::redact::Redactor;
use crate::result::{CaseResult, RunReport, Totals, Unrestored, totals_of};

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

    /// Checks, before anything is sent, that every file can be written: its folder can be made
    /// and the file opened for writing. A run must not send a single request and then lose its
    /// results to a typo in `--out`. A file this creates to check is removed again.
    pub fn check_writable(&self) -> Result<(), ReportError> {
        let paths = [&self.json, &self.junit, &self.markdown, &self.html];
        let errors: Vec<ReportError> = paths
            .into_iter()
            .flatten()
            .filter_map(|p| check_writable(p).err())
            .collect();
        into_result(errors)
    }
}

fn check_writable(path: &Path) -> Result<(), ReportError> {
    create_parent(path)?;
    if path.is_dir() {
        return Err(ReportError::Io {
            action: "write",
            path: path.to_path_buf(),
            cause: io::Error::new(io::ErrorKind::IsADirectory, "it is a directory"),
        });
    }
    let existed = path.exists();
    OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(io_error("write", path))?;
    if !existed {
        // Best effort: an empty file left behind is harmless, and the run overwrites it.
        let _ = fs::remove_file(path);
    }
    Ok(())
}

/// One error as itself, several as one.
fn into_result(mut errors: Vec<ReportError>) -> Result<(), ReportError> {
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(ReportError::Several(errors)),
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

/// The messages once each: four reports under one bad `--out` fail the same way.
fn join_errors(errors: &[ReportError]) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in errors.iter().map(ToString::to_string) {
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
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
    into_result(errors)
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

/// One line about passwords the server changed although the case expected a refusal, e.g.
/// `passwords changed by cases that expected a refusal: ocariot/empty-new-password (admin#1
/// (admin1)); every other password was restored and checked by logging in`. `None` when there
/// were none. Expected changes (the happy path) are not counted: they are proven and restored.
pub fn unexpected_changes_line(report: &RunReport) -> Option<String> {
    let changes: Vec<String> = report
        .cases
        .iter()
        .filter(|c| !c.change_expected)
        .filter_map(|c| {
            let account = c.changed_account.as_ref()?;
            Some(format!("{} ({account})", case_name(c)))
        })
        .collect();
    if changes.is_empty() {
        return None;
    }
    let outcome = if report.unrestored.is_empty() {
        "each was restored and checked by logging in"
    } else {
        "the accounts not listed as unrestored were restored and checked by logging in"
    };
    Some(format!(
        "passwords changed by cases that expected a refusal: {}; {outcome}",
        changes.join(", ")
    ))
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

    #[test]
    fn unexpected_changes_are_named_with_their_restore_outcome() {
        let mut report = testdata::report();
        report.unrestored.clear();
        // The happy path changed a password too, but that was expected.
        assert_eq!(unexpected_changes_line(&report), None);
        report.cases[1].changed_account = Some("educator#1 (edu1)".to_owned());
        assert_eq!(
            unexpected_changes_line(&report).as_deref(),
            Some(
                "passwords changed by cases that expected a refusal: \
                 ocariot/wrong-type[old_password=123] (educator#1 (edu1)); each was restored \
                 and checked by logging in"
            )
        );
        report.unrestored = testdata::report().unrestored;
        assert!(
            unexpected_changes_line(&report).is_some_and(|l| l.ends_with(
                "the accounts not listed as unrestored were restored \
                                              and checked by logging in"
            ))
        );
    }
}
