//! The documented error answers of OCARIoT and how they are written (`Error` schema:
//! `code`, `message`, `description`; 401s add `redirect_link`).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::super::Faults;
use super::faults as f;

pub const JSON_UTF8: &str = "application/json; charset=utf-8";

pub const MSG_UNAUTHORIZED: &str = "UNAUTHORIZED";
pub const MSG_FORBIDDEN: &str = "FORBIDDEN";
pub const MSG_UNABLE_TO_PROCESS: &str = "Unable to process request body!";
pub const MSG_INVALID_ID: &str = "Parameter {user_id} is not in valid format!";
pub const MSG_INVALID_FIELDS: &str = "One or more request fields are invalid...";
pub const MSG_REQUIRED_FIELDS: &str = "Required fields were not provided...";
/// The reset route's wording (singular).
pub const MSG_REQUIRED_FIELD: &str = "Required field not provided...";
pub const MSG_USER_NOT_FOUND: &str = "User not found!";
pub const MSG_PASSWORD_MISMATCH: &str = "Password does not match!";

pub const DESC_NO_CREDENTIALS: &str =
    "Authentication failed for lack of authentication credentials.";
pub const DESC_EXPIRED: &str = "Authentication failed because access token is expired.";
pub const DESC_TOKEN_ISSUES: &str = "Authentication failed due to access token issues.";
pub const DESC_FORBIDDEN: &str = "Authorization failed due to insufficient permissions.";
pub const DESC_UNABLE_TO_PROCESS: &str =
    "Please verify that the JSON provided in the request body has a valid format and try again.";
pub const DESC_INVALID_ID: &str =
    "A 24-byte hex ID similar to this: 507f191e810c19729de860ea is expected.";
pub const DESC_USER_NOT_FOUND: &str =
    "User not found or already removed. A new operation for the same resource is not required.";
pub const DESC_PASSWORD_MISMATCH: &str =
    "The old password parameter does not match with the actual user password.";

/// An error answer before it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: &'static str,
    pub description: Option<String>,
    /// 401 answers of the gateway carry `"redirect_link": "/auth"`.
    pub redirect: bool,
}

impl ApiError {
    pub fn new(status: StatusCode, message: &'static str, description: impl Into<String>) -> Self {
        ApiError {
            status,
            message,
            description: Some(description.into()),
            redirect: status == StatusCode::UNAUTHORIZED,
        }
    }

    pub fn unauthorized(description: &str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, MSG_UNAUTHORIZED, description)
    }

    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, MSG_FORBIDDEN, DESC_FORBIDDEN)
    }

    pub fn unable_to_process() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            MSG_UNABLE_TO_PROCESS,
            DESC_UNABLE_TO_PROCESS,
        )
    }

    pub fn invalid_id() -> Self {
        Self::new(StatusCode::BAD_REQUEST, MSG_INVALID_ID, DESC_INVALID_ID)
    }

    pub fn invalid_field(description: String) -> Self {
        Self::new(StatusCode::BAD_REQUEST, MSG_INVALID_FIELDS, description)
    }

    pub fn required(fields: &[&str]) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            MSG_REQUIRED_FIELDS,
            format!("{} are required!", fields.join(", ")),
        )
    }

    pub fn user_not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            MSG_USER_NOT_FOUND,
            DESC_USER_NOT_FOUND,
        )
    }

    pub fn password_mismatch() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            MSG_PASSWORD_MISMATCH,
            DESC_PASSWORD_MISMATCH,
        )
    }

    pub fn internal(description: String) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal Server Error",
            description,
        )
    }

    /// The documented body, as JSON.
    pub fn body(&self) -> Map<String, Value> {
        let mut body = Map::new();
        body.insert("code".into(), Value::from(self.status.as_u16()));
        body.insert("message".into(), Value::from(self.message));
        if let Some(description) = &self.description {
            body.insert("description".into(), Value::from(description.as_str()));
        }
        if self.redirect {
            body.insert("redirect_link".into(), Value::from("/auth"));
        }
        body
    }

    /// Writes the answer as the documented contract says.
    pub fn into_plain_response(self) -> Response {
        json_response(self.status, &Value::Object(self.body()))
    }

    /// Writes the answer of the password route, with the error-format faults applied.
    pub fn into_route_response(self, faults: &Faults) -> Response {
        let mut body = self.body();
        if faults.has(f::ERROR_WITHOUT_DESCRIPTION) {
            body.remove("description");
        }
        if faults.has(f::NO_REDIRECT_LINK) {
            body.remove("redirect_link");
        }
        if faults.has(f::ERROR_CODE_AS_STRING) {
            body.insert("code".into(), Value::from(self.status.as_u16().to_string()));
        }
        if faults.has(f::REWORDED_MESSAGES) {
            body.insert("message".into(), Value::from(reworded(self.message)));
        }
        let mut response = json_response(self.status, &Value::Object(body));
        if faults.has(f::WRONG_ERROR_CONTENT_TYPE) {
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
        }
        response
    }
}

/// How a careless refactoring might have reworded the 400 messages.
fn reworded(message: &'static str) -> &'static str {
    match message {
        MSG_REQUIRED_FIELDS => "Required fields were not provided!",
        MSG_INVALID_FIELDS => "One or more request fields are invalid!",
        MSG_PASSWORD_MISMATCH => "Old password does not match!",
        MSG_UNABLE_TO_PROCESS => "Invalid JSON in request body!",
        MSG_INVALID_ID => "Parameter user_id is not in valid format!",
        other => other,
    }
}

/// A JSON answer with the platform's Content-Type.
pub fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8))],
        body.to_string(),
    )
        .into_response()
}

/// Unknown routes.
pub fn not_found(path: &str) -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "Not Found",
        format!("The requested resource {path} was not found."),
    )
    .into_plain_response()
}

/// Known routes, other method.
pub fn method_not_allowed(method: &str, path: &str) -> Response {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "Method Not Allowed",
        format!("{method} is not supported on {path}."),
    )
    .into_plain_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unauthorized_body_carries_redirect_link() {
        let body = ApiError::unauthorized(DESC_NO_CREDENTIALS).body();
        assert_eq!(
            Value::Object(body),
            json!({
                "code": 401,
                "message": "UNAUTHORIZED",
                "description": DESC_NO_CREDENTIALS,
                "redirect_link": "/auth"
            })
        );
    }

    #[test]
    fn required_joins_field_names() {
        let e = ApiError::required(&["old_password", "new_password"]);
        assert_eq!(
            e.description.as_deref(),
            Some("old_password, new_password are required!")
        );
        assert!(!e.redirect);
        assert_eq!(
            ApiError::required(&["new_password"]).description.as_deref(),
            Some("new_password are required!")
        );
    }
}
