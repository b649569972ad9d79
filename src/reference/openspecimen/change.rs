//! `PUT /users/password` (current contract) and `PUT /users/{userId}/password` (older wiki text).
//!
//! Checks in the documented order, first error wins: authentication, JSON reading (415 first, then
//! the body), user lookup, domain, then the old password (own) or the rights (someone else's), then
//! the new-password rules.

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::accounts::{Account, Role, is_blank, new_token};
use super::auth::{Caller, authenticate};
use super::body::{ChangeBody, Lenience, check_content_type, read_change};
use super::reply::{Fail, changed, unauthorized};
use super::storage;
use super::{App, Shared};
use crate::reference::Faults;

pub(crate) async fn change_current(
    State(app): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    change(&app, &headers, &body, None, true).unwrap_or_else(|fail| fail.render(&app.faults, false))
}

/// The current route with a trailing slash, served only with the fault whose security rule misses
/// it: no rights check.
pub(crate) async fn change_trailing_slash(
    State(app): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    change(&app, &headers, &body, None, false)
        .unwrap_or_else(|fail| fail.render(&app.faults, false))
}

/// Older wiki text: the user is in the path; `?type=change` is not read.
pub(crate) async fn change_legacy(
    State(app): State<Shared>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // A path segment that cannot even be decoded is just "not an integer".
    let raw = path.map(|Path(raw)| raw).unwrap_or_default();
    change(&app, &headers, &body, Some(&raw), true)
        .unwrap_or_else(|fail| fail.render(&app.faults, true))
}

/// Any other method on the change-password path: 401 when not signed in (authentication comes first),
/// else 405 with `Allow: PUT`.
pub(crate) async fn wrong_method(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let authenticated = authenticate(&mut app.store(), &headers).is_ok();
    if !authenticated && !app.faults.has("ignore-token") {
        return unauthorized(&app.faults);
    }
    if app.faults.has("wrong-method-404") {
        return StatusCode::NOT_FOUND.into_response();
    }
    (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "PUT")]).into_response()
}

/// Content-Type, path id (legacy), then the body; the "JSON reading" step.
fn read(
    faults: &Faults,
    headers: &HeaderMap,
    bytes: &[u8],
    path_id: Option<&str>,
) -> Result<ChangeBody, Fail> {
    if !faults.has("ignore-content-type") {
        check_content_type(headers)?;
        storage::check_exact_content_type(faults, headers)?;
    }
    let path_id = match path_id {
        None => None,
        Some(raw) => Some(raw.parse::<i64>().map_err(|_| {
            Fail::Invalid(format!(
                "Failed to convert value of type 'java.lang.String' to required type \
                 'java.lang.Long'; For input string: \"{raw}\""
            ))
        })?),
    };
    let mut body = read_change(bytes, &Lenience::from_faults(faults))?;
    if path_id.is_some() {
        body.user_id = path_id;
    }
    if faults.has("trim-passwords") {
        let trim = |s: Option<String>| s.map(|s| s.trim().to_string());
        body.old_password = trim(body.old_password);
        body.new_password = trim(body.new_password);
    }
    Ok(body)
}

