//! Each fault changes what the server answers, in the way its description says: the same scenario
//! is run against a fault-free server and a server with the fault.
#![allow(clippy::string_slice)] // a wrong cut failing a test is fine

use rstest::rstest;
use serde_json::{Value, json};

use super::errors::*;
use super::faults::*;
use super::test_support::*;

type Outcome = Result<String, Box<dyn std::error::Error>>;

const NOBODY: &str = "5a62be07de34500146d9c000";
const MISMATCH: &str =
    "400 The old password parameter does not match with the actual user password.";
const NOT_FOUND: &str =
    "404 User not found or already removed. A new operation for the same resource is not required.";
const REQUIRED_BOTH: &str = "400 old_password, new_password are required!";

#[derive(Debug, Clone)]
enum Scenario {
    /// family1 changes its own password to this value, then logs in with it (`| login NNN`).
    ChangeTo(Value),
    /// family1 sends this JSON body on its own id.
    Body(Value),
    /// family1 sends this raw body on its own id.
    Raw(&'static str, &'static str),
    /// No token, on family1's id, with this body.
    NoToken(Value),
    /// admin1 changes admin2's password with admin2's old password.
    OtherUser,
    /// child1 changes its own password.
    ChildOwn,
    /// family1 on the id `123` with `{}`.
    MalformedId,
    /// admin1 on a well-formed id that belongs to nobody.
    Nobody,
    /// family1's token with `sub` rewritten to family2's id, on family2's id.
    Forged,
    /// family1 changes its password, then changes it back with the same token (`| again NNN`).
    TokenReuse,
    /// admin1 sends its own old password on an id of nobody, then logs in with the new one.
    NobodyWithOwnPassword,
    /// admin1 changes child1's password with child1's old password.
    AdminOnChild,
    /// family1 changes its own password on its own id in upper case.
    OwnUpperCase,
    /// family1 changes its own password on an id of 25 hex digits.
    LongId,
    /// admin1 changes admin2's password through the route with a trailing slash (status only).
    OtherUserTrailingSlash,
}
use Scenario::*;

async fn observe(s: &Server, scenario: Scenario) -> Outcome {
    let family = s.account("family", 1);
    let own = id_of(&family).to_string();
    let reply = match scenario {
        ChangeTo(new) => {
            let body = json!({"old_password": family.password, "new_password": new});
            let reply = s.put_own(&family, body).await?;
            let text = new.as_str().map_or_else(|| new.to_string(), str::to_string);
            let login = s.login(&family.username, &text).await?;
            return Ok(format!("{} | login {}", reply.summary(), login.status));
        }
        Body(body) => s.put_own(&family, body).await?,
        Raw(content_type, body) => {
            let token = s.token(&family).await?;
            s.put(&own, Some(&token), Send::raw(content_type, body))
                .await?
        }
        NoToken(body) => s.put(&own, None, Send::Json(body)).await?,
        OtherUser => {
            let (admin, other) = (s.account("admin", 1), s.account("admin", 2));
            let token = s.token(&admin).await?;
            s.put(
                id_of(&other),
                Some(&token),
                Send::Json(change_body(&other, "N3w!pw")),
            )
            .await?
        }
        ChildOwn => {
            let child = s.account("child", 1);
            s.put_own(&child, change_body(&child, "N3w!pw")).await?
        }
        MalformedId => {
            let token = s.token(&family).await?;
            s.put("123", Some(&token), Send::Json(json!({}))).await?
        }
        Nobody => {
            let token = s.token(&s.account("admin", 1)).await?;
            let body = json!({"old_password": "x", "new_password": "y"});
            s.put(NOBODY, Some(&token), Send::Json(body)).await?
        }
        Forged => {
            let other = s.account("family", 2);
            let token = s.token(&family).await?;
            let mut claims = payload(&token);
            claims["sub"] = other.id.clone();
            let forged = tampered(&token, &claims);
            let body = Send::Json(change_body(&other, "Pwn3d!pw"));
            s.put(id_of(&other), Some(&forged), body).await?
        }
        TokenReuse => {
            let token = s.token(&family).await?;
            let first = s
                .put(
                    &own,
                    Some(&token),
                    Send::Json(change_body(&family, "N3w!pw")),
                )
                .await?;
            let back = json!({"old_password": "N3w!pw", "new_password": family.password});
            let again = s.put(&own, Some(&token), Send::Json(back)).await?;
            return Ok(format!("{} | again {}", first.summary(), again.status));
        }
        NobodyWithOwnPassword => {
            let admin = s.account("admin", 1);
            let token = s.token(&admin).await?;
            let body = Send::Json(change_body(&admin, "N3w!pw"));
            let reply = s.put(NOBODY, Some(&token), body).await?;
            let login = s.login(&admin.username, "N3w!pw").await?;
            return Ok(format!("{} | login {}", reply.summary(), login.status));
        }
        AdminOnChild => {
            let (admin, child) = (s.account("admin", 1), s.account("child", 1));
            let token = s.token(&admin).await?;
            let body = Send::Json(change_body(&child, "N3w!pw"));
            s.put(id_of(&child), Some(&token), body).await?
        }
        OwnUpperCase => {
            let token = s.token(&family).await?;
            let body = Send::Json(change_body(&family, "N3w!pw"));
            s.put(&own.to_ascii_uppercase(), Some(&token), body).await?
        }
        LongId => {
            let token = s.token(&family).await?;
            let body = Send::Json(change_body(&family, "N3w!pw"));
            s.put(&format!("{NOBODY}0"), Some(&token), body).await?
        }
        OtherUserTrailingSlash => {
            let (admin, other) = (s.account("admin", 1), s.account("admin", 2));
            let token = s.token(&admin).await?;
            let url = s.url(&format!("/v1/users/{}/password/", id_of(&other)));
            let request = s.client.put(url).bearer_auth(token);
            let reply = s.send(request.json(&change_body(&other, "N3w!pw"))).await?;
            return Ok(reply.status.to_string());
        }
    };
    Ok(reply.summary())
}

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
