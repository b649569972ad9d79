//! The restore ladder against the embedded servers' faults of the three kinds that used to leave
//! an account changed: a change applied to the caller instead of the named user, an administrator
//! allowed to change others where the contract forbids it, and a stored value that cannot be sent
//! back. After each run every account's real state is read from the server (its reference-only
//! inspection route, no login): the original password, no reset pending, not locked.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    clippy::indexing_slicing
)]

mod common;

use pwconform::reference::RunningServer;
use pwconform::reference::inspect::{PATH, PasswordState};
use pwconform::result::{RestoredBy, Verdict};
use pwconform::target::Target;
use rstest::rstest;
use serde_json::json;

/// Every seeded account whose password on the server is not exactly its original one.
async fn not_original(server: &RunningServer) -> Vec<String> {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut bad = Vec::new();
    for a in &server.accounts {
        let state: PasswordState = client
            .post(format!("{}{PATH}", server.base_url))
            .json(&json!({"username": a.username, "password": a.password}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if !state.is_original() {
            bad.push(format!("{}: {state:?}", a.username));
        }
    }
    bad
}

/// Runs the cases whose id starts with `case` against `dialect` with `fault`; returns the steps
/// of the ladder that restored each changed account, after checking that nothing is left changed.
async fn ladder_steps(dialect: &str, fault: &str, case: &str) -> Vec<(String, RestoredBy)> {
    ladder_steps_among(dialect, fault, case, |_| true).await
}

/// [`ladder_steps`] with only the seeded accounts of the roles `keep` admits in the run.
async fn ladder_steps_among(
    dialect: &str,
    fault: &str,
    case: &str,
    keep: impl Fn(&str) -> bool,
) -> Vec<(String, RestoredBy)> {
    let d = common::dialect(dialect);
    let server = common::server(dialect, &[fault]).await;
    let mut target = Target::from_seed(&server.base_url, &server.accounts);
    target.accounts.retain(|a| keep(&a.role));
    let run = common::run(&d, &target, |s| s.id.starts_with(case)).await;
    assert!(run.unrestored.is_empty(), "{:?}", run.unrestored);
    assert_eq!(not_original(&server).await, Vec::<String>::new());
    let caught = run.cases.iter().any(|c| c.verdict == Verdict::Fail);
    assert!(caught, "{fault} is not caught by {case}");
    run.cases
        .iter()
        .flat_map(|c| &c.changed_accounts)
        .map(|a| (a.account.clone(), a.restored_by.expect("restored")))
        .collect()
}

/// Situation 1: the server changes the caller's password whatever user the request names. The
/// caller is journaled, verified and restored, and the results name it.
#[rstest]
#[case::ocariot("ocariot", "nonexistent-user-id[admin]", "admin#1 (admin1)")]
#[case::openspecimen(
    "openspecimen",
    "admin-changes-other-without-old-password[super_admin->user]",
    "super_admin#1 (admin1)"
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_applied_to_the_caller_is_restored(
    #[case] dialect: &str,
    #[case] case: &str,
    #[case] caller: &str,
) {
    let steps = ladder_steps(dialect, "change-applies-to-caller", case).await;
    assert!(
        steps.iter().any(|(a, _)| a == caller),
        "the caller is not named as changed: {steps:?}"
    );
}

/// Situation 2: an administrator may change a child's password although the contract forbids
/// it; the child may not use the route, so the administrator who made the change puts it back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_changed_by_an_admin_is_restored_by_the_admin() {
    let steps = ladder_steps(
        "ocariot",
        "admin-changes-others",
        "own-only-other[admin->child]",
    )
    .await;
    assert_eq!(
        steps,
        vec![("child#1 (child1)".to_string(), RestoredBy::Actor)]
    );
}

/// Situation 3: the server stored an empty password, which the change route never takes back as
/// the old one; an administrator resets it (OpenSpecimen: then the forced reset is completed).
/// With every role, the case acts as a user who is no administrator.
#[rstest]
#[case::ocariot("ocariot")]
#[case::openspecimen("openspecimen")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_stored_password_is_reset_by_an_administrator(#[case] dialect: &str) {
    let steps = ladder_steps(dialect, "accept-empty-new-password", "empty-new-password").await;
    assert!(
        steps.iter().any(|(_, by)| *by == RestoredBy::AdminReset),
        "{steps:?}"
    );
}

/// Situation 3 when only administrators are in the run: the one whose password was emptied is
/// reset by the other.
#[rstest]
#[case::ocariot("ocariot", "admin")]
#[case::openspecimen("openspecimen", "super_admin")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrators_empty_password_is_reset_by_another(
    #[case] dialect: &str,
    #[case] admins: &str,
) {
    let steps = ladder_steps_among(
        dialect,
        "accept-empty-new-password",
        "empty-new-password",
        |role| role == admins,
    )
    .await;
    assert!(
        steps
            .iter()
            .any(|(a, by)| a.starts_with(admins) && *by == RestoredBy::AdminReset),
        "{steps:?}"
    );
}

/// Without any other administrator the ladder ends: the account is reported with the exact
/// manual step, and the failed logins stay below OpenSpecimen's lockout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_administrator_left_means_a_loud_manual_step() {
    let d = common::dialect("openspecimen");
    let server = common::server("openspecimen", &["accept-empty-new-password"]).await;
    let mut target = Target::from_seed(&server.base_url, &server.accounts);
    target
        .accounts
        .retain(|a| a.username.as_deref() == Some("admin1"));
    let run = common::run(&d, &target, |s| s.id == "empty-new-password").await;
    let lost = &run.unrestored;
    assert_eq!(lost.len(), 1, "{lost:?}");
    let manual = lost[0].manual.clone().unwrap_or_default();
    assert!(
        manual.contains("PUT /openspecimen/rest/ng/users/password")
            && manual.contains("complete the reset"),
        "{manual}"
    );
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let state: PasswordState = client
        .post(format!("{}{PATH}", server.base_url))
        .json(&json!({"username": "admin1", "password": ""}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(state.current && !state.locked, "{state:?}");
}
