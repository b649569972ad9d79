//! `cargo bench --bench outputs`: what every report costs at 10,000 cases. Writes one case that
//! `vary`s over N numbers, runs `pwconform run --embedded --dialect ocariot --cases DIR --filter
//! bench --out OUT` (the release binary when built with `cargo bench`), and prints the run's peak
//! RSS (from `/usr/bin/time -v`; Debian package `time`), the size of each report file, and how
//! long headless Chromium takes to show the HTML report (from its start, next to a blank page's
//! time, and inside the page). A missing tool skips its column.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

#[path = "../tests/report_tools/mod.rs"]
mod report_tools;

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const TIME: &str = "/usr/bin/time";

/// Runs the binary with `--out out`; returns the wall time in seconds and the peak RSS in MB
/// (`None` without `/usr/bin/time`).
fn run(cases: &Path, out: &Path) -> (f64, Option<f64>) {
    let has_time = Path::new(TIME).is_file();
    let mut command = if has_time {
        let mut c = Command::new(TIME);
        c.arg("-v").arg(env!("CARGO_BIN_EXE_pwconform"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_pwconform"))
    };
    command
        .args(["run", "--embedded", "--dialect", "ocariot", "--cases"])
        .arg(cases)
        .args(["--filter", "bench", "--out"])
        .arg(out)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .stdout(Stdio::null());
    let started = Instant::now();
    let output = command.output().unwrap();
    let wall = started.elapsed().as_secs_f64();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let rss = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0);
    (wall, rss)
}

fn size(path: &Path) -> String {
    match std::fs::metadata(path).map(|m| m.len() as f64) {
        Ok(b) if b >= 100_000.0 => format!("{:.1} MB", b / 1e6),
        Ok(b) => format!("{:.1} KB", b / 1e3),
        Err(_) => "-".to_owned(),
    }
}

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PWCONFORM_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).find_map(|dir| {
        ["chromium", "chromium-browser", "google-chrome"]
            .iter()
            .map(|n| dir.join(n))
            .find(|p| p.is_file())
    })
}

/// Median of five runs of headless Chromium from start to a screenshot of `url` (what a person
/// waits for: the screenshot is taken once the page's script has rendered the first table page).
fn screenshot_s(url: &str, shot: &Path) -> f64 {
    let mut wall: Vec<f64> = (0..5)
        .map(|_| {
            let started = Instant::now();
            report_tools::run_chromium(&[
                "--window-size=1400,1800".to_owned(),
                format!("--screenshot={}", shot.display()),
                url.to_owned(),
            ]);
            started.elapsed().as_secs_f64()
        })
        .collect();
    wall.sort_by(f64::total_cmp);
    wall[2]
}

/// Navigation start to the first table page rendered, in ms, as the page records it (median of
/// three; a DOM dump of a big page is slow, so this is not timed from outside).
fn in_page_ms(page: &Path) -> u64 {
    let mut ms: Vec<u64> = (0..3)
        .map(|_| attr_ms(&report_tools::dump_dom(page, ""), "data-rendered-ms"))
        .collect();
    ms.sort_unstable();
    ms[1]
}

fn attr_ms(dom: &str, name: &str) -> u64 {
    let key = format!("{name}=\"");
    let Some(at) = dom.find(&key).map(|i| i + key.len()) else {
        panic!("the page script did not finish");
    };
    let end = dom[at..].find('"').unwrap_or(0);
    dom[at..at + end].parse().unwrap_or(0)
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    if !Path::new(TIME).is_file() {
        println!("(no {TIME}: peak RSS not measured; apt-get install -y time)");
    }
    let browser = chromium();
    if browser.is_none() {
        println!("(no chromium on PATH: HTML open time not measured)");
    }
    let blank = browser.as_ref().map(|_| {
        let page = dir.path().join("blank.html");
        std::fs::write(&page, "<!doctype html><title>blank</title><p>blank</p>").unwrap();
        screenshot_s(
            &report_tools::file_url(&page, ""),
            &dir.path().join("blank.png"),
        )
    });
    if let Some(blank) = blank {
        println!("Chromium start to a screenshot of a blank page: {blank:.2} s (median of 5)\n");
    }
    println!(
        "| N | run with --out | peak RSS | results.json | junit.xml | summary.md | report.html | \
         Chromium start to screenshot (median of 5) | navigation to first page, in the page |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for n in [1_000, 10_000] {
        let cases = dir.path().join(format!("cases-{n}"));
        let out = dir.path().join(format!("out-{n}"));
        support::write_cases(&cases, n);
        let (wall, rss) = run(&cases, &out);
        let page = out.join("report.html");
        let (open, in_page) = match browser {
            Some(_) => (
                format!(
                    "{:.2} s",
                    screenshot_s(&report_tools::file_url(&page, ""), &out.join("shot.png"))
                ),
                format!("{} ms", in_page_ms(&page)),
            ),
            None => ("-".to_owned(), "-".to_owned()),
        };
        println!(
            "| {n} | {wall:.2} s | {} | {} | {} | {} | {} | {open} | {in_page} |",
            rss.map_or("-".to_owned(), |r| format!("{r:.0} MB")),
            size(&out.join("results.json")),
            size(&out.join("junit.xml")),
            size(&out.join("summary.md")),
            size(&page),
        );
    }
}
