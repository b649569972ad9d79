//! The OCARIoT reference server: the API gateway and account service reduced to the routes the
//! suite needs, `POST /v1/auth`, `PUT /v1/users/{user_id}/password` and the admin reset
//! `POST /v1/users/{user_id}/reset-password` (used only to restore), faithful to
//! `dialects/ocariot.md` (status codes, exact messages, the order of the checks).
//!
//! Layout: [`accounts`] (roles, scopes, seed, store), [`auth`] (login, token and permission checks),
//! [`body`] (body parsing, field validation), [`password`] (the route), [`reset`] (the admin
//! reset), [`errors`] (the documented
//! error bodies), [`faults`] (the bugs `--fault` switches on).

mod accounts;
mod auth;
mod body;
mod errors;
mod faults;
mod password;
mod reset;

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests_auth;
#[cfg(test)]
mod tests_contract;
#[cfg(test)]
mod tests_faults;
#[cfg(test)]
mod tests_reset;
#[cfg(test)]
mod tests_scenarios;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::Router;
use axum::http::{Method, Uri};
use axum::response::Response;
use axum::routing::{post, put};

use super::jwt;
use super::{FaultInfo, Faults, SeedAccount};
use accounts::Store;

/// The faults this server knows (`--fault NAME`).
pub const FAULTS: &[FaultInfo] = faults::FAULTS;

/// `iss` of every token.
const ISSUER: &str = "ocariot";
/// Tokens are valid for one day.
const TOKEN_LIFETIME: u64 = 86_400;

/// What every handler shares.
struct AppState {
    faults: Faults,
    key: jwt::Key,
    store: Mutex<Store>,
}

impl AppState {
    /// The store; a panic elsewhere cannot poison it for good (no handler panics by design).
    fn lock(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

type Shared = Arc<AppState>;

/// The router and the seeded accounts (two per role, the same at every start).
pub fn build(faults: Faults) -> (Router, Vec<SeedAccount>) {
    let seed = accounts::seed();
    let listed = seed.iter().map(SeedAccount::from).collect();
    let trailing_slash = faults.has(faults::TRAILING_SLASH_SKIPS_OWNERSHIP);
    let state = Arc::new(AppState {
        faults,
        key: jwt::Key::process().clone(),
        store: Mutex::new(Store::new(seed)),
    });
    let mut router = Router::new()
        .route("/v1/auth", post(auth::login))
        .route("/v1/users/{user_id}/password", put(password::change));
    if trailing_slash {
        router = router.route(
            "/v1/users/{user_id}/password/",
            put(password::change_trailing_slash),
        );
    }
    let router = router
        .route("/v1/users/{user_id}/reset-password", post(reset::reset))
        .route(super::inspect::PATH, post(password_check))
        .fallback(|uri: Uri| async move { errors::not_found(uri.path()) })
        .method_not_allowed_fallback(|method: Method, uri: Uri| async move {
            method_not_allowed(&method, &uri)
        })
        .with_state(state);
    (router, listed)
}

/// The reference-only inspection route (see `reference::inspect`).
async fn password_check(
    axum::extract::State(state): axum::extract::State<Shared>,
    body: axum::body::Bytes,
) -> Response {
    super::inspect::answer(&body, |q| {
        let store = state.lock();
        let account = store.by_username(&q.username)?;
        Some(super::inspect::PasswordState {
            current: account.password == q.password,
            reset_pending: false,
            locked: false,
        })
    })
}

fn method_not_allowed(method: &Method, uri: &Uri) -> Response {
    errors::method_not_allowed(method.as_str(), uri.path())
}
