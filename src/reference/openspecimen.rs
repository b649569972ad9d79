//! Embedded OpenSpecimen reference server: the DOCUMENTED change-password contract of
//! `/work/shared/dialects/openspecimen.md`, in memory, on axum.
//!
//! Routes (all under [`PREFIX`] = `/openspecimen/rest/ng`):
//! - `POST /sessions` (login), `DELETE /sessions` (logout);
//! - `PUT /users/password` (current contract), or, with `legacy = true` (the older wiki text),
//!   `PUT /users/{userId}/password?type=change` instead; each mode answers the other's URL with 404;
//! - `POST /users/reset-password` (end of the forced reset after someone else changed a password).
//!
//! The "as built" deviations of the real server are not served by default: they are faults
//! ([`FAULTS`]), switched on by name, so the suite can prove it notices them.
//!
//! Decisions where the documentation leaves room (each is also noted where it is implemented):
//! - `userId` absent or `null` is "no existing user": `USER_NOT_FOUND` (the user lookup is the check that
//!   needs it); any other non-integer (string, float such as `1.0`, bool, object, array, out of i64
//!   range) "cannot be read as its type": `INVALID_REQUEST`. Same for a non-string password value.
//! - Empty body (0 bytes) and the JSON literal `null` answer `Required request body is missing`; any other
//!   unreadable body (whitespace only, broken JSON, an array, a number) answers `JSON parse error: ...`.
//! - Unknown body fields are ignored (the documentation says nothing; rejecting them would be invented).
//! - Authentication runs before everything, including the method (405) and Content-Type (415) checks, as
//!   a servlet security filter does; a 405 therefore needs a valid token, like any other answer.
//! - A Content-Type is JSON when its media type is `application/json` or `application/*+json`
//!   (parameters such as `charset` allowed, case-insensitive).
//! - An institute admin may change the password of non-super-admin users of their own institute only;
//!   no seeded super admin shares an institute with an institute admin, so this never decides a case.
//! - Only the target's `domain` decides `USER_PASSWD_CHANGE_NOT_ALLOWED`, and that check comes before the
//!   rights check (documented order). One LDAP account is seeded but NOT listed in the seed accounts (so
//!   no role's account list changes): id [`LDAP_USER_ID`], login `ldap-user`.
//! - Locking: 5 consecutive failed logins (wrong password at `POST /sessions`, or bad HTTP Basic password)
//!   lock the account; from then on even the right password answers 400 `AUTH_USER_LOCKED` (the real
//!   server's code). A success resets the count. A login naming a domain other than the account's answers
//!   `AUTH_INVALID_CREDENTIALS` without counting (the password was never tried). Nothing unlocks.
//! - Forced reset: the `resetPasswordToken` is made when the flag is set and returned by every correct
//!   login until the reset; HTTP Basic with a flagged account's (new) password is 401 (no sign-in before
//!   the reset). The reset checks the token (`USER_INVALID_PASSWD_TOKEN`, the real server's code, also
//!   for an unknown login name), then the new-password rules of the account.
//! - Sessions expire after 60 minutes without use (the "expired token" of the contract).
//! - Legacy mode: the user is the one in the path; a body `userId` is still read (type-checked) but the
//!   path wins. A path id that is not an integer is `INVALID_REQUEST`. The `type` query parameter is not
//!   read (the older text always shows `type=change`; nothing says what else would happen).
//! - `DELETE /sessions` answers 200 `{"Status": "Success"}` (what the real controller returns).
//! - Faults change only the change-password route (and the 401 / logout behaviour they name): the
//!   login and reset routes stay correct so the runner can always restore an account.

mod accounts;
mod auth;
mod body;
mod change;
mod reply;
mod reset;
mod storage;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_effects;
#[cfg(test)]
mod tests_faults;
#[cfg(test)]
mod tests_http;

use std::sync::Arc;

use axum::Router;
use axum::routing::{post, put};

use super::{FaultInfo, Faults, SeedAccount};

pub use accounts::LDAP_USER_ID;

/// Common prefix of every route.
pub const PREFIX: &str = "/openspecimen/rest/ng";

const fn fault(name: &'static str, description: &'static str) -> FaultInfo {
    FaultInfo { name, description }
}

