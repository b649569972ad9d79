//! Each fault changes what the server answers, in the way its description says: the same scenario
//! is run against a fault-free server and a server with the fault.
#![allow(clippy::string_slice)] // a wrong cut failing a test is fine

use rstest::rstest;
use serde_json::json;

use super::errors::*;
use super::faults::*;
use super::test_support::*;
use super::tests_scenarios::Scenario::*;
use super::tests_scenarios::{Scenario, observe};

pub(super) type Outcome = Result<String, Box<dyn std::error::Error>>;

pub(super) const NOBODY: &str = "5a62be07de34500146d9c000";
const MISMATCH: &str =
    "400 The old password parameter does not match with the actual user password.";
const NOT_FOUND: &str =
    "404 User not found or already removed. A new operation for the same resource is not required.";
const REQUIRED_BOTH: &str = "400 old_password, new_password are required!";

#[rstest]
#[case::accept_empty(ACCEPT_EMPTY_PASSWORDS, ChangeTo(json!("")),
    "400 new_password must have at least one character! | login 401", "204 | login 200")]
#[case::accept_empty_old(ACCEPT_EMPTY_PASSWORDS, Body(json!({"old_password": "", "new_password": "x"})),
    "400 old_password must have at least one character!", MISMATCH)]
#[case::non_string(ACCEPT_NON_STRING_PASSWORDS, ChangeTo(json!(123)),
    "400 new_password must be a string! | login 401", "204 | login 200")]
#[case::skip_old(SKIP_OLD_PASSWORD_CHECK, Body(json!({"old_password": "wrong", "new_password": "x"})),
    MISMATCH, "204")]
#[case::old_trimmed_ci(OLD_PASSWORD_TRIMMED_CASE_INSENSITIVE,
    Body(json!({"old_password": " fAM1LY!PASS-1 ", "new_password": "x"})), MISMATCH, "204")]
#[case::answer_200(ANSWER_200_INSTEAD_OF_204, ChangeTo(json!("N3w!pw")), "204 | login 200", "200 | login 200")]
#[case::no_change(NO_CHANGE_BUT_204, ChangeTo(json!("N3w!pw")), "204 | login 200", "204 | login 401")]
#[case::change_400(CHANGE_BUT_ANSWER_400, ChangeTo(json!("N3w!pw")), "204 | login 200",
    "400 The old password parameter does not match with the actual user password. | login 200")]
#[case::no_description(ERROR_WITHOUT_DESCRIPTION, Body(json!({})), REQUIRED_BOTH, "400")]
#[case::ignore_token(IGNORE_TOKEN, NoToken(json!({"old_password": "Fam1ly!pass-1", "new_password": "x"})),
    "401 Authentication failed for lack of authentication credentials.", "204")]
#[case::allow_other(
    ALLOW_OTHER_USERS,
    OtherUser,
    "403 Authorization failed due to insufficient permissions.",
    "204"
)]
#[case::allow_child(
    ALLOW_CHILD_AND_APPLICATION,
    ChildOwn,
    "403 Authorization failed due to insufficient permissions.",
    "204"
)]
#[case::wrong_type_500(ERROR_500_ON_WRONG_TYPE, ChangeTo(json!(123)),
    "400 new_password must be a string! | login 401", "500 TypeError: new_password.trim is not a function | login 401")]
#[case::invalid_id_404(
    NOT_FOUND_ON_INVALID_ID,
    MalformedId,
    "400 A 24-byte hex ID similar to this: 507f191e810c19729de860ea is expected.",
    NOT_FOUND
)]
#[case::validate_first(VALIDATE_BEFORE_AUTH, NoToken(json!({})),
    "401 Authentication failed for lack of authentication credentials.", REQUIRED_BOTH)]
#[case::any_content_type(
    ACCEPT_ANY_CONTENT_TYPE,
    Raw("text/plain", r#"{"old_password":"Fam1ly!pass-1","new_password":"x"}"#),
    REQUIRED_BOTH,
    "204"
)]
#[case::invalid_json_missing(
    INVALID_JSON_AS_MISSING_FIELDS,
    Raw("application/json", "{"),
    "400 Please verify that the JSON provided in the request body has a valid format and try again.",
    REQUIRED_BOTH
)]
#[case::invalid_json_500(
    INVALID_JSON_500,
    Raw("application/json", "{"),
    "400 Please verify that the JSON provided in the request body has a valid format and try again.",
    "500 SyntaxError: Unexpected token in JSON at position 0"
)]
#[case::missing_first(MISSING_FIELDS_BEFORE_INVALID, Body(json!({"new_password": ""})),
    "400 new_password must have at least one character!", "400 old_password are required!")]
#[case::new_first(NEW_PASSWORD_CHECKED_FIRST, Body(json!({"old_password": "", "new_password": ""})),
    "400 old_password must have at least one character!", "400 new_password must have at least one character!")]
