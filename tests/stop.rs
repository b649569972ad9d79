//! Ctrl-C and SIGTERM stop a long run: the binary is started with 5,000 queued cases against the
//! embedded server, signalled once its first case has failed, and must then stop sending, finish,
//! and still write its reports, in which most cases are "not sent". No timing is asserted beyond a
//! generous bound on stopping at all.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    clippy::indexing_slicing
)]
#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const CASES: usize = 5_000;

/// One case file: a number as the old password, expected to be refused as a mismatch. The
/// server answers "invalid field", so every case fails and prints a line: the test sees the run
/// is under way.
fn write_cases(dir: &Path) {
    let values: Vec<String> = (1..=CASES).map(|n| n.to_string()).collect();
    let text = format!(
        "theme: Stop\ncases:\n  - id: stop-probe\n    title: old_password is a number\n    \
         vary: {{field: old_password, values: [{}]}}\n    expect: old_password_mismatch\n",
        values.join(", ")
    );
    std::fs::write(dir.join("stop.yaml"), text).unwrap();
}

fn stops_on(signal: &str) {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases");
    std::fs::create_dir(&cases).unwrap();
    write_cases(&cases);
    let out = dir.path().join("out");
    let mut run = Command::new(assert_cmd::cargo::cargo_bin("pwconform"))
        .args([
            "run",
            "--embedded",
            "--dialect",
            "ocariot",
            "--filter",
            "stop-probe",
        ])
        .arg("--cases")
        .arg(&cases)
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(run.stderr.take().unwrap()).lines();
    for line in lines.by_ref() {
        if line.unwrap().starts_with("FAIL ") {
            break;
        }
    }
    let _ = Command::new("kill")
        .arg(signal)
        .arg(run.id().to_string())
        .status();
    let rest = std::thread::spawn(move || lines.map_while(Result::ok).collect::<Vec<_>>());
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = run.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = run.kill();
            panic!("the run did not stop after {signal}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stderr = rest.join().unwrap().join("\n");
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("interrupted: no new case is sent"),
        "{stderr}"
    );

    let results: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    let cases = results["cases"].as_array().unwrap();
    assert_eq!(cases.len(), CASES, "every case is reported");
    let not_sent = cases
        .iter()
        .filter(|c| c["verdict"] == "skip")
        .filter(|c| c["reasons"][0] == "not sent: the run was interrupted")
        .count();
    let sent = cases
        .iter()
        .filter(|c| c["exchanges"] != Value::Array(Vec::new()))
        .count();
    assert!(sent > 0 && not_sent > 0, "sent {sent}, not sent {not_sent}");
    assert_eq!(sent + not_sent, CASES);
    assert!(
        results["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("interrupted")),
        "{}",
        results["notes"]
    );
    for report in ["junit.xml", "report.html", "summary.md"] {
        assert!(out.join(report).is_file(), "{report} written");
    }
}

#[test]
fn sigterm_stops_sending_and_reports_are_written() {
    stops_on("-TERM");
}

#[test]
fn ctrl_c_stops_sending_and_reports_are_written() {
    stops_on("-INT");
}
