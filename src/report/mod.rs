//! Reporters: JSON, JUnit XML, Markdown summary, one-file HTML and the terminal.
//!
//! Reporters only read [`RunReport`]. Files are rendered from one redacted copy made by
//! [`write_all`], so a secret cannot reach one format and not another.

mod files;
pub mod github;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod terminal;
#[cfg(test)]
pub(crate) mod testdata;
mod transcript;
mod xml;

pub use files::{Outputs, ReportError, write_all, write_redacted};
pub use transcript::render_exchanges;

use std::fmt;

use crate::result::{CaseResult, RunReport, Totals, Unrestored, totals_of};

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

/// Where the case is defined, as a path from the repository root (`cases/auth.yaml`: the embedded
/// copies are the repository's files), and the line of its `id:`.
pub fn case_source(case: &CaseResult) -> Option<(&str, Option<u64>)> {
    let file = case.file.as_deref()?;
    Some((
        file.strip_prefix(crate::assets::EMBEDDED_PREFIX)
            .unwrap_or(file),
        case.line,
    ))
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
            check.label(),
            check.expected,
            check.actual
        ),
        None => "no reason recorded".to_owned(),
    }
}

/// One line about passwords the server changed although the case expected a refusal, e.g.
/// `passwords changed by cases that expected a refusal: ocariot/empty-new-password (admin#1
/// (admin1), restored by admin reset); each was restored and checked by logging in`. `None` when
/// there were none. Expected changes (the happy path) are not counted: they are proven and
/// restored. Every account a case changed is named: the one it named, and the caller when the
/// server applied the change to the caller.
pub fn unexpected_changes_line(report: &RunReport) -> Option<String> {
    let changes: Vec<String> = report
        .cases
        .iter()
        .filter(|c| !c.change_expected)
        .filter(|c| !c.changed_accounts.is_empty())
        .map(|c| {
            let accounts: Vec<String> = c
                .changed_accounts
                .iter()
                .map(|a| match a.restored_by {
                    Some(by) => format!("{}, restored by {by}", a.account),
                    None => format!("{}, NOT restored", a.account),
                })
                .collect();
            format!("{} ({})", case_name(c), accounts.join("; "))
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
        report.cases[1].changed_accounts = vec![
            crate::result::ChangedAccount {
                account: "educator#1 (edu1)".to_owned(),
                restored_by: Some(crate::result::RestoredBy::Actor),
            },
            crate::result::ChangedAccount {
                account: "admin#1 (adm1)".to_owned(),
                restored_by: Some(crate::result::RestoredBy::AdminReset),
            },
        ];
        assert_eq!(
            unexpected_changes_line(&report).as_deref(),
            Some(
                "passwords changed by cases that expected a refusal: \
                 ocariot/wrong-type[old_password=123] (educator#1 (edu1), restored by the actor; \
                 admin#1 (adm1), restored by admin reset); each was restored \
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
