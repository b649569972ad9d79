//! The shipped OpenSpecimen "as built" profile: the reference server with the as-built faults fails
//! exactly the cases its baseline lists, the baseline turns them into known deviations, and the same
//! baseline against the faithful server reports every entry as stale.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    clippy::indexing_slicing
)]

mod common;

use std::sync::atomic::AtomicBool;

use pwconform::baseline::{apply, load_baseline};
use pwconform::embedded::run_embedded;
use pwconform::exec::{Quiet, RunContext, RunOptions, Secrets};
use pwconform::result::{RunMeta, RunReport, Verdict};

async fn run(faults: &[&str]) -> RunReport {
    let d = common::dialect("openspecimen");
    let faults: Vec<String> = faults.iter().map(|s| s.to_string()).collect();
    let stop = AtomicBool::new(false);
    let ctx = RunContext {
        options: &RunOptions::default(),
        observer: &Quiet,
        secrets: &Secrets::default(),
        journal: None,
        stop: &stop,
    };
    let applies = |s: &pwconform::plan::Step| s.not_applicable.is_none();
    let run = run_embedded(&d, &common::cases(), &faults, &applies, &ctx)
        .await
        .unwrap();
    RunReport {
        meta: RunMeta {
            tool_version: String::new(),
            target: String::new(),
            dialects: vec!["openspecimen".into()],
            started_unix: 0,
            duration_ms: 0,
            command_line: String::new(),
        },
        cases: run.cases,
        unrestored: run.unrestored,
        notes: run.notes,
    }
}

fn not_passing(r: &RunReport) -> Vec<String> {
    let mut ids: Vec<String> = r
        .cases
        .iter()
        .filter(|c| c.verdict != Verdict::Pass)
        .map(|c| c.id.clone())
        .collect();
    ids.sort();
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn as_built_profile_fails_exactly_its_baseline() {
    let path = common::root().join("specs/openspecimen/as-built.baseline.yaml");
    let baseline = load_baseline(&path).unwrap();
    let mut listed: Vec<String> = baseline.known.iter().map(|k| k.case.clone()).collect();
    listed.sort();

    let mut as_built = run(&["as-built"]).await;
    assert_eq!(
        not_passing(&as_built),
        listed,
        "the plain run fails exactly the listed cases"
    );
    assert!(as_built.unrestored.is_empty());

    apply(
        &mut as_built,
        &baseline,
        "as-built.baseline.yaml",
        "2026-11-23",
    );
    assert_eq!(not_passing(&as_built).len(), listed.len());
    assert!(
        as_built
            .cases
            .iter()
            .all(|c| matches!(c.verdict, Verdict::Pass | Verdict::Known))
    );

    let mut faithful = run(&[]).await;
    apply(
        &mut faithful,
        &baseline,
        "as-built.baseline.yaml",
        "2026-11-23",
    );
    let stale: Vec<&str> = faithful
        .cases
        .iter()
        .filter(|c| c.verdict == Verdict::Fail)
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(
        stale.len(),
        listed.len(),
        "every entry is stale on the faithful server"
    );
    assert!(
        faithful
            .cases
            .iter()
            .filter(|c| c.verdict == Verdict::Fail)
            .all(|c| c
                .reasons
                .iter()
                .any(|r| r.starts_with("stale baseline entry")))
    );
}
