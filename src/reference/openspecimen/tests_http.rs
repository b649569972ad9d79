//! Transport-level rows over real HTTP: JSON reading, Content-Type, authentication, methods, and the
//! legacy (older wiki) routes.

use reqwest::Method;
use rstest::rstest;
use serde_json::{Value, json};

use super::test_support::*;

/// Raw bodies and Content-Types: the JSON-reading step.
#[rstest]
#[case::empty("", Some(JSON), 400, "Required request body is missing")]
#[case::json_null("null", Some(JSON), 400, "Required request body is missing")]
#[case::whitespace("  ", Some(JSON), 400, "JSON parse error")]
#[case::truncated(r#"{"userId": 5,"#, Some(JSON), 400, "JSON parse error")]
#[case::not_json("userId=5&newPassword=x", Some(JSON), 400, "JSON parse error")]
#[case::array("[]", Some(JSON), 400, "JSON parse error")]
#[case::string(r#""hello""#, Some(JSON), 400, "JSON parse error")]
#[case::no_content_type(r#"{"userId": 5}"#, None, 415, "")]
#[case::text_plain(r#"{"userId": 5}"#, Some("text/plain"), 415, "")]
#[case::form(r#"{"userId": 5}"#, Some("application/x-www-form-urlencoded"), 415, "")]
#[tokio::test]
async fn malformed_requests(
    #[case] body: &str,
    #[case] content_type: Option<&str>,
    #[case] status: u16,
    #[case] message_start: &str,
) -> TestResult {
    let h = Harness::current().await?;
    let token = h.token(USER1).await?;
    let reply = h
        .send(
            Method::PUT,
            "/users/password",
            Auth::Token(&token),
            content_type,
            Some(body),
        )
        .await?;
    if status == 400 {
        assert_error(&reply, 400, "INVALID_REQUEST");
        assert!(reply.message().starts_with(message_start), "{reply:?}");
    } else {
        assert_eq!(reply.status, status, "{reply:?}");
    }
    Ok(())
}

#[rstest]
#[case::no_token(Auth::None)]
#[case::unknown_token(Auth::Token("0123456789abcdef0123456789abcdef"))]
#[case::empty_token(Auth::Token(""))]
#[case::bad_basic(Auth::Basic("user1", "wrong"))]
#[case::basic_unknown_user(Auth::Basic("ghost", "User!pass-1"))]
#[tokio::test]
async fn unauthenticated_is_401_html(#[case] auth: Auth<'static>) -> TestResult {
    let h = Harness::current().await?;
    let body = json!({ "userId": 5, "oldPassword": "User!pass-1", "newPassword": "N3w!pass" });
    // Authentication comes first: a body that is also broken still gets 401.
    for body in [body.to_string(), "{".to_string()] {
        assert_unauthenticated(&h.change(auth, &body).await?);
    }
    let reply = h
        .send(
            Method::PUT,
            "/users/password",
            auth,
            Some("text/plain"),
            Some("x"),
        )
        .await?;
    assert_unauthenticated(&reply);
    Ok(())
}

#[tokio::test]
async fn basic_auth_works() -> TestResult {
    let h = Harness::current().await?;
    let body = json!({ "userId": 5, "oldPassword": "User!pass-1", "newPassword": "N3w!pass" });
    let reply = h
        .change(Auth::Basic("user1", "User!pass-1"), &body.to_string())
        .await?;
    assert_changed(&reply);
    Ok(())
}

#[rstest]
#[case::post(Method::POST)]
#[case::get(Method::GET)]
#[case::delete(Method::DELETE)]
#[tokio::test]
async fn wrong_method_is_405(#[case] method: Method) -> TestResult {
    let h = Harness::current().await?;
    let token = h.token(USER1).await?;
    let body = json!({ "userId": 5, "oldPassword": "User!pass-1", "newPassword": "N3w!pass" });
    let reply = h
        .send(
            method.clone(),
            "/users/password",
            Auth::Token(&token),
            Some(JSON),
            Some(&body.to_string()),
        )
        .await?;
    assert_eq!(reply.status, 405, "{reply:?}");
    // Not signed in: authentication first.
    let reply = h
        .send(
            method,
            "/users/password",
            Auth::None,
            Some(JSON),
            Some("{}"),
        )
        .await?;
    assert_unauthenticated(&reply);
    Ok(())
}

