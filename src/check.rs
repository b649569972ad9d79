//! Judging one answer against an expectation. Never sends anything; every verdict says what was
//! expected and what came instead, and JSON Schema errors name the instance path, the keyword and
//! the schema location.

use serde_json::{Map, Value};

use crate::plan::Expectation;
use crate::result::{CheckKind, CheckResult, ResponseRecord};
use crate::spec::BodyKind;
use crate::spec::CompiledSchema;

/// Every check of `expect` against `resp`, in a fixed order: status, content type, headers, body,
/// schema, fields.
pub fn check_response(expect: &Expectation, resp: &ResponseRecord) -> Vec<CheckResult> {
    if !expect.any_of.is_empty() {
        return check_any_of(expect, resp);
    }
    let mut out = vec![check_status(expect, resp.status)];
    if let Some(ct) = &expect.content_type {
        out.push(check_content_type(ct, resp.header("content-type")));
    }
    for (name, want) in &expect.headers {
        let got = resp.header(name);
        out.push(
            CheckResult::new(
                CheckKind::Header,
                got == Some(want.as_str()),
                want.clone(),
                got.map_or_else(|| "(absent)".into(), str::to_string),
            )
            .at(name.clone()),
        );
    }
    match expect.body {
        BodyKind::Any => {}
        BodyKind::Empty => out.push(CheckResult::new(
            CheckKind::Body,
            resp.body.is_empty(),
            "no body",
            describe_body(&resp.body),
        )),
        BodyKind::Json => match serde_json::from_str::<Value>(&resp.body) {
            Err(e) => out.push(CheckResult::new(
                CheckKind::Body,
                false,
                "a JSON body",
                format!("{} ({e})", describe_body(&resp.body)),
            )),
            Ok(json) => {
                if let Some(schema) = &expect.compiled {
                    out.push(check_schema(schema, &json));
                }
                for (pointer, want) in &expect.fields {
                    out.push(check_field(pointer, want, &json));
                }
            }
        },
    }
    out
}

/// A contract-silent case: the answer must be one of the alternatives, judged by what every answer
/// of that outcome promises (status, Content-Type, body form, schema), not by its texts. The first
/// alternative with the answer's status that passes wins; else the first with that status fails.
fn check_any_of(expect: &Expectation, resp: &ResponseRecord) -> Vec<CheckResult> {
    let mut first_failure = None;
    for alt in expect
        .any_of
        .iter()
        .filter(|a| a.status.contains(&resp.status))
    {
        let universal = Expectation {
            fields: Vec::new(),
            headers: Vec::new(),
            any_of: Vec::new(),
            ..alt.clone()
        };
        let checks = check_response(&universal, resp);
        if checks.iter().all(|c| c.passed) {
            return checks;
        }
        first_failure.get_or_insert(checks);
    }
    first_failure.unwrap_or_else(|| vec![check_status(expect, resp.status)])
}

fn check_status(expect: &Expectation, got: u16) -> CheckResult {
    let want: Vec<String> = expect.status.iter().map(u16::to_string).collect();
    CheckResult::new(
        CheckKind::Status,
        expect.status.contains(&got),
        want.join(" or "),
        got.to_string(),
    )
}

/// Compares media types without parameters (`application/json; charset=utf-8` is JSON).
fn check_content_type(want: &str, got: Option<&str>) -> CheckResult {
    let essence = |s: &str| {
        s.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    };
    CheckResult::new(
        CheckKind::ContentType,
        got.is_some_and(|g| essence(g) == essence(want)),
        want,
        got.map_or_else(|| "(absent)".into(), str::to_string),
    )
}

fn check_schema(schema: &CompiledSchema, json: &Value) -> CheckResult {
    let file = &schema.file;
    let mut details = Vec::new();
    let mut fragments = Map::new();
    for e in schema.validator.iter_errors(json) {
        let at = e.instance_path().as_str();
        let keyword_at = e.schema_path().as_str();
        details.push(format!(
            "at `{}`: {} (keyword `{}`, schema {}#{})",
            if at.is_empty() { "/" } else { at },
            e,
            e.kind().keyword(),
            file,
            keyword_at
        ));
        // The object holding the failing keyword is the rule a reader needs to see; a path that
        // went through a `$ref` into another file does not resolve here and is left out rather
        // than guessed.
        let parent = keyword_at.rsplit_once('/').map_or("", |(p, _)| p);
        if let Some(fragment) = schema.document.pointer(parent) {
            fragments.insert(format!("{file}#{parent}"), fragment.clone());
        }
    }
    let mut check = CheckResult::new(
        CheckKind::Schema,
        details.is_empty(),
        format!("body valid against {file}"),
        if details.is_empty() {
            "valid".into()
        } else {
            format!("{} schema error(s)", details.len())
        },
    );
    check.details = details;
    check.schema_fragment = (!fragments.is_empty()).then_some(Value::Object(fragments));
    check
}

fn check_field(pointer: &str, want: &Value, json: &Value) -> CheckResult {
    let got = json.pointer(pointer);
    CheckResult::new(
        CheckKind::Field,
        got == Some(want),
        want.to_string(),
        got.map_or_else(|| "(absent)".into(), Value::to_string),
    )
    .at(if pointer.is_empty() { "/" } else { pointer })
}

