//! `run --out [DIR]`: every report under its default name, `reports/` when DIR is left out, a
//! format's own flag still choosing its path, and no file at all without any output flag.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    clippy::indexing_slicing
)]

use std::fs;
use std::path::Path;
use std::process::Command;

fn run_in(cwd: &Path, args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_pwconform"))
        .current_dir(cwd)
        .args([
            "run",
            "--embedded",
            "--dialect",
            "ocariot",
            "--filter",
            "no-token",
        ])
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn bare_out_writes_every_format_into_reports() {
    let cwd = tempfile::tempdir().unwrap();
    // `--out` before another flag takes no value from it.
    run_in(cwd.path(), &["--out", "--json", "mine.json"]);
    assert_eq!(
        names(&cwd.path().join("reports")),
        ["junit.xml", "report.html", "summary.md"]
    );
    assert!(cwd.path().join("mine.json").is_file());
}

#[test]
fn out_dir_and_no_flags() {
    let cwd = tempfile::tempdir().unwrap();
    run_in(cwd.path(), &["--out", "ci/artifacts"]);
    assert_eq!(
        names(&cwd.path().join("ci/artifacts")),
        ["junit.xml", "report.html", "results.json", "summary.md"]
    );
    let quiet = tempfile::tempdir().unwrap();
    run_in(quiet.path(), &[]);
    assert!(names(quiet.path()).is_empty(), "{:?}", names(quiet.path()));
}
