//! The accounts file against the run: roles the file lacks are named once with the cases they
//! skip; `--fail-on-skip` makes any skip fail the run; a skip says exactly what is missing. (A
//! misspelt role or trait is refused before anything is sent: `target::check_accounts`, tested in
//! tests/bad_inputs.rs.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    clippy::indexing_slicing
)]

mod common;

use assert_cmd::Command;
use pwconform::plan::build_plan;
use pwconform::target::Target;

fn pwconform(dir: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("pwconform").unwrap();
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY");
    c
}

/// Roles without an account are named once in the summary with the cases they skip; the run
/// passes unless `--fail-on-skip`.
#[test]
fn missing_roles_are_named_once_and_fail_on_skip_fails_the_run() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(common::server("ocariot", &[]));
    let admin = server.accounts.iter().find(|a| a.role == "admin").unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("accounts.yaml"),
        format!(
            "dialect: ocariot\nbase_url: {}\naccounts:\n  admin:\n    - {{username: {}, password: '{}'}}\n",
            server.base_url, admin.username, admin.password
        ),
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let out = pwconform(dir.path())
            .args([
                "run",
                "--accounts",
                "accounts.yaml",
                "--filter",
                "change-own-password",
            ])
            .args(extra)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (code, stderr) = run(&[]);
    assert_eq!(code, Some(0), "{stderr}");
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("has no account of role"))
        .collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].contains("`educator` (1 case(s) skipped)") && lines[0].contains("--fail-on-skip"),
        "{stderr}"
    );
    let (code, stderr) = run(&["--fail-on-skip"]);
    assert_eq!(code, Some(1), "{stderr}");
}

/// A case needing a trait says so, and how many accounts of the role there are without it.
#[test]
fn a_trait_skip_names_the_trait_not_the_role() {
    let d = common::dialect("openspecimen");
    let seed: Vec<_> = pwconform::reference::openspecimen::build(Default::default(), false)
        .1
        .into_iter()
        .filter(|a| !a.traits.iter().any(|t| t == "external-auth"))
        .collect();
    let target = Target::from_seed("http://127.0.0.1:9", &seed);
    let plan = build_plan(&common::cases(), &d, &target);
    let step = plan
        .steps
        .iter()
        .find(|s| s.id == "admin-changes-external-account")
        .unwrap();
    let why = step.skip.clone().unwrap_or_default();
    assert!(
        why.contains("role `user` with trait(s) external-auth")
            && why.contains("of that role, none with it"),
        "{why}"
    );
}
