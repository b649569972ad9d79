//! JUnit XML, for CI systems that show test results (GitLab, Jenkins, GitHub test reporters).
//!
//! One `testsuite` per dialect, one `testcase` per case. A `failure` is a contract violation, an
//! `error` a case the target could not be asked, `skipped` a case that could not run or a known
//! deviation (listed in the baseline), whose message starts with `known deviation:`.

use std::path::Path;
use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, SerializeError, TestCase, TestCaseStatus, TestSuite};

use super::{
    ReportError, case_name, case_source, dialect_totals, first_reason, render_exchanges,
    restore_hint, write_file,
};
use crate::result::{CaseResult, CheckResult, RunReport, Unrestored, Verdict};

/// Builds the JUnit document from an (already redacted) report.
pub fn build(report: &RunReport) -> Report {
    let mut junit = Report::new("pwconform");
    junit.set_time(Duration::from_millis(report.meta.duration_ms));
    let mut suites: Vec<TestSuite> = dialect_totals(report)
        .into_iter()
        .map(|(dialect, _)| build_suite(report, &dialect))
        .collect();
    // Report-level trouble must show even when no case ran (e.g. every login failed).
    if suites.is_empty() && !(report.unrestored.is_empty() && report.notes.is_empty()) {
        suites.push(build_suite(report, "pwconform"));
    }
    attach_run_messages(report, &mut suites);
    junit.add_test_suites(suites);
    junit
}

/// The XML text of [`build`].
pub fn render(report: &RunReport) -> Result<String, SerializeError> {
    Ok(without_root_skipped(&build(report).to_string()?))
}

/// quick-junit writes `skipped` on `<testsuites>`, which the junit-10.xsd that Jenkins and other
/// tools validate against does not allow (tests/data/junit.xsd): strict validators reject the
/// whole file. Each `<testsuite>` keeps its own `skipped`, which is where CI tools read it.
fn without_root_skipped(xml: &str) -> String {
    let root = "<testsuites ";
    let removed = xml.split_once(root).and_then(|(head, tail)| {
        let (tag, body) = tail.split_once('>')?;
        let (before, from_attr) = tag.split_once(" skipped=\"")?;
        let (_, after) = from_attr.split_once('"')?;
        Some(format!("{head}{root}{before}{after}>{body}"))
    });
    removed.unwrap_or_else(|| xml.to_owned())
}

