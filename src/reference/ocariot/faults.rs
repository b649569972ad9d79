//! The realistic bugs the OCARIoT reference server can be started with (`--fault NAME`).
//!
//! The code refers to faults only through these constants, so a typo cannot silently disable one.

use super::super::FaultInfo;

pub const ACCEPT_EMPTY_PASSWORDS: &str = "accept-empty-passwords";
pub const ACCEPT_NON_STRING_PASSWORDS: &str = "accept-non-string-passwords";
pub const SKIP_OLD_PASSWORD_CHECK: &str = "skip-old-password-check";
pub const OLD_PASSWORD_TRIMMED_CASE_INSENSITIVE: &str = "old-password-trimmed-case-insensitive";
pub const ANSWER_200_INSTEAD_OF_204: &str = "answer-200-instead-of-204";
pub const NO_CHANGE_BUT_204: &str = "no-change-but-204";
pub const CHANGE_BUT_ANSWER_400: &str = "change-but-answer-400";
pub const ERROR_WITHOUT_DESCRIPTION: &str = "error-without-description";
pub const WRONG_ERROR_CONTENT_TYPE: &str = "wrong-error-content-type";
pub const IGNORE_TOKEN: &str = "ignore-token";
pub const ALLOW_OTHER_USERS: &str = "allow-other-users";
pub const ALLOW_CHILD_AND_APPLICATION: &str = "allow-child-and-application";
pub const ERROR_500_ON_WRONG_TYPE: &str = "500-on-wrong-type";
pub const NOT_FOUND_ON_INVALID_ID: &str = "404-on-invalid-id";
pub const VALIDATE_BEFORE_AUTH: &str = "validate-before-auth";
pub const ACCEPT_ANY_CONTENT_TYPE: &str = "accept-any-content-type";
pub const INVALID_JSON_AS_MISSING_FIELDS: &str = "invalid-json-as-missing-fields";
pub const INVALID_JSON_500: &str = "invalid-json-500";
pub const MISSING_FIELDS_BEFORE_INVALID: &str = "missing-fields-before-invalid";
pub const NEW_PASSWORD_CHECKED_FIRST: &str = "new-password-checked-first";
pub const MISSING_FIELDS_ONLY_FIRST: &str = "missing-fields-only-first";
pub const NULL_AS_ABSENT: &str = "null-treated-as-absent";
pub const EMPTY_STRING_AS_MISSING: &str = "empty-string-as-missing";
pub const SIGNATURE_NOT_VERIFIED: &str = "signature-not-verified";
pub const NO_REDIRECT_LINK: &str = "no-redirect-link";
pub const UNAUTHORIZED_INSTEAD_OF_FORBIDDEN: &str = "401-instead-of-403";
pub const UNKNOWN_USER_404_INSTEAD_OF_403: &str = "unknown-user-404-instead-of-403";
pub const WHITESPACE_PASSWORD_REJECTED: &str = "whitespace-password-rejected";
pub const SAME_PASSWORD_REJECTED: &str = "same-password-rejected";
pub const MIN_LENGTH_8_NEW_PASSWORD: &str = "min-length-8-new-password";
pub const EXTRA_FIELDS_REJECTED: &str = "extra-fields-rejected";
pub const TOKENS_REVOKED_AFTER_CHANGE: &str = "tokens-revoked-after-change";
pub const NEW_PASSWORD_TRIMMED: &str = "new-password-trimmed";
pub const ERROR_CODE_AS_STRING: &str = "error-code-as-string";
pub const INVALID_ID_AFTER_FIELDS: &str = "invalid-id-after-fields";
pub const REWORDED_MESSAGES: &str = "reworded-messages";
pub const CHANGE_APPLIES_TO_CALLER: &str = "change-applies-to-caller";
pub const ADMIN_CHANGES_OTHERS: &str = "admin-changes-others";
pub const ACCEPT_EMPTY_NEW_PASSWORD: &str = "accept-empty-new-password";
pub const OWN_ID_CASE_INSENSITIVE: &str = "own-id-case-insensitive";
pub const ID_PATTERN_UNANCHORED: &str = "id-pattern-unanchored";
pub const CONTENT_TYPE_COMPARED_EXACTLY: &str = "content-type-compared-exactly";
pub const LONG_PASSWORD_500: &str = "500-on-long-password";
pub const TRAILING_SLASH_SKIPS_OWNERSHIP: &str = "trailing-slash-skips-ownership";
pub const CONTROL_CHARACTERS_STRIPPED: &str = "control-characters-stripped";

