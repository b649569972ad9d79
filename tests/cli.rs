//! The binary as a user runs it: exit codes, report files, errors that point into files.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    clippy::indexing_slicing
)]

use std::fs;

use assert_cmd::Command;
use predicates::prelude::*;

fn pwconform() -> Command {
    let mut c = Command::cargo_bin("pwconform").unwrap();
    c.env("NO_COLOR", "1").env_remove("GITHUB_STEP_SUMMARY");
    c
}

/// `pwconform run` on ocariot at `target` with one admin account whose password is `password`.
fn run_as_admin(dir: &std::path::Path, password: &str, target: &str) -> Command {
    let accounts = dir.join("accounts.yaml");
    fs::write(
        &accounts,
        format!("accounts:\n  admin:\n    - {{username: a, password: {password}}}\n"),
    )
    .unwrap();
    let mut c = pwconform();
    c.args([
        "run",
        "--dialect",
        "ocariot",
        "--target",
        target,
        "--accounts",
    ])
    .arg(accounts);
    c
}

#[test]
fn embedded_run_passes_and_writes_reports_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("reports/junit.xml");
    let json = dir.path().join("reports/run.json");
    pwconform()
        .args(["run", "--embedded", "--dialect", "ocariot", "--junit"])
        .arg(&junit)
        .arg("--json")
        .arg(&json)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("0 failed"));
    let xml = fs::read_to_string(&junit).unwrap();
    let results = fs::read_to_string(&json).unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&results).unwrap();
    let cases = parsed["cases"].as_array().unwrap();
    assert!(cases.len() > 50);
    assert_eq!(xml.matches("<testcase ").count(), cases.len());
    assert!(xml.contains(r#"name="ocariot/change-own-password[admin]""#));
    // The embedded server's seeded passwords must appear in no report.
    let seed = pwconform_seed_passwords();
    for pw in &seed {
        assert!(!xml.contains(pw.as_str()), "password {pw} in JUnit");
        assert!(!results.contains(pw.as_str()), "password {pw} in JSON");
    }
}

fn pwconform_seed_passwords() -> Vec<String> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let s = pwconform::reference::start("ocariot", "127.0.0.1:0".parse().unwrap(), &[])
            .await
            .unwrap();
        s.accounts.iter().map(|a| a.password.clone()).collect()
    })
}

#[test]
fn a_fault_fails_its_cases_with_exit_1() {
    pwconform()
        .args([
            "run",
            "--embedded",
            "--dialect",
            "ocariot",
            "--fault",
            "accept-empty-passwords",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "FAIL ocariot/empty-new-password: status: expected 400, got 204",
        ))
        // The user is told which account the lenient server changed, and that it is back.
        .stderr(predicate::str::contains(
            "passwords changed by cases that expected a refusal: ocariot/empty-new-password \
             (family#2 (family2), restored by itself), ocariot/gen-new-password[empty:empty] \
             (educator#1 (educator1), restored by itself); each was restored and checked by logging in",
        ));
}

#[test]
fn a_case_file_with_a_typo_gives_file_line_col_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("typo.yaml"),
        "cases:\n  - id: typo-case\n    title: a typo in the outcome\n    expect: missing_feild\n",
    )
    .unwrap();
    let shown = dir.path().join("typo.yaml").display().to_string();
    pwconform()
        .args(["lint", "--cases"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "{shown}:4:13: unknown outcome `missing_feild` (did you mean `missing_field`?)"
        )));
    // An unknown key is an error too, at its position.
    fs::write(
        dir.path().join("typo.yaml"),
        "cases:\n  - id: typo-case\n    titel: x\n    expect: missing_field\n",
    )
    .unwrap();
    pwconform()
        .args(["run", "--embedded", "--cases"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains(format!("{shown}:3:5:"))
                .and(predicate::str::contains("titel")),
        );
}

#[test]
fn shipped_cases_and_specs_lint_clean() {
    pwconform()
        .arg("lint")
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("ok: "));
}

#[test]
fn unreachable_target_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    run_as_admin(dir.path(), "secret-pass", "http://127.0.0.1:9")
        .args(["--filter", "change-own-password"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("connection refused"))
        .stderr(predicate::str::contains("secret-pass").not());
}

#[test]
fn writes_to_a_remote_target_need_consent() {
    let dir = tempfile::tempdir().unwrap();
    run_as_admin(dir.path(), "b", "https://staging.example.org")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--allow-writes"));
}

#[test]
fn usage_errors_exit_2() {
    pwconform().args(["run", "--jobs", "many"]).assert().code(2);
    pwconform()
        .args(["run", "--embedded", "--dialect", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no dialect `nope`"));
}

/// A report path that cannot be written is found before anything is sent, not after the run.
#[test]
fn an_unwritable_report_path_stops_the_run_before_sending() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    fs::write(&file, "x").unwrap();
    let out = file.join("reports");
    pwconform()
        .args(["run", "--embedded", "--dialect", "ocariot", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "error: cannot create directory {}",
            file.display()
        )))
        .stderr(predicate::str::contains("Nothing was sent."))
        .stderr(predicate::str::contains("passed").not());
    let html_dir = dir.path().join("dir.html");
    fs::create_dir(&html_dir).unwrap();
    pwconform()
        .args(["run", "--embedded", "--dialect", "ocariot", "--html"])
        .arg(&html_dir)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "error: cannot write {}: it is a directory\nNothing was sent.",
            html_dir.display()
        )));
}

/// `--specs` at a folder without dialects says so once, not once per case naming a dialect.
#[test]
fn a_specs_folder_without_dialects_is_one_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    pwconform()
        .args(["lint", "--specs"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(format!(
            "error: {}: no dialect here; expected one folder per dialect holding its \
             `dialect.yaml` (e.g. `ocariot/dialect.yaml`); is --specs the right folder?\n\
             1 problem(s) in the input files; nothing was sent. Fix them and run `pwconform lint` \
             to check.\n",
            dir.path().display()
        ));
}
