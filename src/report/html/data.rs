//! The data the page's script renders: every case of the (redacted) report as it is in
//! `results.json`, plus what is cheaper to compute here than in the browser (the coverage field
//! and the expected-vs-actual diff), serialized so it is safe inside a `<script>` element.

use serde::Serialize;
use serde_json::Value;
use similar::{ChangeTag, TextDiff};

use super::coverage::field_of;
use crate::result::{CaseResult, CheckResult, RunReport};

#[derive(Serialize)]
struct PageCase<'a> {
    #[serde(flatten)]
    case: &'a CaseResult,
    field: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<String>,
}

#[derive(Serialize)]
struct PageData<'a> {
    dialects: Vec<&'a str>,
    cases: Vec<PageCase<'a>>,
}

/// The page data as JSON text that cannot end or alter the `<script>` element holding it.
pub fn script_json(report: &RunReport) -> Result<String, serde_json::Error> {
    let data = PageData {
        dialects: super::dialect_names(report),
        cases: report
            .cases
            .iter()
            .map(|case| PageCase {
                case,
                field: field_of(case),
                diff: expected_vs_actual(case),
            })
            .collect(),
    };
    Ok(script_safe(&serde_json::to_string(&data)?))
}

/// `<`, `>` and `&` only occur inside JSON strings, where `\u003c` means the same character: with
/// none left, no `</script>`, `<!--` or `<script` in a server's answer can end the element or
/// switch the HTML parser into another state. (Stronger than escaping `</` alone.)
pub fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            _ => out.push(c),
        }
    }
    out
}

/// A line diff of what the checks expected against what came, for a case where a comparable
/// check (status, Content-Type, header, field) failed: `- ` expected, `+ ` actual, `  ` same.
/// The passed ones stay as context, so the reader sees the whole expected answer; they show what
/// came on both sides, because a check may pass on an equivalent value (`application/json;
/// charset=utf-8` for `application/json`) that a text diff would call a difference.
pub fn expected_vs_actual(case: &CaseResult) -> Option<String> {
    let comparable: Vec<&CheckResult> = case
        .checks
        .iter()
        .filter(|c| c.kind.is_comparable())
        .collect();
    if comparable.iter().all(|c| c.passed) {
        return None;
    }
    let side = |pick: fn(&CheckResult) -> &str| -> String {
        comparable
            .iter()
            .map(|c| lines_of(&c.label(), pick(c)))
            .collect()
    };
    let expected = side(|c| if c.passed { &c.actual } else { &c.expected });
    let actual = side(|c| &c.actual);
    let diff = TextDiff::from_lines(&expected, &actual);
    let mut out = String::new();
    for change in diff.iter_all_changes() {
        out.push_str(match change.tag() {
            ChangeTag::Delete => "- ",
            ChangeTag::Insert => "+ ",
            ChangeTag::Equal => "  ",
        });
        out.push_str(change.value());
    }
    Some(out)
}

/// `name: value`, or for a JSON object or array, `name:` and the value pretty-printed below, so
/// the diff points at the member that differs instead of one long line.
fn lines_of(name: &str, value: &str) -> String {
    match serde_json::from_str::<Value>(value) {
        Ok(v @ (Value::Object(_) | Value::Array(_))) => {
            let pretty = serde_json::to_string_pretty(&v).unwrap_or_else(|_| value.to_owned());
            let indented: String = pretty.lines().map(|l| format!("    {l}\n")).collect();
            format!("{name}:\n{indented}")
        }
        _ => format!("{name}: {}\n", value.replace('\n', " ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let mut report = testdata::report();
        report.cases[0].title = "</script><script>alert(1)</script><!-- & ".to_owned();
        let json = script_json(&report).unwrap();
        assert!(!json.contains('<') && !json.contains('>') && !json.contains('&'));
        let back: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["cases"][0]["title"], report.cases[0].title);
        assert_eq!(back["cases"][1]["field"], "old_password");
        assert_eq!(
            back["dialects"],
            serde_json::json!(["ocariot", "openspecimen"])
        );
    }

    #[test]
    fn diff_shows_expected_and_actual_with_passed_checks_as_context() {
        let case = &testdata::report().cases[1];
        let diff = expected_vs_actual(case).unwrap();
        assert_eq!(
            diff,
            "- status: 400\n+ status: 204\n  content-type: application/json\n"
        );
        assert_eq!(expected_vs_actual(&testdata::report().cases[0]), None);
    }

    #[test]
    fn a_passed_check_is_never_shown_as_a_difference() {
        let mut case = testdata::report().cases[1].clone();
        case.checks[2].actual = "application/json; charset=utf-8".to_owned();
        let diff = expected_vs_actual(&case).unwrap();
        assert!(
            diff.ends_with("\n  content-type: application/json; charset=utf-8\n"),
            "{diff}"
        );
    }

    #[test]
    fn json_values_are_diffed_member_by_member() {
        let mut case = testdata::report().cases[1].clone();
        case.checks[0].kind = crate::result::CheckKind::Field;
        case.checks[0].at = Some("/".to_owned());
        case.checks[0].expected = r#"{"code":400,"message":"a"}"#.to_owned();
        case.checks[0].actual = r#"{"code":400,"message":"b"}"#.to_owned();
        let diff = expected_vs_actual(&case).unwrap();
        assert!(
            diff.starts_with("  field /:\n      {\n        \"code\": 400,\n"),
            "{diff}"
        );
        assert!(diff.contains("-       \"message\": \"a\"\n"), "{diff}");
        assert!(diff.contains("+       \"message\": \"b\"\n"), "{diff}");
    }
}
