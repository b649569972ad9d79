//! Faults of the layers under the change route, each a plausible deployment bug that only a
//! generated input reaches: the database refusing what a valid new password may hold, the
//! Content-Type filter comparing strings, the security rule bound to one spelling of the path.

use axum::http::{HeaderMap, header};

use super::reply::Fail;
use crate::reference::Faults;

pub(crate) const CHARSET_REFUSED: &str = "415-on-charset-parameter";
pub(crate) const LONG_NEW_PASSWORD_500: &str = "500-on-long-new-password";
pub(crate) const NUL_500: &str = "500-on-nul-in-password";
pub(crate) const ASTRAL_500: &str = "500-on-4-byte-utf8";
pub(crate) const TRAILING_SLASH_SKIPS_RIGHTS: &str = "trailing-slash-skips-rights-check";

/// The fault's filter: the whole header value must be the bare media type.
pub(crate) fn check_exact_content_type(faults: &Faults, headers: &HeaderMap) -> Result<(), Fail> {
    let with_parameter = headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().contains(&b';'));
    if faults.has("415-on-charset-parameter") && with_parameter {
        Err(Fail::UnsupportedMediaType)
    } else {
        Ok(())
    }
}

/// What the faulty storage refuses of a new password that every check let through.
pub(crate) fn check_storable(faults: &Faults, new_password: &str) -> Result<(), Fail> {
    let refused = (faults.has("500-on-long-new-password") && new_password.chars().count() > 255)
        || (faults.has("500-on-nul-in-password") && new_password.contains('\0'))
        || (faults.has("500-on-4-byte-utf8") && new_password.chars().any(|c| c.len_utf8() == 4));
    if refused { Err(Fail::Server) } else { Ok(()) }
}
