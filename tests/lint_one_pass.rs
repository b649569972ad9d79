//! `lint` reports every problem in one pass: several structural errors in a user's dialect, and
//! the case files read and reported in the same run even though a dialect did not load.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::fs;

use assert_cmd::Command;

#[test]
fn every_problem_of_dialects_and_cases_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("specs/mine");
    fs::create_dir_all(&mine).unwrap();
    for entry in fs::read_dir(common::root().join("specs/djoser")).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), mine.join(entry.file_name())).unwrap();
    }
    let text = fs::read_to_string(mine.join("dialect.yaml")).unwrap();
    let broken = text
        .replacen("name: djoser", "name: mine", 1)
        .replacen("    status: 204\n", "    statuss: 204\n", 1)
        .replacen(
            "  missing_field:\n    status: 400\n",
            "  missing_field:\n    status: four hundred\n",
            1,
        )
        .replacen(
            "    body: json\n    schema: field-errors.schema.json\n",
            "    body: json\n    schema: [1]\n",
            1,
        );
    assert_ne!(broken, text);
    fs::write(mine.join("dialect.yaml"), broken).unwrap();
    fs::create_dir_all(dir.path().join("cases")).unwrap();
    fs::write(
        dir.path().join("cases/bad.yaml"),
        "theme: Bad\ncases:\n  - id: one\n    title: x\n    expectt: changed\n  - id: two\n    \
         title: y\n    expect: nope\n",
    )
    .unwrap();

    let out = Command::cargo_bin("pwconform")
        .unwrap()
        .current_dir(dir.path())
        .args(["lint", "--specs", "specs", "--cases", "cases"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    let expected = [
        "error: specs/mine/dialect.yaml:",
        "unknown key `statuss` (did you mean `status`?)",
        "`outcomes.missing_field.status`: a text does not fit here",
        "`outcomes.missing_field.schema`: [1] is not of types",
        "error: cases/bad.yaml:5:5: unknown key `expectt` (did you mean `expect`?)",
        "error: cases/bad.yaml:8:13: `cases[1].expect`: \"nope\" is not one of",
    ];
    for e in expected {
        assert!(stderr.contains(e), "missing {e:?} in:\n{stderr}");
    }
    // Each structural problem once, each at a line and column.
    assert_eq!(errors.len(), 5, "{stderr}");
    for line in &errors {
        let place = line
            .trim_start_matches("error: ")
            .split(' ')
            .next()
            .unwrap();
        assert_eq!(place.matches(':').count(), 3, "no line:col in {line}");
    }
    assert!(stderr.contains("5 problem(s)"), "{stderr}");
}
