//! Test helpers: a server started through `reference::start`, and a plain HTTP client.

use reqwest::{Client, Method};
use serde_json::{Value, json};

use super::PREFIX;
use crate::reference::{RunningServer, start};

pub(super) type TestResult = Result<(), Box<dyn std::error::Error>>;
pub(super) type Res<T> = Result<T, Box<dyn std::error::Error>>;

pub(super) const JSON: &str = "application/json";

/// Seeded credentials (see `accounts.rs`).
pub(super) const ADMIN1: (&str, &str, i64) = ("admin1", "Admin!pass-1", 1);
pub(super) const INST1: (&str, &str, i64) = ("inst-admin1", "InstAdmin!pass-1", 3);
pub(super) const INST2: (&str, &str, i64) = ("inst-admin2", "InstAdmin!pass-2", 4);
pub(super) const USER1: (&str, &str, i64) = ("user1", "User!pass-1", 5);
pub(super) const USER2: (&str, &str, i64) = ("user2", "User!pass-2", 6);
pub(super) const REUSE: (&str, &str, i64) = ("user-reuse", "Reuse!pass-1", 7);

/// What came back, already read.
#[derive(Debug)]
pub(super) struct Reply {
    pub(super) status: u16,
    pub(super) content_type: String,
    pub(super) www_authenticate: Option<String>,
    pub(super) text: String,
}

impl Reply {
    pub(super) fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }

    /// The `code` of a documented error array (`[{"code", "message"}]`), or "" when not that shape.
    pub(super) fn code(&self) -> String {
        self.json()
            .as_array()
            .filter(|a| a.len() == 1)
            .and_then(|a| a[0].get("code"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    }

    pub(super) fn message(&self) -> String {
        self.json()
            .as_array()
            .and_then(|a| a.first())
            .and_then(|e| e.get("message"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    }

    pub(super) fn is_json(&self) -> bool {
        self.content_type.starts_with(JSON)
    }
}

/// How the request authenticates.
#[derive(Debug, Clone, Copy)]
pub(super) enum Auth<'a> {
    None,
    Token(&'a str),
    Basic(&'a str, &'a str),
}

pub(super) struct Harness {
    pub(super) server: RunningServer,
    client: Client,
}

impl Harness {
    pub(super) async fn start(dialect: &str, faults: &[&str]) -> Res<Harness> {
        let faults: Vec<String> = faults.iter().map(|f| f.to_string()).collect();
        let server = start(dialect, "127.0.0.1:0".parse()?, &faults).await?;
        let client = Client::builder().no_proxy().build()?;
        Ok(Harness { server, client })
    }

    pub(super) async fn current() -> Res<Harness> {
        Harness::start("openspecimen", &[]).await
    }

    pub(super) fn url(&self, path: &str) -> String {
        format!("{}{PREFIX}{path}", self.server.base_url)
    }

    pub(super) async fn send(
        &self,
        method: Method,
        path: &str,
        auth: Auth<'_>,
        content_type: Option<&str>,
        body: Option<&str>,
    ) -> Res<Reply> {
        let mut req = self.client.request(method, self.url(path));
        req = match auth {
            Auth::None => req,
            Auth::Token(t) => req.header("X-OS-API-TOKEN", t),
            Auth::Basic(u, p) => req.basic_auth(u, Some(p)),
        };
        if let Some(ct) = content_type {
            req = req.header("Content-Type", ct);
        }
        if let Some(body) = body {
            req = req.body(body.to_string());
        }
        let resp = req.send().await?;
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header("content-type").unwrap_or_default();
        let www_authenticate = header("www-authenticate");
        let status = resp.status().as_u16();
        let text = resp.text().await?;
        Ok(Reply {
            status,
            content_type,
            www_authenticate,
            text,
        })
    }

    pub(super) async fn login(&self, (user, password, _): (&str, &str, i64)) -> Res<Reply> {
        let body = json!({ "loginName": user, "password": password, "domainName": "openspecimen" });
        self.send(
            Method::POST,
            "/sessions",
            Auth::None,
            Some(JSON),
            Some(&body.to_string()),
        )
        .await
    }

    /// Signs in and returns the token; fails the test when there is none.
    pub(super) async fn token(&self, account: (&str, &str, i64)) -> Res<String> {
        let reply = self.login(account).await?;
        match reply.json().get("token").and_then(Value::as_str) {
            Some(t) if reply.status == 200 => Ok(t.to_string()),
            _ => Err(format!("login of {} failed: {reply:?}", account.0).into()),
        }
    }

    /// `PUT /users/password` with a JSON body.
    pub(super) async fn change(&self, auth: Auth<'_>, body: &str) -> Res<Reply> {
        self.send(Method::PUT, "/users/password", auth, Some(JSON), Some(body))
            .await
    }

    /// Changes `account`'s own password as itself.
    pub(super) async fn change_own(&self, account: (&str, &str, i64), new: &str) -> Res<Reply> {
        let token = self.token(account).await?;
        let body = json!({ "userId": account.2, "oldPassword": account.1, "newPassword": new });
        self.change(Auth::Token(&token), &body.to_string()).await
    }
}

/// Asserts a documented business error: status, JSON array of one `{code, message}`, JSON Content-Type.
pub(super) fn assert_error(reply: &Reply, status: u16, code: &str) {
    assert_eq!(reply.status, status, "status of {reply:?}");
    assert!(reply.is_json(), "Content-Type of {reply:?}");
    let body = reply.json();
    let entries = body.as_array().map(Vec::len);
    assert_eq!(entries, Some(1), "one-element array expected: {reply:?}");
    assert_eq!(reply.code(), code, "code of {reply:?}");
    assert!(!reply.message().is_empty(), "message of {reply:?}");
}

/// Asserts the documented 401: HTML page and the Basic challenge.
pub(super) fn assert_unauthenticated(reply: &Reply) {
    assert_eq!(reply.status, 401, "{reply:?}");
    assert!(reply.content_type.starts_with("text/html"), "{reply:?}");
    assert!(reply.text.contains("<html"), "{reply:?}");
    assert_eq!(
        reply.www_authenticate.as_deref(),
        Some("Basic realm=\"OpenSpecimen\""),
        "{reply:?}"
    );
}

/// Asserts the documented success: 200, `true`, JSON.
pub(super) fn assert_changed(reply: &Reply) {
    assert_eq!(reply.status, 200, "{reply:?}");
    assert!(reply.is_json(), "{reply:?}");
    assert_eq!(reply.json(), Value::Bool(true), "{reply:?}");
}
