//! Property tests: no loader, the response checker or the template renderer panics on any input,
//! and what they say stays bounded. Inputs are mostly the shipped files with a few edits (see
//! `yaml_gen`), so the checks behind the parser run too.
//!
//! `PWCONFORM_FUZZ_CASES=5000 cargo test --test fuzz` runs longer locally; the default keeps the
//! file well under a minute on two cores in a debug build.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    clippy::indexing_slicing
)]

mod yaml_gen;

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use proptest::prelude::*;
use proptest::test_runner::Config;
use pwconform::assets::Tree;
use pwconform::case::{all_traits, check_against_dialects, load_cases};
use pwconform::check::{check_response, reasons};
use pwconform::plan::{Subject, build_plan, resolve_expectation};
use pwconform::result::ResponseRecord;
use pwconform::source::{LoadError, LoadErrors};
use pwconform::spec::{FIELDS, KINDS, LoadedDialect, load_dialect};
use pwconform::target::{Target, load_accounts};
use pwconform::template::render_value;
use serde_json::Value;
use yaml_gen::{Y, mutated, random_doc, seed};

fn config() -> Config {
    let cases = std::env::var("PWCONFORM_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    Config {
        cases,
        // Shrinking a failure is worth the time; thousands of rejected shrinks are not.
        max_shrink_iters: 2048,
        failure_persistence: None,
        ..Config::default()
    }
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

static DIALECTS: LazyLock<Vec<LoadedDialect>> = LazyLock::new(|| {
    let tree = Tree::Disk(root().join("specs"));
    ["ocariot", "openspecimen", "openspecimen-legacy"]
        .iter()
        .map(|n| load_dialect(&tree, n).unwrap())
        .collect()
});

static CASES: LazyLock<Vec<pwconform::case::Case>> =
    LazyLock::new(|| load_cases(&Tree::Disk(root().join("cases"))).unwrap());

/// One scratch folder per test thread, rewritten by each case.
fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// Every error names its file and says something short: bounded by the input it is about.
fn assert_bounded(errors: &[LoadError], text: &str) {
    assert!(errors.len() <= text.len() + 1, "{} errors", errors.len());
    for e in errors {
        let shown = e.to_string();
        assert!(!e.file.is_empty(), "no file: {shown}");
        assert!(
            shown.len() <= 2_000 + text.len(),
            "{} chars for {} of input: {shown}",
            shown.len(),
            text.len()
        );
    }
}

/// Errors in a file the loader read must point into it.
fn assert_positioned(errors: &[LoadError], file: &Path) {
    let name = file.display().to_string();
    for e in errors.iter().filter(|e| e.file == name) {
        assert!(e.line.is_some() && e.column.is_some(), "no position: {e}");
    }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn case_seeds() -> Vec<Y> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("cases"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    names.iter().map(|n| seed(&format!("cases/{n}"))).collect()
}

fn doc(seeds: Vec<Y>) -> impl Strategy<Value = String> {
    prop_oneof![6 => mutated(seeds), 1 => random_doc()]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn case_files(text in doc(case_seeds())) {
        let dir = scratch();
        let file = write(dir.path(), "x.yaml", &text);
        match load_cases(&Tree::Disk(dir.path().to_path_buf())) {
            Err(LoadErrors(e)) => {
                assert_bounded(&e, &text);
                assert_positioned(&e, &file);
            }
            Ok(cases) => {
                let e = check_against_dialects(&cases, &DIALECTS);
                assert_bounded(&e, &text);
                assert_positioned(&e, &file);
                if e.is_empty() {
                    for d in DIALECTS.iter() {
                        let target = Target::stand_in(d, &all_traits(&cases));
                        build_plan(&cases, d, &target);
                    }
                }
            }
        }
    }

    #[test]
    fn dialect_files(
        (name, text) in prop_oneof![
            doc(vec![seed("specs/ocariot/dialect.yaml")]).prop_map(|t| ("ocariot", t)),
            mutated(vec![seed("specs/openspecimen-legacy/dialect.yaml")])
                .prop_map(|t| ("openspecimen-legacy", t)),
        ]
    ) {
        let dir = scratch();
        copy_dir(&root().join("specs"), dir.path());
        let file = write(&dir.path().join(name), "dialect.yaml", &text);
        match load_dialect(&Tree::Disk(dir.path().to_path_buf()), name) {
            Err(LoadErrors(e)) => {
                assert_bounded(&e, &text);
                assert_positioned(&e, &file);
            }
            Ok(d) => {
                let target = Target::stand_in(&d, &all_traits(&CASES));
                build_plan(&CASES, &d, &target);
            }
        }
    }

    #[test]
    fn accounts_files(text in doc(vec![accounts_seed()])) {
        let dir = scratch();
        let file = write(dir.path(), "acc.yaml", &text);
        match load_accounts(&file) {
            Err(e) => {
                assert_bounded(std::slice::from_ref(&e), &text);
                assert_positioned(std::slice::from_ref(&e), &file);
                if secret_only_under_secret_keys(&text) {
                    assert!(!e.to_string().contains(SECRET), "secret printed: {e}");
                }
            }
            Ok(a) => {
                a.into_target("http://127.0.0.1:9", &file);
            }
        }
    }

    #[test]
    fn baseline_files(
        text in doc(vec![seed("specs/openspecimen/as-built.baseline.yaml")])
    ) {
        let dir = scratch();
        let file = write(dir.path(), "bl.yaml", &text);
        if let Err(e) = pwconform::baseline::load_baseline(&file) {
            assert_bounded(std::slice::from_ref(&e), &text);
            assert_positioned(std::slice::from_ref(&e), &file);
        }
    }

    #[test]
    fn response_checker(
        dialect in 0..3usize,
        outcome in any::<prop::sample::Index>(),
        fields in prop::sample::subsequence(FIELDS, 0..=FIELDS.len()),
        kind in prop::sample::select(KINDS),
        other in any::<bool>(),
        status in 100u16..=599,
        headers in prop::collection::vec((header_name(), "[ -~]{0,40}"), 0..6),
        body in body(),
    ) {
        let d = &DIALECTS[dialect];
        let (name, out) = *outcome.get(&d.spec.outcomes.iter().collect::<Vec<_>>());
        let subject = Subject {
            fields: fields.iter().map(|f| f.to_string()).collect(),
            kind: Some(kind),
            target: if other { "other" } else { "self" },
            ..Subject::default()
        };
        let expect = resolve_expectation(name, out, d, &subject).unwrap();
        let body = String::from_utf8_lossy(&body).into_owned();
        let input = body.len() + headers.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>();
        let resp = ResponseRecord {
            status,
            headers,
            body,
            truncated: false,
            invalid_utf8: false,
        };
        let said: usize = reasons(&check_response(&expect, &resp)).iter().map(String::len).sum();
        assert!(said <= 8 * input + 4_096, "{said} chars of reasons for {input} of input");
    }

    #[test]
    fn templates(value in json(), names in prop::collection::vec("[a-z_]{0,8}", 0..4)) {
        let lookup = |n: &str| names.iter().any(|x| x == n).then(|| Value::String(n.repeat(2)));
        let input = value.to_string().len();
        if let Ok(out) = render_value(&value, &lookup) {
            let output = out.to_string().len();
            assert!(output <= 4 * input + 16, "{output} chars from {input}");
        }
    }
}

const SECRET: &str = "hunter2-secret";

fn accounts_seed() -> Y {
    let text = format!(
        "accounts:\n  educator:\n    - username: e1\n      password: {SECRET}\n    - username: \
         e2\n      password: ${{HOME}}\n  child:\n    - token: {SECRET}\n      id: 5\n      \
         traits: [x]\ndialect: ocariot\nallow_writes: true\n"
    );
    yaml_gen::from_json(&serde_saphyr::from_str::<Value>(&text).unwrap())
}

/// Whether the secret is still only a password or token (edits may have made it a username).
fn secret_only_under_secret_keys(text: &str) -> bool {
    let mut rest = text;
    while let Some(i) = rest.find(SECRET) {
        let before = rest[..i].trim_end_matches('"');
        if !(before.ends_with("password: ") || before.ends_with("token: ")) {
            return false;
        }
        rest = &rest[i + SECRET.len()..];
    }
    true
}

fn header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Content-Type".to_string()),
        Just("content-type".to_string()),
        "[A-Za-z-]{1,12}",
    ]
}

