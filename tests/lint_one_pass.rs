//! `lint` reports every problem in one pass: several structural errors in a user's dialect, and
//! the case files read and reported in the same run even though a dialect did not load.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::fs;

use assert_cmd::Command;

/// The shipped djoser dialect copied as `specs/mine` in a fresh folder, edited by `edit`.
fn user_dialect(edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("specs/mine");
    fs::create_dir_all(&mine).unwrap();
    for entry in fs::read_dir(common::root().join("specs/djoser")).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), mine.join(entry.file_name())).unwrap();
    }
    let text = fs::read_to_string(mine.join("dialect.yaml")).unwrap();
    let edited = edit(text.replacen("name: djoser", "name: mine", 1));
    assert_ne!(edited, text);
    fs::write(mine.join("dialect.yaml"), edited).unwrap();
    dir
}

fn lint(dir: &std::path::Path) -> (Option<i32>, String) {
    let out = Command::cargo_bin("pwconform")
        .unwrap()
        .current_dir(dir)
        .args(["lint", "--specs", "specs", "--cases", "cases"])
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A bare `kind: null` is YAML's empty value: read as "no condition" it would silently widen the
/// refinement, so lint refuses it and says to quote it.
#[test]
fn a_bare_null_kind_is_refused_with_the_fix() {
    let dir = user_dialect(|t| t.replacen("        kind: number\n", "        kind: null\n", 1));
    fs::create_dir_all(dir.path().join("cases")).unwrap();
    let (code, stderr) = lint(dir.path());
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("specs/mine/dialect.yaml:86:9: `outcomes.invalid_field.when[0].kind`")
            && stderr.contains("write \"null\" in quotes"),
        "{stderr}"
    );
}

#[test]
fn every_problem_of_dialects_and_cases_in_one_run() {
    let dir = user_dialect(|text| {
        text.replacen("    status: 204\n", "    statuss: 204\n", 1)
            .replacen(
                "  missing_field:\n    status: 400\n",
                "  missing_field:\n    status: four hundred\n",
                1,
            )
            .replacen(
                "    body: json\n    schema: field-errors.schema.json\n",
                "    body: json\n    schema: [1]\n",
                1,
            )
    });
    fs::create_dir_all(dir.path().join("cases")).unwrap();
    fs::write(
        dir.path().join("cases/bad.yaml"),
        "theme: Bad\ncases:\n  - id: one\n    title: x\n    expectt: changed\n  - id: two\n    \
         title: y\n    expect: nope\n",
    )
    .unwrap();

    let (code, stderr) = lint(dir.path());
    assert_eq!(code, Some(2));
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
        "error: cases/bad.yaml:8:13: `cases[1].expect`: unknown value `nope`; expected one of: changed,",
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

/// A refinement using `{{ key }}` with no `field:` also matches raw-body cases, which have no key:
/// one error at the refinement's line, with the cases it concerns and the fix.
#[test]
fn an_unresolvable_refinement_is_one_error_at_its_line() {
    let dir = user_dialect(|t| {
        t.replacen(
            "    when:\n      - field: [old_password, new_password, new_password_confirmation]\n",
            "    when:\n      - fields: {\"/{{ key }}/0\": This field is required.}\n      \
             - field: [old_password, new_password, new_password_confirmation]\n",
            1,
        )
    });
    fs::create_dir_all(dir.path().join("cases")).unwrap();
    let (code, stderr) = lint(dir.path());
    assert_eq!(code, Some(2), "{stderr}");
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    let e = errors[0];
    assert!(
        e.starts_with(
            "error: specs/mine/dialect.yaml:68:9: cannot resolve the expectation: \
             outcomes.missing_field.when[0]: fields./{{ key }}/0:"
        ),
        "{e}"
    );
    assert!(e.contains("give the refinement a `field:`"), "{e}");
    assert!(e.contains("empty-object-body"), "{e}");
}
