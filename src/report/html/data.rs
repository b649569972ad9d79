//! The data the page's script renders, as two JSON texts safe inside `<script>` elements:
//!
//! - the rows: every case with what the table, its filters and its search need (as in
//!   `results.json`, plus the coverage field), parsed when the page opens;
//! - the details: one JSON line per case, in the same order (checks, exchanges, the
//!   expected-vs-actual diff...), which the script parses only for a case that is opened. Most of
//!   a report's bytes are exchanges, so a 10,000-case page opens without parsing them.
//!
//! Both are written straight to the output, case by case: no second copy of the run is made.

use std::io::{self, Write};

use serde::{Serialize, Serializer};
use serde_json::Value;
use similar::{ChangeTag, TextDiff};

use super::coverage::field_of;
use crate::result::{
    CaseResult, CaseSubject, ChangedAccount, CheckResult, Exchange, RunReport, Verdict,
};

/// A case as its table row shows it and the filters and search read it.
#[derive(Serialize)]
struct Row<'a> {
    dialect: &'a str,
    id: &'a str,
    title: &'a str,
    theme: &'a str,
    tags: &'a [String],
    expected_outcome: &'a str,
    verdict: Verdict,
    reasons: &'a [String],
    subject: &'a CaseSubject,
    field: String,
}

/// What only an opened case shows.
#[derive(Serialize)]
struct Detail<'a> {
    checks: &'a [CheckResult],
    exchanges: &'a [Exchange],
    changed_accounts: &'a [ChangedAccount],
    change_expected: bool,
    duration_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    doc: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<String>,
}

/// The rows, serialized one case at a time.
struct Rows<'a>(&'a [CaseResult]);

impl Serialize for Rows<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|case| Row {
            dialect: &case.dialect,
            id: &case.id,
            title: &case.title,
            theme: &case.theme,
            tags: &case.tags,
            expected_outcome: &case.expected_outcome,
            verdict: case.verdict,
            reasons: &case.reasons,
            subject: &case.subject,
            field: field_of(case),
        }))
    }
}

#[derive(Serialize)]
struct PageData<'a> {
    dialects: Vec<&'a str>,
    cases: Rows<'a>,
}

/// `{"dialects": [...], "cases": [row...]}`, script-safe.
pub fn write_rows(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    let data = PageData {
        dialects: super::dialect_names(report),
        cases: Rows(&report.cases),
    };
    serde_json::to_writer(ScriptSafe(out), &data)?;
    Ok(())
}

/// One line of JSON per case, in the order of the rows, script-safe. A JSON text holds no raw
/// newline, so line `i` is case `i`'s.
pub fn write_details(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    let mut out = ScriptSafe(out);
    for case in &report.cases {
        let detail = Detail {
            checks: &case.checks,
            exchanges: &case.exchanges,
            changed_accounts: &case.changed_accounts,
            change_expected: case.change_expected,
            duration_ms: case.duration_ms,
            doc: case.doc.as_deref(),
            diff: expected_vs_actual(case),
        };
        serde_json::to_writer(&mut out, &detail)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes JSON so it cannot end or alter the `<script>` element holding it: `<`, `>` and `&` only
/// occur inside JSON strings, where `\u003c` means the same character. With none left, no
/// `</script>`, `<!--` or `<script` in a server's answer can end the element or switch the HTML
/// parser into another state (stronger than escaping `</` alone). The three are ASCII, so bytes
/// can be replaced as they pass, whatever the chunks.
struct ScriptSafe<'w>(&'w mut dyn Write);

impl Write for ScriptSafe<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut plain = 0;
        for (at, b) in buf.iter().enumerate() {
            let escaped: &[u8] = match b {
                b'<' => b"\\u003c",
                b'>' => b"\\u003e",
                b'&' => b"\\u0026",
                _ => continue,
            };
            self.0.write_all(buf.get(plain..at).unwrap_or_default())?;
            self.0.write_all(escaped)?;
            plain = at + 1;
        }
        self.0.write_all(buf.get(plain..).unwrap_or_default())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
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

    fn text(write: fn(&RunReport, &mut dyn Write) -> io::Result<()>, r: &RunReport) -> String {
        let mut out = Vec::new();
        write(r, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn data_cannot_close_the_script_element() {
        let mut report = testdata::report();
        report.cases[0].title = "</script><script>alert(1)</script><!-- & ".to_owned();
        report.cases[0].exchanges[1].request.body = Some("</script>".to_owned());
        let rows = text(write_rows, &report);
        let details = text(write_details, &report);
        for json in [&rows, &details] {
            assert!(!json.contains('<') && !json.contains('>') && !json.contains('&'));
        }
        let back: Value = serde_json::from_str(&rows).unwrap();
        assert_eq!(back["cases"][0]["title"], report.cases[0].title);
        assert_eq!(back["cases"][1]["field"], "old_password");
        assert_eq!(
            back["dialects"],
            serde_json::json!(["ocariot", "openspecimen"])
        );
        let first: Value = serde_json::from_str(details.lines().next().unwrap()).unwrap();
        assert_eq!(first["exchanges"][1]["request"]["body"], "</script>");
    }

    #[test]
    fn details_are_one_line_per_case_in_row_order() {
        let report = testdata::report();
        let details = text(write_details, &report);
        let lines: Vec<Value> = details
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), report.cases.len());
        assert_eq!(lines[0]["exchanges"][1]["request"]["method"], "PATCH");
        assert!(lines[1]["diff"].as_str().unwrap().contains("+ status: 204"));
        let rows: Value = serde_json::from_str(&text(write_rows, &report)).unwrap();
        assert!(
            rows["cases"][0].get("exchanges").is_none(),
            "rows stay light"
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