#[case::only_first(MISSING_FIELDS_ONLY_FIRST, Body(json!({})), REQUIRED_BOTH, "400 old_password are required!")]
#[case::null_absent(NULL_AS_ABSENT, Body(json!({"old_password": null, "new_password": "x"})),
    "400 old_password must be a string!", "400 old_password are required!")]
#[case::empty_missing(EMPTY_STRING_AS_MISSING, Body(json!({"old_password": "", "new_password": "x"})),
    "400 old_password must have at least one character!", "400 old_password are required!")]
#[case::no_signature_check(
    SIGNATURE_NOT_VERIFIED,
    Forged,
    "401 Authentication failed due to access token issues.",
    "204"
)]
#[case::unauthorized_for_forbidden(
    UNAUTHORIZED_INSTEAD_OF_FORBIDDEN,
    OtherUser,
    "403 Authorization failed due to insufficient permissions.",
    "401 Authorization failed due to insufficient permissions."
)]
#[case::unknown_404(
    UNKNOWN_USER_404_INSTEAD_OF_403,
    Nobody,
    "403 Authorization failed due to insufficient permissions.",
    NOT_FOUND
)]
#[case::whitespace(WHITESPACE_PASSWORD_REJECTED, ChangeTo(json!("   ")),
    "204 | login 200", "400 new_password must have at least one character! | login 401")]
#[case::same(SAME_PASSWORD_REJECTED, Body(json!({"old_password": "Fam1ly!pass-1", "new_password": "Fam1ly!pass-1"})),
    "204", "400 new_password must be different from old_password!")]
#[case::min_length(MIN_LENGTH_8_NEW_PASSWORD, ChangeTo(json!("a")),
    "204 | login 200", "400 new_password must have at least 8 characters! | login 401")]
#[case::extra_fields(EXTRA_FIELDS_REJECTED,
    Body(json!({"old_password": "Fam1ly!pass-1", "new_password": "x", "extra": 1})), "204", "400 extra is not allowed!")]
#[case::revoked(
    TOKENS_REVOKED_AFTER_CHANGE,
    TokenReuse,
    "204 | again 204",
    "204 | again 401"
)]
#[case::trimmed(NEW_PASSWORD_TRIMMED, ChangeTo(json!(" padded pw ")), "204 | login 200", "204 | login 401")]
#[case::id_after_fields(
    INVALID_ID_AFTER_FIELDS,
    MalformedId,
    "400 A 24-byte hex ID similar to this: 507f191e810c19729de860ea is expected.",
    REQUIRED_BOTH
)]
#[case::applies_to_caller(
    CHANGE_APPLIES_TO_CALLER,
    NobodyWithOwnPassword,
    "403 Authorization failed due to insufficient permissions. | login 401",
    "204 | login 200"
)]
#[case::admin_changes_others(
    ADMIN_CHANGES_OTHERS,
    AdminOnChild,
    "403 Authorization failed due to insufficient permissions.",
    "204"
)]
#[case::accept_empty_new(ACCEPT_EMPTY_NEW_PASSWORD, ChangeTo(json!("")),
    "400 new_password must have at least one character! | login 401", "204 | login 200")]
#[case::own_id_case(
    OWN_ID_CASE_INSENSITIVE,
    OwnUpperCase,
    "403 Authorization failed due to insufficient permissions.",
    "204"
)]
#[case::unanchored_id(
    ID_PATTERN_UNANCHORED,
    LongId,
    "400 A 24-byte hex ID similar to this: 507f191e810c19729de860ea is expected.",
    NOT_FOUND
)]
#[case::exact_content_type(
    CONTENT_TYPE_COMPARED_EXACTLY,
    Raw(
        "application/json; charset=utf-8",
        r#"{"old_password":"Fam1ly!pass-1","new_password":"x"}"#
    ),
    "204",
    REQUIRED_BOTH
)]
#[case::long_password(LONG_PASSWORD_500, ChangeTo(json!("Aa1!".repeat(1025))),
    "204 | login 200", "500 Error: new_password is too long to hash | login 401")]
#[case::trailing_slash(TRAILING_SLASH_SKIPS_OWNERSHIP, OtherUserTrailingSlash, "404", "204")]
#[case::control_stripped(CONTROL_CHARACTERS_STRIPPED, ChangeTo(json!("Ctl\u{1b}[0m-pw")),
    "204 | login 200", "204 | login 401")]
#[tokio::test]
async fn fault_changes_the_answer(
    #[case] fault: &str,
    #[case] scenario: Scenario,
    #[case] clean: &str,
    #[case] faulty: &str,
) -> TestResult {
    let documented = observe(&Server::start(&[]).await?, scenario.clone()).await?;
    assert_eq!(documented, clean, "fault-free server");
    let got = observe(&Server::start(&[fault]).await?, scenario).await?;
    assert_eq!(got, faulty, "with {fault}");
    Ok(())
}