/// Bytes of any kind, JSON of any shape, and error bodies close to the documented ones.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..256),
        json().prop_map(|v| v.to_string().into_bytes()),
        (
            prop_oneof![
                Just(Value::from(400)),
                Just(Value::from("400")),
                Just(Value::Null)
            ],
            "[ -~]{0,60}",
            "[ -~]{0,60}",
        )
            .prop_map(|(code, m, d)| {
                serde_json::json!({"code": code, "message": m, "description": d})
                    .to_string()
                    .into_bytes()
            }),
    ]
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        prop_oneof![
            "[ -~]{0,20}",
            "\\{\\{ ?[a-z_]{0,8} ?\\}\\}",
            "[a-z]{0,3}\\{\\{[a-z_]{0,8}\\}\\}[a-z{}]{0,6}",
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::from),
            prop::collection::btree_map("[a-z/]{0,6}", inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Found by `case_files`: a varied value that is an object with non-ASCII text made the step
/// label cut its JSON at byte 20, inside a character, and the planner panicked (`pwconform lint`
/// on a valid case file). `value_label` in src/plan/expand.rs now cuts by characters.
#[test]
fn varied_non_ascii_object_gets_a_label() {
    let dir = scratch();
    write(
        dir.path(),
        "x.yaml",
        "cases:\n  - id: a\n    title: T\n    vary:\n      field: old_password\n      values:\n        \
         - {\"a\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\": 1}\n    \
         expect: invalid_field\n",
    );
    let cases = load_cases(&Tree::Disk(dir.path().to_path_buf())).unwrap();
    for d in DIALECTS.iter() {
        build_plan(&cases, d, &Target::stand_in(d, &all_traits(&cases)));
    }
}
