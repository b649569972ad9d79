//! Every case passes against every faithful embedded reference server, talking HTTP; faults make
//! exactly the cases about them fail, and passwords always end as they started.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    clippy::indexing_slicing
)]

mod common;

use std::path::PathBuf;

use pwconform::result::Verdict;
use pwconform::target::Target;
use rstest::rstest;

#[rstest]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_case_passes_on_the_faithful_server(
    #[values("ocariot", "openspecimen", "openspecimen-legacy")] dialect: &str,
    #[files("cases/*.yaml")] file: PathBuf,
) {
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    let from_file = |s: &pwconform::plan::Step| s.file.ends_with(&format!("/{name}"));
    let d = common::dialect(dialect);
    let server = common::server(dialect, &[]).await;
    let target = Target::from_seed(&server.base_url, &server.accounts);
    let planned = pwconform::plan::build_plan(&common::cases(), &d, &target);
    let applies = |s: &&pwconform::plan::Step| from_file(s) && s.not_applicable.is_none();
    if !planned.steps.iter().any(|s| applies(&s)) {
        // Only a file of cases restricted to other dialects, or of cases the dialect says do not
        // apply to it (each with its reason), may plan nothing here.
        let not_applicable = planned
            .steps
            .iter()
            .filter(|s| from_file(s))
            .all(|s| s.not_applicable.is_some());
        assert!(
            name.ends_with("-only.yaml") || not_applicable,
            "{name} planned no step on {dialect}"
        );
        return;
    }
    let run = common::run(&d, &target, from_file).await;
    assert_eq!(common::failures(&run), Vec::<String>::new());
    assert!(run.unrestored.is_empty());
    assert_eq!(
        common::accounts_not_original(&d, &server).await,
        Vec::<String>::new()
    );
}

/// The "done when": a server that accepts an empty new password fails the empty-string
/// cases (and only cases about empty values), and the password ends as it started.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accepting_empty_passwords_fails_those_cases_and_is_restored() {
    let d = common::dialect("ocariot");
    let server = common::server("ocariot", &["accept-empty-passwords"]).await;
    let target = Target::from_seed(&server.base_url, &server.accounts);
    let run = common::run(&d, &target, |_| true).await;
    let failed: Vec<&str> = run
        .cases
        .iter()
        .filter(|c| c.verdict == Verdict::Fail)
        .map(|c| c.id.as_str())
        .collect();
    assert!(failed.contains(&"empty-new-password"), "{failed:?}");
    assert!(failed.iter().all(|id| id.contains("empty")), "{failed:?}");
    let accepted = run
        .cases
        .iter()
        .find(|c| c.id == "empty-new-password")
        .unwrap();
    assert!(accepted.changed_account.is_some());
    assert!(
        accepted
            .reasons
            .iter()
            .any(|r| r.contains("status: expected 400, got 204"))
    );
    assert!(accepted.exchanges.iter().any(|e| e.purpose == "restore"));
    assert!(run.unrestored.is_empty(), "{:?}", run.unrestored);
    assert_eq!(
        common::accounts_not_original(&d, &server).await,
        Vec::<String>::new()
    );
}

/// A server that answers 204 but keeps the old password is caught by logging in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_that_does_not_happen_is_caught_by_login() {
    let d = common::dialect("ocariot");
    let server = common::server("ocariot", &["no-change-but-204"]).await;
    let target = Target::from_seed(&server.base_url, &server.accounts);
    let run = common::run(&d, &target, |s| s.file.ends_with("/happy-path.yaml")).await;
    let reasons: Vec<String> = run.cases.iter().flat_map(|c| c.reasons.clone()).collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("login with the new password: expected accepted")),
        "{reasons:?}"
    );
    assert_eq!(
        common::accounts_not_original(&d, &server).await,
        Vec::<String>::new()
    );
}

