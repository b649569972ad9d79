//! The documented contract, row by row, over real HTTP.

use rstest::rstest;
use serde_json::json;

use super::test_support::*;

#[tokio::test]
async fn seeded_accounts_are_listed_by_role_with_integer_ids() -> TestResult {
    let h = Harness::current().await?;
    let roles: Vec<&str> = h.server.accounts.iter().map(|a| a.role.as_str()).collect();
    assert_eq!(
        roles,
        [
            "super_admin",
            "super_admin",
            "institute_admin",
            "institute_admin",
            "user",
            "user",
            "user",
            "user",
            "user"
        ]
    );
    // Accounts with traits come last, each reserved for the cases that require its trait.
    let traits: Vec<(&str, Vec<String>)> = h.server.accounts[6..]
        .iter()
        .map(|a| (a.username.as_str(), a.traits.clone()))
        .collect();
    assert_eq!(
        traits,
        [
            ("user-reuse", vec!["password-history".to_string()]),
            ("ldap-user", vec!["external-auth".to_string()]),
            ("user-south", vec!["other-institute".to_string()]),
        ]
    );
    assert!(h.server.accounts[..6].iter().all(|a| a.traits.is_empty()));
    // The external-directory account signs in only through its own domain.
    for account in h
        .server
        .accounts
        .iter()
        .filter(|a| a.username != "ldap-user")
    {
        assert!(account.id.is_i64(), "{account:?}");
        let reply = h.login((&account.username, &account.password, 0)).await?;
        assert_eq!(reply.status, 200, "{reply:?}");
        let body = reply.json();
        assert_eq!(body["id"], account.id);
        assert_eq!(body["loginName"], json!(account.username));
        assert!(body["token"].as_str().is_some_and(|t| t.len() >= 16));
        assert_eq!(body["admin"], json!(account.role == "super_admin"));
        assert_eq!(
            body["instituteAdmin"],
            json!(account.role == "institute_admin")
        );
        assert!(body["firstName"].is_string() && body["lastName"].is_string());
    }
    Ok(())
}

#[tokio::test]
async fn wrong_login_is_invalid_credentials() -> TestResult {
    let h = Harness::current().await?;
    let reply = h.login(("user1", "nope", 0)).await?;
    assert_error(&reply, 400, "AUTH_INVALID_CREDENTIALS");
    assert_eq!(reply.message(), "Username or password or OTP is incorrect.");
    let reply = h.login(("nobody", "nope", 0)).await?;
    assert_error(&reply, 400, "AUTH_INVALID_CREDENTIALS");
    Ok(())
}

#[rstest]
#[case::super_admin(ADMIN1)]
#[case::institute_admin(INST1)]
#[case::user(USER1)]
#[case::reuse_policy_user(REUSE)]
#[tokio::test]
async fn own_password_change(#[case] account: (&str, &str, i64)) -> TestResult {
    let h = Harness::current().await?;
    let reply = h.change_own(account, "Brand-new!pass-9").await?;
    assert_changed(&reply);
    // Own change: no forced reset, the new password signs in and the old one does not.
    h.token((account.0, "Brand-new!pass-9", account.2)).await?;
    assert_error(&h.login(account).await?, 400, "AUTH_INVALID_CREDENTIALS");
    Ok(())
}

