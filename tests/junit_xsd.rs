//! The JUnit report against the schema CI tools validate JUnit files with (tests/data/junit.xsd,
//! the Jenkins junit-10.xsd model), checked by xmllint (Debian's libxml2-utils; `.ci/run`
//! installs it). No pure-Rust XSD validator handles this schema, so the check shells out.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    clippy::indexing_slicing
)]

mod report_tools;

use std::fs;
use std::path::Path;
use std::process::Command;

use pwconform::result::*;
use report_tools::{require_tool, run_with_one_fault};

fn validate(xml_file: &Path) {
    let xsd = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/junit.xsd");
    let out = Command::new(require_tool(&["xmllint"], "libxml2-utils"))
        .arg("--noout")
        .arg("--schema")
        .arg(&xsd)
        .arg(xml_file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run xmllint: {e}"));
    assert!(
        out.status.success(),
        "{} does not validate:\n{}",
        xml_file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn junit_of_a_real_run_validates() {
    let dir = tempfile::tempdir().unwrap();
    run_with_one_fault(dir.path());
    let junit = dir.path().join("junit.xml");
    let xml = fs::read_to_string(&junit).unwrap();
    // One suite per dialect, one case per case, failures with the response in system-out.
    assert_eq!(xml.matches("<testsuite ").count(), 1);
    assert!(xml.contains("<failure message=\"status: expected 400, got 204\""));
    assert!(xml.contains("<system-out>=== login"));
    validate(&junit);
}

fn case(id: &str, verdict: Verdict, body: &str) -> CaseResult {
    CaseResult {
        dialect: "ocariot".into(),
        id: id.into(),
        title: "a <title> & \"quotes\"".into(),
        theme: "Wrong types".into(),
        tags: vec!["validation".into()],
        expected_outcome: "invalid_field".into(),
        verdict,
        reasons: if verdict == Verdict::Pass {
            Vec::new()
        } else {
            vec![format!("status: expected 400, got 500 ({id})")]
        },
        checks: vec![CheckResult {
            details: vec!["]]> <![CDATA[ x".into()],
            ..CheckResult::new(CheckKind::Status, verdict == Verdict::Pass, "400", "500")
        }],
        exchanges: vec![Exchange {
            purpose: "case".into(),
            request: RequestRecord {
                method: "PUT".into(),
                url: "http://127.0.0.1:9/v1/users/1/password".into(),
                headers: vec![("Authorization".into(), "Bearer ***".into())],
                body: Some("{\"old_password\":\"***\"}".into()),
            },
            response: Some(ResponseRecord {
                status: 500,
                headers: vec![("content-type".into(), "text/html".into())],
                body: body.into(),
                truncated: false,
                invalid_utf8: false,
            }),
            error: None,
            duration_ms: 3,
        }],
        changed_accounts: Vec::new(),
        change_expected: false,
        duration_ms: 5,
        doc: Some("https://example.org/doc#x".into()),
        subject: Default::default(),
        file: Some("(embedded)/cases/wrong, \"types\" <&>.yaml".into()),
        line: Some(12),
    }
}

#[test]
fn junit_with_every_verdict_and_awkward_text_validates() {
    let report = RunReport {
        meta: RunMeta {
            tool_version: "0.1.0".into(),
            target: "http://127.0.0.1:9".into(),
            dialects: vec!["ocariot".into(), "openspecimen".into()],
            started_unix: 1_700_000_000,
            duration_ms: 1_234,
            command_line: "pwconform run".into(),
        },
        cases: vec![
            case("passes", Verdict::Pass, "<html>é</html>"),
            case("fails", Verdict::Fail, "</system-out>]]>&amp;"),
            case("errors", Verdict::Error, "bell\u{7} nul\u{0} esc\u{1b}[31m"),
            case("skipped", Verdict::Skip, ""),
            case("known", Verdict::Known, "tab\tand\r\nnewline"),
        ],
        unrestored: vec![Unrestored {
            dialect: "ocariot".into(),
            role: "educator".into(),
            username: "edu1".into(),
            reason: "restore answered 401".into(),
            journal: Some("pwconform restore --journal reports/j.jsonl".into()),
            manual: None,
        }],
        notes: vec!["a note".into()],
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("junit.xml");
    fs::write(&file, pwconform::report::junit::render(&report).unwrap()).unwrap();
    validate(&file);
}
