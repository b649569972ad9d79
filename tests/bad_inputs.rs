//! Malformed input files of every kind (cases, dialects, accounts, baselines): the binary exits 2
//! and prints exactly the expected `file:line:col: message` lines, and never a secret.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    clippy::indexing_slicing
)]

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use rstest::rstest;

/// What to write before running the binary in a fresh folder.
#[derive(Debug, Clone, Copy)]
enum Setup {
    /// `cases/x.yaml` with this content; run `lint --cases cases`.
    Case(&'static [u8]),
    /// A copy of the shipped `specs/` with the first `find` in `file` replaced (the whole file
    /// when `find` is empty); run `lint --specs specs`.
    Spec {
        file: &'static str,
        find: &'static str,
        replace: &'static str,
    },
    /// A copy of `specs/` with `file` cut from the first `from` up to (not including) `to`.
    SpecCut {
        file: &'static str,
        from: &'static str,
        to: &'static str,
    },
    /// `acc.yaml`; run against an address nobody answers (the file is read before anything).
    Accounts(&'static [u8]),
    /// `bl.yaml`; run the embedded server with a filter that matches nothing.
    Baseline(&'static [u8]),
}

/// A secret written in the inputs that must never be printed.
const SECRET: &str = "hunter2-secret";

const CASE_KEYS: &str = "id, title, tags, as, user, user_role, auth, requires, user_requires, \
                         absent, body, extra, vary, raw_body, method, content_type, expect, \
                         expect_by_dialect, dialects, generate";
const OUTCOMES: &str = "changed, missing_field, invalid_field, old_password_mismatch, forbidden, \
                        unauthenticated, user_not_found, invalid_user_id, malformed_body, \
                        unsupported_media_type, confirmation_mismatch";
const DIALECTS: &str = "djoser, djoser-retype, ocariot, openspecimen, openspecimen-legacy";

/// The expected `error: ` lines, in order.
macro_rules! lines {
    ($($line:expr),* $(,)?) => {
        vec![$($line.to_string()),*]
    };
}

#[rstest]
#[case::typo_key(
    Setup::Case(b"cases:\n  - id: a\n    titel: T\n    expect: changed\n"),
    lines![format!("cases/x.yaml:3:5: unknown key `titel` (did you mean `title`?); expected one of: {CASE_KEYS}")]
)]
#[case::typo_outcome(
    Setup::Case(b"cases:\n  - id: a\n    title: T\n    expect: chnaged\n"),
    lines![format!("cases/x.yaml:4:13: unknown outcome `chnaged` (did you mean `changed`?); expected one of: {OUTCOMES}")]
)]
#[case::unknown_role_selector(
    Setup::Case(b"cases:\n  - id: a\n    title: T\n    as: \"@self_servce\"\n    expect: changed\n"),
    lines!["cases/x.yaml:4:9: unknown role selector `@self_servce` (did you mean `@self_service`?); expected one of: @one, @self_service, @own_only, @no_route, @admin, @any"]
)]
#[case::wrong_type(
    Setup::Case(b"cases:\n  - id: a\n    title: T\n    vary: 5\n    expect: changed\n"),
    lines!["cases/x.yaml:4:11: `cases[0].vary`: expected a mapping (`key: value` lines or `{...}`), found `5`"]
)]
#[case::unclosed_quote(
    Setup::Case(b"cases:\n  - id: a\n    title: \"T\n    expect: changed\n"),
    lines!["cases/x.yaml:3:12: unclosed quote; expected the closing quote of this string"]
)]
#[case::tab_indentation(
    Setup::Case(b"cases:\n\t- id: a\n    title: T\n    expect: changed\n"),
    lines!["cases/x.yaml:2:2: tabs disallowed within this context (block indentation); indent with spaces, not tabs"]
)]
#[case::duplicate_id(
    Setup::Case(b"cases:\n  - id: a\n    title: T\n    expect: changed\n  - id: a\n    title: U\n    expect: changed\n"),
    lines!["cases/x.yaml:5:9: duplicate case id `a`; first defined at cases/x.yaml:2:9; expected each id once"]
)]
#[case::unknown_dialect_in_expect_by_dialect(
    Setup::Case(b"cases:\n  - id: a\n    title: T\n    expect: changed\n    expect_by_dialect:\n      ocariott: forbidden\n"),
    lines![format!("cases/x.yaml:6:7: case `a`: unknown dialect `ocariott` in `expect_by_dialect` (did you mean `ocariot`?); expected one of: {DIALECTS}")]
)]
#[case::explicit_expect_without_dialects(
    Setup::Case(b"cases:\n  - id: a\n    title: T\n    expect: {status: 200}\n"),
    lines!["cases/x.yaml:4:13: an explicit `expect` names one API's response: restrict the case with `dialects: {only: [...]}` or use `expect_by_dialect`"]
)]
#[case::typo_in_explicit_expect(
    Setup::Case(b"cases:\n  - id: a\n    title: T\n    dialects: {only: [ocariot]}\n    expect: {status: 200, bdy: json}\n"),
    lines!["cases/x.yaml:5:27: `cases[0].expect`: unknown key `bdy` (did you mean `body`?); expected one of: status, content_type, body, schema, fields, headers, doc, when"]
)]
#[case::empty_file(
    Setup::Case(b"# nothing yet\n"),
    lines!["cases/x.yaml:1:1: the file is empty; expected a mapping of keys to values (`key: value` lines)"]
)]
#[case::list_at_the_top(
    Setup::Case(b"- id: a\n  title: T\n"),
    lines!["cases/x.yaml:1:1: the file holds a list; expected a mapping of keys to values at the top (`key: value` lines)"]
)]
#[case::not_utf8(
    Setup::Case(b"cases:\n  - id: a\n    title: caf\xe9\n"),
    lines!["cases/x.yaml:3:15: the file is not UTF-8 text (byte 0xe9); save it as UTF-8"]
)]
#[case::dialect_misspelt_outcome(
    Setup::Spec { file: "ocariot/dialect.yaml", find: "\n  forbidden:", replace: "\n  forbiden:" },
    lines![
        "specs/ocariot/dialect.yaml:{specs/ocariot/dialect.yaml#outcomes:}:1: outcomes: `forbidden` is not mapped; every abstract outcome needs its documented response (at least `status`), or `forbidden: <why>` under `not_applicable` if the API cannot produce it",
        format!("specs/ocariot/dialect.yaml:{{specs/ocariot/dialect.yaml#  forbiden:}}:3: outcomes: unknown outcome `forbiden` (did you mean `forbidden`?); expected one of: {OUTCOMES}"),
    ]
)]
#[case::dialect_missing_outcome(
    Setup::SpecCut { file: "ocariot/dialect.yaml", from: "  user_not_found:", to: "  invalid_user_id:" },
    lines!["specs/ocariot/dialect.yaml:{specs/ocariot/dialect.yaml#outcomes:}:1: outcomes: `user_not_found` is not mapped; every abstract outcome needs its documented response (at least `status`), or `user_not_found: <why>` under `not_applicable` if the API cannot produce it"]
)]
#[case::dialect_typo_key_in_child(
    Setup::Spec { file: "openspecimen-legacy/dialect.yaml", find: "\n  path:", replace: "\n  pth:" },
    lines!["specs/openspecimen-legacy/dialect.yaml:{specs/openspecimen-legacy/dialect.yaml#  pth:}:3: unknown key `pth` (did you mean `path`?); expected one of: method, path, query, content_type, schema, fields"]
)]
#[case::dialect_unknown_refinement_kind(
    Setup::Spec { file: "ocariot/dialect.yaml", find: "kind: empty", replace: "kind: emty" },
    lines!["specs/ocariot/dialect.yaml:{specs/ocariot/dialect.yaml#kind: emty}:15: outcomes.invalid_field.when[0].kind: unknown kind `emty` (did you mean `empty`?); expected one of: absent, null, empty, blank, string, number, boolean, array, object"]
)]
#[case::dialect_schema_not_json(
    Setup::Spec { file: "ocariot/error.schema.json", find: "", replace: "{ not json\n" },
    lines!["specs/ocariot/error.schema.json:1:3: not valid JSON: key must be a string; expected a JSON Schema document"]
)]
#[case::dialect_extends_cycle(
    Setup::Spec { file: "openspecimen/dialect.yaml", find: "\nname: openspecimen\n", replace: "\nname: openspecimen\nextends: openspecimen-legacy\n" },
    lines![
        "specs/openspecimen-legacy/dialect.yaml:{specs/openspecimen-legacy/dialect.yaml#extends:}:10: `extends: openspecimen` makes a cycle: openspecimen -> openspecimen-legacy -> openspecimen; a dialect cannot extend itself",
        "specs/openspecimen/dialect.yaml:{specs/openspecimen/dialect.yaml#extends:}:10: `extends: openspecimen-legacy` makes a cycle: openspecimen-legacy -> openspecimen -> openspecimen-legacy; a dialect cannot extend itself",
    ]
)]
#[case::dialect_admin_reset_unknown_role(
    Setup::Spec { file: "ocariot/dialect.yaml", find: "roles: [admin]", replace: "roles: [admn]" },
    lines!["specs/ocariot/dialect.yaml:{specs/ocariot/dialect.yaml#roles: [admn]}:11: admin_reset.roles: unknown role `admn` (did you mean `admin`?); expected one of: admin, educator, family, healthprofessional, child, application"]
)]
#[case::dialect_admin_reset_unknown_variable(
    Setup::Spec { file: "ocariot/dialect.yaml", find: "body:\n    new_password: \"{{ password }}\"", replace: "body: {new_password: \"{{ pasword }}\"}" },
    lines![
        "specs/ocariot/dialect.yaml:{specs/ocariot/dialect.yaml#pasword}:3: admin_reset.body: unknown template variable `pasword` (did you mean `password`?) (use user_id, password)",
        "specs/ocariot/dialect.yaml:{specs/ocariot/dialect.yaml#pasword}:3: admin_reset.body: must send `{{ password }}`",
    ]
)]
#[case::accounts_quoted_variable(
    Setup::Accounts(b"accounts:\n  educator:\n    - username: e1\n      password: \"${EDU1_PASSWORD}\"\n"),
    lines!["acc.yaml:4:17: accounts.educator[0].password: `${VAR}` inside quotes is not expanded; write it unquoted, e.g. `password: ${EDU1_PASSWORD}`"]
)]
#[case::accounts_unset_variable(
    Setup::Accounts(b"accounts:\n  educator:\n    - username: e1\n      password: ${PWCONFORM_SURELY_UNSET_VAR}\n"),
    lines!["acc.yaml:4:17: environment variable `PWCONFORM_SURELY_UNSET_VAR` is not set (`${PWCONFORM_SURELY_UNSET_VAR}` is read from the environment); export it or write the value"]
)]
#[case::accounts_without_credentials(
    Setup::Accounts(b"accounts:\n  educator:\n    - password: hunter2-secret\n"),
    lines!["acc.yaml:3:7: accounts.educator[0]: no credentials (it has only `password`); expected `username` and `password`, or a `token`"]
)]
#[case::accounts_password_of_wrong_type(
    Setup::Accounts(b"accounts:\n  educator:\n    - username: e1\n      password: [hunter2-secret]\n"),
    lines!["acc.yaml:4:17: `accounts.educator[0].password`: expected a string"]
)]
#[case::accounts_typo_key(
    Setup::Accounts(b"accounts:\n  educator:\n    - username: e1\n      pasword: hunter2-secret\n"),
    lines!["acc.yaml:4:7: unknown key `pasword` (did you mean `password`?); expected one of: username, password, token, id, traits"]
)]
#[case::baseline_bad_date(
    Setup::Baseline(b"known:\n  - dialect: ocariot\n    case: a\n    reason: r\n    expires: 2026-13-01\n"),
    lines!["bl.yaml:5:14: known[0].expires: `2026-13-01` is not a date; expected YYYY-MM-DD"]
)]
#[case::baseline_duplicate(
    Setup::Baseline(b"known:\n  - dialect: ocariot\n    case: a\n    reason: r\n  - dialect: ocariot\n    case: a\n    reason: again\n"),
    lines!["bl.yaml:5:5: known[1]: `ocariot/a` is listed twice (first at line 2); expected one entry per dialect and case"]
)]
#[case::baseline_unknown_key(
    Setup::Baseline(b"known:\n  - dialect: ocariot\n    case: a\n    reason: r\n    expirs: 2030-01-01\n"),
    lines!["bl.yaml:5:5: unknown key `expirs` (did you mean `expires`?); expected one of: dialect, case, reason, expires"]
)]
fn bad_input_is_reported_exactly(#[case] setup: Setup, #[case] expected: Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut cmd = Command::cargo_bin("pwconform").unwrap();
    cmd.current_dir(root)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("PWCONFORM_SURELY_UNSET_VAR");
    match setup {
        Setup::Case(text) => {
            fs::create_dir(root.join("cases")).unwrap();
            fs::write(root.join("cases/x.yaml"), text).unwrap();
            cmd.args(["lint", "--cases", "cases"]);
        }
        Setup::Spec {
            file,
            find,
            replace,
        } => {
            copy_specs(root);
            edit(&root.join("specs").join(file), |text| {
                if find.is_empty() {
                    return replace.to_string();
                }
                assert!(text.contains(find), "`{find}` not in {file}");
                text.replacen(find, replace, 1)
            });
            cmd.args(["lint", "--specs", "specs"]);
        }
        Setup::SpecCut { file, from, to } => {
            copy_specs(root);
            edit(&root.join("specs").join(file), |text| {
                let start = text.find(from).expect("start of the cut");
                let end = start + text[start..].find(to).expect("end of the cut");
                format!("{}{}", &text[..start], &text[end..])
            });
            cmd.args(["lint", "--specs", "specs"]);
        }
        Setup::Accounts(text) => {
            fs::write(root.join("acc.yaml"), text).unwrap();
            cmd.args([
                "run",
                "--accounts",
                "acc.yaml",
                "--dialect",
                "ocariot",
                "--target",
                "http://127.0.0.1:9",
            ]);
        }
        Setup::Baseline(text) => {
            fs::write(root.join("bl.yaml"), text).unwrap();
            cmd.args([
                "run",
                "--embedded",
                "--dialect",
                "ocariot",
                "--baseline",
                "bl.yaml",
                "--filter",
                "x",
            ]);
        }
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let errors: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("error: "))
        .collect();
    let expected: Vec<String> = expected.iter().map(|e| fill_lines(root, e)).collect();
    assert_eq!(errors, expected, "full stderr:\n{stderr}");
    assert_eq!(out.status.code(), Some(2), "stderr:\n{stderr}");
    assert!(!stderr.contains(SECRET), "a secret was printed:\n{stderr}");
}

/// Replaces `{path#needle}` with the number of the first line of `path` that contains `needle`,
/// so expectations about the shipped specs stay exact when their other lines change.
fn fill_lines(root: &Path, template: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find("{specs/") {
        let close = open + rest[open..].find('}').expect("closing brace");
        let (file, needle) = rest[open + 1..close]
            .split_once('#')
            .expect("`#` in placeholder");
        let text = fs::read_to_string(root.join(file)).unwrap();
        let line = text
            .lines()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("`{needle}` not in {file}"))
            + 1;
        out.push_str(&rest[..open]);
        out.push_str(&line.to_string());
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

fn edit(path: &Path, change: impl FnOnce(&str) -> String) {
    let text = fs::read_to_string(path).unwrap();
    fs::write(path, change(&text)).unwrap();
}

fn copy_specs(root: &Path) {
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("specs"),
        &root.join("specs"),
    );
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}
