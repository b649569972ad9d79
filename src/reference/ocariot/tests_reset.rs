//! `POST /v1/users/{user_id}/reset-password` as ocariot.md ("Admin reset") documents it.

use reqwest::header::AUTHORIZATION;
use serde_json::{Value, json};

use super::test_support::*;

/// Sends the reset for `id` with `token` and `body`; returns `status description`.
async fn reset(s: &Server, id: &str, token: Option<&str>, body: Value) -> String {
    let mut request = s
        .client
        .post(s.url(&format!("/v1/users/{id}/reset-password")))
        .json(&body);
    if let Some(t) = token {
        request = request.header(AUTHORIZATION, format!("Bearer {t}"));
    }
    let reply = s.send(request).await.unwrap();
    reply.summary()
}

#[tokio::test]
async fn an_admin_resets_any_password_and_nobody_else_may() -> TestResult {
    let s = Server::start(&[]).await?;
    let (admin, child, educator) = (
        s.account("admin", 1),
        s.account("child", 1),
        s.account("educator", 1),
    );
    let admin_token = s.token(&admin).await?;
    let body = json!({"new_password": "R3set!pw"});
    assert_eq!(
        reset(&s, id_of(&child), Some(&admin_token), body.clone()).await,
        "204"
    );
    assert_eq!(s.login(&child.username, "R3set!pw").await?.status, 200);
    // Tokens stay valid: the admin's own reset with the same token.
    assert_eq!(
        reset(&s, id_of(&admin), Some(&admin_token), body.clone()).await,
        "204"
    );
    let educator_token = s.token(&educator).await?;
    assert_eq!(
        reset(&s, id_of(&child), Some(&educator_token), body.clone()).await,
        "403 Authorization failed due to insufficient permissions."
    );
    assert_eq!(
        reset(&s, id_of(&child), None, body).await,
        "401 Authentication failed for lack of authentication credentials."
    );
    Ok(())
}

#[tokio::test]
async fn checks_run_in_the_documented_order() -> TestResult {
    let s = Server::start(&[]).await?;
    let token = s.token(&s.account("admin", 1)).await?;
    let cases = [
        (
            "123",
            json!({}),
            "400 A 24-byte hex ID similar to this: 507f191e810c19729de860ea is expected.",
        ),
        (
            "5a62be07de34500146d9c000",
            json!({}),
            "400 new_password is required!",
        ),
        (
            "5a62be07de34500146d9c000",
            json!({"new_password": 1}),
            "400 new_password must be a string!",
        ),
        (
            "5a62be07de34500146d9c000",
            json!({"new_password": ""}),
            "400 new_password must have at least one character!",
        ),
        (
            "5a62be07de34500146d9c000",
            json!({"new_password": "x"}),
            "404 User not found or already removed. A new operation for the same resource is not required.",
        ),
    ];
    for (id, body, want) in cases {
        assert_eq!(
            reset(&s, id, Some(&token), body.clone()).await,
            want,
            "{id} {body}"
        );
    }
    Ok(())
}
