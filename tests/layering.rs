//! User folders add to the built-in specs and cases: `--specs`/`--cases` (repeatable) and the
//! PWCONFORM_SPECS/PWCONFORM_CASES path lists; a user dialect of a built-in's name replaces it;
//! `specs export` and `new-dialect` write files to start from.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    clippy::indexing_slicing
)]

use std::fs;

use assert_cmd::Command;
use predicates::prelude::*;

fn pwconform() -> Command {
    let mut c = Command::cargo_bin("pwconform").unwrap();
    c.env("NO_COLOR", "1")
        .env_remove("PWCONFORM_SPECS")
        .env_remove("PWCONFORM_CASES")
        .env_remove("GITHUB_STEP_SUMMARY");
    c
}

#[test]
fn a_new_dialect_lints_next_to_the_built_ins_and_leaves_out_what_it_says() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    pwconform()
        .args(["new-dialect", "my-api", "--dir"])
        .arg(&specs)
        .assert()
        .code(0);
    assert!(specs.join("my-api/dialect.yaml").is_file());
    // Written again: nothing is overwritten.
    pwconform()
        .args(["new-dialect", "my-api", "--dir"])
        .arg(&specs)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("exist and were left alone"));
    pwconform()
        .args(["lint", "--specs"])
        .arg(&specs)
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("ok: 6 dialect(s)")
                .and(predicate::str::contains("my-api leaves out 7 step(s)"))
                // The built-ins' own left-out steps are not the user's news.
                .and(predicate::str::contains("ocariot leaves out").not())
                .and(predicate::str::contains(
                    "nonexistent-user-id[user]: not applicable: my-api has no `user_id`",
                )),
        );
    // Its plan holds the built-in cases, in its own terms.
    pwconform()
        .args(["plan", "--dialect", "my-api", "--specs"])
        .arg(&specs)
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("my-api/missing-old-password[user]")
                .and(predicate::str::contains("POST {target}/api/me/password"))
                .and(predicate::str::contains("LEFT OUT: not applicable"))
                .and(predicate::str::contains("null's").not()),
        );
}

/// A template named like a built-in dialect replaces it: `new-dialect` says so, and a problem of
/// a built-in that extends it (`djoser-retype` needs a schema the template lacks) says it is the
/// user's folder to fix, once. `lint --dialect` needs no accounts file.
#[test]
fn a_template_named_like_a_built_in_says_what_it_replaces() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    pwconform()
        .args(["new-dialect", "djoser", "--dir"])
        .arg(&specs)
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "note: `djoser` is a built-in dialect: with --specs",
        ))
        .stderr(predicate::str::contains(
            "the built-in djoser-retype that extends it will extend yours",
        ));
    let lint = pwconform()
        .args(["lint", "--dialect", "djoser", "--specs"])
        .arg(&specs)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&lint.get_output().stderr).into_owned();
    assert!(
        stderr.contains("(embedded)/specs/djoser-retype/dialect.yaml:")
            && stderr.contains("which your folder replaces"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("error: ").count(), 1, "said once: {stderr}");
    pwconform()
        .args(["new-dialect", "my-djoser", "--dir"])
        .arg(&specs)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("built-in").not());
    std::fs::remove_dir_all(specs.join("djoser")).unwrap();
    pwconform()
        .args(["lint", "--dialect", "my-djoser", "--specs"])
        .arg(&specs)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("ok: 1 dialect(s)"));
}

#[test]
fn a_user_folder_overrides_a_built_in_dialect_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    pwconform()
        .args(["specs", "export"])
        .arg(&specs)
        .assert()
        .code(0);
    let file = specs.join("ocariot/dialect.yaml");
    let text = fs::read_to_string(&file).unwrap();
    fs::write(
        &file,
        text.replacen("    status: 403\n", "    status: 499\n", 1),
    )
    .unwrap();
    let run = |specs_flag: bool| {
        let mut c = pwconform();
        c.args(["run", "--embedded", "--dialect", "ocariot"])
            .args(["--filter", "own-only-other[educator->admin]"]);
        if specs_flag {
            c.arg("--specs").arg(&specs);
        }
        c.assert()
    };
    run(false).code(0);
    run(true)
        .code(1)
        .stderr(predicate::str::contains("expected 499, got 403"));
    // The same folder through the environment's path list.
    pwconform()
        .env("PWCONFORM_SPECS", &specs)
        .args(["run", "--embedded", "--dialect", "ocariot"])
        .args(["--filter", "own-only-other[educator->admin]"])
        .assert()
        .code(1);
}

#[test]
fn case_folders_add_to_the_built_in_cases() {
    let dir = tempfile::tempdir().unwrap();
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    for (d, id) in [(&one, "team-extra-one"), (&two, "team-extra-two")] {
        fs::create_dir(d).unwrap();
        fs::write(
            d.join(format!("{id}.yaml")),
            format!("cases:\n  - id: {id}\n    title: T\n    absent: [old_password]\n    expect: missing_field\n"),
        )
        .unwrap();
    }
    pwconform()
        .args(["plan", "--dialect", "ocariot", "--cases"])
        .arg(&one)
        .arg("--cases")
        .arg(&two)
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("ocariot/team-extra-one")
                .and(predicate::str::contains("ocariot/team-extra-two"))
                .and(predicate::str::contains(
                    "ocariot/change-own-password[admin]",
                )),
        );
}