/// Faults that only change the shape of error answers; `{}` on the own id, and no token.
#[rstest]
#[case::content_type(WRONG_ERROR_CONTENT_TYPE)]
#[case::no_redirect(NO_REDIRECT_LINK)]
#[case::code_string(ERROR_CODE_AS_STRING)]
#[case::reworded(REWORDED_MESSAGES)]
#[case::no_description(ERROR_WITHOUT_DESCRIPTION)]
#[tokio::test]
async fn error_format_faults(#[case] fault: &str) -> TestResult {
    let s = Server::start(&[fault]).await?;
    let family = s.account("family", 1);
    let missing = s.put_own(&family, json!({})).await?;
    let unauthenticated = s.put(id_of(&family), None, Send::Json(json!({}))).await?;
    let body = missing.json();
    let json_type = missing.content_type.as_deref() == Some(JSON_UTF8);
    let expect = |want: bool, what: &str| assert!(want, "{fault}: {what}: {}", missing.text);
    expect(
        json_type != (fault == WRONG_ERROR_CONTENT_TYPE),
        "content type",
    );
    expect(
        body["code"].is_u64() != (fault == ERROR_CODE_AS_STRING),
        "code",
    );
    expect(
        (body["message"] == MSG_REQUIRED_FIELDS) != (fault == REWORDED_MESSAGES),
        "message",
    );
    expect(
        body.get("description").is_some() != (fault == ERROR_WITHOUT_DESCRIPTION),
        "description",
    );
    let redirect = unauthenticated.json().get("redirect_link").is_some();
    expect(redirect != (fault == NO_REDIRECT_LINK), "redirect_link");
    // The login route keeps the documented format whatever the fault.
    let login = s.login("family1", "wrong").await?;
    assert_eq!(login.content_type.as_deref(), Some(JSON_UTF8));
    assert_eq!(
        login.json(),
        json!({"code": 401, "message": "Invalid username or password!"})
    );
    Ok(())
}

#[test]
fn every_fault_is_exercised_here() {
    let source = include_str!("tests_faults.rs");
    // Every fault constant appears in a case above (by its Rust name); the count keeps this list
    // in step with FAULTS.
    let names = [
        "ACCEPT_EMPTY_PASSWORDS",
        "ACCEPT_NON_STRING_PASSWORDS",
        "SKIP_OLD_PASSWORD_CHECK",
        "OLD_PASSWORD_TRIMMED_CASE_INSENSITIVE",
        "ANSWER_200_INSTEAD_OF_204",
        "NO_CHANGE_BUT_204",
        "CHANGE_BUT_ANSWER_400",
        "ERROR_WITHOUT_DESCRIPTION",
        "WRONG_ERROR_CONTENT_TYPE",
        "IGNORE_TOKEN",
        "ALLOW_OTHER_USERS",
        "ALLOW_CHILD_AND_APPLICATION",
        "ERROR_500_ON_WRONG_TYPE",
        "NOT_FOUND_ON_INVALID_ID",
        "VALIDATE_BEFORE_AUTH",
        "ACCEPT_ANY_CONTENT_TYPE",
        "INVALID_JSON_AS_MISSING_FIELDS",
        "INVALID_JSON_500",
        "MISSING_FIELDS_BEFORE_INVALID",
        "NEW_PASSWORD_CHECKED_FIRST",
        "MISSING_FIELDS_ONLY_FIRST",
        "NULL_AS_ABSENT",
        "EMPTY_STRING_AS_MISSING",
        "SIGNATURE_NOT_VERIFIED",
        "NO_REDIRECT_LINK",
        "UNAUTHORIZED_INSTEAD_OF_FORBIDDEN",
        "UNKNOWN_USER_404_INSTEAD_OF_403",
        "WHITESPACE_PASSWORD_REJECTED",
        "SAME_PASSWORD_REJECTED",
        "MIN_LENGTH_8_NEW_PASSWORD",
        "EXTRA_FIELDS_REJECTED",
        "TOKENS_REVOKED_AFTER_CHANGE",
        "NEW_PASSWORD_TRIMMED",
        "ERROR_CODE_AS_STRING",
        "INVALID_ID_AFTER_FIELDS",
        "REWORDED_MESSAGES",
        "CHANGE_APPLIES_TO_CALLER",
        "ADMIN_CHANGES_OTHERS",
        "ACCEPT_EMPTY_NEW_PASSWORD",
        "OWN_ID_CASE_INSENSITIVE",
        "ID_PATTERN_UNANCHORED",
        "CONTENT_TYPE_COMPARED_EXACTLY",
        "LONG_PASSWORD_500",
        "TRAILING_SLASH_SKIPS_OWNERSHIP",
        "CONTROL_CHARACTERS_STRIPPED",
    ];
    assert_eq!(names.len(), FAULTS.len());
    for name in names {
        // Uses outside this list, which spells each name in quotes.
        let uses = source
            .match_indices(name)
            .filter(|(at, _)| !source[..*at].ends_with('"'))
            .count();
        assert!(uses >= 1, "{name} has no case");
    }
}
