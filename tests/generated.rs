//! Generated cases and rule coverage, as a user meets them: `plan` lists the generated cases (and
//! `--no-generated` drops them), the same inputs give the same cases, `coverage` exits 0 for the
//! shipped dialects and 1 for a dialect with a rule no case exercises.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs;

use assert_cmd::Command;
use predicates::prelude::*;

fn pwconform() -> Command {
    let mut c = Command::cargo_bin("pwconform").unwrap();
    c.env("NO_COLOR", "1").env_remove("GITHUB_STEP_SUMMARY");
    c
}

fn plan(extra: &[&str]) -> String {
    let out = pwconform()
        .args(["plan", "--dialect", "ocariot"])
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn plan_lists_generated_cases_deterministically_and_no_generated_drops_them() {
    let first = plan(&[]);
    assert_eq!(first, plan(&[]), "same inputs, same plan");
    // The facts' "where the id rules meet", computed from the dialect's id_rules.
    assert!(first.contains("ocariot/gen-user-id[ids:wrong-alphabet]  as family#1 (family1), own password; expect forbidden (403)"), "{first}");
    assert!(first.contains("ocariot/gen-user-id[ids:longer]  as educator#2 (educator2), own password; expect invalid_user_id (400)"));
    assert!(first.contains("ocariot/gen-user-id[ids:own-swapcase]  as family#2 (family2), own password; expect forbidden (403)"));
    assert!(first.contains("/v1/users/{{ user_id | swapcase }}/password"));
    assert!(first.contains("ocariot/gen-headers[headers:charset]  as educator#1 (educator1), own password; expect changed (204)"));
    assert!(first.contains("Content-Type: application/json; charset=utf-8"));
    let without = plan(&["--no-generated"]);
    assert!(!without.contains("gen-"), "{without}");
    assert!(without.contains("change-own-password[admin]"));
}

/// `as admin#2 (admin2)` of each generated step of the plan: its actor.
fn generated_actors(plan: &str) -> Vec<&str> {
    plan.lines()
        .filter(|l| l.starts_with("ocariot/gen-"))
        .filter_map(|l| l.split("  as ").nth(1))
        .filter_map(|rest| rest.split(',').next())
        .collect()
}

#[test]
fn generated_cases_spread_over_every_account_that_can_play_the_actor() {
    let plan = plan(&[]);
    let actors = generated_actors(&plan);
    // Round robin over the two accounts of each self-service role that restores nobody: the
    // admins (admin_reset) stay free to put back what a faulty server breaks.
    for role in ["educator", "family", "healthprofessional"] {
        for n in [1, 2] {
            let who = format!("{role}#{n} ({role}{n})");
            let count = actors.iter().filter(|a| **a == who).count();
            assert!((6..=10).contains(&count), "{who}: {count} of {actors:?}");
        }
    }
    // Only the case naming its role stays on it: another admin's password through the
    // trailing-slash route, with the second admin as the other user.
    let admins: Vec<&&str> = actors.iter().filter(|a| a.starts_with("admin")).collect();
    assert_eq!(admins, [&"admin#1 (admin1)"], "{actors:?}");
    assert!(plan.contains(
        "ocariot/gen-user-id[ids:trailing-slash-other]  as admin#1 (admin1), admin#2 (admin2)'s password"
    ), "{plan}");
    // A hand-written case naming a restorer role stays on its first account.
    assert!(plan.contains("ocariot/change-own-password[admin]  as admin#1 (admin1)"));
}

#[test]
fn hand_written_cases_take_turns_too() {
    let plan = plan(&["--no-generated"]);
    let actors: Vec<&str> = plan
        .lines()
        .filter_map(|l| l.split("  as ").nth(1))
        .filter_map(|rest| rest.split(',').next())
        .collect();
    // The default actor goes round every self-service account but the restorers'; a named
    // role round its own accounts (two of each in the stand-in accounts).
    for role in [
        "educator",
        "family",
        "healthprofessional",
        "child",
        "application",
    ] {
        for n in [1, 2] {
            let who = format!("{role}#{n} ({role}{n})");
            assert!(
                actors.contains(&who.as_str()),
                "{who} never acts: {actors:?}"
            );
        }
    }
    assert!(!actors.contains(&"admin#2 (admin2)"), "{actors:?}");
    // `vary` values are steps of their own: they take turns as well.
    let varied: Vec<&str> = plan
        .lines()
        .filter(|l| l.starts_with("ocariot/wrong-type-old-password["))
        .filter_map(|l| l.split("  as ").nth(1))
        .filter_map(|rest| rest.split(',').next())
        .collect();
    assert!(varied.len() >= 2, "{plan}");
    assert!(varied.windows(2).all(|w| w[0] != w[1]), "{varied:?}");
}

#[test]
fn coverage_passes_for_every_shipped_dialect() {
    pwconform()
        .arg("coverage")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("outcome:invalid_field/when[1]"))
        // Each dialect's check-order rules, with the cases in which both fields fail.
        .stdout(predicate::str::contains(
            "order:old_password<new_password      old_password is checked before new_password",
        ))
        .stdout(predicate::str::contains("empty-both-passwords"))
        .stdout(predicate::str::contains("untested"))
        .stdout(predicate::str::contains("0 without a case"));
}

#[test]
fn coverage_fails_on_a_rule_without_a_case() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    fs::create_dir_all(specs.join("mini")).unwrap();
    // OpenSpecimen plus a refinement no case sends a value for.
    fs::write(
        specs.join("mini/dialect.yaml"),
        "name: mini\ntitle: Mini\nextends: openspecimen\noutcomes:\n  forbidden:\n    when:\n      - kind: object\n",
    )
    .unwrap();
    pwconform()
        .args(["coverage", "--dialect", "mini", "--specs"])
        .arg(&specs)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("outcome:forbidden/when[0]"))
        .stdout(predicate::str::contains("MISSING"))
        .stderr(predicate::str::contains("rule(s) without a case"));
}

/// The README's rule coverage table, row by row: `(dialect, rules, check-order, covered, untested)`.
fn readme_coverage_rows() -> Vec<(String, usize, usize, usize, usize)> {
    let readme = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = readme
        .split("| dialect | rules | covered by a case | untested, with the reason |")
        .nth(1)
        .unwrap();
    let leading = |cell: &str| -> usize {
        let digits: String = cell
            .trim()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().unwrap()
    };
    table
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').collect();
            let order = cells[2].split('(').nth(1).map_or(0, &leading);
            (
                cells[1].trim().to_string(),
                leading(cells[2]),
                order,
                leading(cells[3]),
                leading(cells[4]),
            )
        })
        .collect()
}

#[test]
fn readme_coverage_table_is_what_coverage_prints() {
    let out = pwconform().args(["coverage", "--json"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let actual: Vec<(String, usize, usize, usize, usize)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let rules = d["rules"].as_array().unwrap();
            let count =
                |f: &dyn Fn(&serde_json::Value) -> bool| rules.iter().filter(|r| f(r)).count();
            (
                d["dialect"].as_str().unwrap().to_string(),
                rules.len(),
                count(&|r| r["id"].as_str().unwrap().starts_with("order:")),
                count(&|r| !r["cases"].as_array().unwrap().is_empty()),
                count(&|r| r.get("untested").is_some()),
            )
        })
        .collect();
    assert_eq!(readme_coverage_rows(), actual);
}
