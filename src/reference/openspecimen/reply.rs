//! Every answer the server gives: business errors (400 + one-element JSON array), the HTML 401 page,
//! 415, success, and the faults that change their shape.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::reference::Faults;

const JSON: &str = "application/json";

/// The page a servlet container shows for 401 (not JSON, on purpose: the contract says so).
const UNAUTHORIZED_PAGE: &str = "<!doctype html><html lang=\"en\"><head><title>HTTP Status 401 \u{2013} \
Unauthorized</title></head><body><h1>HTTP Status 401 \u{2013} Unauthorized</h1><hr class=\"line\" />\
<p><b>Type</b> Status Report</p><p><b>Message</b> Full authentication is required to access this \
resource</p><p><b>Description</b> The request has not been applied because it lacks valid \
authentication credentials for the target resource.</p><hr class=\"line\" /><h3>OpenSpecimen</h3>\
</body></html>";

/// Why a request failed; rendered by [`Fail::render`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fail {
    Unauthenticated,
    UnsupportedMediaType,
    /// `INVALID_REQUEST` with the framework's message.
    Invalid(String),
    UserNotFound,
    ChangeNotAllowed,
    OldMissing,
    OldInvalid,
    Denied,
    Rules,
    SameAsLastN,
    InvalidResetToken,
    InvalidCredentials,
    Locked,
    Server,
}

impl Fail {
    /// `(status, code, message, reworded message)`.
    fn parts(&self, legacy: bool) -> (StatusCode, &'static str, String, &'static str) {
        let bad = StatusCode::BAD_REQUEST;
        match self {
            // Rendered elsewhere; listed so the match is total.
            Fail::Unauthenticated => (StatusCode::UNAUTHORIZED, "", String::new(), ""),
            Fail::UnsupportedMediaType => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "", String::new(), ""),
            Fail::Invalid(message) => (bad, "INVALID_REQUEST", message.clone(), "Invalid request."),
            Fail::UserNotFound => {
                // Older wiki text: 404 for "user not found".
                let status = if legacy { StatusCode::NOT_FOUND } else { bad };
                let msg = "User does not exist.";
                (status, "USER_NOT_FOUND", msg.into(), "No such user.")
            }
            Fail::ChangeNotAllowed => (
                bad,
                "USER_PASSWD_CHANGE_NOT_ALLOWED",
                "You cannot reset password in OpenSpecimen. Please contact admin at {0} for the help."
                    .into(),
                "Password cannot be changed for this user.",
            ),
            Fail::OldMissing => (
                bad,
                "USER_OLD_PASSWD_NOT_SPECIFIED",
                "Old password is required.".into(),
                "Old password is missing.",
            ),
            Fail::OldInvalid => (
                bad,
                "USER_INVALID_OLD_PASSWD",
                "Old password is invalid.".into(),
                "Old password is incorrect.",
            ),
            Fail::Denied => {
                // Older wiki text: 401 for "no rights" (still a JSON array).
                let status = if legacy { StatusCode::UNAUTHORIZED } else { bad };
                let msg = "User does not have sufficient rights to perform this action.";
                (status, "USER_PERMISSION_DENIED", msg.into(), "Access denied.")
            }
            Fail::Rules => (
                bad,
                "USER_PASSWD_VIOLATES_RULES",
                "Password is either empty or does not match the policy pattern.".into(),
                "Password does not meet the requirements.",
            ),
            Fail::SameAsLastN => (
                bad,
                "USER_PASSWD_SAME_AS_LAST_N",
                "New password cannot be the same as last N passwords.".into(),
                "Password was used recently.",
            ),
            Fail::InvalidResetToken => (
                bad,
                "USER_INVALID_PASSWD_TOKEN",
                "Invalid password reset token.".into(),
                "Reset token is not valid.",
            ),
            Fail::InvalidCredentials => (
                bad,
                "AUTH_INVALID_CREDENTIALS",
                "Username or password or OTP is incorrect.".into(),
                "Login failed.",
            ),
            Fail::Locked => (
                bad,
                "AUTH_USER_LOCKED",
                "Your account has been locked after too many failed login attempts. Please contact the administrator."
                    .into(),
                "Account locked.",
            ),
            Fail::Server => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "COMMON_SERVER_ERROR",
                "Internal server error. Please contact the system administrator.".into(),
                "Server error.",
            ),
        }
    }

    /// Renders the answer; `legacy` applies the older wiki's statuses, `faults` the shape bugs.
    pub(crate) fn render(&self, faults: &Faults, legacy: bool) -> Response {
        match self {
            Fail::Unauthenticated => return unauthorized(faults),
            Fail::UnsupportedMediaType => {
                return StatusCode::UNSUPPORTED_MEDIA_TYPE.into_response();
            }
            _ => {}
        }
        let (mut status, code, message, reworded) = self.parts(legacy);
        if !legacy {
            if *self == Fail::UserNotFound && faults.has("not-found-as-404") {
                status = StatusCode::NOT_FOUND;
            }
            if *self == Fail::Denied && faults.has("permission-denied-as-403") {
                status = StatusCode::FORBIDDEN;
            }
        }
        let message = if faults.has("messages-reworded") {
            reworded.to_string()
        } else {
            message
        };
        let entry = if faults.has("error-code-missing") {
            json!({ "message": message })
        } else {
            json!({ "code": code, "message": message })
        };
        let body: Value = if faults.has("error-as-object-not-array") {
            entry
        } else {
            json!([entry])
        };
        let content_type = if faults.has("errors-as-text-plain") {
            "text/plain;charset=UTF-8"
        } else {
            JSON
        };
        (
            status,
            [(header::CONTENT_TYPE, content_type)],
            body.to_string(),
        )
            .into_response()
    }
}

/// 401: an HTML page and `WWW-Authenticate: Basic realm="OpenSpecimen"` (faults aside).
pub(crate) fn unauthorized(faults: &Faults) -> Response {
    let (content_type, body) = if faults.has("json-401") {
        let body =
            json!([{ "code": "AUTH_INVALID_TOKEN", "message": "Invalid or expired token." }]);
        (JSON, body.to_string())
    } else {
        ("text/html;charset=utf-8", UNAUTHORIZED_PAGE.to_string())
    };
    let mut response = (
        StatusCode::UNAUTHORIZED,
        [(header::CONTENT_TYPE, content_type)],
        body,
    )
        .into_response();
    if !faults.has("no-www-authenticate") {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Basic realm=\"OpenSpecimen\""),
        );
    }
    response
}

/// A JSON answer with status 200.
pub(crate) fn ok_json(body: &Value) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, JSON)],
        body.to_string(),
    )
        .into_response()
}

/// A successful change: 200 `true` (faults aside).
pub(crate) fn changed(faults: &Faults) -> Response {
    if faults.has("answer-204-instead-of-200") {
        StatusCode::NO_CONTENT.into_response()
    } else if faults.has("success-body-string") {
        ok_json(&json!("success"))
    } else {
        ok_json(&Value::Bool(true))
    }
}

/// Any URL without a route (including the other mode's change-password URL).
pub(crate) async fn no_route() -> Response {
    StatusCode::NOT_FOUND.into_response()
}