/// Renders `report` (already redacted) to `path`.
pub fn write(report: &RunReport, path: &Path) -> Result<(), ReportError> {
    let text = render(report).map_err(|e| ReportError::Render {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    write_file(path, &text)
}

fn build_suite(report: &RunReport, dialect: &str) -> TestSuite {
    let mut suite = TestSuite::new(dialect);
    let cases: Vec<&CaseResult> = report
        .cases
        .iter()
        .filter(|c| c.dialect == dialect)
        .collect();
    // Cases run concurrently, so this sum is work done, not wall time (as other tools report it).
    let total_ms: u64 = cases.iter().map(|c| c.duration_ms).sum();
    suite.set_time(Duration::from_millis(total_ms));
    suite.add_test_cases(cases.into_iter().map(build_case));
    suite
}

fn build_case(case: &CaseResult) -> TestCase {
    let mut test = TestCase::new(case_name(case), case_status(case));
    test.set_classname(format!("{}.{}", case.dialect, case.theme));
    test.set_time(Duration::from_millis(case.duration_ms));
    if !case.exchanges.is_empty() {
        test.set_system_out(render_exchanges(&case.exchanges));
    }
    // GitLab and GitHub test reporters link a test case to the line that defines it.
    if let Some((file, line)) = case_source(case) {
        test.extra.insert("file".into(), file.into());
        if let Some(line) = line {
            test.extra.insert("line".into(), line.to_string().into());
        }
    }
    test
}

fn case_status(case: &CaseResult) -> TestCaseStatus {
    let mut status = match case.verdict {
        Verdict::Pass => return TestCaseStatus::success(),
        // A known deviation is neither a pass nor a failure of the run: CI tools show skips.
        Verdict::Skip | Verdict::Known => TestCaseStatus::skipped(),
        Verdict::Fail => TestCaseStatus::non_success(NonSuccessKind::Failure),
        Verdict::Error => TestCaseStatus::non_success(NonSuccessKind::Error),
    };
    status.set_message(match case.verdict {
        Verdict::Known => format!("known deviation: {}", first_reason(case)),
        _ => first_reason(case),
    });
    // The first failed check names the kind of violation, which CI UIs show next to the message.
    if let Some(check) = case.checks.iter().find(|c| !c.passed) {
        status.set_type(check.label());
    }
    let description = describe(case);
    if !description.is_empty() {
        status.set_description(description);
    }
    status
}

/// Every reason, then each failed check with what was expected and seen, then the contract link.
fn describe(case: &CaseResult) -> String {
    let mut lines: Vec<String> = case.reasons.clone();
    for check in case.checks.iter().filter(|c| !c.passed) {
        lines.extend(describe_check(check));
    }
    if let Some(doc) = &case.doc {
        lines.push(format!("contract: {doc}"));
    }
    lines.join("\n")
}

fn describe_check(check: &CheckResult) -> Vec<String> {
    let mut lines = vec![
        format!("check {} failed", check.label()),
        format!("  expected: {}", check.expected),
        format!("  actual:   {}", check.actual),
    ];
    lines.extend(check.details.iter().map(|d| format!("  - {d}")));
    lines
}

/// Unrestored accounts go to their dialect's suite (the first suite if none matches); notes,
/// which belong to no dialect, go to every suite so no reader of one suite misses them.
fn attach_run_messages(report: &RunReport, suites: &mut [TestSuite]) {
    let names: Vec<String> = suites.iter().map(|s| s.name.as_str().to_owned()).collect();
    for (i, suite) in suites.iter_mut().enumerate() {
        let mut lines: Vec<String> = report
            .unrestored
            .iter()
            .filter(|u| u.dialect == suite.name.as_str() || (i == 0 && !names.contains(&u.dialect)))
            .map(describe_unrestored)
            .collect();
        lines.extend(report.notes.iter().map(|n| format!("note: {n}")));
        if !lines.is_empty() {
            suite.set_system_err(lines.join("\n"));
        }
    }
}

fn describe_unrestored(u: &Unrestored) -> String {
    let mut text = format!(
        "UNRESTORED ACCOUNT {}/{} (role {}): {}",
        u.dialect, u.username, u.role, u.reason
    );
    if let Some(hint) = restore_hint(u) {
        text.push_str(&format!("; {hint}"));
    }
    if let Some(manual) = &u.manual {
        text.push_str(&format!("; by hand: {manual}"));
    }
    text
}

#[cfg(test)]
#[allow(clippy::string_slice)] // a wrong cut failing a test is fine
mod tests {
    use quick_junit::TestCaseStatus as S;

    use super::*;
    use crate::report::testdata;

    /// Renders, then parses the XML back, so the tests see what a CI system would read.
    fn round_trip(report: &RunReport) -> Report {
        let xml = render(report).unwrap();
        Report::deserialize_from_str(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"))
    }

    fn find<'a>(junit: &'a Report, name: &str) -> &'a TestCase {
        let cases = junit.test_suites.iter().flat_map(|s| &s.test_cases);
        let found = cases.clone().find(|c| c.name.as_str() == name);
        found.unwrap_or_else(|| panic!("no test case {name}"))
    }

    #[test]
    fn one_suite_per_dialect_with_counts() {
        let junit = round_trip(&testdata::report());
        let suites: Vec<(&str, usize, usize, usize, usize)> = junit
            .test_suites
            .iter()
            .map(|s| (s.name.as_str(), s.tests, s.failures, s.errors, s.skipped))
            .collect();
        assert_eq!(
            suites,
            [("ocariot", 2, 1, 0, 0), ("openspecimen", 2, 0, 1, 1)]
        );
        assert_eq!((junit.tests, junit.failures, junit.errors), (4, 1, 1));
    }

    #[test]
    fn test_cases_carry_the_file_and_line_of_their_definition() {
        let junit = round_trip(&testdata::report());
        let case = find(&junit, "ocariot/wrong-type[old_password=123]");
        let attr = |k: &str| case.extra.get(k).map(|v| v.as_str().to_owned());
        assert_eq!(attr("file").as_deref(), Some("cases/wrong-types.yaml"));
        assert_eq!(attr("line").as_deref(), Some("7"));
    }

    #[test]
    fn case_names_classnames_and_time() {
        let junit = round_trip(&testdata::report());
        let case = find(&junit, "ocariot/wrong-type[old_password=123]");
        assert_eq!(
            case.classname.as_ref().map(|c| c.as_str()),
            Some("ocariot.wrong-types")
        );
        assert_eq!(case.time, Some(Duration::from_millis(120)));
        assert!(matches!(
            find(&junit, "ocariot/happy-path").status,
            S::Success { .. }
        ));
    }

    #[test]
    fn failure_has_first_reason_and_every_check() {
        let junit = round_trip(&testdata::report());
        let S::NonSuccess {
            kind,
            message,
            ty,
            description,
            ..
        } = &find(&junit, "ocariot/wrong-type[old_password=123]").status
        else {
            panic!("not a failure");
        };
        assert_eq!(*kind, NonSuccessKind::Failure);
        // Escaping survives the round trip.
        assert_eq!(
            message.as_ref().map(|m| m.as_str()),
            Some("status: expected 400, got 204 <&>")
        );
        assert_eq!(ty.as_ref().map(|t| t.as_str()), Some("status"));
        let text = description.as_ref().map(|d| d.as_str()).unwrap_or_default();
        for part in [
            "the server accepted old password",
            "check status failed\n  expected: 400\n  actual:   204",
            "check schema failed",
            "  - /: expected object",
            "contract: https://example.org/docs#change-password",
        ] {
            assert!(text.contains(part), "{part:?} not in {text}");
        }
        assert!(
            !text.contains("check content-type"),
            "passed check listed: {text}"
        );
    }

    #[test]
    fn error_and_skip() {
        let junit = round_trip(&testdata::report());
        let error = &find(&junit, "openspecimen/missing-fields[newPassword]").status;
        assert!(
            matches!(error, S::NonSuccess { kind: NonSuccessKind::Error, message: Some(m), .. }
                if m.as_str() == "connection refused"),
            "{error:?}"
        );
        let skip = &find(&junit, "openspecimen/forbidden-roles").status;
        assert!(
            matches!(skip, S::Skipped { message: Some(m), .. }
                if m.as_str() == "no account for role `researcher`"),
            "{skip:?}"
        );
    }

    #[test]
    fn system_out_shows_exchanges() {
        let junit = round_trip(&testdata::report());
        let out = find(&junit, "ocariot/happy-path")
            .system_out
            .clone()
            .unwrap();
        let out = out.as_str();
        assert!(
            out.contains("> PATCH http://127.0.0.1:9/v1/users/u1/password"),
            "{out}"
        );
        assert!(out.contains(r#""old_password":"#), "{out}");
        assert!(out.contains("< 204"), "{out}");
    }

    #[test]
    fn run_messages_in_suite_system_err() {
        let junit = round_trip(&testdata::report());
        let err = |i: usize| {
            junit.test_suites[i]
                .system_err
                .as_ref()
                .map(|e| e.as_str().to_owned())
        };
        let ocariot = err(0).unwrap_or_default();
        assert!(
            ocariot.contains("UNRESTORED ACCOUNT ocariot/edu1 (role educator)"),
            "{ocariot}"
        );
        assert!(
            ocariot.contains("journal: reports/restore-journal-"),
            "{ocariot}"
        );
        assert!(ocariot.contains("note: login failed"), "{ocariot}");
        let openspecimen = err(1).unwrap_or_default();
        assert!(!openspecimen.contains("UNRESTORED"), "{openspecimen}");
        assert!(
            openspecimen.contains("note: login failed"),
            "{openspecimen}"
        );
    }

    #[test]
    fn root_element_has_no_skipped_attribute() {
        let mut report = testdata::report();
        report.cases[0].verdict = Verdict::Skip;
        let xml = render(&report).unwrap();
        let root = &xml[xml.find("<testsuites").unwrap()..];
        let root = &root[..root.find('>').unwrap()];
        assert_eq!(
            root,
            r#"<testsuites name="pwconform" tests="4" failures="1" errors="1" time="3.400""#
        );
        assert!(
            xml.contains(r#"<testsuite name="ocariot" tests="2" skipped="1""#),
            "{xml}"
        );
    }

    #[test]
    fn run_without_cases_still_reports_notes() {
        let mut report = testdata::report();
        report.cases.clear();
        report.meta.dialects.clear();
        let junit = round_trip(&report);
        assert_eq!(junit.test_suites.len(), 1);
        let err = junit.test_suites[0]
            .system_err
            .as_ref()
            .map(|e| e.as_str().to_owned());
        assert!(err.unwrap_or_default().contains("UNRESTORED ACCOUNT"));
    }

    #[test]
    fn known_deviation_is_a_labelled_skip() {
        let mut report = testdata::report();
        report.cases[1].verdict = Verdict::Known;
        let junit = round_trip(&report);
        let status = &find(&junit, "ocariot/wrong-type[old_password=123]").status;
        assert!(
            matches!(status, S::Skipped { message: Some(m), description: Some(d), .. }
                if m.as_str() == "known deviation: status: expected 400, got 204 <&>"
                    && d.as_str().contains("check status failed")),
            "{status:?}"
        );
        assert_eq!(junit.test_suites[0].failures, 0);
    }
}
