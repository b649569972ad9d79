//! The faults only generated cases catch: with the hand-written cases alone (`selftest
//! --no-generated`) each survives, with the cases generated from the contract each is caught, the
//! faithful server still passes everything and no fault leaves an account changed. The list is
//! docs/faults.md's "only generated cases" marks, read here so the two cannot drift.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    clippy::indexing_slicing
)]

mod common;

use pwconform::exec::RunOptions;
use pwconform::selftest::{render_matrix, selftest};
use rstest::rstest;

/// Faults of `dialect` that docs/faults.md marks as caught by generated cases only.
fn generated_only(dialect: &str) -> Vec<String> {
    let text = std::fs::read_to_string(common::root().join("docs/faults.md")).unwrap();
    let section = text
        .split("\n## ")
        .find(|s| s.starts_with(dialect) && s.lines().next() == Some(dialect))
        .unwrap();
    section
        .lines()
        .filter(|l| l.contains("only generated cases"))
        .filter_map(|l| l.split('`').nth(1))
        .map(str::to_string)
        .collect()
}

#[rstest]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_only_generated_cases_catch(#[values("ocariot", "openspecimen")] dialect: &str) {
    let faults = generated_only(dialect);
    assert!(faults.len() >= 5, "{dialect}: {faults:?}");
    let d = common::dialect(dialect);
    let all = common::cases();
    let hand_written: Vec<_> = all
        .iter()
        .filter(|c| c.def.generate.is_none())
        .cloned()
        .collect();
    let options = RunOptions::default();

    let without = selftest(&d, &hand_written, &options, &faults)
        .await
        .unwrap();
    assert!(
        without.faithful_failures.is_empty(),
        "{}",
        render_matrix(&without)
    );
    assert_eq!(without.faults.len(), faults.len());
    for f in &without.faults {
        assert!(
            !f.caught(),
            "{} is caught without generated cases:\n{}",
            f.fault,
            render_matrix(&without)
        );
    }

    let with = selftest(&d, &all, &options, &faults).await.unwrap();
    assert!(with.clean(), "{}", render_matrix(&with));
    for f in &with.faults {
        assert!(
            f.caught_by.iter().all(|id| id.starts_with("gen-")),
            "{}: {:?}",
            f.fault,
            f.caught_by
        );
    }
}