/// Realistic bugs the server can be started with (`--fault NAME`).
pub const FAULTS: &[FaultInfo] = &[
    fault(
        "trim-passwords",
        "As built: leading and trailing spaces of oldPassword and newPassword are trimmed before any check and before storing.",
    ),
    fault(
        "accept-non-string-passwords",
        "As built: a number or boolean sent as oldPassword/newPassword is accepted and used as its text (12345678).",
    ),
    fault(
        "container-password-ends-body",
        "As built: an object or array sent as oldPassword/newPassword becomes null and the fields after it in the body are not read.",
    ),
    fault(
        "accept-empty-new-password",
        "An empty or blank newPassword passes the policy check and becomes the account's password.",
    ),
    fault(
        "skip-old-password-check",
        "Changing one's own password does not verify oldPassword: missing or wrong values are accepted.",
    ),
    fault(
        "allow-regular-user-others",
        "The rights check forgets regular users: any signed-in user may change anyone's password.",
    ),
    fault(
        "institute-admin-any-institute",
        "Institute admins may change passwords of users in every institute, not only their own.",
    ),
    fault(
        "no-forced-reset",
        "After someone else changes a user's password, the user is not forced to reset it at next login.",
    ),
    fault(
        "no-logout-of-other-sessions",
        "A password change leaves every existing session of the target user signed in.",
    ),
    fault(
        "logout-caller-session",
        "A change of one's own password also ends the session that made the request.",
    ),
    fault(
        "answer-204-instead-of-200",
        "A successful change answers 204 No Content with no body instead of 200 `true`.",
    ),
    fault(
        "success-body-string",
        "A successful change answers 200 with the JSON string \"success\" (the older wiki example) instead of `true`.",
    ),
    fault(
        "error-as-object-not-array",
        "Business errors are a single JSON object {code, message} instead of an array of one.",
    ),
    fault(
        "error-code-missing",
        "Business errors carry only a message: the `code` member is left out.",
    ),
    fault(
        "errors-as-text-plain",
        "Business errors keep their JSON body but are labelled Content-Type: text/plain.",
    ),
    fault(
        "messages-reworded",
        "Business error messages were reworded (e.g. `Old password is incorrect.`) while codes stayed the same.",
    ),
    fault(
        "json-401",
        "An unauthenticated request gets a JSON error array instead of the HTML page (401 kept).",
    ),
    fault(
        "no-www-authenticate",
        "401 answers lack the `WWW-Authenticate: Basic realm=\"OpenSpecimen\"` header.",
    ),
    fault(
        "500-on-wrong-type",
        "A field of the wrong JSON type crashes the handler: 500 COMMON_SERVER_ERROR instead of 400 INVALID_REQUEST.",
    ),
    fault(
        "500-on-malformed-json",
        "A body that is not JSON (or is empty) crashes the handler: 500 COMMON_SERVER_ERROR instead of 400.",
    ),
    fault(
        "500-on-null-user-id",
        "A missing or null userId reaches the database as null: 500 COMMON_SERVER_ERROR instead of USER_NOT_FOUND.",
    ),
    fault(
        "ignore-token",
        "Missing, unknown or expired tokens are not rejected: the request runs as the user named by userId.",
    ),
    fault(
        "validate-before-auth",
        "Content-Type and body are checked before authentication, so unauthenticated bad requests get 415/400, not 401.",
    ),
    fault(
        "ignore-content-type",
        "Any Content-Type (or none) is parsed as JSON: no 415.",
    ),
    fault(
        "wrong-method-404",
        "Other methods on the change-password path answer 404 instead of 405.",
    ),
    fault(
        "reuse-policy-ignored",
        "The \"not the same as the last N passwords\" rule is never applied.",
    ),
    fault(
        "reuse-policy-skips-current",
        "The reuse rule compares only with earlier passwords, so the current password may be set again.",
    ),
    fault(
        "user-id-string-accepted",
        "As built: userId sent as a numeric string (\"5\") is accepted; \"\" becomes null.",
    ),
    fault(
        "user-id-float-truncated",
        "As built: a fractional userId such as 1.9 is truncated to 1 instead of rejected.",
    ),
    fault(
        "not-found-as-404",
        "An unknown userId answers 404 (the older wiki text) instead of 400 USER_NOT_FOUND.",
    ),
    fault(
        "permission-denied-as-403",
        "Missing rights answer 403 instead of 400 USER_PERMISSION_DENIED.",
    ),
    fault(
        "old-password-required-for-others",
        "Admins changing someone else's password must send that user's current password as oldPassword.",
    ),
    fault(
        "new-password-checked-first",
        "The new-password rules run before the old-password check, so their error wins.",
    ),
    fault(
        "ldap-password-change-allowed",
        "Accounts of an LDAP/SAML domain get a local password instead of USER_PASSWD_CHANGE_NOT_ALLOWED.",
    ),
    fault(
        "change-applies-to-caller",
        "The checks look at userId but the new password is written to the signed-in caller's account (the session's user), whoever the request names.",
    ),
    fault(
        storage::CHARSET_REFUSED,
        "A request filter accepts only the exact media type: a Content-Type with a parameter (application/json; charset=utf-8) is refused 415.",
    ),
    fault(
        storage::LONG_NEW_PASSWORD_500,
        "The new password passes through a 255-character audit column before it is hashed: a longer one overflows it and is answered 500.",
    ),
    fault(
        storage::NUL_500,
        "PostgreSQL refuses a NUL character in text: a new password holding one is answered 500 COMMON_SERVER_ERROR.",
    ),
    fault(
        storage::ASTRAL_500,
        "A MySQL utf8mb3 column cannot hold 4-byte UTF-8: a new password with an emoji is answered 500 COMMON_SERVER_ERROR.",
    ),
    fault(
        storage::TRAILING_SLASH_SKIPS_RIGHTS,
        "The security rule names the exact path while Spring also matches a trailing slash: through /users/password/ any signed-in user may change anyone's password.",
    ),
];

