//! Test helpers: a running server, a client without proxies, request shortcuts and forged tokens.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use serde_json::{Value, json};

use super::super::{RunningServer, SeedAccount, jwt, start};
use super::accounts::Role;
use super::auth::issue;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// How the body of a request is sent.
#[derive(Debug, Clone)]
pub enum Send {
    /// `application/json` with this JSON.
    Json(Value),
    /// Raw bytes with an optional Content-Type.
    Raw(Option<&'static str>, Vec<u8>),
}

impl Send {
    pub fn raw(content_type: &'static str, body: &str) -> Send {
        Send::Raw(Some(content_type), body.as_bytes().to_vec())
    }
}

/// An answer, read in full.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: Option<String>,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }

    /// `"400 old_password must be a string!"`, or `"204"` for answers without a description.
    pub fn summary(&self) -> String {
        match self.json().get("description").and_then(Value::as_str) {
            Some(d) => format!("{} {d}", self.status),
            None => self.status.to_string(),
        }
    }

    /// Asserts the exact documented error answer.
    #[track_caller]
    pub fn assert_error(&self, status: u16, message: &str, description: &str) {
        assert_eq!(self.status, status, "{}", self.text);
        assert_eq!(
            self.content_type.as_deref(),
            Some("application/json; charset=utf-8")
        );
        let mut want = json!({"code": status, "message": message, "description": description});
        if status == 401 {
            want["redirect_link"] = json!("/auth");
        }
        assert_eq!(self.json(), want, "{}", self.text);
    }

    #[track_caller]
    pub fn assert_no_content(&self) {
        assert_eq!(self.status, 204, "{}", self.text);
        assert_eq!(self.text, "");
    }
}

pub struct Server {
    pub running: RunningServer,
    pub client: reqwest::Client,
}

impl Server {
    pub async fn start(faults: &[&str]) -> Result<Server, Box<dyn std::error::Error>> {
        let faults: Vec<String> = faults.iter().map(|f| f.to_string()).collect();
        let running = start("ocariot", "127.0.0.1:0".parse()?, &faults).await?;
        let client = reqwest::Client::builder().no_proxy().build()?;
        Ok(Server { running, client })
    }

    /// The `n`-th (1 or 2) seeded account of `role`.
    pub fn account(&self, role: &str, n: usize) -> SeedAccount {
        self.running
            .accounts
            .iter()
            .filter(|a| a.role == role)
            .nth(n - 1)
            .cloned()
            .unwrap_or_else(|| panic!("no account {role} #{n}"))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.running.base_url)
    }

    pub async fn send(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<Reply, Box<dyn std::error::Error>> {
        let response = request.send().await?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let text = response.text().await?;
        Ok(Reply {
            status,
            content_type,
            text,
        })
    }

    pub async fn login(
        &self,
        username: &str,
        password: &str,
    ) -> Result<Reply, Box<dyn std::error::Error>> {
        let body = json!({"username": username, "password": password});
        self.send(self.client.post(self.url("/v1/auth")).json(&body))
            .await
    }

    /// Logs `account` in and returns its token.
    pub async fn token(&self, account: &SeedAccount) -> Result<String, Box<dyn std::error::Error>> {
        let reply = self.login(&account.username, &account.password).await?;
        assert_eq!(
            reply.status, 200,
            "login of {}: {}",
            account.username, reply.text
        );
        reply.json()["access_token"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| "no access_token".into())
    }

    /// `PUT /v1/users/{id}/password` with an optional `Authorization: Bearer` token.
    pub async fn put(
        &self,
        id: &str,
        token: Option<&str>,
        body: Send,
    ) -> Result<Reply, Box<dyn std::error::Error>> {
        let mut request = self
            .client
            .put(self.url(&format!("/v1/users/{id}/password")));
        if let Some(token) = token {
            request = request.header(AUTHORIZATION, format!("Bearer {token}"));
        }
        request = match body {
            Send::Json(value) => request.json(&value),
            Send::Raw(content_type, bytes) => {
                let request = request.body(bytes);
                match content_type {
                    Some(ct) => request.header(CONTENT_TYPE, ct),
                    None => request,
                }
            }
        };
        self.send(request).await
    }

    /// Logs `account` in and changes its own password with `body`.
    pub async fn put_own(
        &self,
        account: &SeedAccount,
        body: Value,
    ) -> Result<Reply, Box<dyn std::error::Error>> {
        let token = self.token(account).await?;
        self.put(id_of(account), Some(&token), Send::Json(body))
            .await
    }
}

pub fn id_of(account: &SeedAccount) -> &str {
    account.id.as_str().unwrap_or_default()
}

/// A body changing `account`'s password to `new`.
pub fn change_body(account: &SeedAccount, new: &str) -> Value {
    json!({"old_password": account.password, "new_password": new})
}

/// A token the server accepts, for any id (also one that belongs to nobody).
pub fn token_for(id: &str, role: Role) -> String {
    issue(id, role, jwt::now(), jwt::Key::process())
}

/// A token signed with the server's key but with chosen claims.
pub fn signed(claims: &Value) -> String {
    jwt::sign(claims, jwt::Key::process())
}

/// `token` with its payload replaced, keeping the original signature.
pub fn tampered(token: &str, claims: &Value) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{}.{payload}.{}", parts[0], parts[2])
}

/// The payload of a token, without verification (as a client reads `sub`).
pub fn payload(token: &str) -> Value {
    token
        .split('.')
        .nth(1)
        .and_then(|p| URL_SAFE_NO_PAD.decode(p).ok())
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null)
}