/// One request as `actor`, body given as JSON text; expects a documented business error.
#[rstest]
// user lookup
#[case::unknown_user(
    USER1,
    r#"{"userId": 999, "oldPassword": "x", "newPassword": "N3w!pass"}"#,
    "USER_NOT_FOUND"
)]
#[case::user_id_absent(
    USER1,
    r#"{"oldPassword": "User!pass-1", "newPassword": "N3w!pass"}"#,
    "USER_NOT_FOUND"
)]
#[case::user_id_null(
    USER1,
    r#"{"userId": null, "oldPassword": "User!pass-1", "newPassword": "N3w!pass"}"#,
    "USER_NOT_FOUND"
)]
#[case::user_id_negative(
    ADMIN1,
    r#"{"userId": -1, "newPassword": "N3w!pass"}"#,
    "USER_NOT_FOUND"
)]
// wrong types are JSON reading errors
#[case::user_id_string(
    USER1,
    r#"{"userId": "5", "oldPassword": "User!pass-1", "newPassword": "N3w!pass"}"#,
    "INVALID_REQUEST"
)]
#[case::user_id_float(
    USER1,
    r#"{"userId": 5.0, "oldPassword": "User!pass-1", "newPassword": "N3w!pass"}"#,
    "INVALID_REQUEST"
)]
#[case::user_id_bool(
    USER1,
    r#"{"userId": true, "oldPassword": "User!pass-1", "newPassword": "N3w!pass"}"#,
    "INVALID_REQUEST"
)]
#[case::user_id_object(
    USER1,
    r#"{"userId": {}, "oldPassword": "User!pass-1", "newPassword": "N3w!pass"}"#,
    "INVALID_REQUEST"
)]
#[case::old_number(
    USER1,
    r#"{"userId": 5, "oldPassword": 123, "newPassword": "N3w!pass"}"#,
    "INVALID_REQUEST"
)]
#[case::new_number(
    USER1,
    r#"{"userId": 5, "oldPassword": "User!pass-1", "newPassword": 12345678}"#,
    "INVALID_REQUEST"
)]
#[case::new_bool(
    USER1,
    r#"{"userId": 5, "oldPassword": "User!pass-1", "newPassword": true}"#,
    "INVALID_REQUEST"
)]
#[case::new_array(
    USER1,
    r#"{"userId": 5, "oldPassword": "User!pass-1", "newPassword": ["a"]}"#,
    "INVALID_REQUEST"
)]
#[case::wrong_type_beats_unknown_user(
    USER1,
    r#"{"userId": 999, "oldPassword": 1, "newPassword": "N3w!pass"}"#,
    "INVALID_REQUEST"
)]
// old password (own)
#[case::old_missing(
    USER1,
    r#"{"userId": 5, "newPassword": "N3w!pass"}"#,
    "USER_OLD_PASSWD_NOT_SPECIFIED"
)]
#[case::old_null(
    USER1,
    r#"{"userId": 5, "oldPassword": null, "newPassword": "N3w!pass"}"#,
    "USER_OLD_PASSWD_NOT_SPECIFIED"
)]
#[case::old_empty(
    USER1,
    r#"{"userId": 5, "oldPassword": "", "newPassword": "N3w!pass"}"#,
    "USER_OLD_PASSWD_NOT_SPECIFIED"
)]
#[case::old_blank(
    USER1,
    r#"{"userId": 5, "oldPassword": " \t ", "newPassword": "N3w!pass"}"#,
    "USER_OLD_PASSWD_NOT_SPECIFIED"
)]
#[case::old_wrong(
    USER1,
    r#"{"userId": 5, "oldPassword": "User!pass-2", "newPassword": "N3w!pass"}"#,
    "USER_INVALID_OLD_PASSWD"
)]
#[case::old_untrimmed(
    USER1,
    r#"{"userId": 5, "oldPassword": " User!pass-1 ", "newPassword": "N3w!pass"}"#,
    "USER_INVALID_OLD_PASSWD"
)]
#[case::old_case(
    USER1,
    r#"{"userId": 5, "oldPassword": "user!pass-1", "newPassword": "N3w!pass"}"#,
    "USER_INVALID_OLD_PASSWD"
)]
#[case::super_admin_own_needs_old(
    ADMIN1,
    r#"{"userId": 1, "newPassword": "N3w!pass"}"#,
    "USER_OLD_PASSWD_NOT_SPECIFIED"
)]
#[case::old_before_new(
    USER1,
    r#"{"userId": 5, "oldPassword": "bad", "newPassword": ""}"#,
    "USER_INVALID_OLD_PASSWD"
)]
// rights (someone else)
#[case::user_changes_other(
    USER1,
    r#"{"userId": 6, "oldPassword": "User!pass-2", "newPassword": "N3w!pass"}"#,
    "USER_PERMISSION_DENIED"
)]
#[case::user_changes_admin(
    USER1,
    r#"{"userId": 1, "newPassword": "N3w!pass"}"#,
    "USER_PERMISSION_DENIED"
)]
#[case::inst_admin_other_institute(
    INST1,
    r#"{"userId": 6, "newPassword": "N3w!pass"}"#,
    "USER_PERMISSION_DENIED"
)]
#[case::inst_admin_super_admin(
    INST1,
    r#"{"userId": 1, "newPassword": "N3w!pass"}"#,
    "USER_PERMISSION_DENIED"
)]
#[case::lookup_before_rights(
    USER1,
    r#"{"userId": 998, "newPassword": "N3w!pass"}"#,
    "USER_NOT_FOUND"
)]
#[case::rights_before_new_rules(
    USER1,
    r#"{"userId": 6, "newPassword": ""}"#,
    "USER_PERMISSION_DENIED"
)]
// domain
#[case::ldap_target(
    ADMIN1,
    r#"{"userId": 8, "newPassword": "N3w!pass"}"#,
    "USER_PASSWD_CHANGE_NOT_ALLOWED"
)]
#[case::domain_before_rights(
    USER1,
    r#"{"userId": 8, "newPassword": "N3w!pass"}"#,
    "USER_PASSWD_CHANGE_NOT_ALLOWED"
)]
// new password rules
#[case::new_missing(
    USER1,
    r#"{"userId": 5, "oldPassword": "User!pass-1"}"#,
    "USER_PASSWD_VIOLATES_RULES"
)]
#[case::new_null(
    USER1,
    r#"{"userId": 5, "oldPassword": "User!pass-1", "newPassword": null}"#,
    "USER_PASSWD_VIOLATES_RULES"
)]
#[case::new_empty(
    USER1,
    r#"{"userId": 5, "oldPassword": "User!pass-1", "newPassword": ""}"#,
    "USER_PASSWD_VIOLATES_RULES"
)]
#[case::new_blank(
    USER1,
    r#"{"userId": 5, "oldPassword": "User!pass-1", "newPassword": "   "}"#,
    "USER_PASSWD_VIOLATES_RULES"
)]
#[case::admin_sets_empty(
    ADMIN1,
    r#"{"userId": 5, "newPassword": ""}"#,
    "USER_PASSWD_VIOLATES_RULES"
)]
#[case::reuse_current(
    REUSE,
    r#"{"userId": 7, "oldPassword": "Reuse!pass-1", "newPassword": "Reuse!pass-1"}"#,
    "USER_PASSWD_SAME_AS_LAST_N"
)]
#[case::admin_reuse_current(
    ADMIN1,
    r#"{"userId": 7, "newPassword": "Reuse!pass-1"}"#,
    "USER_PASSWD_SAME_AS_LAST_N"
)]
#[tokio::test]
async fn business_errors(
    #[case] actor: (&str, &str, i64),
    #[case] body: &str,
    #[case] code: &str,
) -> TestResult {
    let h = Harness::current().await?;
    let token = h.token(actor).await?;
    let reply = h.change(Auth::Token(&token), body).await?;
    assert_error(&reply, 400, code);
    // Nothing changed: every listed account still signs in with its seeded password.
    // An external-directory account cannot sign in here (see `accounts.rs`).
    for account in h
        .server
        .accounts
        .clone()
        .into_iter()
        .filter(|a| !a.traits.iter().any(|t| t == "external-auth"))
    {
        h.token((&account.username, &account.password, 0)).await?;
    }
    Ok(())
}

#[rstest]
#[case::super_admin_without_old(ADMIN1, 6, None)]
#[case::super_admin_wrong_old_ignored(ADMIN1, 6, Some("wrong"))]
#[case::super_admin_other_super_admin(ADMIN1, 2, None)]
#[case::inst_admin_same_institute(INST1, 5, None)]
#[case::inst_admin_reuse_user(INST1, 7, Some(""))]
#[case::inst_admin2_own_institute(INST2, 6, None)]
#[tokio::test]
async fn someone_elses_password(
    #[case] actor: (&str, &str, i64),
    #[case] target: i64,
    #[case] old: Option<&str>,
) -> TestResult {
    let h = Harness::current().await?;
    let token = h.token(actor).await?;
    let mut body = json!({ "userId": target, "newPassword": "Other!pass-7" });
    if let (Some(old), Some(map)) = (old, body.as_object_mut()) {
        map.insert("oldPassword".into(), json!(old));
    }
    assert_changed(&h.change(Auth::Token(&token), &body.to_string()).await?);
    Ok(())
}
