//! `POST /_reference/password-check {"username", "password"}`: a route of the reference servers
//! only, outside every dialect, for tests and rehearsals to learn an account's real state without
//! logging in (no session, no failed login counted): `{"current": bool, "reset_pending": bool,
//! "locked": bool}`, or 404 for an unknown username. It never returns a password.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// The route's path.
pub const PATH: &str = "/_reference/password-check";

#[derive(Debug, Deserialize)]
pub struct Query {
    pub username: String,
    pub password: String,
}

/// What the server knows of one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordState {
    /// `password` is the account's current password.
    pub current: bool,
    /// The account must reset its password at its next login.
    pub reset_pending: bool,
    /// Too many failed logins locked it.
    pub locked: bool,
}

impl PasswordState {
    /// Exactly as at the start: the password, and nothing pending.
    pub fn is_original(&self) -> bool {
        self.current && !self.reset_pending && !self.locked
    }
}

/// Reads the query from a JSON body and answers with `lookup`'s state.
pub fn answer(body: &[u8], lookup: impl FnOnce(&Query) -> Option<PasswordState>) -> Response {
    let Ok(query) = serde_json::from_slice::<Query>(body) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    match lookup(&query) {
        Some(state) => axum::Json(state).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
