//! `cargo bench --bench outputs`: what every report costs at 10,000 cases. Writes one case that
//! `vary`s over N numbers, runs `pwconform run --embedded --dialect ocariot --cases DIR --filter
//! bench --out OUT` (the release binary when built with `cargo bench`), and prints the run's peak
//! RSS (from `/usr/bin/time -v`; Debian package `time`), the size of each report file, and how
//! long headless Chromium takes to open the HTML report. A missing tool skips its column.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

#[path = "../tests/report_tools/mod.rs"]
mod report_tools;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const TIME: &str = "/usr/bin/time";

fn write_cases(dir: &Path, n: usize) {
    let values: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("bench.yaml"),
        format!(
            "theme: Bench\ncases:\n  - id: bench\n    title: old_password is a number\n    \
             vary: {{field: old_password, values: [{}]}}\n    expect: invalid_field\n",
            values.join(", ")
        ),
    )
    .unwrap();
}

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

fn size_mb(path: &Path) -> String {
    std::fs::metadata(path).map_or("-".to_owned(), |m| {
        format!("{:.1} MB", m.len() as f64 / 1e6)
    })
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

/// Median of five opens: (browser start to the DOM dumped after the first table page, in s;
/// navigation start to the first table page rendered, in ms, as the page records it).
fn open_time(page: &Path) -> (f64, u64) {
    let mut wall = Vec::new();
    let mut in_page = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let dom = report_tools::dump_dom(page, "");
        wall.push(started.elapsed().as_secs_f64());
        in_page.push(attr_ms(&dom, "data-rendered-ms"));
    }
    wall.sort_by(f64::total_cmp);
    in_page.sort_unstable();
    (wall[2], in_page[2])
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
    println!(
        "| N | run with --out | peak RSS | results.json | junit.xml | summary.md | report.html | \
         Chromium: start to first page (median of 5) | of which in page |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for n in [1_000, 10_000] {
        let cases = dir.path().join(format!("cases-{n}"));
        let out = dir.path().join(format!("out-{n}"));
        write_cases(&cases, n);
        let (wall, rss) = run(&cases, &out);
        let (open, in_page) = match browser {
            Some(_) => {
                let (open, in_page) = open_time(&out.join("report.html"));
                (format!("{open:.2} s"), format!("{in_page} ms"))
            }
            None => ("-".to_owned(), "-".to_owned()),
        };
        println!(
            "| {n} | {wall:.2} s | {} | {} | {} | {} | {} | {open} | {in_page} |",
            rss.map_or("-".to_owned(), |r| format!("{r:.0} MB")),
            size_mb(&out.join("results.json")),
            size_mb(&out.join("junit.xml")),
            size_mb(&out.join("summary.md")),
            size_mb(&out.join("report.html")),
        );
    }
}
