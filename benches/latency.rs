//! `cargo bench --bench latency`: a full OCARIoT run against a target 50 ms away. Starts
//! `pwconform serve ocariot --latency 50` in its own process (every answer held back 50 ms) with
//! its accounts file (two accounts per role), then runs the built-in cases through the library's
//! `run`: the hand-written ones alone (`--no-generated`) and with the generated ones, at
//! `--jobs 4` and `--jobs 16`. Prints the wall time of each and the longest chain of steps one
//! account carries in the plan (what bounds a run when answers are slow). Issue 14's target: with
//! generation on, under 20 s.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use pwconform::exec::RunOptions;
use pwconform::plan::build_plan;
use pwconform::run::{RunConfig, Silent, load_inputs, run};
use pwconform::target::load_accounts;

const LATENCY_MS: u64 = 50;

/// The most steps one account takes part in (as actor or target) in the plan the run sends:
/// steps on one account run one after the other, so this chain bounds a slow run.
fn longest_chain(accounts: &Path, generated: bool) -> (String, usize) {
    let file = load_accounts(accounts).unwrap();
    let base = file.base_url.clone().unwrap();
    let target = file.into_target(&base, accounts);
    let mut inputs = load_inputs(&[], &[], &["ocariot".to_owned()]).unwrap();
    if !generated {
        inputs.drop_generated();
    }
    let plan = build_plan(&inputs.cases, &inputs.dialects[0], &target);
    let mut per: BTreeMap<usize, usize> = BTreeMap::new();
    for step in plan.steps.iter().filter(|s| s.skipped().is_none()) {
        for &i in &step.accounts {
            *per.entry(i).or_default() += 1;
        }
    }
    let (i, n) = per.into_iter().max_by_key(|(_, n)| *n).unwrap_or_default();
    (target.accounts[i].label(), n)
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let accounts = dir.path().join("accounts.yaml");
    let latency = LATENCY_MS.to_string();
    let _server = support::serve(&["--latency", &latency], &accounts);
    println!(
        "OCARIoT reference server, every answer held back {LATENCY_MS} ms, two accounts per role"
    );
    println!("| cases | --jobs | wall time | passed | longest account chain |");
    println!("|---|---|---|---|---|");
    for (generated, jobs) in [(false, 4), (true, 4), (true, 16)] {
        let config = RunConfig {
            accounts: Some(accounts.clone()),
            dialects: vec!["ocariot".to_owned()],
            no_generated: !generated,
            journal: dir.path().join(format!("journal-{generated}-{jobs}.jsonl")),
            options: RunOptions {
                jobs,
                ..RunOptions::default()
            },
            ..RunConfig::default()
        };
        let started = Instant::now();
        let outcome = run(&config, &Silent).await.unwrap();
        let took = started.elapsed();
        let totals = outcome.report.totals();
        // Not applicable to OCARIoT (the confirmation cases) is skipped, not sent.
        let total = outcome.report.cases.len() - totals.skipped;
        let (account, chain) = longest_chain(&accounts, generated);
        println!(
            "| {total} ({}) | {jobs} | {:.1} s | {} | {chain} steps ({account}) |",
            if generated {
                "with generated"
            } else {
                "hand-written"
            },
            took.as_secs_f64(),
            totals.passed,
        );
        assert_eq!(totals.passed, total, "every case passes: {totals:?}");
    }
}
