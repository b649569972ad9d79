//! Writing the report files: where each goes (`--out` and the per-format flags), a check that
//! they can be written before a run sends anything, and writing them all from one redacted copy.
//! A path of `-` is standard output (`--json - | jq`); the terminal's progress and summary go to
//! standard error, so one report can be piped.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::{github, html, json, junit, markdown};
use crate::redact::Redactor;
use crate::result::RunReport;

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
        let mut errors: Vec<ReportError> = paths
            .into_iter()
            .flatten()
            .filter(|p| !is_stdout(p))
            .filter_map(|p| check_writable(p).err())
            .collect();
        if self.on_stdout().len() > 1 {
            errors.push(ReportError::SharedStdout(self.on_stdout().join(", ")));
        }
        into_result(errors)
    }

    /// The flags of the formats that go to standard output (`-`).
    fn on_stdout(&self) -> Vec<&'static str> {
        [
            ("--json", &self.json),
            ("--junit", &self.junit),
            ("--markdown", &self.markdown),
            ("--html", &self.html),
        ]
        .into_iter()
        .filter(|(_, p)| p.as_deref().is_some_and(is_stdout))
        .map(|(flag, _)| flag)
        .collect()
    }

    /// Whether a report is written to standard output.
    pub fn stdout_taken(&self) -> bool {
        !self.on_stdout().is_empty()
    }
}

/// `-`: standard output.
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
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
    #[error("{0} all write to standard output (`-`); pipe one report, write the others to files")]
    SharedStdout(String),
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
/// `$GITHUB_STEP_SUMMARY` when it is set (GitHub Actions shows that file on the run page); under
/// `GITHUB_ACTIONS=true` it also prints the failing cases as annotations. What a whole run does
/// with its environment, for library callers; `run::run` does the same from its `RunConfig`.
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
    let redacted = redactor.redact_report(report);
    let written = write_redacted(&redacted, outputs, step_summary.as_deref());
    if github::enabled() {
        github::print(&redacted, outputs.stdout_taken());
    }
    written
}

/// [`write_all`] with the step-summary path passed in, so tests need not set the environment.
#[cfg(test)]
fn write_all_to(
    report: &RunReport,
    redactor: &Redactor,
    outputs: &Outputs,
    step_summary: Option<&Path>,
) -> Result<(), ReportError> {
    write_redacted(&redactor.redact_report(report), outputs, step_summary)
}

/// [`write_all`] for a report that is already redacted (a run's: its cases were redacted as
/// they finished), with the step-summary file passed in.
pub fn write_redacted(
    redacted: &RunReport,
    outputs: &Outputs,
    step_summary: Option<&Path>,
) -> Result<(), ReportError> {
    let mut errors = Vec::new();
    if let Some(path) = &outputs.json {
        errors.extend(stream_file(path, |w| json::write_to(redacted, w)).err());
    }
    if let Some(path) = &outputs.junit {
        errors.extend(stream_file(path, |w| junit::write_to(redacted, w)).err());
    }
    if let Some(path) = &outputs.markdown {
        errors.extend(write_file(path, &markdown::render(redacted)).err());
    }
    if let Some(path) = &outputs.html {
        errors.extend(stream_file(path, |w| html::write_to(redacted, w)).err());
    }
    if let Some(path) = step_summary {
        errors.extend(append_file(path, &markdown::render(redacted)).err());
    }
    into_result(errors)
}

/// Writes `contents` to `path` (`-`: standard output), creating missing parent directories.
pub(crate) fn write_file(path: &Path, contents: &str) -> Result<(), ReportError> {
    if is_stdout(path) {
        let mut out = io::stdout().lock();
        return match out
            .write_all(contents.as_bytes())
            .and_then(|()| out.flush())
        {
            // The reader went away (`| head`): nothing left to tell it.
            Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(ReportError::Io {
                action: "write",
                path: PathBuf::from("standard output"),
                cause: e,
            }),
            _ => Ok(()),
        };
    }
    create_parent(path)?;
    fs::write(path, contents).map_err(io_error("write", path))
}

/// Writes a report to `path` (`-`: standard output) as `write` produces it, through a buffer:
/// the report is serialized piece by piece, never held as one text, so a 10,000-case run is not
/// copied whole a second time.
pub(crate) fn stream_file(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), ReportError> {
    let written = if is_stdout(path) {
        let mut out = io::BufWriter::new(io::stdout().lock());
        match write(&mut out).and_then(|()| out.flush()) {
            // The reader went away (`| head`): nothing left to tell it.
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            other => other,
        }
    } else {
        create_parent(path)?;
        let file = fs::File::create(path).map_err(io_error("write", path))?;
        let mut out = io::BufWriter::with_capacity(1 << 16, file);
        write(&mut out).and_then(|()| out.flush())
    };
    written.map_err(io_error(
        "write",
        if is_stdout(path) {
            Path::new("standard output")
        } else {
            path
        },
    ))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;

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
    fn one_report_may_go_to_stdout_not_two() {
        let one = Outputs {
            json: Some(PathBuf::from("-")),
            ..Outputs::default()
        };
        assert!(one.check_writable().is_ok());
        assert!(one.stdout_taken());
        let two = Outputs {
            junit: Some(PathBuf::from("-")),
            ..one
        };
        let message = two.check_writable().unwrap_err().to_string();
        assert_eq!(
            message,
            "--json, --junit all write to standard output (`-`); pipe one report, write the \
             others to files"
        );
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
}
