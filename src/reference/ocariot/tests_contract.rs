//! The fault-free server against `dialects/ocariot.md`, over real HTTP.

use rstest::rstest;
use serde_json::json;

use super::accounts::Role;
use super::errors::*;
use super::test_support::*;

const OTHER_ID_OF_NOBODY: &str = "5a62be07de34500146d9c000";

#[rstest]
#[case::admin("admin")]
#[case::educator("educator")]
#[case::family("family")]
#[case::healthprofessional("healthprofessional")]
#[tokio::test]
async fn own_password_change_is_204_and_takes_effect(#[case] role: &str) -> TestResult {
    let s = Server::start(&[]).await?;
    let account = s.account(role, 1);
    let token = s.token(&account).await?;
    let body = change_body(&account, "N3w!secret");
    s.put(id_of(&account), Some(&token), Send::Json(body))
        .await?
        .assert_no_content();
    assert_eq!(
        s.login(&account.username, &account.password).await?.status,
        401
    );
    assert_eq!(s.login(&account.username, "N3w!secret").await?.status, 200);
    // The token from before the change is still valid: change back with it.
    let back = json!({"old_password": "N3w!secret", "new_password": account.password});
    s.put(id_of(&account), Some(&token), Send::Json(back))
        .await?
        .assert_no_content();
    assert_eq!(
        s.login(&account.username, &account.password).await?.status,
        200
    );
    // The other account of the role is untouched.
    let other = s.account(role, 2);
    assert_eq!(s.login(&other.username, &other.password).await?.status, 200);
    Ok(())
}

#[rstest]
#[case::whitespace_only("   ")]
#[case::unicode("pässwörd-🔑-密码")]
#[case::one_char("a")]
#[case::same_as_current("Fam1ly!pass-1")]
#[case::padded(" spaced out ")]
#[tokio::test]
async fn any_non_empty_new_password_is_accepted(#[case] new: &str) -> TestResult {
    let s = Server::start(&[]).await?;
    let account = s.account("family", 1);
    s.put_own(&account, change_body(&account, new))
        .await?
        .assert_no_content();
    assert_eq!(s.login(&account.username, new).await?.status, 200);
    Ok(())
}

#[tokio::test]
async fn extra_fields_are_ignored() -> TestResult {
    let s = Server::start(&[]).await?;
    let account = s.account("educator", 2);
    let mut body = change_body(&account, "N3w!secret");
    body["confirm_password"] = json!(42);
    body["username"] = json!("someone-else");
    s.put_own(&account, body).await?.assert_no_content();
    assert_eq!(s.login(&account.username, "N3w!secret").await?.status, 200);
    Ok(())
}