#[tokio::test]
async fn current_mode_has_no_legacy_url() -> TestResult {
    let h = Harness::current().await?;
    let token = h.token(USER1).await?;
    let body = json!({ "userId": 5, "oldPassword": "User!pass-1", "newPassword": "N3w!pass" });
    let reply = h
        .send(
            Method::PUT,
            "/users/5/password?type=change",
            Auth::Token(&token),
            Some(JSON),
            Some(&body.to_string()),
        )
        .await?;
    assert_eq!(reply.status, 404, "{reply:?}");
    Ok(())
}

#[rstest]
#[case::own(
    USER1,
    "/users/5/password?type=change",
    r#"{"userId": 5, "oldPassword": "User!pass-1", "newPassword": "N3w!pass"}"#,
    200,
    ""
)]
#[case::own_no_query(
    USER1,
    "/users/5/password",
    r#"{"oldPassword": "User!pass-1", "newPassword": "N3w!pass"}"#,
    200,
    ""
)]
#[case::path_wins(
    USER1,
    "/users/5/password?type=change",
    r#"{"userId": 6, "oldPassword": "User!pass-1", "newPassword": "N3w!pass"}"#,
    200,
    ""
)]
#[case::no_rights(
    USER1,
    "/users/6/password?type=change",
    r#"{"userId": 6, "newPassword": "N3w!pass"}"#,
    401,
    "USER_PERMISSION_DENIED"
)]
#[case::not_found(
    ADMIN1,
    "/users/999/password?type=change",
    r#"{"userId": 999, "newPassword": "N3w!pass"}"#,
    404,
    "USER_NOT_FOUND"
)]
#[case::old_wrong(
    USER1,
    "/users/5/password?type=change",
    r#"{"userId": 5, "oldPassword": "bad", "newPassword": "N3w!pass"}"#,
    400,
    "USER_INVALID_OLD_PASSWD"
)]
#[case::path_not_integer(
    USER1,
    "/users/abc/password?type=change",
    r#"{"oldPassword": "User!pass-1", "newPassword": "N3w!pass"}"#,
    400,
    "INVALID_REQUEST"
)]
#[case::body_wrong_type(
    USER1,
    "/users/5/password?type=change",
    r#"{"userId": "5", "oldPassword": "User!pass-1", "newPassword": "N3w!pass"}"#,
    400,
    "INVALID_REQUEST"
)]
#[case::current_url_absent(
    USER1,
    "/users/password",
    r#"{"userId": 5, "oldPassword": "User!pass-1", "newPassword": "N3w!pass"}"#,
    404,
    ""
)]
#[tokio::test]
async fn legacy_routes(
    #[case] actor: (&str, &str, i64),
    #[case] path: &str,
    #[case] body: &str,
    #[case] status: u16,
    #[case] code: &str,
) -> TestResult {
    let h = Harness::start("openspecimen-legacy", &[]).await?;
    let token = h.token(actor).await?;
    let reply = h
        .send(
            Method::PUT,
            path,
            Auth::Token(&token),
            Some(JSON),
            Some(body),
        )
        .await?;
    match (status, code) {
        (200, _) => assert_changed(&reply),
        (_, "") => assert_eq!(reply.status, status, "{reply:?}"),
        _ => assert_error(&reply, status, code),
    }
    Ok(())
}

#[tokio::test]
async fn legacy_unauthenticated_is_still_html() -> TestResult {
    let h = Harness::start("openspecimen-legacy", &[]).await?;
    let reply = h
        .send(
            Method::PUT,
            "/users/5/password?type=change",
            Auth::None,
            Some(JSON),
            Some("{}"),
        )
        .await?;
    assert_unauthenticated(&reply);
    assert_eq!(reply.json(), Value::Null);
    Ok(())
}
