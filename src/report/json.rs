//! The machine-readable report: the whole (redacted) [`RunReport`] plus a format tag and totals,
//! so a consumer can check the version and read the outcome without counting cases.

use std::io::{self, Write};

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value;

use super::dialect_totals;
use crate::result::{RunReport, Totals};

/// Bumped when a field is renamed or removed; adding fields keeps the version. 2: a case's
/// `changed_account` (one) became `changed_accounts` (every account the request changed, each
/// with the ladder step that restored it).
pub const FORMAT: &str = "pwconform-results/2";

/// The document's fields in their order: `format`, `totals`, `totals_by_dialect`, then the
/// report's own fields (`meta`, `cases`, `unrestored`, `notes`). Serialized straight from the
/// report, so writing it holds no second copy of the cases.
#[derive(Serialize)]
struct Document<'a> {
    format: &'static str,
    totals: Totals,
    totals_by_dialect: IndexMap<String, Totals>,
    #[serde(flatten)]
    report: &'a RunReport,
}

fn of(report: &RunReport) -> Document<'_> {
    Document {
        format: FORMAT,
        totals: report.totals(),
        totals_by_dialect: dialect_totals(report).into_iter().collect(),
        report,
    }
}

/// The JSON document, as a value (for callers that inspect it; files are written by
/// [`write_to`]).
pub fn document(report: &RunReport) -> Result<Value, serde_json::Error> {
    serde_json::to_value(of(report))
}

/// Pretty-printed document, ending with a newline.
pub fn render(report: &RunReport) -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string_pretty(&of(report))?;
    text.push('\n');
    Ok(text)
}

/// Writes the pretty-printed document of `report` (already redacted) to `out`, case by case.
pub fn write_to(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &of(report))?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;

    fn parsed() -> Value {
        let text = render(&testdata::report()).unwrap();
        let mut streamed = Vec::new();
        write_to(&testdata::report(), &mut streamed).unwrap();
        assert_eq!(String::from_utf8(streamed).unwrap(), text);
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn starts_with_format_and_totals() {
        let doc = parsed();
        let keys: Vec<&str> = doc
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "format",
                "totals",
                "totals_by_dialect",
                "meta",
                "cases",
                "unrestored",
                "notes"
            ]
        );
        assert_eq!(doc["format"], FORMAT);
        assert_eq!(
            doc["totals"],
            serde_json::json!({"passed": 1, "failed": 1, "skipped": 1, "errors": 1, "known": 0})
        );
        assert_eq!(doc["totals_by_dialect"]["openspecimen"]["errors"], 1);
    }

    #[test]
    fn holds_the_whole_report() {
        let doc = parsed();
        let back: RunReport = serde_json::from_value(doc.clone()).unwrap();
        assert_eq!(back.cases.len(), 4);
        let exchange = &doc["cases"][0]["exchanges"][1];
        assert_eq!(exchange["request"]["method"], "PATCH");
        assert_eq!(exchange["response"]["status"], 204);
        assert_eq!(
            doc["cases"][1]["checks"][1]["details"][0],
            "/: expected object"
        );
        assert_eq!(doc["cases"][1]["verdict"], "fail");
    }

    #[test]
    fn write_creates_parent_directories() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/dir/results.json");
        crate::report::files::stream_file(&path, |w| write_to(&testdata::report(), w)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(FORMAT));
        assert!(text.ends_with("}\n"));
    }
}