enum Auth {
    None,
    Header(&'static str),
    Token(fn() -> String),
}

fn expired() -> String {
    let now = super::jwt::now();
    signed(&json!({
        "sub": "5a62be07de34500146d9c5f1", "sub_type": "family", "scope": Role::Family.scope(),
        "iss": "ocariot", "iat": now - 90_000, "exp": now - 3_600
    }))
}

fn wrong_issuer() -> String {
    let now = super::jwt::now();
    signed(&json!({
        "sub": "5a62be07de34500146d9c5f1", "sub_type": "family", "scope": Role::Family.scope(),
        "iss": "someone-else", "iat": now, "exp": now + 3_600
    }))
}

fn other_key() -> String {
    let now = super::jwt::now();
    super::jwt::sign(
        &json!({"sub": "5a62be07de34500146d9c5f1", "sub_type": "family",
                "scope": Role::Family.scope(), "iss": "ocariot", "iat": now, "exp": now + 3_600}),
        &super::jwt::Key::random(),
    )
}

#[rstest]
#[case::no_header(Auth::None, DESC_NO_CREDENTIALS)]
#[case::basic(Auth::Header("Basic YWRtaW4xOnB3"), DESC_NO_CREDENTIALS)]
#[case::empty_bearer(Auth::Header("Bearer "), DESC_NO_CREDENTIALS)]
#[case::token_without_scheme(Auth::Header("abc.def.ghi"), DESC_NO_CREDENTIALS)]
#[case::expired(Auth::Token(expired), DESC_EXPIRED)]
#[case::malformed(Auth::Header("Bearer not-a-jwt"), DESC_TOKEN_ISSUES)]
#[case::bad_signature(Auth::Token(other_key), DESC_TOKEN_ISSUES)]
#[case::wrong_issuer(Auth::Token(wrong_issuer), DESC_TOKEN_ISSUES)]
#[tokio::test]
async fn authentication_failures_are_401(
    #[case] auth: Auth,
    #[case] description: &str,
) -> TestResult {
    let s = Server::start(&[]).await?;
    let account = s.account("family", 1);
    let mut request = s
        .client
        .put(s.url(&format!("/v1/users/{}/password", id_of(&account))));
    request = match auth {
        Auth::None => request,
        Auth::Header(h) => request.header("authorization", h),
        Auth::Token(make) => request.bearer_auth(make()),
    };
    // Even an invalid body and the right old password do not matter before authentication.
    let reply = s
        .send(request.header("content-type", "application/json").body("{"))
        .await?;
    reply.assert_error(401, MSG_UNAUTHORIZED, description);
    Ok(())
}

#[rstest]
#[case::child_own("child", 1, "self", "{}")]
#[case::application_own("application", 1, "self", "{}")]
#[case::child_malformed_id("child", 1, "123", "{}")]
#[case::application_other("application", 2, "admin", "not json")]
#[case::admin_other_admin("admin", 1, "admin", "{}")]
#[case::admin_other_child("admin", 1, "child", "{}")]
#[case::educator_other_family("educator", 1, "family", "{")]
#[case::family_nobody("family", 1, OTHER_ID_OF_NOBODY, "{}")]
#[case::health_letters_id("healthprofessional", 1, "zzzzzzzzzzzzzzzzzzzzzzzz", "{}")]
#[case::admin_upper_case_own_id("admin", 1, "SELF-UPPER", "{}")]
#[tokio::test]
async fn forbidden_callers_are_403(
    #[case] role: &str,
    #[case] n: usize,
    #[case] target: &str,
    #[case] body: &str,
) -> TestResult {
    let s = Server::start(&[]).await?;
    let caller = s.account(role, n);
    let id = match target {
        "self" => id_of(&caller).to_string(),
        "SELF-UPPER" => id_of(&caller).to_uppercase(),
        id if id.len() == 24 || id == "123" => id.to_string(),
        other_role => id_of(&s.account(other_role, 2)).to_string(),
    };
    let token = s.token(&caller).await?;
    let body = Send::raw("application/json", body);
    let reply = s.put(&id, Some(&token), body).await?;
    reply.assert_error(403, MSG_FORBIDDEN, DESC_FORBIDDEN);
    Ok(())
}

/// The body and field checks, for an allowed caller on their own id.
#[rstest]
#[case::not_json(
    Send::raw("application/json", "{old_password:"),
    MSG_UNABLE_TO_PROCESS,
    DESC_UNABLE_TO_PROCESS
)]
#[case::bare_string(
    Send::raw("application/json", r#""hello""#),
    MSG_UNABLE_TO_PROCESS,
    DESC_UNABLE_TO_PROCESS
)]
#[case::bare_number(
    Send::raw("application/json", "42"),
    MSG_UNABLE_TO_PROCESS,
    DESC_UNABLE_TO_PROCESS
)]
#[case::bare_null(
    Send::raw("application/json", "null"),
    MSG_UNABLE_TO_PROCESS,
    DESC_UNABLE_TO_PROCESS
)]
#[case::old_number(Send::Json(json!({"old_password": 123, "new_password": "x"})), MSG_INVALID_FIELDS, "old_password must be a string!")]
#[case::old_bool(Send::Json(json!({"old_password": true})), MSG_INVALID_FIELDS, "old_password must be a string!")]
#[case::old_null(Send::Json(json!({"old_password": null, "new_password": ""})), MSG_INVALID_FIELDS, "old_password must be a string!")]
#[case::old_array(Send::Json(json!({"old_password": ["a"], "new_password": "x"})), MSG_INVALID_FIELDS, "old_password must be a string!")]
#[case::old_object(Send::Json(json!({"new_password": "x", "old_password": {}})), MSG_INVALID_FIELDS, "old_password must be a string!")]
#[case::old_empty(Send::Json(json!({"old_password": "", "new_password": 5})), MSG_INVALID_FIELDS, "old_password must have at least one character!")]
#[case::new_number(Send::Json(json!({"old_password": "whatever", "new_password": 1.5})), MSG_INVALID_FIELDS, "new_password must be a string!")]
#[case::new_empty(Send::Json(json!({"old_password": "whatever", "new_password": ""})), MSG_INVALID_FIELDS, "new_password must have at least one character!")]
#[case::new_empty_old_absent(Send::Json(json!({"new_password": ""})), MSG_INVALID_FIELDS, "new_password must have at least one character!")]
#[case::new_null_old_absent(Send::Json(json!({"new_password": null})), MSG_INVALID_FIELDS, "new_password must be a string!")]
#[case::both_absent(Send::Json(json!({})), MSG_REQUIRED_FIELDS, "old_password, new_password are required!")]
#[case::old_absent(Send::Json(json!({"new_password": "x"})), MSG_REQUIRED_FIELDS, "old_password are required!")]
#[case::new_absent(Send::Json(json!({"old_password": "x"})), MSG_REQUIRED_FIELDS, "new_password are required!")]
#[case::array(Send::Json(json!([])), MSG_REQUIRED_FIELDS, "old_password, new_password are required!")]
#[case::array_of_objects(Send::Json(json!([{"old_password": "a", "new_password": "b"}])), MSG_REQUIRED_FIELDS, "old_password, new_password are required!")]
#[case::empty_body(Send::Raw(Some("application/json"), vec![]), MSG_REQUIRED_FIELDS, "old_password, new_password are required!")]
#[case::text_plain(
    Send::raw("text/plain", r#"{"old_password":"Adm1n!pass-1","new_password":"x"}"#),
    MSG_REQUIRED_FIELDS,
    "old_password, new_password are required!"
)]
#[case::no_content_type(Send::Raw(None, br#"{"old_password":"a","new_password":"b"}"#.to_vec()), MSG_REQUIRED_FIELDS, "old_password, new_password are required!")]
#[case::text_plain_not_json(
    Send::raw("text/plain", "not json at all"),
    MSG_REQUIRED_FIELDS,
    "old_password, new_password are required!"
)]
#[case::wrong_old(Send::Json(json!({"old_password": "Adm1n!pass-X", "new_password": "x"})), MSG_PASSWORD_MISMATCH, DESC_PASSWORD_MISMATCH)]
#[case::old_other_case(Send::Json(json!({"old_password": "adm1n!pass-1", "new_password": "x"})), MSG_PASSWORD_MISMATCH, DESC_PASSWORD_MISMATCH)]
#[case::old_padded(Send::Json(json!({"old_password": "Adm1n!pass-1 ", "new_password": "x"})), MSG_PASSWORD_MISMATCH, DESC_PASSWORD_MISMATCH)]
#[case::old_of_other_admin(Send::Json(json!({"old_password": "Adm1n!pass-2", "new_password": "x"})), MSG_PASSWORD_MISMATCH, DESC_PASSWORD_MISMATCH)]
#[tokio::test]
async fn body_checks_in_documented_order(
    #[case] body: Send,
    #[case] message: &str,
    #[case] description: &str,
) -> TestResult {
    let s = Server::start(&[]).await?;
    let admin = s.account("admin", 1);
    let token = s.token(&admin).await?;
    let reply = s.put(id_of(&admin), Some(&token), body).await?;
    reply.assert_error(400, message, description);
    // No failed request changes the password.
    assert_eq!(s.login(&admin.username, &admin.password).await?.status, 200);
    Ok(())
}

