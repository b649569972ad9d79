// A wrong cut failing a test is fine.
#![allow(clippy::string_slice)]

use std::time::Duration;

use quick_junit::TestCaseStatus as S;
use quick_junit::{NonSuccessKind, Report, TestCase};

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
