//! The scenarios of the fault tests: one request (or two) against a reference server, and what it
//! answered, as a line the tests compare with and without a fault.
#![allow(clippy::string_slice)] // a wrong cut failing a test is fine

use serde_json::{Value, json};

use super::test_support::*;
use super::tests_faults::{NOBODY, Outcome};
use Scenario::*;

#[derive(Debug, Clone)]
pub(super) enum Scenario {
    /// family1 changes its own password to this value, then logs in with it (`| login NNN`).
    ChangeTo(Value),
    /// family1 sends this JSON body on its own id.
    Body(Value),
    /// family1 sends this raw body on its own id.
    Raw(&'static str, &'static str),
    /// No token, on family1's id, with this body.
    NoToken(Value),
    /// admin1 changes admin2's password with admin2's old password.
    OtherUser,
    /// child1 changes its own password.
    ChildOwn,
    /// family1 on the id `123` with `{}`.
    MalformedId,
    /// admin1 on a well-formed id that belongs to nobody.
    Nobody,
    /// family1's token with `sub` rewritten to family2's id, on family2's id.
    Forged,
    /// family1 changes its password, then changes it back with the same token (`| again NNN`).
    TokenReuse,
    /// admin1 sends its own old password on an id of nobody, then logs in with the new one.
    NobodyWithOwnPassword,
    /// admin1 changes child1's password with child1's old password.
    AdminOnChild,
    /// family1 changes its own password on its own id in upper case.
    OwnUpperCase,
    /// family1 changes its own password on an id of 25 hex digits.
    LongId,
    /// admin1 changes admin2's password through the route with a trailing slash (status only).
    OtherUserTrailingSlash,
}

pub(super) async fn observe(s: &Server, scenario: Scenario) -> Outcome {
    let family = s.account("family", 1);
    let own = id_of(&family).to_string();
    let reply = match scenario {
        ChangeTo(new) => {
            let body = json!({"old_password": family.password, "new_password": new});
            let reply = s.put_own(&family, body).await?;
            let text = new.as_str().map_or_else(|| new.to_string(), str::to_string);
            let login = s.login(&family.username, &text).await?;
            return Ok(format!("{} | login {}", reply.summary(), login.status));
        }
        Body(body) => s.put_own(&family, body).await?,
        Raw(content_type, body) => {
            let token = s.token(&family).await?;
            s.put(&own, Some(&token), Send::raw(content_type, body))
                .await?
        }
        NoToken(body) => s.put(&own, None, Send::Json(body)).await?,
        OtherUser => {
            let (admin, other) = (s.account("admin", 1), s.account("admin", 2));
            let token = s.token(&admin).await?;
            s.put(
                id_of(&other),
                Some(&token),
                Send::Json(change_body(&other, "N3w!pw")),
            )
            .await?
        }
        ChildOwn => {
            let child = s.account("child", 1);
            s.put_own(&child, change_body(&child, "N3w!pw")).await?
        }
        MalformedId => {
            let token = s.token(&family).await?;
            s.put("123", Some(&token), Send::Json(json!({}))).await?
        }
        Nobody => {
            let token = s.token(&s.account("admin", 1)).await?;
            let body = json!({"old_password": "x", "new_password": "y"});
            s.put(NOBODY, Some(&token), Send::Json(body)).await?
        }
        Forged => {
            let other = s.account("family", 2);
            let token = s.token(&family).await?;
            let mut claims = payload(&token);
            claims["sub"] = other.id.clone();
            let forged = tampered(&token, &claims);
            let body = Send::Json(change_body(&other, "Pwn3d!pw"));
            s.put(id_of(&other), Some(&forged), body).await?
        }
        TokenReuse => {
            let token = s.token(&family).await?;
            let first = s
                .put(
                    &own,
                    Some(&token),
                    Send::Json(change_body(&family, "N3w!pw")),
                )
                .await?;
            let back = json!({"old_password": "N3w!pw", "new_password": family.password});
            let again = s.put(&own, Some(&token), Send::Json(back)).await?;
            return Ok(format!("{} | again {}", first.summary(), again.status));
        }
        NobodyWithOwnPassword => {
            let admin = s.account("admin", 1);
            let token = s.token(&admin).await?;
            let body = Send::Json(change_body(&admin, "N3w!pw"));
            let reply = s.put(NOBODY, Some(&token), body).await?;
            let login = s.login(&admin.username, "N3w!pw").await?;
            return Ok(format!("{} | login {}", reply.summary(), login.status));
        }
        AdminOnChild => {
            let (admin, child) = (s.account("admin", 1), s.account("child", 1));
            let token = s.token(&admin).await?;
            let body = Send::Json(change_body(&child, "N3w!pw"));
            s.put(id_of(&child), Some(&token), body).await?
        }
        OwnUpperCase => {
            let token = s.token(&family).await?;
            let body = Send::Json(change_body(&family, "N3w!pw"));
            s.put(&own.to_ascii_uppercase(), Some(&token), body).await?
        }
        LongId => {
            let token = s.token(&family).await?;
            let body = Send::Json(change_body(&family, "N3w!pw"));
            s.put(&format!("{NOBODY}0"), Some(&token), body).await?
        }
        OtherUserTrailingSlash => {
            let (admin, other) = (s.account("admin", 1), s.account("admin", 2));
            let token = s.token(&admin).await?;
            let url = s.url(&format!("/v1/users/{}/password/", id_of(&other)));
            let request = s.client.put(url).bearer_auth(token);
            let reply = s.send(request.json(&change_body(&other, "N3w!pw"))).await?;
            return Ok(reply.status.to_string());
        }
    };
    Ok(reply.summary())
}
