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
}