const fn fault(name: &'static str, description: &'static str) -> FaultInfo {
    FaultInfo { name, description }
}

/// Every fault, with a one-sentence description of the bug it imitates.
pub const FAULTS: &[FaultInfo] = &[
    fault(
        ACCEPT_EMPTY_PASSWORDS,
        "The shared password validator lost its minLength, so \"\" is accepted for both fields and can be set as a password.",
    ),
    fault(
        ACCEPT_NON_STRING_PASSWORDS,
        "Password fields are coerced to text instead of type-checked, so 123 is accepted and stored as \"123\".",
    ),
    fault(
        SKIP_OLD_PASSWORD_CHECK,
        "The old password is never compared, so anyone holding the token can change the password.",
    ),
    fault(
        OLD_PASSWORD_TRIMMED_CASE_INSENSITIVE,
        "The old password is compared after trimming and lower-casing both sides.",
    ),
    fault(
        ANSWER_200_INSTEAD_OF_204,
        "A successful change answers 200 with the body {} instead of 204 with no body.",
    ),
    fault(
        NO_CHANGE_BUT_204,
        "The update is never saved, yet the request is answered 204.",
    ),
    fault(
        CHANGE_BUT_ANSWER_400,
        "The new password is saved, then the request is answered 400 with the password-mismatch error.",
    ),
    fault(
        ERROR_WITHOUT_DESCRIPTION,
        "Error bodies of the password route omit the required description field.",
    ),
    fault(
        WRONG_ERROR_CONTENT_TYPE,
        "Error bodies of the password route are sent as text/plain instead of application/json.",
    ),
    fault(
        IGNORE_TOKEN,
        "A missing or invalid token is not refused: the caller is taken to be the owner of the id in the path.",
    ),
    fault(
        ALLOW_OTHER_USERS,
        "The ownership rule is missing, so any allowed role can change another user's password.",
    ),
    fault(
        ALLOW_CHILD_AND_APPLICATION,
        "The scope check is missing, so child and application users can change their own password.",
    ),
    fault(
        ERROR_500_ON_WRONG_TYPE,
        "A non-string password field crashes the validator and is answered 500 instead of 400.",
    ),
    fault(
        NOT_FOUND_ON_INVALID_ID,
        "A malformed user id is answered 404 (user not found) instead of 400.",
    ),
    fault(
        VALIDATE_BEFORE_AUTH,
        "The body and id are validated before the token and permissions, leaking 400s to unauthenticated callers.",
    ),
    fault(
        ACCEPT_ANY_CONTENT_TYPE,
        "The body is parsed as JSON whatever the Content-Type, so a text/plain body is read.",
    ),
    fault(
        INVALID_JSON_AS_MISSING_FIELDS,
        "A body that is not valid JSON is silently treated as empty and answered as if both fields were missing.",
    ),
    fault(
        INVALID_JSON_500,
        "A JSON syntax error escapes the error handler and is answered 500.",
    ),
    fault(
        MISSING_FIELDS_BEFORE_INVALID,
        "Absent fields are reported before present-but-invalid ones, reversing the documented order.",
    ),
    fault(
        NEW_PASSWORD_CHECKED_FIRST,
        "new_password is validated before old_password, reversing the documented order.",
    ),
    fault(
        MISSING_FIELDS_ONLY_FIRST,
        "When both fields are absent only old_password is named in the missing-fields description.",
    ),
    fault(
        NULL_AS_ABSENT,
        "A null password field is treated as absent instead of as a field that is not a string.",
    ),
    fault(
        EMPTY_STRING_AS_MISSING,
        "An empty-string password field is treated as absent (a falsy check) instead of as too short.",
    ),
    fault(
        SIGNATURE_NOT_VERIFIED,
        "The token is decoded but its signature is not verified, so a forged token is accepted.",
    ),
    fault(
        NO_REDIRECT_LINK,
        "401 answers of the password route lack \"redirect_link\": \"/auth\".",
    ),
    fault(
        UNAUTHORIZED_INSTEAD_OF_FORBIDDEN,
        "Permission failures are answered 401 UNAUTHORIZED instead of 403 FORBIDDEN.",
    ),
    fault(
        UNKNOWN_USER_404_INSTEAD_OF_403,
        "Another user's id that belongs to nobody passes the gateway and is answered 404 instead of 403.",
    ),
    fault(
        WHITESPACE_PASSWORD_REJECTED,
        "A whitespace-only new password is trimmed and rejected as empty.",
    ),
    fault(
        SAME_PASSWORD_REJECTED,
        "A new password equal to the old one is rejected with 400, though the contract accepts it.",
    ),
    fault(
        MIN_LENGTH_8_NEW_PASSWORD,
        "An undocumented strength rule rejects new passwords shorter than 8 characters.",
    ),
    fault(
        EXTRA_FIELDS_REJECTED,
        "The body schema forbids unknown keys, so an extra field is answered 400 instead of ignored.",
    ),
    fault(
        TOKENS_REVOKED_AFTER_CHANGE,
        "Tokens issued before a password change are refused afterwards, though they should stay valid.",
    ),
    fault(
        NEW_PASSWORD_TRIMMED,
        "The new password is stored trimmed, so a password with surrounding spaces no longer logs in.",
    ),
    fault(
        ERROR_CODE_AS_STRING,
        "Error bodies of the password route carry code as a string (\"400\") instead of an integer.",
    ),
    fault(
        INVALID_ID_AFTER_FIELDS,
        "The user id format is checked after the body fields, so users.put017 gets the missing-fields error.",
    ),
    fault(
        REWORDED_MESSAGES,
        "The 400 messages of the password route were reworded, e.g. to \"Required fields were not provided!\".",
    ),
    fault(
        CHANGE_APPLIES_TO_CALLER,
        "The service takes the user id from the token instead of the path and the ownership rule is gone: any change applies to the caller's own password, whoever the request names.",
    ),
    fault(
        ADMIN_CHANGES_OTHERS,
        "The ownership rule exempts admins, so an admin changes any user's password through this route (child and application users included), though only the reset route may.",
    ),
    fault(
        ACCEPT_EMPTY_NEW_PASSWORD,
        "The emptiness check of new_password was lost, so \"\" is stored, a password that can never be sent back as old_password.",
    ),
    fault(
        OWN_ID_CASE_INSENSITIVE,
        "The ownership rule compares ids case-insensitively (an ObjectId's hex is), so the caller's own id in upper case passes the gateway and changes the caller's password instead of 403.",
    ),
    fault(
        ID_PATTERN_UNANCHORED,
        "The service's id pattern lost its `$` anchor, so an id one hex digit too long passes the format check and is looked up (404) instead of 400.",
    ),
    fault(
        CONTENT_TYPE_COMPARED_EXACTLY,
        "The body is read only when Content-Type is exactly \"application/json\", so a charset parameter or upper case leaves it unread (400 missing fields).",
    ),
    fault(
        LONG_PASSWORD_500,
        "The password hashing throws on a password over 4 KiB, and the error is answered 500.",
    ),
    fault(
        TRAILING_SLASH_SKIPS_OWNERSHIP,
        "The gateway's ownership policy is bound to the exact path while the service also routes a trailing slash, so through /password/ anyone may change another user's password.",
    ),
    fault(
        CONTROL_CHARACTERS_STRIPPED,
        "A sanitizer strips control characters (NUL, ESC, DEL...) from the new password before it is stored, so the password sent no longer logs in.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn names_are_unique_kebab_case_and_described() {
        let mut seen = BTreeSet::new();
        for f in FAULTS {
            assert!(seen.insert(f.name), "duplicate fault {}", f.name);
            assert!(
                f.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                f.name
            );
            assert!(f.description.ends_with('.'), "{}", f.name);
            assert!(!f.description.contains('\n'), "{}", f.name);
        }
        assert!(FAULTS.len() >= 30);
    }
}
