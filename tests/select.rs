//! Step selection on the command line: `--exclude` beside `--filter`, `--tag` and `--theme`, the
//! same for `plan` and `run`; and `-v` shows a baselined failure as KNOWN, as the totals count it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    clippy::indexing_slicing
)]

use assert_cmd::Command;
use predicates::prelude::*;

fn plan(args: &[&str]) -> String {
    let out = Command::cargo_bin("pwconform")
        .unwrap()
        .args(["plan", "--dialect", "ocariot", "--no-generated"])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn exclude_drops_what_filter_would_also_match() {
    assert!(plan(&["--filter", "empty-"]).contains("malformed-user-id-empty-body"));
    let narrowed = plan(&["--filter", "empty-", "--exclude", "malformed-"]);
    assert!(
        !narrowed.contains("malformed-user-id-empty-body"),
        "{narrowed}"
    );
    assert!(narrowed.contains("empty-new-password"), "{narrowed}");
}

#[test]
fn theme_by_file_name_or_title_and_tag_narrow_the_plan() {
    let by_file = plan(&["--theme", "auth"]);
    assert!(by_file.contains("no-token"), "{by_file}");
    assert!(!by_file.contains("empty-new-password"), "{by_file}");
    assert_eq!(by_file, plan(&["--theme", "Authentication"]));
    let tagged = plan(&["--tag", "check-order"]);
    assert!(!tagged.is_empty());
    assert!(!tagged.contains("change-own-password"), "{tagged}");
}

#[test]
fn verbose_run_shows_a_baselined_failure_as_known() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.yaml");
    std::fs::write(
        &baseline,
        "known:\n  - dialect: ocariot\n    case: empty-new-password\n    reason: accepted here\n",
    )
    .unwrap();
    Command::cargo_bin("pwconform")
        .unwrap()
        .args([
            "run",
            "--embedded",
            "--dialect",
            "ocariot",
            "--no-generated",
            "-v",
        ])
        .args([
            "--fault",
            "accept-empty-passwords",
            "--filter",
            "empty-new-password",
        ])
        .args(["--exclude", "old-absent", "--exclude", "confirmation"])
        .arg("--baseline")
        .arg(&baseline)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("KNOWN ocariot/empty-new-password"))
        .stderr(predicate::str::contains("FAIL ocariot/empty-new-password").not());
}