/// A server behaving like the older wiki text (route with the id in the path, 401 for no rights,
/// 404 for no such user) fails the current dialect's `forbidden` and `user_not_found` cases, and
/// the `openspecimen-legacy` dialect, a few lines extending `openspecimen`, passes them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_legacy_server_fails_the_current_dialect_and_passes_the_legacy_one() {
    let server = common::server("openspecimen-legacy", &[]).await;
    let target = Target::from_seed(&server.base_url, &server.accounts);
    let about = |s: &pwconform::plan::Step| {
        s.expect.outcome == "forbidden" || s.expect.outcome == "user_not_found"
    };
    let current = common::run(&common::dialect("openspecimen"), &target, about).await;
    assert!(current.cases.len() >= 3);
    for c in &current.cases {
        assert_eq!(c.verdict, Verdict::Fail, "{}: {:?}", c.id, c.reasons);
    }
    let legacy = common::run(&common::dialect("openspecimen-legacy"), &target, about).await;
    assert_eq!(legacy.cases.len(), current.cases.len());
    assert_eq!(common::failures(&legacy), Vec::<String>::new());
    let statuses: Vec<u16> = legacy
        .cases
        .iter()
        .filter_map(|c| c.exchanges.iter().find(|e| e.purpose == "case"))
        .filter_map(|e| e.response.as_ref().map(|r| r.status))
        .collect();
    assert!(
        statuses.contains(&401) && statuses.contains(&404),
        "{statuses:?}"
    );
}

/// Issue 4's "done when": a server that accepts every new password whatever its type; after a full
/// run every account logs in with its original password, and the results say which cases changed
/// which account.
#[rstest]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accepting_any_password_type_ends_with_every_password_restored(
    #[values("ocariot", "openspecimen")] dialect: &str,
) {
    let d = common::dialect(dialect);
    let server = common::server(dialect, &["accept-non-string-passwords"]).await;
    let target = Target::from_seed(&server.base_url, &server.accounts);
    let run = common::run(&d, &target, |_| true).await;
    let changed: Vec<(&str, &str)> = run
        .cases
        .iter()
        .filter_map(|c| c.changed_account.as_deref().map(|a| (c.id.as_str(), a)))
        .filter(|(id, _)| id.starts_with("wrong-type-new-password"))
        .collect();
    assert!(changed.len() >= 3, "{changed:?}");
    assert!(run.unrestored.is_empty(), "{:?}", run.unrestored);
    assert_eq!(
        common::accounts_not_original(&d, &server).await,
        Vec::<String>::new()
    );
}

/// A login that fails for one account (here: a wrong password in the accounts file) gives an
/// error verdict to the cases that need that account, naming the login, and every other case runs
/// and passes; the account is tried once, so nothing is locked out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_login_for_one_role_fails_only_the_cases_of_that_role() {
    let d = common::dialect("ocariot");
    let server = common::server("ocariot", &[]).await;
    let mut target = Target::from_seed(&server.base_url, &server.accounts);
    let educator = target
        .accounts
        .iter_mut()
        .find(|a| a.role == "educator" && a.nth == 0)
        .unwrap();
    educator.password = Some("not-the-password".into());
    let label = educator.label();
    let run = common::run(&d, &target, |_| true).await;
    let mut errored = 0;
    let mut passed = 0;
    for c in &run.cases {
        match c.verdict {
            Verdict::Pass => passed += 1,
            Verdict::Error => {
                errored += 1;
                assert!(
                    c.reasons[0].contains(&format!("login as {label} failed")),
                    "{}: {:?}",
                    c.id,
                    c.reasons
                );
            }
            other => panic!("{} ended {other:?}: {:?}", c.id, c.reasons),
        }
    }
    assert!(errored > 0, "no case needed {label}");
    assert!(
        passed > 3 * errored,
        "{passed} passed, {errored} errored: a failed login should not spread"
    );
    assert!(run.unrestored.is_empty(), "{:?}", run.unrestored);
    assert_eq!(
        common::accounts_not_original(&d, &server).await,
        Vec::<String>::new()
    );
}