/// Everything the handlers share.
pub(crate) struct App {
    pub(crate) store: std::sync::Mutex<accounts::Store>,
    pub(crate) faults: Faults,
}

impl App {
    /// Locks the store. Never held across an `.await`: every handler reads its body first, then does all
    /// of its work synchronously under the lock.
    pub(crate) fn store(&self) -> std::sync::MutexGuard<'_, accounts::Store> {
        self.store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

pub(crate) type Shared = Arc<App>;

/// The reference-only inspection route (see `reference::inspect`).
async fn password_check(
    axum::extract::State(app): axum::extract::State<Shared>,
    body: axum::body::Bytes,
) -> axum::response::Response {
    super::inspect::answer(&body, |q| {
        let mut store = app.store();
        let account = store.by_login_mut(&q.username)?;
        Some(super::inspect::PasswordState {
            current: account.password_matches(&q.password),
            reset_pending: account.reset_token.is_some(),
            locked: account.locked,
        })
    })
}

/// Builds the router and the seeded accounts; `legacy` serves the older wiki URL instead of the current one.
pub fn build(faults: Faults, legacy: bool) -> (Router, Vec<SeedAccount>) {
    let (store, seeds) = accounts::Store::seeded();
    let app: Shared = Arc::new(App {
        store: std::sync::Mutex::new(store),
        faults,
    });
    let change_route = if legacy {
        Router::new().route(
            &format!("{PREFIX}/users/{{userId}}/password"),
            put(change::change_legacy).fallback(change::wrong_method),
        )
    } else if app.faults.has("trailing-slash-skips-rights-check") {
        Router::new()
            .route(
                &format!("{PREFIX}/users/password"),
                put(change::change_current).fallback(change::wrong_method),
            )
            .route(
                &format!("{PREFIX}/users/password/"),
                put(change::change_trailing_slash).fallback(change::wrong_method),
            )
    } else {
        Router::new().route(
            &format!("{PREFIX}/users/password"),
            put(change::change_current).fallback(change::wrong_method),
        )
    };
    let router = Router::new()
        .route(
            &format!("{PREFIX}/sessions"),
            post(auth::login).delete(auth::logout),
        )
        .route(
            &format!("{PREFIX}/users/reset-password"),
            post(reset::reset_password),
        )
        .route(super::inspect::PATH, post(password_check))
        .merge(change_route)
        .fallback(reply::no_route)
        .with_state(app);
    (router, seeds)
}
