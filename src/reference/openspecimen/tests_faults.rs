//! The fault list, and proof that faults really change the answers.

use std::collections::BTreeSet;

use reqwest::Method;
use rstest::rstest;
use serde_json::{Value, json};

use super::FAULTS;
use super::test_support::*;

/// Every module that may implement a fault.
const SOURCES: &[&str] = &[
    include_str!("auth.rs"),
    include_str!("body.rs"),
    include_str!("change.rs"),
    include_str!("reply.rs"),
    include_str!("storage.rs"),
    include_str!("../openspecimen.rs"),
];

#[test]
fn fault_names_are_unique_described_and_implemented() {
    let names: BTreeSet<&str> = FAULTS.iter().map(|f| f.name).collect();
    assert_eq!(names.len(), FAULTS.len(), "duplicate fault names");
    assert!(FAULTS.len() >= 30, "only {} faults", FAULTS.len());
    for fault in FAULTS {
        assert!(
            fault
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}",
            fault.name
        );
        assert!(fault.description.ends_with('.'), "{}", fault.name);
        let used = format!("has(\"{}\")", fault.name);
        assert!(
            SOURCES.iter().any(|s| s.contains(&used)),
            "fault {} is listed but never checked",
            fault.name
        );
    }
    for required in [
        "trim-passwords",
        "accept-non-string-passwords",
        "accept-empty-new-password",
        "skip-old-password-check",
        "allow-regular-user-others",
        "no-forced-reset",
        "no-logout-of-other-sessions",
        "answer-204-instead-of-200",
        "error-as-object-not-array",
        "error-code-missing",
        "json-401",
        "500-on-wrong-type",
        "ignore-token",
        "validate-before-auth",
        "reuse-policy-ignored",
        "user-id-string-accepted",
    ] {
        assert!(names.contains(required), "{required} missing");
    }
}

#[tokio::test]
async fn every_fault_starts_and_unknown_faults_do_not() -> TestResult {
    let all: Vec<&str> = FAULTS.iter().map(|f| f.name).collect();
    let h = Harness::start("openspecimen", &all).await?;
    assert_eq!(h.server.accounts.len(), 9);
    let legacy = Harness::start("openspecimen-legacy", &all).await;
    assert!(legacy.is_ok());
    let unknown = Harness::start("openspecimen", &["no-such-fault"]).await;
    assert!(unknown.is_err());
    Ok(())
}

/// A change of user1's own password to 256 characters.
const LONG_BODY: &str = concat!(
    r#"{"userId": 5, "oldPassword": "User!pass-1", "newPassword": ""#,
    "N3w!pass-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
    "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef01",
    r#""}"#
);

/// How a row authenticates.
#[derive(Debug, Clone, Copy)]
enum As {
    User1,
    Admin,
    Nobody,
}

