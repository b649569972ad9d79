//! `pwconform selftest` as a test: the faithful servers pass every case, and every fault of both
//! dialects is caught by some case.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    clippy::indexing_slicing
)]

mod common;

use pwconform::exec::RunOptions;
use pwconform::result::RestoredBy;
use pwconform::selftest::{render_matrix, selftest};
use rstest::rstest;

#[rstest]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_is_caught_and_the_faithful_server_is_clean(
    #[values("ocariot", "openspecimen")] dialect: &str,
) {
    let d = common::dialect(dialect);
    let result = selftest(&d, &common::cases(), &RunOptions::default(), &[])
        .await
        .unwrap();
    assert!(result.faults.len() >= 30);
    assert!(result.clean(), "{}", render_matrix(&result));
    let unrestorable: Vec<&str> = result
        .faults
        .iter()
        .filter(|f| !f.unrestored.is_empty())
        .map(|f| f.fault.as_str())
        .collect();
    assert_eq!(unrestorable, Vec::<&str>::new(), "0 unrestorable faults");
    // The faults the ladder exists for needed more than the account itself.
    let beyond = |name: &str| {
        result
            .faults
            .iter()
            .find(|f| f.fault == name)
            .is_some_and(|f| f.restored_by.keys().any(|by| *by != RestoredBy::Itself))
    };
    assert!(
        beyond("accept-empty-new-password"),
        "{}",
        render_matrix(&result)
    );
}
