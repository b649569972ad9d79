//! One report with every verdict, secrets in bodies, headers and text, shared by the tests of
//! the redactor and of every reporter.

use crate::redact::Redactor;
use crate::result::*;

pub const OLD_PASSWORD: &str = "Hunter2-old!";
pub const NEW_PASSWORD: &str = "Hunter2-new\"q";
pub const TOKEN: &str = "tok-abc.def.ghi";
pub const BASIC_USER: &str = "admin";
pub const BASIC_PASSWORD: &str = "Login!2024";
/// base64("admin:Login!2024"), as sent in `Authorization: Basic`.
pub const BASIC_B64: &str = "YWRtaW46TG9naW4hMjAyNA==";
/// Sent in a sensitive header but never registered as a secret.
pub const UNREGISTERED_TOKEN: &str = "os-token-never-registered";
pub const SECRETS: [&str; 5] = [OLD_PASSWORD, NEW_PASSWORD, TOKEN, BASIC_PASSWORD, BASIC_B64];

pub fn redactor() -> Redactor {
    let mut r = Redactor::new();
    r.add_secret(OLD_PASSWORD);
    r.add_secret(NEW_PASSWORD);
    r.add_secret(TOKEN);
    r.add_basic(BASIC_USER, BASIC_PASSWORD);
    r.add_sensitive_header("X-OS-API-TOKEN");
    r
}

fn h(name: &str, value: &str) -> (String, String) {
    (name.to_owned(), value.to_owned())
}

fn exchange(purpose: &str, method: &str, url: &str) -> Exchange {
    Exchange {
        purpose: purpose.to_owned(),
        request: RequestRecord {
            method: method.to_owned(),
            url: url.to_owned(),
            headers: vec![h("Content-Type", "application/json")],
            body: None,
        },
        response: None,
        error: None,
        duration_ms: 7,
    }
}

fn response(status: u16, body: &str) -> Option<ResponseRecord> {
    Some(ResponseRecord {
        status,
        headers: vec![h("content-type", "application/json")],
        body: body.to_owned(),
        truncated: false,
        invalid_utf8: false,
    })
}

fn case(dialect: &str, id: &str, theme: &str, verdict: Verdict) -> CaseResult {
    CaseResult {
        dialect: dialect.to_owned(),
        id: id.to_owned(),
        title: format!("title of {id}"),
        theme: theme.to_owned(),
        tags: vec![theme.to_owned()],
        expected_outcome: "changed".to_owned(),
        verdict,
        reasons: Vec::new(),
        checks: Vec::new(),
        exchanges: Vec::new(),
        changed_accounts: Vec::new(),
        change_expected: false,
        duration_ms: 120,
        doc: None,
        subject: Default::default(),
        file: Some(format!("(embedded)/cases/{theme}.yaml")),
        line: Some(7),
    }
}

fn happy_path() -> CaseResult {
    let mut login = exchange("login", "POST", "http://127.0.0.1:9/v1/auth");
    login.response = response(200, &format!(r#"{{"access_token":"{TOKEN}"}}"#));
    let mut change = exchange("case", "PATCH", "http://127.0.0.1:9/v1/users/u1/password");
    change
        .request
        .headers
        .push(h("Authorization", &format!("Bearer {TOKEN}")));
    let body = serde_json::json!({"old_password": OLD_PASSWORD, "new_password": NEW_PASSWORD});
    change.request.body = Some(body.to_string());
    change.response = response(204, "");
    let mut c = case("ocariot", "happy-path", "happy-path", Verdict::Pass);
    c.exchanges = vec![login, change];
    c.subject.rules = vec!["outcome:changed".to_owned(), "role:admin/own".to_owned()];
    c.changed_accounts = vec![crate::result::ChangedAccount {
        account: "edu1".to_owned(),
        restored_by: Some(crate::result::RestoredBy::Itself),
    }];
    c.change_expected = true;
    c
}

fn wrong_type() -> CaseResult {
    let mut c = case(
        "ocariot",
        "wrong-type[old_password=123]",
        "wrong-types",
        Verdict::Fail,
    );
    c.expected_outcome = "invalid_field".to_owned();
    c.subject = CaseSubject {
        fields: vec!["old_password".to_owned()],
        rules: vec![
            "outcome:invalid_field".to_owned(),
            "outcome:invalid_field/when[1]".to_owned(),
            "role:admin/own".to_owned(),
        ],
    };
    c.reasons = vec![
        "status: expected 400, got 204 <&>".to_owned(),
        format!("the server accepted old password {OLD_PASSWORD}"),
    ];
    c.checks = vec![
        CheckResult::new(CheckKind::Status, false, "400", "204"),
        CheckResult {
            details: vec!["/: expected object".to_owned()],
            ..CheckResult::new(CheckKind::Schema, false, "error.schema.json", "empty body")
        },
        CheckResult::new(
            CheckKind::ContentType,
            true,
            "application/json",
            "application/json",
        ),
    ];
    c.doc = Some("https://example.org/docs#change-password".to_owned());
    c
}

fn refused() -> CaseResult {
    let url = "https://os.example/openspecimen/rest/ng/users/password";
    let mut ex = exchange("case", "PUT", url);
    ex.request
        .headers
        .push(h("X-OS-API-TOKEN", UNREGISTERED_TOKEN));
    ex.request
        .headers
        .push(h("Authorization", &format!("Basic {BASIC_B64}")));
    ex.error = Some("connection refused".to_owned());
    let mut c = case(
        "openspecimen",
        "missing-fields[newPassword]",
        "missing-fields",
        Verdict::Error,
    );
    c.reasons = vec!["connection refused".to_owned()];
    c.exchanges = vec![ex];
    c
}

fn skipped() -> CaseResult {
    let mut c = case(
        "openspecimen",
        "forbidden-roles",
        "forbidden-roles",
        Verdict::Skip,
    );
    c.reasons = vec!["no account for role `researcher`".to_owned()];
    c
}

pub fn report() -> RunReport {
    RunReport {
        meta: RunMeta {
            tool_version: "0.1.0".to_owned(),
            target: "http://127.0.0.1:9".to_owned(),
            dialects: vec!["ocariot".to_owned(), "openspecimen".to_owned()],
            started_unix: 1_700_000_000,
            duration_ms: 3_400,
            command_line: format!("pwconform run --password {OLD_PASSWORD}"),
        },
        cases: vec![happy_path(), wrong_type(), refused(), skipped()],
        unrestored: vec![Unrestored {
            dialect: "ocariot".to_owned(),
            role: "educator".to_owned(),
            username: "edu1".to_owned(),
            reason: format!("restore answered 401; password is now {NEW_PASSWORD}"),
            journal: Some("reports/restore-journal-1700000000.json".to_owned()),
            manual: None,
        }],
        notes: vec![format!("login failed for admin with token {TOKEN}")],
    }
}