/// One request on a clean server and on a faulty one: `(status, body)` of each.
/// `clean` is the documented answer; `faulty` what the fault makes of it.
#[rstest]
#[case::trim("trim-passwords", As::User1, r#"{"userId": 5, "oldPassword": " User!pass-1 ", "newPassword": "N3w!pass"}"#, None, (400, "USER_INVALID_OLD_PASSWD"), (200, "true"))]
#[case::non_string("accept-non-string-passwords", As::User1, r#"{"userId": 5, "oldPassword": "User!pass-1", "newPassword": 12345678}"#, None, (400, "INVALID_REQUEST"), (200, "true"))]
#[case::empty_new("accept-empty-new-password", As::User1, r#"{"userId": 5, "oldPassword": "User!pass-1", "newPassword": ""}"#, None, (400, "USER_PASSWD_VIOLATES_RULES"), (200, "true"))]
#[case::skip_old("skip-old-password-check", As::User1, r#"{"userId": 5, "oldPassword": "bad", "newPassword": "N3w!pass"}"#, None, (400, "USER_INVALID_OLD_PASSWD"), (200, "true"))]
#[case::regular_others("allow-regular-user-others", As::User1, r#"{"userId": 6, "newPassword": "N3w!pass"}"#, None, (400, "USER_PERMISSION_DENIED"), (200, "true"))]
#[case::status_204("answer-204-instead-of-200", As::User1, r#"{"userId": 5, "oldPassword": "User!pass-1", "newPassword": "N3w!pass"}"#, None, (200, "true"), (204, ""))]
#[case::string_body("success-body-string", As::User1, r#"{"userId": 5, "oldPassword": "User!pass-1", "newPassword": "N3w!pass"}"#, None, (200, "true"), (200, "\"success\""))]
#[case::object("error-as-object-not-array", As::User1, r#"{"userId": 999, "newPassword": "x"}"#, None, (400, "USER_NOT_FOUND"), (400, r#"{"code":"USER_NOT_FOUND","message":"User does not exist."}"#))]
#[case::no_code("error-code-missing", As::User1, r#"{"userId": 999, "newPassword": "x"}"#, None, (400, "USER_NOT_FOUND"), (400, r#"[{"message":"User does not exist."}]"#))]
#[case::wrong_type_500("500-on-wrong-type", As::User1, r#"{"userId": "5", "newPassword": "x"}"#, None, (400, "INVALID_REQUEST"), (500, "COMMON_SERVER_ERROR"))]
#[case::malformed_500("500-on-malformed-json", As::User1, "{", None, (400, "INVALID_REQUEST"), (500, "COMMON_SERVER_ERROR"))]
#[case::null_id_500("500-on-null-user-id", As::User1, r#"{"newPassword": "x"}"#, None, (400, "USER_NOT_FOUND"), (500, "COMMON_SERVER_ERROR"))]
#[case::ignore_token("ignore-token", As::Nobody, r#"{"userId": 5, "oldPassword": "User!pass-1", "newPassword": "N3w!pass"}"#, None, (401, "html"), (200, "true"))]
#[case::validate_first("validate-before-auth", As::Nobody, "{", None, (401, "html"), (400, "INVALID_REQUEST"))]
#[case::json_401("json-401", As::Nobody, "{}", None, (401, "html"), (401, "AUTH_INVALID_TOKEN"))]
#[case::no_415("ignore-content-type", As::User1, r#"{"userId": 5, "oldPassword": "User!pass-1", "newPassword": "N3w!pass"}"#, Some("text/plain"), (415, ""), (200, "true"))]
#[case::reuse("reuse-policy-ignored", As::Admin, r#"{"userId": 7, "newPassword": "Reuse!pass-1"}"#, None, (400, "USER_PASSWD_SAME_AS_LAST_N"), (200, "true"))]
#[case::reuse_current("reuse-policy-skips-current", As::Admin, r#"{"userId": 7, "newPassword": "Reuse!pass-1"}"#, None, (400, "USER_PASSWD_SAME_AS_LAST_N"), (200, "true"))]
#[case::id_string("user-id-string-accepted", As::User1, r#"{"userId": "5", "oldPassword": "User!pass-1", "newPassword": "N3w!pass"}"#, None, (400, "INVALID_REQUEST"), (200, "true"))]
#[case::id_float("user-id-float-truncated", As::User1, r#"{"userId": 5.7, "oldPassword": "User!pass-1", "newPassword": "N3w!pass"}"#, None, (400, "INVALID_REQUEST"), (200, "true"))]
#[case::not_found_404("not-found-as-404", As::User1, r#"{"userId": 999, "newPassword": "x"}"#, None, (400, "USER_NOT_FOUND"), (404, "USER_NOT_FOUND"))]
#[case::denied_403("permission-denied-as-403", As::User1, r#"{"userId": 6, "newPassword": "x"}"#, None, (400, "USER_PERMISSION_DENIED"), (403, "USER_PERMISSION_DENIED"))]
#[case::old_for_others("old-password-required-for-others", As::Admin, r#"{"userId": 6, "newPassword": "N3w!pass"}"#, None, (200, "true"), (400, "USER_OLD_PASSWD_NOT_SPECIFIED"))]
#[case::new_first("new-password-checked-first", As::User1, r#"{"userId": 5, "oldPassword": "bad", "newPassword": ""}"#, None, (400, "USER_INVALID_OLD_PASSWD"), (400, "USER_PASSWD_VIOLATES_RULES"))]
#[case::ldap("ldap-password-change-allowed", As::Admin, r#"{"userId": 8, "newPassword": "N3w!pass"}"#, None, (400, "USER_PASSWD_CHANGE_NOT_ALLOWED"), (200, "true"))]
#[case::charset_415("415-on-charset-parameter", As::User1, r#"{"userId": 5, "oldPassword": "User!pass-1", "newPassword": "N3w!pass"}"#, Some("application/json; charset=utf-8"), (200, "true"), (415, ""))]
#[case::long_500("500-on-long-new-password", As::User1, LONG_BODY, None, (200, "true"), (500, "COMMON_SERVER_ERROR"))]
#[case::nul_500("500-on-nul-in-password", As::User1, r#"{"userId": 5, "oldPassword": "User!pass-1", "newPassword": "N3w\u0000pass"}"#, None, (200, "true"), (500, "COMMON_SERVER_ERROR"))]
#[case::astral_500("500-on-4-byte-utf8", As::User1, r#"{"userId": 5, "oldPassword": "User!pass-1", "newPassword": "N3w-\ud83d\udd11-pass"}"#, None, (200, "true"), (500, "COMMON_SERVER_ERROR"))]
#[tokio::test]
async fn fault_changes_the_answer(
    #[case] fault: &str,
    #[case] who: As,
    #[case] body: &str,
    #[case] content_type: Option<&str>,
    #[case] clean: (u16, &str),
    #[case] faulty: (u16, &str),
) -> TestResult {
    for (faults, (status, expect)) in [(vec![], clean), (vec![fault], faulty)] {
        let h = Harness::start("openspecimen", &faults).await?;
        let token = match who {
            As::User1 => Some(h.token(USER1).await?),
            As::Admin => Some(h.token(ADMIN1).await?),
            As::Nobody => None,
        };
        let auth = token.as_deref().map_or(Auth::None, Auth::Token);
        let ct = content_type.unwrap_or(JSON);
        let reply = h
            .send(Method::PUT, "/users/password", auth, Some(ct), Some(body))
            .await?;
        let label = format!("{fault} {faults:?}: {reply:?}");
        assert_eq!(reply.status, status, "{label}");
        match expect {
            "html" => assert_unauthenticated(&reply),
            "" => assert!(reply.text.is_empty(), "{label}"),
            e if e.starts_with(['[', '{', '"']) || e == "true" => {
                let want: Value = serde_json::from_str(e)?;
                assert_eq!(reply.json(), want, "{label}");
            }
            code => assert_eq!(reply.code(), code, "{label}"),
        }
    }
    Ok(())
}