/// users.put017-020: id `123` with `{}`; the body's JSON check still comes first.
#[rstest]
#[case::admin_empty_object("admin", "123", "{}", MSG_INVALID_ID)]
#[case::educator_empty_object("educator", "123", "{}", MSG_INVALID_ID)]
#[case::family_valid_body(
    "family",
    "123",
    r#"{"old_password":"a","new_password":"b"}"#,
    MSG_INVALID_ID
)]
#[case::health_long_id(
    "healthprofessional",
    "5a62be07de34500146d9c5a1ff",
    "{}",
    MSG_INVALID_ID
)]
#[case::admin_non_hex_25("admin", "zzzzzzzzzzzzzzzzzzzzzzzzz", "{}", MSG_INVALID_ID)]
#[case::admin_bad_json_first("admin", "123", "{", MSG_UNABLE_TO_PROCESS)]
#[tokio::test]
async fn malformed_ids_are_400(
    #[case] role: &str,
    #[case] id: &str,
    #[case] body: &str,
    #[case] message: &str,
) -> TestResult {
    let s = Server::start(&[]).await?;
    let caller = s.account(role, 1);
    let token = s.token(&caller).await?;
    let reply = s
        .put(id, Some(&token), Send::raw("application/json", body))
        .await?;
    let description = if message == MSG_INVALID_ID {
        DESC_INVALID_ID
    } else {
        DESC_UNABLE_TO_PROCESS
    };
    reply.assert_error(400, message, description);
    Ok(())
}

#[tokio::test]
async fn own_id_of_a_removed_user_is_404_after_field_checks() -> TestResult {
    let s = Server::start(&[]).await?;
    let token = token_for(OTHER_ID_OF_NOBODY, Role::Family);
    let body = json!({"old_password": "anything", "new_password": "x"});
    let reply = s
        .put(OTHER_ID_OF_NOBODY, Some(&token), Send::Json(body))
        .await?;
    reply.assert_error(404, MSG_USER_NOT_FOUND, DESC_USER_NOT_FOUND);
    let reply = s
        .put(OTHER_ID_OF_NOBODY, Some(&token), Send::Json(json!({})))
        .await?;
    assert_eq!(
        reply.summary(),
        "400 old_password, new_password are required!"
    );
    Ok(())
}