fn change(
    app: &App,
    headers: &HeaderMap,
    bytes: &[u8],
    path_id: Option<&str>,
    rights: bool,
) -> Result<Response, Fail> {
    let faults = &app.faults;
    // Everything below runs under the lock, synchronously; the body was already read.
    let mut store = app.store();

    let early = if faults.has("validate-before-auth") {
        Some(read(faults, headers, bytes, path_id)?)
    } else {
        None
    };
    let caller = match authenticate(&mut store, headers) {
        Ok(caller) => Some(caller),
        Err(_) if faults.has("ignore-token") => None,
        Err(_) => return Err(Fail::Unauthenticated),
    };
    let body = match early {
        Some(body) => body,
        None => read(faults, headers, bytes, path_id)?,
    };

    // User lookup. Absent/null userId is "no existing user" (see the module docs of `openspecimen`).
    let Some(target_id) = body.user_id else {
        return Err(if faults.has("500-on-null-user-id") {
            Fail::Server
        } else {
            Fail::UserNotFound
        });
    };
    let caller = caller.unwrap_or(Caller::Impersonated { user_id: target_id });
    let target = store.account(target_id).ok_or(Fail::UserNotFound)?;

    // Domain.
    if !target.is_local() && !faults.has("ldap-password-change-allowed") {
        return Err(Fail::ChangeNotAllowed);
    }

    // A session whose user no longer exists is not a caller.
    let actor = store
        .account(caller.user_id())
        .ok_or(Fail::Unauthenticated)?;
    let own = actor.id == target.id;
    let new_first = faults.has("new-password-checked-first");
    if new_first {
        new_password_rules(target, body.new_password.as_deref(), faults)?;
    }
    if own {
        if !faults.has("skip-old-password-check") {
            check_old_password(target, body.old_password.as_deref())?;
        }
    } else {
        if rights {
            check_rights(actor, target, faults)?;
        }
        // Documented: oldPassword is ignored when changing someone else's password.
        if faults.has("old-password-required-for-others") {
            check_old_password(target, body.old_password.as_deref())?;
        }
    }
    if !new_first {
        new_password_rules(target, body.new_password.as_deref(), faults)?;
    }
    let new_password = body.new_password.ok_or(Fail::Rules)?;
    storage::check_storable(faults, &new_password)?;

    // Apply, with the documented side effects. The fault writes to the session's own account.
    let target_id = match (&caller, faults.has("change-applies-to-caller")) {
        (Caller::Session { user_id, .. }, true) => *user_id,
        _ => target_id,
    };
    let target = store.account_mut(target_id).ok_or(Fail::UserNotFound)?;
    target.set_password(&new_password);
    let keep_sessions = faults.has("no-logout-of-other-sessions");
    if own {
        if !keep_sessions {
            store.close_sessions_of(target_id, caller.token());
        }
        if faults.has("logout-caller-session")
            && let Some(token) = caller.token()
        {
            store.close_session(token);
        }
    } else {
        if !faults.has("no-forced-reset") {
            target.reset_token = Some(new_token());
        }
        if !keep_sessions {
            store.close_sessions_of(target_id, None);
        }
    }
    Ok(changed(faults))
}

fn check_old_password(target: &Account, old: Option<&str>) -> Result<(), Fail> {
    match old {
        None => Err(Fail::OldMissing),
        Some(old) if is_blank(old) => Err(Fail::OldMissing),
        // Exact comparison: " secret" is not "secret".
        Some(old) if !target.password_matches(old) => Err(Fail::OldInvalid),
        Some(_) => Ok(()),
    }
}

/// Super admins: anyone. Institute admins: non-super-admin users of their own institute. Users: nobody else.
fn check_rights(actor: &Account, target: &Account, faults: &Faults) -> Result<(), Fail> {
    let allowed = match actor.role {
        Role::SuperAdmin => true,
        Role::InstituteAdmin => {
            target.role != Role::SuperAdmin
                && (actor.institute == target.institute
                    || faults.has("institute-admin-any-institute"))
        }
        Role::User => faults.has("allow-regular-user-others"),
    };
    if allowed { Ok(()) } else { Err(Fail::Denied) }
}

/// The target account's policy: non-blank (the default pattern), and not one of its last N passwords
/// (the current one included) when N > 0. Also used by the reset, with no faults.
pub(crate) fn new_password_rules(
    target: &Account,
    new: Option<&str>,
    faults: &Faults,
) -> Result<(), Fail> {
    let Some(new) = new else {
        return Err(Fail::Rules);
    };
    if is_blank(new) && !faults.has("accept-empty-new-password") {
        return Err(Fail::Rules);
    }
    if !faults.has("reuse-policy-ignored")
        && target.recently_used(new, faults.has("reuse-policy-skips-current"))
    {
        return Err(Fail::SameAsLastN);
    }
    Ok(())
}
