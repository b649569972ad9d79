//! The typed form of a dialect file (`specs/NAME/dialect.yaml`), after `extends` has been merged.
//!
//! Everything API-specific lives in these values; no Rust code names a concrete route, field or status.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::outcome::Outcome;

/// One API's documented contract for changing a password.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Dialect {
    /// Folder name, e.g. `ocariot`.
    pub name: String,
    pub title: String,
    /// Name of the dialect this one overrides (merged before this type is built).
    #[serde(default)]
    pub extends: Option<String>,
    /// Where the contract is documented; reports link here.
    #[serde(default)]
    pub docs: Option<String>,
    pub change_password: ChangePassword,
    pub login: Login,
    pub auth: Auth,
    /// Role name -> what it may do. Order is kept: the first self-service role is the default actor.
    pub roles: IndexMap<String, Role>,
    /// Ids used by the `nonexistent` and `malformed` targets, with the JSON type the API expects;
    /// needed only where the route takes a user id.
    #[serde(default)]
    pub user_ids: Option<UserIds>,
    /// Abstract outcome -> documented response.
    pub outcomes: IndexMap<String, Outcome>,
    /// How a user forced to reset their password at next login is brought back (OpenSpecimen).
    #[serde(default)]
    pub reset: Option<ResetFlow>,
    /// How an administrator sets anyone's password without the old one; used only to restore an
    /// account that cannot put its own password back.
    #[serde(default)]
    pub admin_reset: Option<AdminReset>,
    /// What does not apply to this API, each with the reason: abstract fields the route does not
    /// take (`user_id` on a route that changes the caller's own password only) and abstract
    /// outcomes it cannot produce (`forbidden`...). Cases needing them are skipped with the reason.
    #[serde(default)]
    pub not_applicable: IndexMap<String, String>,
    /// Account trait -> what sets such an account apart, for the traits cases `require` on this
    /// API (accounts file `traits:`); `pwconform init` explains them with these texts.
    #[serde(default)]
    pub account_traits: IndexMap<String, String>,
    /// The user id rules of each layer, in the order the layers apply them (a gateway's ownership
    /// rule, then the service's format check): what generated id cases expect.
    #[serde(default)]
    pub id_rules: Vec<IdRule>,
    /// Which field's error wins when several fail: for each pair, the API checks `first` before
    /// `then` and reports only the first failure. Left out for an API that lists every failing
    /// field at once. `pwconform coverage` lists each pair with the cases exercising it.
    #[serde(default)]
    pub check_order: Vec<CheckOrder>,
    /// Rule id (as `pwconform coverage` names it) -> why no black-box case can exercise it. The
    /// coverage table lists such rules with the reason instead of failing on them.
    #[serde(default)]
    pub untested: IndexMap<String, String>,
}

/// One check-order rule: a request failing both fields' checks gets `first`'s error.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CheckOrder {
    /// Abstract field checked first.
    pub first: String,
    /// Abstract field checked after it.
    pub then: String,
    #[serde(default)]
    pub doc: Option<String>,
}

/// One layer's rule about the user id. The first rule that decides answers.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IdRule {
    /// Who applies it, for people (`gateway`, `account service`).
    pub layer: String,
    /// Regular expression of the ids this rule is about (`^...$` anchored).
    pub pattern: String,
    /// Outcome for an id matching `pattern` that is not the caller's own (compared exactly).
    #[serde(default)]
    pub not_own: Option<String>,
    /// Outcome for an id not matching `pattern`.
    #[serde(default)]
    pub mismatch: Option<String>,
    #[serde(default)]
    pub doc: Option<String>,
}