fn describe_body(body: &str) -> String {
    if body.is_empty() {
        return "an empty body".into();
    }
    let head: String = body.chars().take(80).collect();
    let more = if body.chars().count() > 80 { "..." } else { "" };
    format!("{} bytes: {head}{more}", body.len())
}

/// One line per failed check: `status: expected 400, got 204`.
pub fn reasons(checks: &[CheckResult]) -> Vec<String> {
    checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| {
            let mut line = format!("{}: expected {}, got {}", c.label(), c.expected, c.actual);
            for d in &c.details {
                line.push_str("; ");
                line.push_str(d);
            }
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::compile_schema;
    use rstest::rstest;
    use serde_json::json;
    use std::sync::Arc;

    fn expectation() -> Expectation {
        let schema = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "integer"}, "message": {"type": "string"}}
        });
        let compiled = compile_schema("error.schema.json", schema, Arc::default()).unwrap();
        Expectation {
            outcome: "missing_field".into(),
            status: vec![400],
            content_type: Some("application/json".into()),
            body: BodyKind::Json,
            schema: Some("error.schema.json".into()),
            compiled: Some(Arc::new(compiled)),
            fields: vec![(
                "/message".into(),
                json!("Required fields were not provided..."),
            )],
            headers: Vec::new(),
            doc: None,
            refinement: None,
            any_of: Vec::new(),
        }
    }

    fn response(status: u16, ct: &str, body: &str) -> ResponseRecord {
        ResponseRecord {
            status,
            headers: vec![("Content-Type".into(), ct.into())],
            body: body.into(),
            truncated: false,
            invalid_utf8: false,
        }
    }

    const GOOD: &str = r#"{"code":400,"message":"Required fields were not provided..."}"#;

    #[rstest]
    #[case(response(400, "application/json; charset=utf-8", GOOD), vec![])]
    #[case(response(204, "application/json", GOOD), vec!["status: expected 400, got 204"])]
    #[case(response(400, "text/plain", GOOD), vec!["content-type: expected application/json, got text/plain"])]
    #[case(response(400, "application/json", "oops"),
        vec!["body: expected a JSON body, got 4 bytes: oops (expected value at line 1 column 1)"])]
    #[case(response(400, "application/json", r#"{"code":"400","message":"Required fields were not provided..."}"#),
        vec![r#"schema: expected body valid against error.schema.json, got 1 schema error(s); at `/code`: "400" is not of type "integer" (keyword `type`, schema error.schema.json#/properties/code/type)"#])]
    #[case(response(400, "application/json", r#"{"code":400,"message":"other"}"#),
        vec![r#"field /message: expected "Required fields were not provided...", got "other""#])]
    fn judges_responses(#[case] resp: ResponseRecord, #[case] expected: Vec<&str>) {
        let got = reasons(&check_response(&expectation(), &resp));
        assert_eq!(got, expected);
    }

    #[test]
    fn schema_errors_carry_the_rule_they_break() {
        let resp = response(400, "application/json", r#"{"code":"400"}"#);
        let checks = check_response(&expectation(), &resp);
        let schema = checks.iter().find(|c| c.kind == CheckKind::Schema).unwrap();
        assert_eq!(
            schema.schema_fragment,
            Some(json!({
                "error.schema.json#/properties/code": {"type": "integer"},
                "error.schema.json#": {
                    "$schema": "https://json-schema.org/draft/2020-12/schema",
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {"code": {"type": "integer"}, "message": {"type": "string"}}
                }
            }))
        );
        let status = checks.iter().find(|c| c.kind == CheckKind::Status).unwrap();
        assert_eq!(status.schema_fragment, None);
    }

    #[test]
    fn a_contract_silent_answer_needs_a_documented_status_and_schema_only() {
        let mut changed = expectation();
        changed.outcome = "changed".into();
        changed.status = vec![204];
        changed.body = BodyKind::Empty;
        changed.content_type = None;
        changed.compiled = None;
        changed.fields.clear();
        let silent = Expectation::any_of(vec![expectation(), changed], &[413]);
        let judge = |r: ResponseRecord| reasons(&check_response(&silent, &r));
        // Another documented 400 text: only the schema is the promise.
        let other_text = r#"{"code":400,"message":"something else"}"#;
        assert!(judge(response(400, "application/json", other_text)).is_empty());
        assert!(judge(response(204, "", "")).is_empty());
        assert!(judge(response(413, "text/html", "<h1>too large</h1>")).is_empty());
        assert_eq!(
            judge(response(500, "application/json", GOOD)),
            vec!["status: expected 204 or 400 or 413, got 500"]
        );
        assert_eq!(
            judge(response(400, "application/json", r#"{"code":"400"}"#)).len(),
            1,
            "a 400 that breaks the error schema fails"
        );
    }

    #[test]
    fn empty_body_expectation() {
        let mut e = expectation();
        e.body = BodyKind::Empty;
        e.content_type = None;
        e.status = vec![204];
        let r = reasons(&check_response(&e, &response(204, "", "{}")));
        assert_eq!(r, vec!["body: expected no body, got 2 bytes: {}"]);
    }
}
