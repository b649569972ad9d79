//! Targets that answer wrongly, played by wiremock: each fails exactly the case it should, with a
//! reason that says what was expected and what came; a control target that answers as documented
//! passes, so the tests cannot pass by accident.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    clippy::indexing_slicing
)]

mod common;

use pwconform::result::Verdict;
use rstest::rstest;
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{MOCK_ORIGINAL as ORIGINAL, MOCK_TOKEN as TOKEN, mock_target as target};

fn mismatch_body() -> Value {
    json!({
        "code": 400,
        "message": "Password does not match!",
        "description": "The old password parameter does not match with the actual user password."
    })
}

/// Runs the one case `case_id` (as admin) against a server answering every PUT with `answer`.
async fn run_case(case_id: &str, answer: ResponseTemplate) -> pwconform::result::CaseResult {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path_regex(r"^/v1/users/[^/]+/password$"))
        .respond_with(answer)
        .mount(&server)
        .await;
    let d = common::dialect("ocariot");
    let run = common::run(&d, &target(&server.uri()), |s| s.id == case_id).await;
    assert_eq!(run.cases.len(), 1);
    run.cases.into_iter().next().unwrap()
}

#[rstest]
#[case::documented_answer(
    ResponseTemplate::new(400).set_body_json(mismatch_body()),
    Verdict::Pass, "")]
#[case::wrong_status(
    ResponseTemplate::new(401).set_body_json(mismatch_body()),
    Verdict::Fail, "status: expected 400, got 401")]
#[case::body_breaks_schema(
    ResponseTemplate::new(400).set_body_json(json!({"code": "400", "message": "Password does not match!"})),
    Verdict::Fail, r#"at `/code`: "400" is not of type "integer" (keyword `type`, schema error.schema.json#/properties/code/type)"#)]
#[case::server_error(
    ResponseTemplate::new(500).set_body_json(json!({"code": 500, "message": "Internal error", "description": "x"})),
    Verdict::Fail, "status: expected 400, got 500")]
#[case::html_body(
    ResponseTemplate::new(400).set_body_raw("<html>Bad Request</html>", "text/html"),
    Verdict::Fail, "body: expected a JSON body, got 24 bytes: <html>Bad Request</html>")]
#[case::wrong_message(
    ResponseTemplate::new(400).set_body_json(json!({"code": 400, "message": "Wrong password", "description": "The old password parameter does not match with the actual user password."})),
    Verdict::Fail, r#"field /message: expected "Password does not match!", got "Wrong password""#)]
#[tokio::test]
async fn old_password_mismatch_against(
    #[case] answer: ResponseTemplate,
    #[case] verdict: Verdict,
    #[case] reason: &str,
) {
    let case = run_case("old-password-mismatch[admin]", answer).await;
    assert_eq!(case.verdict, verdict, "{:?}", case.reasons);
    assert!(
        (reason.is_empty() && case.reasons.is_empty())
            || case
                .reasons
                .iter()
                .any(|r| !reason.is_empty() && r.contains(reason)),
        "no reason contains {reason:?}: {:?}",
        case.reasons
    );
    assert!(case.changed_accounts.is_empty());
}

/// A server that answers 2xx to an empty new password fails that case, and the runner at once
/// changes the password back, sending the empty password as the old one.
#[tokio::test]
async fn accepted_empty_new_password_is_failed_and_restored() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(body_partial_json(json!({"new_password": ""})))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(body_partial_json(
            json!({"old_password": "", "new_password": ORIGINAL}),
        ))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    // The end-of-run check logs in with the original password: it works, so nothing more is sent.
    Mock::given(method("POST"))
        .and(path_regex("^/v1/auth$"))
        .and(body_partial_json(json!({"password": ORIGINAL})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": TOKEN})))
        .expect(1)
        .mount(&server)
        .await;
    let d = common::dialect("ocariot");
    let run = common::run(&d, &target(&server.uri()), |s| s.id == "empty-new-password").await;
    let case = &run.cases[0];
    assert_eq!(case.verdict, Verdict::Fail);
    assert!(
        case.reasons[0].starts_with("status: expected 400, got 204"),
        "{:?}",
        case.reasons
    );
    assert!(case.reasons.iter().any(|r| r.contains("restoring it")));
    assert_eq!(
        case.changed_accounts,
        vec![pwconform::result::ChangedAccount {
            account: "admin#1 (admin1)".into(),
            restored_by: Some(pwconform::result::RestoredBy::Itself),
        }]
    );
    assert!(run.unrestored.is_empty());
}

/// When no password the account may have works, the run says so: the account is unrestored.
#[tokio::test]
async fn a_password_that_cannot_be_restored_is_reported() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(body_partial_json(json!({"new_password": ""})))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(400).set_body_json(mismatch_body()))
        .mount(&server)
        .await;
    let d = common::dialect("ocariot");
    let run = common::run(&d, &target(&server.uri()), |s| s.id == "empty-new-password").await;
    assert_eq!(run.unrestored.len(), 1, "{:?}", run.cases[0].reasons);
    assert_eq!(run.unrestored[0].username, "admin1");
    assert!(
        run.cases[0]
            .reasons
            .iter()
            .any(|r| r.contains("could NOT restore"))
    );
}

/// A target that is down gives every case an error verdict, not a failure or a panic.
#[tokio::test]
async fn unreachable_target_gives_error_verdicts() {
    let d = common::dialect("ocariot");
    let run = common::run(&d, &target("http://127.0.0.1:9"), |s| {
        s.id == "old-password-mismatch[admin]"
    })
    .await;
    assert_eq!(run.cases[0].verdict, Verdict::Error);
    assert!(
        run.cases[0].reasons[0].contains("connection refused"),
        "{:?}",
        run.cases[0].reasons
    );
}

/// A login that is rejected is tried once per run, whatever number of cases need the account
/// (lockout policies count failed logins); those cases get an error verdict naming the login.
#[tokio::test]
async fn a_rejected_login_is_never_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path_regex("^/v1/auth$"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"code": 401, "message": "Invalid username or password!"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let mut t = target(&server.uri());
    t.accounts[0].token = None;
    let d = common::dialect("ocariot");
    let run = common::run(&d, &t, |s| s.id.ends_with("[admin]")).await;
    assert!(run.cases.len() >= 3);
    for c in &run.cases {
        assert_eq!(c.verdict, Verdict::Error, "{}", c.id);
        assert!(
            c.reasons[0].contains("login as admin#1 (admin1) failed: login answered 401"),
            "{:?}",
            c.reasons
        );
    }
    // MockServer verifies `expect(1)` when dropped.
}

/// Cases needing a role the accounts file lacks are skipped with that reason, not failed.
#[tokio::test]
async fn cases_for_a_missing_role_are_skipped_with_the_reason() {
    let d = common::dialect("ocariot");
    let run = common::run(&d, &target("http://127.0.0.1:9"), |s| {
        s.id == "change-own-password[educator]"
    })
    .await;
    assert_eq!(run.cases[0].verdict, Verdict::Skip);
    assert_eq!(
        run.cases[0].reasons,
        vec!["needs an account of role `educator`, and the test has none"]
    );
}
