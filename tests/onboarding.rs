//! A newcomer's first steps, as the binary runs them: `init` writes an accounts template, `lint
//! --accounts` checks it without sending anything, the template filled from the environment runs
//! green against a reference server; completions and the man page are generated.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    clippy::indexing_slicing
)]

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use pwconform::reference::SeedAccount;
use pwconform::target::variable_prefix;

fn pwconform() -> Command {
    let mut c = Command::cargo_bin("pwconform").unwrap();
    c.env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_ACTIONS");
    c
}

/// The variables of `init`'s template, filled with a reference server's seed accounts: plain
/// accounts of a role in order (`EDUCATOR1_...`), those with traits by their traits.
fn env_from_seed(seed: &[SeedAccount]) -> HashMap<String, String> {
    let mut nth: HashMap<&str, usize> = HashMap::new();
    let mut env = HashMap::new();
    for a in seed {
        let prefix = if a.traits.is_empty() {
            let n = nth.entry(a.role.as_str()).or_insert(0);
            *n += 1;
            variable_prefix(&a.role, Some(*n - 1), &[])
        } else {
            variable_prefix(&a.role, None, &a.traits)
        };
        env.insert(format!("{prefix}_USERNAME"), a.username.clone());
        env.insert(format!("{prefix}_PASSWORD"), a.password.clone());
        env.insert(
            format!("{prefix}_ID"),
            a.id.to_string().trim_matches('"').to_owned(),
        );
    }
    env
}

fn init(dialect: &str, path: &Path) {
    pwconform()
        .args(["init", "--dialect", dialect, "-o"])
        .arg(path)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("pwconform lint --accounts"));
}

#[test]
fn init_refuses_to_overwrite_and_its_template_lints_with_unset_variables_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ci/accounts.yaml");
    init("ocariot", &path);
    pwconform()
        .args(["init", "--dialect", "ocariot", "-o"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    pwconform()
        .args(["lint", "--accounts"])
        .arg(&path)
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "note: ${ADMIN1_PASSWORD} is not set here",
        ))
        .stdout(predicate::str::contains("valid accounts file for ocariot"));
    pwconform()
        .args(["init", "--dialect", "ocarot"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("ocariot"));
}

#[test]
fn unknown_roles_and_traits_are_refused_by_lint_and_run_at_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("accounts.yaml");
    fs::write(
        &path,
        "dialect: openspecimen\naccounts:\n  super_admin:\n    - {username: a, password: p}\n  users:\n    - username: u\n      password: p\n      traits: [external-auht]\n",
    )
    .unwrap();
    let shown = path.display().to_string();
    let role = format!(
        "{shown}:5:3: accounts.users: the dialect `openspecimen` has no role `users` (did you mean `user`?)"
    );
    let trait_ = format!(
        "{shown}:8:16: accounts.users[0].traits: no case of `openspecimen` requires the trait `external-auht` (did you mean `external-auth`?)"
    );
    pwconform()
        .args(["lint", "--accounts"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(&role))
        .stderr(predicate::str::contains(&trait_));
    // The run refuses the same file before sending anything (nothing listens on port 9).
    pwconform()
        .args(["run", "--target", "http://127.0.0.1:9", "--accounts"])
        .arg(&path)
        .arg("--journal")
        .arg(dir.path().join("journal.jsonl"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(&role))
        .stderr(predicate::str::contains("Nothing was sent"));
}

#[test]
fn lint_names_what_an_accounts_file_leaves_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("accounts.yaml");
    fs::write(
        &path,
        "accounts:\n  educator:\n    - {username: e, password: p}\n",
    )
    .unwrap();
    pwconform()
        .args(["lint", "--dialect", "ocariot", "--accounts"])
        .arg(&path)
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "would be skipped: needs a second account of role `educator`",
        ));
    pwconform()
        .args(["lint", "--accounts"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no `dialect:`"));
}

/// From `init` to a green run: the template, filled only through its `${VAR}`s, runs every step
/// against a reference server of each dialect.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_template_filled_from_the_environment_runs_green() {
    for dialect in ["ocariot", "openspecimen"] {
        let server = pwconform::reference::start(dialect, "127.0.0.1:0".parse().unwrap(), &[])
            .await
            .unwrap();
        let env = env_from_seed(&server.accounts);
        let base = server.base_url.clone();
        let dialect = dialect.to_owned();
        tokio::task::spawn_blocking(move || {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("accounts.yaml");
            init(&dialect, &path);
            let lint = pwconform()
                .args(["lint", "--accounts"])
                .arg(&path)
                .envs(&env)
                .assert()
                .code(0);
            let out = String::from_utf8_lossy(&lint.get_output().stdout).into_owned();
            let (_, counts) = out.split_once(", ").unwrap();
            let (run, total) = counts
                .split(" step(s) would run")
                .next()
                .unwrap()
                .split_once(" of ")
                .unwrap();
            assert_eq!(run, total, "{dialect}: {out}");
            pwconform()
                .args(["run", "--target", &base, "--accounts"])
                .arg(&path)
                .arg("--journal")
                .arg(dir.path().join("journal.jsonl"))
                .envs(&env)
                .assert()
                .code(0)
                .stderr(predicate::str::contains("0 failed"));
        })
        .await
        .unwrap();
        server.shutdown().await;
    }
}

#[test]
fn completions_for_every_shell_and_a_man_page() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = pwconform().args(["completions", shell]).assert().code(0);
        let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        assert!(text.contains("pwconform"), "{shell}");
        // Subcommands and their flags are completed.
        assert!(
            text.contains("selftest") && text.contains("allow-writes"),
            "{shell}"
        );
    }
    let bash = pwconform().args(["completions", "bash"]).assert().code(0);
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("pwconform.bash");
    fs::write(&script, &bash.get_output().stdout).unwrap();
    // The script parses, and defines the completion function it registers.
    std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source {} && complete -p pwconform && declare -F _pwconform",
            script.display()
        ))
        .output()
        .map(|o| assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr)))
        .unwrap();
    pwconform().args(["completions", "tcsh"]).assert().code(2);
    let man = pwconform().arg("man").assert().code(0);
    let page = String::from_utf8_lossy(&man.get_output().stdout).into_owned();
    assert!(page.starts_with(".ie") || page.starts_with(".TH"), "{page}");
    assert!(page.contains(".TH pwconform"), "{page}");
    for section in ["PWCONFORM RUN", "PWCONFORM INIT", "PWCONFORM RESTORE"] {
        assert!(page.contains(&format!(".SH \"{section}\"")), "{section}");
    }
    assert!(page.contains("allow\\-writes"), "{page}");
}
