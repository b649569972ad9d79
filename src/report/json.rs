//! The machine-readable report: the whole (redacted) [`RunReport`] plus a format tag and totals,
//! so a consumer can check the version and read the outcome without counting cases.

use std::path::Path;

use serde_json::{Map, Value};

use super::{ReportError, dialect_totals, write_file};
use crate::result::RunReport;

/// Bumped when a field is renamed or removed; adding fields keeps the version.
pub const FORMAT: &str = "pwconform-results/1";

/// The JSON document, as a value: `format`, `totals`, `totals_by_dialect`, then the report's own
/// fields (`meta`, `cases`, `unrestored`, `notes`).
pub fn document(report: &RunReport) -> Result<Value, serde_json::Error> {
    let mut doc = Map::new();
    doc.insert("format".to_owned(), Value::from(FORMAT));
    doc.insert("totals".to_owned(), serde_json::to_value(report.totals())?);
    let mut by_dialect = Map::new();
    for (dialect, totals) in dialect_totals(report) {
        by_dialect.insert(dialect, serde_json::to_value(totals)?);
    }
    doc.insert("totals_by_dialect".to_owned(), Value::Object(by_dialect));
    if let Value::Object(fields) = serde_json::to_value(report)? {
        doc.extend(fields);
    }
    Ok(Value::Object(doc))
}

/// Pretty-printed [`document`], ending with a newline.
pub fn render(report: &RunReport) -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string_pretty(&document(report)?)?;
    text.push('\n');
    Ok(text)
}

/// Renders `report` (already redacted) to `path`.
pub fn write(report: &RunReport, path: &Path) -> Result<(), ReportError> {
    let text = render(report).map_err(|e| ReportError::Render {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    write_file(path, &text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;

    fn parsed() -> Value {
        let text = render(&testdata::report()).unwrap();
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
        write(&testdata::report(), &path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(FORMAT));
        assert!(text.ends_with("}\n"));
    }
}
