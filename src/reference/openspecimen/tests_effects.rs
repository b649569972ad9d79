//! Side effects: forced reset, logout of other sessions, reset endpoint, password history, lockout.

use reqwest::Method;
use serde_json::{Value, json};

use super::test_support::*;

async fn reset(h: &Harness, login: &str, token: &str, new: &str) -> Res<Reply> {
    let body = json!({ "loginName": login, "resetPasswordToken": token, "newPassword": new });
    h.send(
        Method::POST,
        "/users/reset-password",
        Auth::None,
        Some(JSON),
        Some(&body.to_string()),
    )
    .await
}

async fn still_signed_in(h: &Harness, token: &str) -> Res<bool> {
    // A request that is authenticated but fails later (unknown user) tells a live token from a dead one.
    let reply = h
        .change(Auth::Token(token), r#"{"userId": 999, "newPassword": "x"}"#)
        .await?;
    match reply.status {
        400 => Ok(true),
        401 => Ok(false),
        _ => Err(format!("unexpected {reply:?}").into()),
    }
}

#[tokio::test]
async fn admin_change_forces_reset_and_logs_the_target_out() -> TestResult {
    let h = Harness::current().await?;
    let user_a = h.token(USER1).await?;
    let user_b = h.token(USER1).await?;
    let other_user = h.token(USER2).await?;
    let admin = h.token(ADMIN1).await?;

    let body = json!({ "userId": 5, "newPassword": "Given!by-admin1" });
    assert_changed(&h.change(Auth::Token(&admin), &body.to_string()).await?);

    // Every session of the target is gone; the caller's and bystanders' stay.
    assert!(!still_signed_in(&h, &user_a).await?);
    assert!(!still_signed_in(&h, &user_b).await?);
    assert!(still_signed_in(&h, &admin).await?);
    assert!(still_signed_in(&h, &other_user).await?);

    // The old password no longer works; the new one answers a reset token and no session token.
    assert_error(&h.login(USER1).await?, 400, "AUTH_INVALID_CREDENTIALS");
    let reply = h.login(("user1", "Given!by-admin1", 5)).await?;
    assert_eq!(reply.status, 200, "{reply:?}");
    let body = reply.json();
    assert!(body.get("token").is_none(), "{reply:?}");
    let reset_token = body["resetPasswordToken"]
        .as_str()
        .ok_or("no reset token")?
        .to_string();
    // Basic with the new password does not get around the reset.
    let reply = h
        .change(Auth::Basic("user1", "Given!by-admin1"), r#"{"userId": 5}"#)
        .await?;
    assert_unauthenticated(&reply);

    // Reset: bad token, then rules, then success.
    let reply = reset(&h, "user1", "not-the-token", "Mine!again-1").await?;
    assert_error(&reply, 400, "USER_INVALID_PASSWD_TOKEN");
    let reply = reset(&h, "user2", &reset_token, "Mine!again-1").await?;
    assert_error(&reply, 400, "USER_INVALID_PASSWD_TOKEN");
    let reply = reset(&h, "user1", &reset_token, " ").await?;
    assert_error(&reply, 400, "USER_PASSWD_VIOLATES_RULES");
    let reply = reset(&h, "user1", &reset_token, USER1.1).await?;
    assert_eq!(
        (reply.status, reply.json()),
        (200, Value::Bool(true)),
        "{reply:?}"
    );
    // The flag is cleared: the seeded password signs in with a session token again, once.
    h.token(USER1).await?;
    let reply = reset(&h, "user1", &reset_token, "Mine!again-2").await?;
    assert_error(&reply, 400, "USER_INVALID_PASSWD_TOKEN");
    Ok(())
}

#[tokio::test]
async fn own_change_logs_out_other_sessions_only() -> TestResult {
    let h = Harness::current().await?;
    let used = h.token(USER1).await?;
    let other = h.token(USER1).await?;
    let body = json!({ "userId": 5, "oldPassword": USER1.1, "newPassword": "Fresh!pass-2" });
    assert_changed(&h.change(Auth::Token(&used), &body.to_string()).await?);
    assert!(still_signed_in(&h, &used).await?);
    assert!(!still_signed_in(&h, &other).await?);
    // No forced reset for an own change.
    h.token(("user1", "Fresh!pass-2", 5)).await?;
    Ok(())
}

#[tokio::test]
async fn logout_ends_the_session() -> TestResult {
    let h = Harness::current().await?;
    let token = h.token(USER1).await?;
    let keep = h.token(USER1).await?;
    let reply = h
        .send(Method::DELETE, "/sessions", Auth::Token(&token), None, None)
        .await?;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.json(), json!({ "Status": "Success" }));
    assert!(!still_signed_in(&h, &token).await?);
    assert!(still_signed_in(&h, &keep).await?);
    let reply = h
        .send(Method::DELETE, "/sessions", Auth::Token(&token), None, None)
        .await?;
    assert_unauthenticated(&reply);
    Ok(())
}

#[tokio::test]
async fn five_failed_logins_lock_the_account() -> TestResult {
    let h = Harness::current().await?;
    // Failures interrupted by a success do not add up.
    for _ in 0..4 {
        assert_error(
            &h.login(("user2", "wrong", 6)).await?,
            400,
            "AUTH_INVALID_CREDENTIALS",
        );
    }
    h.token(USER2).await?;
    for _ in 0..4 {
        assert_error(
            &h.login(("user2", "wrong", 6)).await?,
            400,
            "AUTH_INVALID_CREDENTIALS",
        );
    }
    h.token(USER2).await?;
    // Five in a row lock it.
    for _ in 0..5 {
        assert_error(
            &h.login(("user2", "wrong", 6)).await?,
            400,
            "AUTH_INVALID_CREDENTIALS",
        );
    }
    assert_error(&h.login(USER2).await?, 400, "AUTH_USER_LOCKED");
    let reply = h
        .change(Auth::Basic("user2", USER2.1), r#"{"userId": 6}"#)
        .await?;
    assert_unauthenticated(&reply);
    // Other accounts are not affected.
    h.token(USER1).await?;
    Ok(())
}

#[tokio::test]
async fn wrong_domain_does_not_sign_in() -> TestResult {
    let h = Harness::current().await?;
    let body = json!({ "loginName": "user1", "password": USER1.1, "domainName": "ldap" });
    let reply = h
        .send(
            Method::POST,
            "/sessions",
            Auth::None,
            Some(JSON),
            Some(&body.to_string()),
        )
        .await?;
    assert_error(&reply, 400, "AUTH_INVALID_CREDENTIALS");
    // domainName may be left out.
    let body = json!({ "loginName": "user1", "password": USER1.1 });
    let reply = h
        .send(
            Method::POST,
            "/sessions",
            Auth::None,
            Some(JSON),
            Some(&body.to_string()),
        )
        .await?;
    assert_eq!(reply.status, 200, "{reply:?}");
    // The LDAP account signs in through its own domain.
    let body = json!({ "loginName": "ldap-user", "password": "Ldap!pass-1", "domainName": "ldap" });
    let reply = h
        .send(
            Method::POST,
            "/sessions",
            Auth::None,
            Some(JSON),
            Some(&body.to_string()),
        )
        .await?;
    assert_eq!(reply.status, 200, "{reply:?}");
    let token = reply.json()["token"]
        .as_str()
        .ok_or("no token")?
        .to_string();
    let body = json!({ "userId": super::LDAP_USER_ID, "oldPassword": "Ldap!pass-1", "newPassword": "N3w!pass" });
    let reply = h.change(Auth::Token(&token), &body.to_string()).await?;
    assert_error(&reply, 400, "USER_PASSWD_CHANGE_NOT_ALLOWED");
    assert!(reply.message().contains("{0}"), "{reply:?}");
    Ok(())
}

#[tokio::test]
async fn reuse_policy_remembers_the_last_five() -> TestResult {
    let h = Harness::current().await?;
    let mut current = REUSE.1.to_string();
    for n in 1..=4 {
        let next = format!("Reuse!next-{n}");
        let body = json!({ "userId": 7, "oldPassword": current, "newPassword": next });
        let token = h.token(("user-reuse", &current, 7)).await?;
        assert_changed(&h.change(Auth::Token(&token), &body.to_string()).await?);
        current = next;
    }
    // History: next-4 (current), next-3, next-2, next-1, original: all five refused.
    let token = h.token(("user-reuse", &current, 7)).await?;
    for old in [REUSE.1, "Reuse!next-1", "Reuse!next-3", "Reuse!next-4"] {
        let body = json!({ "userId": 7, "oldPassword": current, "newPassword": old });
        let reply = h.change(Auth::Token(&token), &body.to_string()).await?;
        assert_error(&reply, 400, "USER_PASSWD_SAME_AS_LAST_N");
        assert_eq!(
            reply.message(),
            "New password cannot be the same as last N passwords."
        );
    }
    // One more change pushes the original out of the last five.
    let body = json!({ "userId": 7, "oldPassword": current, "newPassword": "Reuse!next-5" });
    assert_changed(&h.change(Auth::Token(&token), &body.to_string()).await?);
    let body = json!({ "userId": 7, "oldPassword": "Reuse!next-5", "newPassword": REUSE.1 });
    assert_changed(&h.change(Auth::Token(&token), &body.to_string()).await?);
    Ok(())
}

#[tokio::test]
async fn accounts_without_history_take_their_password_back() -> TestResult {
    let h = Harness::current().await?;
    assert_changed(&h.change_own(USER1, "Temp!pass-1").await?);
    assert_changed(&h.change_own(("user1", "Temp!pass-1", 5), USER1.1).await?);
    // Even the current password again (N = 0).
    assert_changed(&h.change_own(USER1, USER1.1).await?);
    h.token(USER1).await?;
    Ok(())
}