#[tokio::test]
async fn no_forced_reset_and_no_logout() -> TestResult {
    let h = Harness::start(
        "openspecimen",
        &["no-forced-reset", "no-logout-of-other-sessions"],
    )
    .await?;
    let user = h.token(USER1).await?;
    let admin = h.token(ADMIN1).await?;
    let body = json!({ "userId": 5, "newPassword": "Given!by-admin1" });
    assert_changed(&h.change(Auth::Token(&admin), &body.to_string()).await?);
    // The old session still works, and the new password gives a session token, not a reset token.
    let reply = h
        .change(Auth::Token(&user), r#"{"userId": 999, "newPassword": "x"}"#)
        .await?;
    assert_error(&reply, 400, "USER_NOT_FOUND");
    h.token(("user1", "Given!by-admin1", 5)).await?;
    Ok(())
}

#[tokio::test]
async fn faults_leave_login_alone() -> TestResult {
    let h = Harness::start("openspecimen", &["error-as-object-not-array", "json-401"]).await?;
    assert_error(
        &h.login(("user1", "wrong", 5)).await?,
        400,
        "AUTH_INVALID_CREDENTIALS",
    );
    let reply = h.change(Auth::None, "{}").await?;
    assert_eq!(
        (reply.status, reply.code().as_str()),
        (401, "AUTH_INVALID_TOKEN"),
        "{reply:?}"
    );
    assert!(reply.is_json(), "{reply:?}");
    Ok(())
}

#[tokio::test]
async fn lenient_reuse_rule_still_lets_the_runner_restore() -> TestResult {
    let h = Harness::start("openspecimen", &["reuse-policy-skips-current"]).await?;
    // The "same as current" case is accepted by the faulty server; the restore (current -> original,
    // the same value) must be accepted too.
    for _ in 0..2 {
        assert_changed(&h.change_own(REUSE, REUSE.1).await?);
    }
    h.token(REUSE).await?;
    Ok(())
}

/// `change-applies-to-caller`: an admin's change of user1's password lands on the admin, whose
/// next login then demands a reset (the change counts as someone else's); user1 is untouched.
#[tokio::test]
async fn a_change_written_to_the_caller() -> TestResult {
    let h = Harness::start("openspecimen", &["change-applies-to-caller"]).await?;
    let token = h.token(ADMIN1).await?;
    let body = r#"{"userId": 5, "newPassword": "N3w!pass"}"#;
    assert_changed(&h.change(Auth::Token(&token), body).await?);
    assert_eq!(h.login(USER1).await?.status, 200);
    let admin = h.login(("admin1", "N3w!pass", 1)).await?;
    assert!(
        admin.json().get("resetPasswordToken").is_some(),
        "{admin:?}"
    );
    Ok(())
}

#[tokio::test]
async fn trailing_slash_skips_the_rights_check() -> TestResult {
    // user1 on user2's password: no route without the fault, a change with it.
    let body = r#"{"userId": 6, "newPassword": "N3w!pass"}"#;
    let with = vec!["trailing-slash-skips-rights-check"];
    for (faults, status) in [(vec![], 404), (with, 200)] {
        let h = Harness::start("openspecimen", &faults).await?;
        let token = h.token(USER1).await?;
        let auth = Auth::Token(&token);
        let reply = h
            .send(
                Method::PUT,
                "/users/password/",
                auth,
                Some(JSON),
                Some(body),
            )
            .await?;
        assert_eq!(reply.status, status, "{faults:?}: {reply:?}");
    }
    Ok(())
}
