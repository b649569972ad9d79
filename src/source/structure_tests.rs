//! Tests of [`super`]: every problem at once, explained by the alternative meant.

use super::*;
use serde_json::json;

fn messages(shape: Shape, doc: Value) -> Vec<String> {
    structural_problems(shape, &doc)
        .into_iter()
        .map(|p| format!("{}: {}", p.path.join("."), p.message))
        .collect()
}

#[test]
fn every_problem_of_a_case_file_at_once() {
    let got = messages(
        Shape::CaseFile,
        json!({"cases": [
            {"id": "one", "title": "x", "expectt": "changed"},
            {"id": "two", "title": 3, "expect": "nope"},
        ]}),
    );
    assert!(
        got.iter()
            .any(|m| m.contains("unknown key `expectt`") && m.contains("(did you mean `expect`?)"))
    );
    assert!(got.iter().any(|m| m.starts_with("cases.1.expect:")));
    assert!(
        !got.iter().any(|m| m.starts_with("cases.1.title")),
        "{got:?}"
    );
}

#[test]
fn alternatives_are_explained_by_the_one_meant() {
    let got = messages(
        Shape::Dialect,
        json!({"name": "x", "outcomes": {"changed": {"statuss": 204}}}),
    );
    assert!(
        got.iter()
            .any(|m| m.starts_with("outcomes.changed.statuss: unknown key `statuss`")),
        "{got:?}"
    );
}

#[test]
fn a_bare_null_is_not_the_kind_null_and_values_get_a_did_you_mean() {
    let got = messages(
        Shape::Dialect,
        json!({"name": "x", "outcomes": {"invalid_field": {"status": 400, "when": [
            {"field": "old_password", "kind": null, "fields": {}},
            {"field": "old_password", "kind": "nul", "fields": {}},
        ]}}}),
    );
    assert!(
        got.iter()
            .any(|m| m.starts_with("outcomes.invalid_field.when.0.kind:")
                && m.contains("write \"null\" in quotes")),
        "{got:?}"
    );
    assert!(
        got.iter()
            .any(|m| m.contains("unknown value `nul` (did you mean `null`?)")),
        "{got:?}"
    );
}

#[test]
fn shipped_files_fit_their_schemas() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (dir, shape, pick) in [
        ("specs", Shape::Dialect, "dialect.yaml"),
        ("cases", Shape::CaseFile, ""),
    ] {
        for entry in std::fs::read_dir(root.join(dir))
            .into_iter()
            .flatten()
            .flatten()
        {
            let path = if pick.is_empty() {
                entry.path()
            } else {
                entry.path().join(pick)
            };
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            if path.extension().is_none_or(|e| e != "yaml") {
                continue;
            }
            let doc: Value = serde_saphyr::from_str(&text).unwrap_or_default();
            let problems = structural_problems(shape, &doc);
            assert!(problems.is_empty(), "{}: {problems:?}", path.display());
        }
    }
}
