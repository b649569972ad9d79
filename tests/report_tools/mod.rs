//! Shared by the report tests: run the binary into a folder, and find the outside tools some
//! checks need (xmllint, Chromium). A missing tool fails the test with the command that installs
//! it: `.ci/run` installs both, so a skip would only hide a broken CI machine.
#![allow(dead_code)]

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// `pwconform run --embedded --out DIR ARGS...`, with colour off and no step summary.
pub fn run_into(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pwconform"))
        .args(["run", "--embedded", "--out"])
        .arg(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap_or_else(|e| panic!("cannot start pwconform: {e}"))
}

/// The run the report tests read: ocariot with `accept-empty-passwords`, so some cases fail
/// (exit 1) and the rest pass; every report lands in `dir`.
pub fn run_with_one_fault(dir: &Path) {
    let out = run_into(
        dir,
        &["--dialect", "ocariot", "--fault", "accept-empty-passwords"],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
}

/// The first of `names` found on `PATH`, or a failure saying how to install `package`.
pub fn require_tool(names: &[&str], package: &str) -> PathBuf {
    let path = env::var_os("PATH").unwrap_or_default();
    for dir in env::split_paths(&path) {
        for name in names {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!(
        "{} not found on PATH: install it with `apt-get install -y {package}` \
         (.ci/run does this on CI)",
        names.join(" / ")
    );
}

/// Headless Chromium: `$PWCONFORM_CHROMIUM`, else Debian's `chromium`.
pub fn chromium() -> PathBuf {
    match env::var_os("PWCONFORM_CHROMIUM") {
        Some(p) => PathBuf::from(p),
        None => require_tool(
            &["chromium", "chromium-browser", "google-chrome"],
            "chromium",
        ),
    }
}

/// Runs headless Chromium with a throwaway profile and no network chatter, plus `args`;
/// stdout is returned. Killed after two minutes so a hung browser fails the test instead of
/// hanging it.
pub fn run_chromium(args: &[String]) -> String {
    let profile = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start chromium: {e}"));
    let stdout = child.stdout.take();
    // Read while it runs: a large DOM would fill the pipe and block the browser.
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut s) = stdout {
            let _ = std::io::Read::read_to_string(&mut s, &mut text);
        }
        text
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium did not finish within 120 s: {args:?}");
            }
        }
    }
    reader.join().unwrap_or_default()
}

/// The DOM of `page` (with `hash`) after its scripts ran.
pub fn dump_dom(page: &Path, hash: &str) -> String {
    run_chromium(&["--dump-dom".to_owned(), file_url(page, hash)])
}

pub fn file_url(page: &Path, hash: &str) -> String {
    let abs = page
        .canonicalize()
        .unwrap_or_else(|e| panic!("{}: {e}", page.display()));
    format!("file://{}{hash}", abs.display())
}
