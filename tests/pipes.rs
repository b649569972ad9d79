//! Which stream carries what: a report given `-` goes to standard output alone (progress and the
//! summary stay on standard error), and under GitHub Actions failing cases become `::error`
//! annotations that point at the line defining the case.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    clippy::indexing_slicing
)]

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn pwconform() -> Command {
    let mut c = Command::cargo_bin("pwconform").unwrap();
    c.env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_ACTIONS");
    c
}

fn stdout_of(args: &[&str], code: i32) -> (String, String) {
    let out = pwconform().args(args).assert().code(code);
    let o = out.get_output();
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

const RUN: [&str; 4] = ["run", "--embedded", "--dialect", "ocariot"];

#[test]
fn json_to_stdout_is_the_whole_stdout_and_the_summary_stays_on_stderr() {
    let (out, err) = stdout_of(&[&RUN[..], &["--json", "-"]].concat(), 0);
    let parsed: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(parsed["format"], "pwconform-results/2");
    assert!(err.contains("0 failed"), "{err}");
}

#[test]
fn junit_and_markdown_to_stdout() {
    let (out, _) = stdout_of(&[&RUN[..], &["--junit", "-"]].concat(), 0);
    assert!(out.starts_with("<?xml"), "{out}");
    assert!(out.trim_end().ends_with("</testsuites>"), "{out}");
    assert!(out.contains(" file=\"cases/"), "{out}");
    let (out, err) = stdout_of(
        &[&RUN[..], &["--markdown", "-", "--filter", "happy"]].concat(),
        0,
    );
    assert!(out.contains("| ocariot |"), "{out}");
    assert!(!err.contains("| ocariot |"), "{err}");
}

#[test]
fn two_reports_on_stdout_are_refused_before_anything_is_sent() {
    let (out, err) = stdout_of(&[&RUN[..], &["--json", "-", "--junit", "-"]].concat(), 2);
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("--json, --junit all write to standard output"),
        "{err}"
    );
}

/// `::error file=F,line=N,title=T::message` -> (F, N, T).
fn parse_annotation(line: &str) -> (String, usize, String) {
    let props = line
        .strip_prefix("::error ")
        .unwrap()
        .split("::")
        .next()
        .unwrap();
    let get = |k: &str| {
        props
            .split(',')
            .find_map(|p| p.strip_prefix(&format!("{k}=")))
            .unwrap_or_else(|| panic!("no {k} in {line}"))
            .to_owned()
    };
    (get("file"), get("line").parse().unwrap(), get("title"))
}

#[test]
fn github_annotations_point_at_each_failing_case_definition() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("step-summary.md");
    let out = pwconform()
        .args(RUN)
        .args(["--fault", "accept-empty-passwords", "--junit"])
        .arg(dir.path().join("junit.xml"))
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let annotations: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("::error "))
        .collect();
    assert!(!annotations.is_empty(), "{stdout}");
    // Printed once each, and no more than GitHub shows per step.
    let unique: std::collections::BTreeSet<&&str> = annotations.iter().collect();
    assert_eq!(unique.len(), annotations.len(), "{stdout}");
    assert!(annotations.len() <= 10, "{stdout}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for a in annotations.iter().filter(|a| a.contains("file=")) {
        let (file, line, title) = parse_annotation(a);
        let text = fs::read_to_string(root.join(&file)).unwrap();
        let defined = text.lines().nth(line - 1).unwrap();
        let id = defined
            .split("id:")
            .nth(1)
            .unwrap_or_else(|| panic!("{a}: `{defined}`"))
            .trim();
        let case = title.strip_prefix("ocariot/").unwrap();
        assert!(case.starts_with(id), "{a}: line {line} defines `{id}`");
    }
    let summary = fs::read_to_string(&summary).unwrap();
    assert!(summary.contains("ocariot"), "{summary}");
    // The JUnit test cases carry the same positions.
    let xml = fs::read_to_string(dir.path().join("junit.xml")).unwrap();
    let (file, line, _) =
        parse_annotation(annotations.iter().find(|a| a.contains("file=")).unwrap());
    assert!(
        xml.contains(&format!("file=\"{file}\" line=\"{line}\"")),
        "{xml}"
    );
}

#[test]
fn under_github_a_piped_report_keeps_stdout_clean_and_annotations_go_to_stderr() {
    let (out, err) = {
        let o = pwconform()
            .args(RUN)
            .args(["--fault", "accept-empty-passwords", "--json", "-"])
            .env("GITHUB_ACTIONS", "true")
            .assert()
            .code(1);
        let o = o.get_output();
        (
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    serde_json::from_str::<serde_json::Value>(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert!(
        err.lines().any(|l| l.starts_with("::error file=cases/")),
        "{err}"
    );
    pwconform()
        .args(RUN)
        .args(["--filter", "happy"])
        .env("GITHUB_ACTIONS", "true")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("::error").not());
}

#[test]
fn selftest_json_to_stdout_alone_and_the_table_on_stderr() {
    let (out, err) = stdout_of(
        &[
            "selftest",
            "--dialect",
            "ocariot",
            "--fault",
            "reworded-messages",
            "--json",
            "-",
        ],
        0,
    );
    let parsed: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert!(parsed.is_array(), "{out}");
    assert!(err.contains("reworded-messages"), "{err}");
    assert!(!Path::new("-").exists(), "no file named `-`");
}

/// A reader that has gone away (`| head`) is no reason to panic: the command ends as it would
/// have. The pipe's reading end is closed before the process starts, so every write fails.
#[test]
fn a_closed_stdout_is_not_a_panic() {
    for args in [
        &["serve", "ocariot", "--fault", "list"][..],
        &["plan", "--dialect", "ocariot"][..],
        &["lint"][..],
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("pwconform"))
            .args(args)
            .stdout(writer)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
    }
}
