//! Case files: what to send and which abstract outcome to expect, in no API's terms.

mod explain;
mod load;
mod model;

pub use load::{Case, check_against_dialects, load_cases};
pub use model::*;

/// Every trait some case requires, for stand-in accounts.
pub fn all_traits(cases: &[Case]) -> Vec<String> {
    let mut t: Vec<String> = cases
        .iter()
        .flat_map(|c| c.def.requires.iter().chain(&c.def.user_requires).cloned())
        .collect();
    t.sort();
    t.dedup();
    t
}

/// Who sends the request: role selectors a case may use in `as` and `user_role`.
pub const ROLE_SELECTORS: &[&str] = &[
    "@one",
    "@self_service",
    "@own_only",
    "@no_route",
    "@admin",
    "@any",
];
/// Whose password a case is about.
pub const USERS: &[&str] = &["self", "other", "nonexistent", "malformed"];
/// Which credential a case sends.
pub const AUTHS: &[&str] = &["valid", "none", "malformed", "foreign"];
/// Template variables a case body may use.
pub const BODY_VARIABLES: &[&str] = &["current_password", "new_password", "actor_password"];