impl Dialect {
    /// Why `name` (an abstract field or outcome) does not apply here, if the dialect says so, or
    /// if it is an optional field the dialect does not place.
    pub fn not_applicable(&self, name: &str) -> Option<String> {
        if let Some(why) = self.not_applicable.get(name) {
            return Some(why.clone());
        }
        let placed = self.change_password.fields.contains_key(name);
        if OPTIONAL_FIELDS.contains(&name) && !placed {
            return Some("an optional field this dialect does not place".into());
        }
        if name == CONFIRMATION_OUTCOME
            && !self.change_password.fields.contains_key(CONFIRMATION_FIELD)
        {
            return Some(format!(
                "the dialect places no `{CONFIRMATION_FIELD}`, so nothing is confirmed"
            ));
        }
        None
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    pub method: String,
    /// Path template; `{user_id}` (or any abstract field placed `in: path`) is filled in.
    pub path: String,
    /// Constant query parameters (e.g. `type: change`).
    #[serde(default)]
    pub query: IndexMap<String, String>,
    pub content_type: String,
    /// JSON Schema of a valid request body, relative to the dialect folder (checked by `lint`).
    #[serde(default)]
    pub schema: Option<String>,
    /// Abstract field -> where it goes. Order is the order the API checks them in.
    pub fields: IndexMap<String, FieldPlace>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Location {
    Body,
    Path,
    Query,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FieldPlace {
    #[serde(rename = "in")]
    pub location: Location,
    /// The API's own name for the field.
    pub key: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Login {
    pub method: String,
    pub path: String,
    /// JSON body template; `{{ username }}` and `{{ password }}` are filled in.
    pub body: Value,
    /// JSON pointer to the token in a successful answer.
    pub token: String,
    /// Where the user id is found; optional: many logins return none. Without it, an account
    /// whose id a case needs must give `id:` in the accounts file.
    #[serde(default)]
    pub user_id: Option<UserIdSource>,
    /// JSON pointer whose presence in a 2xx answer means "must reset the password first".
    #[serde(default)]
    pub reset_token: Option<String>,
    /// How to end a session (optional; used to leave no sessions behind).
    #[serde(default)]
    pub logout: Option<Logout>,
    /// Failed logins after which the server locks the account (OpenSpecimen: 5). The runner keeps
    /// its own failed logins per account well below it.
    #[serde(default)]
    pub lockout_after: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Logout {
    pub method: String,
    pub path: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UserIdSource {
    /// `body` (JSON pointer into the login answer) or `jwt` (a claim of the token's payload).
    pub from: UserIdFrom,
    /// JSON pointer (for `body`) or claim name (for `jwt`).
    pub at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UserIdFrom {
    Body,
    Jwt,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Auth {
    /// Header carrying the credential, e.g. `Authorization`.
    pub header: String,
    /// Header value template with `{{ token }}`, e.g. `Bearer {{ token }}`.
    pub value: String,
    /// `jwt` tokens can be tampered with (bad signature); `opaque` ones are replaced.
    pub token_format: TokenFormat,
    /// The session that changed its own password stays valid (both shipped contracts promise it).
    #[serde(default = "yes")]
    pub session_survives_own_change: bool,
    /// When someone else changes a user's password, that user's sessions end (probed through
    /// `login.logout` with the session the target had: it must answer 401).
    #[serde(default)]
    pub target_sessions_end_on_change_by_other: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenFormat {
    Jwt,
    Opaque,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// May change their own password through the route.
    #[serde(default)]
    pub own: bool,
    /// May change other users' passwords through the route.
    #[serde(default)]
    pub others: bool,
    /// Must send the old password when changing another user's password.
    #[serde(default = "yes")]
    pub others_need_old_password: bool,
    #[serde(default)]
    pub description: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UserIds {
    pub nonexistent: Value,
    pub malformed: Value,
}

/// Reset flow for accounts forced to set a new password at next login.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ResetFlow {
    pub method: String,
    pub path: String,
    /// Body template: `{{ username }}`, `{{ reset_token }}`, `{{ password }}`.
    pub body: Value,
    /// After someone else changed a user's password, that user's next login must demand a reset.
    #[serde(default)]
    pub forced_after_change_by_other: bool,
}

/// An administrator's way to set a user's password without the old one (OCARIoT's reset route,
/// OpenSpecimen's change route called by a super admin).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AdminReset {
    pub method: String,
    /// Path template with `{{ user_id }}`.
    pub path: String,
    /// Constant query parameters.
    #[serde(default)]
    pub query: IndexMap<String, String>,
    #[serde(default = "json_media_type")]
    pub content_type: String,
    /// Body template: `{{ user_id }}` (the account's id, with its JSON type) and `{{ password }}`.
    pub body: Value,
    /// Roles whose accounts may call it, in the order they are tried.
    pub roles: Vec<String>,
    /// What the account must do afterwards before it is back to normal.
    #[serde(default)]
    pub finish: ResetFinish,
    /// The documentation (or observation) this route comes from.
    #[serde(default)]
    pub doc: Option<String>,
}

fn json_media_type() -> String {
    "application/json".into()
}

/// After an admin reset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResetFinish {
    /// Nothing: the password works at once.
    #[default]
    None,
    /// The account's next login demands a reset: it is completed through `reset` with the same
    /// password.
    ResetAtLogin,
}

/// The abstract outcomes a case may expect. Dialects map each to a response.
pub const OUTCOMES: &[&str] = &[
    "changed",
    "missing_field",
    "invalid_field",
    "old_password_mismatch",
    "forbidden",
    "unauthenticated",
    "user_not_found",
    "invalid_user_id",
    "malformed_body",
    "unsupported_media_type",
    "confirmation_mismatch",
];

/// Abstract fields a case may set. A dialect places each, or lists it under `not_applicable`;
/// the optional ones it may simply leave out.
pub const FIELDS: &[&str] = &[
    "old_password",
    "new_password",
    "user_id",
    "new_password_confirmation",
];

/// Fields a dialect places only if its API has them; cases about them are skipped elsewhere.
pub const OPTIONAL_FIELDS: &[&str] = &["new_password_confirmation"];

/// The new password sent a second time, which the API compares with `new_password`.
pub const CONFIRMATION_FIELD: &str = "new_password_confirmation";

/// The confirmation differs from the new password; needed only by dialects placing the field.
pub const CONFIRMATION_OUTCOME: &str = "confirmation_mismatch";

/// What a raw-body refinement can match: not JSON, no bytes, or the JSON kind of the body.
pub const RAW_KINDS: &[&str] = &[
    "invalid", "empty", "null", "string", "number", "boolean", "array", "object",
];

/// Kinds of value a refinement can match: what was sent for the field a case is about.
pub const KINDS: &[&str] = &[
    "absent", "null", "empty", "blank", "string", "number", "boolean", "array", "object",
];
