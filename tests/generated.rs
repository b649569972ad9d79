//! Generated cases and rule coverage, as a user meets them: `plan` lists the generated cases (and
//! `--no-generated` drops them), the same inputs give the same cases, `coverage` exits 0 for the
//! shipped dialects and 1 for a dialect with a rule no case exercises.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

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
    assert!(first.contains("ocariot/gen-user-id[ids:wrong-alphabet]  as admin#2 (admin2), own password; expect forbidden (403)"), "{first}");
    assert!(first.contains("ocariot/gen-user-id[ids:longer]  as admin#1 (admin1), own password; expect invalid_user_id (400)"));
    assert!(first.contains("ocariot/gen-user-id[ids:own-swapcase]  as admin#1 (admin1), own password; expect forbidden (403)"));
    assert!(first.contains("/v1/users/{{ user_id | swapcase }}/password"));
    assert!(first.contains("ocariot/gen-headers[headers:charset]  as admin#2 (admin2), own password; expect changed (204)"));
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
fn generated_cases_spread_over_every_account_of_the_role() {
    let plan = plan(&[]);
    let actors = generated_actors(&plan);
    let count = |who: &str| actors.iter().filter(|a| **a == who).count();
    let (first, second) = (count("admin#1 (admin1)"), count("admin#2 (admin2)"));
    // Round robin: every generated step on one of the two admins, neither more than a few ahead.
    assert_eq!(first + second, actors.len(), "{actors:?}");
    assert!(first.abs_diff(second) <= 5, "{first} vs {second}");
    // The other-user variant takes the next account of the role as its target.
    assert!(plan.contains(
        "ocariot/gen-user-id[ids:trailing-slash-other]  as admin#2 (admin2), admin#1 (admin1)'s password"
    ), "{plan}");
    // Hand-written cases stay on the first account.
    assert!(plan.contains("ocariot/change-own-password[admin]  as admin#1 (admin1)"));
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
