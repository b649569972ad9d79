//! `cargo bench --bench engine`: the engine against its floor. Starts `pwconform serve ocariot` in
//! its own process and warms it up, then for N = 1,000 and 10,000 runs N one-request cases
//! (`vary` over N numbers as the old password, each answered 400) through the library's `run`
//! (restore journal included) with the default `--jobs 4` (the cases take turns over the
//! server's accounts, several in flight) and with `--jobs 1` (one request in flight, as the
//! floor), and sends the same N requests with a bare reqwest loop on one connection (the floor).
//! Prints time per case, the ratios to the floor, the journal's `fsync`s and the process's peak
//! RSS; then the same cases and the whole built-in suite against the embedded servers
//! (`--embedded`: in this process, no journal). Needs nothing but cargo.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use pwconform::exec::{Http, LoginResult, RunOptions, login};
use pwconform::run::{RunConfig, Silent, load_inputs, run};
use pwconform::target::load_accounts;

/// Peak resident set of this process so far, in MB (Linux; 0 elsewhere).
fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The same N requests, with nothing around them: log in once, then PUT N times on one
/// connection, reading each answer.
async fn floor(accounts: &Path, n: usize) -> Duration {
    let file = load_accounts(accounts).unwrap();
    let base = file.base_url.clone().unwrap();
    let entry = file.accounts.values().flatten().next().unwrap();
    let inputs = load_inputs(&[], &[], &["ocariot".to_owned()]).unwrap();
    let dialect = &inputs.dialects[0];
    let http = Http::new(&base, &Default::default()).unwrap();
    let (user, password) = (
        entry.username.clone().unwrap(),
        entry.password.clone().unwrap(),
    );
    let LoginResult::Session { token, user_id } =
        login(&http, dialect, &user, &password, &mut Vec::new()).await
    else {
        panic!("login failed");
    };
    let id = user_id.and_then(|v| v.as_str().map(str::to_owned)).unwrap();
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let url = format!("{base}/v1/users/{id}/password");
    let started = Instant::now();
    for i in 1..=n {
        let answer = client
            .put(&url)
            .bearer_auth(&token)
            .json(&serde_json::json!({"old_password": i, "new_password": "Pwc-0000aaaa-1111a1!"}))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status().as_u16(), 400);
        let _ = answer.bytes().await.unwrap();
    }
    started.elapsed()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

/// The case files of a bench of `n` cases, in a folder of `dir`.
fn cases_of(dir: &Path, n: usize) -> PathBuf {
    let cases = dir.join(format!("cases-{n}"));
    if !cases.exists() {
        support::write_cases(&cases, n);
    }
    cases
}

/// A run of `n` bench cases (or, with `n` = 0, of the whole built-in suite); its wall time and
/// the journal's `fsync`s.
async fn timed_run(config: RunConfig, n: usize) -> (Duration, u64) {
    let started = Instant::now();
    let outcome = run(&config, &Silent).await.unwrap();
    let took = started.elapsed();
    let totals = outcome.report.totals();
    if n > 0 {
        assert_eq!(totals.passed, n, "every case passes: {totals:?}");
    } else {
        assert!(totals.passed > 0, "{totals:?}");
    }
    (took, outcome.journal_syncs)
}

fn bench_config(cases: PathBuf) -> RunConfig {
    RunConfig {
        cases: vec![cases],
        selection: pwconform::plan::Selection {
            filters: vec!["bench".to_owned()],
            ..Default::default()
        },
        options: RunOptions::default(),
        ..RunConfig::default()
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let accounts = dir.path().join("accounts.yaml");
    let _server = support::serve(&[], &accounts);
    // A fresh server process answers its first requests slower, whoever sends them.
    let _ = floor(&accounts, 1_000).await;
    println!(
        "Against `pwconform serve ocariot` (its own process), with the restore journal; medians \
         of 5 (N = 1,000) and 3 (N = 10,000) turns each:\n"
    );
    println!(
        "| N | pwconform (library run, --jobs 4) | per case | --jobs 1 | per case | bare reqwest loop | per request | ratio (jobs 4) | ratio (jobs 1) | fsyncs | peak RSS |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for (n, rounds) in [(1_000, 5), (10_000, 3)] {
        // Ours and the floor take turns, and the medians are compared: on shared cores a burst
        // of someone else's work must not land on one side only.
        let (mut ours, mut serial, mut bare, mut syncs) = (Vec::new(), Vec::new(), Vec::new(), 0);
        for _ in 0..rounds {
            for (jobs, times) in [(4, &mut ours), (1, &mut serial)] {
                let config = RunConfig {
                    accounts: Some(accounts.clone()),
                    journal: dir.path().join(format!("journal-{n}-{jobs}.jsonl")),
                    options: RunOptions {
                        jobs,
                        ..RunOptions::default()
                    },
                    ..bench_config(cases_of(dir.path(), n))
                };
                let (took, synced) = timed_run(config, n).await;
                times.push(took);
                if jobs == 4 {
                    syncs = synced;
                }
            }
            bare.push(floor(&accounts, n).await);
        }
        let (ours, serial, bare) = (median(ours), median(serial), median(bare));
        let per = |d: Duration| d.as_secs_f64() * 1e6 / n as f64;
        let ratio = |d: Duration| d.as_secs_f64() / bare.as_secs_f64();
        println!(
            "| {n} | {:.2} s | {:.0} µs | {:.2} s | {:.0} µs | {:.2} s | {:.0} µs | {:.2}x | {:.2}x | {syncs} | {:.0} MB |",
            ours.as_secs_f64(),
            per(ours),
            serial.as_secs_f64(),
            per(serial),
            bare.as_secs_f64(),
            per(bare),
            ratio(ours),
            ratio(serial),
            peak_rss_mb()
        );
    }
    println!(
        "\nEmbedded (`--embedded`: the reference servers in this process, no journal), medians of 3:\n"
    );
    println!("| cases | time | per case |");
    println!("|---|---|---|");
    for n in [1_000, 10_000] {
        let mut times = Vec::new();
        for _ in 0..3 {
            let config = RunConfig {
                embedded: true,
                dialects: vec!["ocariot".to_owned()],
                ..bench_config(cases_of(dir.path(), n))
            };
            times.push(timed_run(config, n).await.0);
        }
        let took = median(times);
        println!(
            "| {n} bench cases (ocariot) | {:.2} s | {:.0} µs |",
            took.as_secs_f64(),
            took.as_secs_f64() * 1e6 / n as f64
        );
    }
    let mut times = Vec::new();
    for _ in 0..3 {
        let suite = RunConfig {
            embedded: true,
            ..RunConfig::default()
        };
        times.push(timed_run(suite, 0).await.0);
    }
    println!(
        "| the whole built-in suite, every dialect | {:.2} s | |",
        median(times).as_secs_f64()
    );
}
