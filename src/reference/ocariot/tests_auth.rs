//! Seeded accounts, `POST /v1/auth` and unknown routes, over real HTTP.

use rstest::rstest;
use serde_json::{Value, json};

use super::errors::*;
use super::test_support::*;

const ROLES: [&str; 6] = [
    "admin",
    "educator",
    "family",
    "healthprofessional",
    "child",
    "application",
];

#[tokio::test]
async fn seed_is_two_per_role_and_stable_across_starts() -> TestResult {
    let a = Server::start(&[]).await?;
    let b = Server::start(&[]).await?;
    for role in ROLES {
        assert_eq!(
            a.running.accounts.iter().filter(|x| x.role == role).count(),
            2
        );
    }
    let ids = |s: &Server| -> Vec<(String, Value)> {
        let accounts = &s.running.accounts;
        accounts
            .iter()
            .map(|x| (x.username.clone(), x.id.clone()))
            .collect()
    };
    assert_eq!(ids(&a), ids(&b));
    assert!(a.running.accounts.iter().all(|x| x.id.is_string()));
    Ok(())
}

#[rstest]
#[case::admin("admin", true)]
#[case::educator("educator", true)]
#[case::family("family", true)]
#[case::healthprofessional("healthprofessional", true)]
#[case::child("child", false)]
#[case::application("application", false)]
#[tokio::test]
async fn login_issues_documented_token(#[case] role: &str, #[case] may_update: bool) -> TestResult {
    let s = Server::start(&[]).await?;
    let account = s.account(role, 2);
    let reply = s.login(&account.username, &account.password).await?;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_type.as_deref(), Some(JSON_UTF8));
    let token = reply.json()["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let claims = payload(&token);
    assert_eq!(claims["sub"], account.id);
    assert_eq!(claims["sub_type"], role);
    assert_eq!(claims["iss"], "ocariot");
    let iat = claims["iat"].as_u64().unwrap_or_default();
    assert_eq!(claims["exp"].as_u64(), Some(iat + 86_400));
    let scope = claims["scope"].as_str().unwrap_or_default();
    let has_update = [
        "educators:update",
        "families:update",
        "healthprofessionals:update",
        "children:update",
        "applications:update",
    ]
    .iter()
    .any(|s| scope.split(' ').any(|x| x == *s));
    assert_eq!(has_update, may_update, "{scope}");
    Ok(())
}

#[rstest]
#[case::wrong_password("admin1", "nope")]
#[case::password_other_case("admin1", "ADM1N!PASS-1")]
#[case::password_padded("admin1", " Adm1n!pass-1")]
#[case::other_users_password("admin1", "Adm1n!pass-2")]
#[case::unknown_user("nobody", "Adm1n!pass-1")]
#[tokio::test]
async fn login_refuses_wrong_credentials(#[case] user: &str, #[case] password: &str) -> TestResult {
    let s = Server::start(&[]).await?;
    let reply = s.login(user, password).await?;
    assert_eq!(reply.status, 401);
    assert_eq!(
        reply.json(),
        json!({"code": 401, "message": "Invalid username or password!"})
    );
    Ok(())
}

#[rstest]
#[case::not_json(
    Send::raw("application/json", "{"),
    "400 Please verify that the JSON provided in the request body has a valid format and try again."
)]
#[case::missing(Send::Json(json!({"username": "admin1"})), "400 password are required!")]
#[case::text_plain(
    Send::raw("text/plain", r#"{"username":"admin1","password":"Adm1n!pass-1"}"#),
    "400 username, password are required!"
)]
#[case::wrong_type(Send::Json(json!({"username": 1, "password": "x"})), "400 username must be a string!")]
#[tokio::test]
async fn login_bad_bodies(#[case] body: Send, #[case] want: &str) -> TestResult {
    let s = Server::start(&[]).await?;
    let request = s.client.post(s.url("/v1/auth"));
    let request = match body {
        Send::Json(v) => request.json(&v),
        Send::Raw(ct, bytes) => request.header("content-type", ct.unwrap_or("")).body(bytes),
    };
    assert_eq!(s.send(request).await?.summary(), want);
    Ok(())
}

#[tokio::test]
async fn unknown_routes_are_json_404_and_wrong_methods_405() -> TestResult {
    let s = Server::start(&[]).await?;
    let reply = s.send(s.client.get(s.url("/v1/nothing"))).await?;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.content_type.as_deref(), Some(JSON_UTF8));
    assert_eq!(reply.json()["code"], 404);
    let reply = s
        .send(
            s.client
                .get(s.url("/v1/users/5a62be07d6f33400146c9b61/password")),
        )
        .await?;
    assert_eq!(reply.status, 405);
    assert_eq!(reply.json()["code"], 405);
    Ok(())
}
