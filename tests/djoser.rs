//! The built-in cases against the REAL djoser (Django REST Framework's auth app), installed from
//! PyPI by tests/djoser_app/setup.sh: a throwaway Django project (tests/djoser_app) is started with
//! `manage.py runserver` on a loopback port, with throwaway users in a fresh sqlite database; the
//! binary runs every built-in case with the `djoser` dialect (and `djoser-retype`, the same app with
//! SET_PASSWORD_RETYPE), no filter, only the as-built baseline; then every user must still log in
//! with its original password.
//!
//! Under CI (`CI` set) a missing djoser fails the test. On a developer's machine without it the
//! test says loudly how to set it up and passes without running.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    clippy::indexing_slicing
)]

mod common;

use std::io::Write;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use assert_cmd::cargo::cargo_bin;
use pwconform::exec::{Http, LoginResult, login};
use serde_json::Value;

fn app_dir() -> PathBuf {
    common::root().join("tests/djoser_app")
}

/// The virtualenv's python, or `PWCONFORM_DJOSER_PYTHON`; `None` (after saying how to set it up)
/// when djoser is not installed and this is not CI.
fn python() -> Option<PathBuf> {
    let python = std::env::var_os("PWCONFORM_DJOSER_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| app_dir().join(".venv/bin/python"));
    let ready = Command::new(&python)
        .args(["-c", "import django, rest_framework, djoser"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ready {
        return Some(python);
    }
    let how = format!(
        "djoser is not installed for tests/djoser.rs ({} cannot import django, rest_framework, \
         djoser); set it up with: bash tests/djoser_app/setup.sh",
        python.display()
    );
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!("{how}");
    }
    eprintln!("\n!!!!! SKIPPED: {how} !!!!!\n");
    None
}

/// The server process, stopped when dropped (also when an assertion fails).
struct Server {
    child: Child,
    base_url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn manage(python: &Path, db: &Path, retype: bool) -> Command {
    let mut c = Command::new(python);
    c.current_dir(app_dir())
        .env("DJOSER_DB", db)
        .env("DJOSER_RETYPE", if retype { "1" } else { "0" })
        .env("PYTHONDONTWRITEBYTECODE", "1");
    c
}

/// A fresh database with `users` (name, password), and runserver on a free loopback port.
fn start(python: &Path, dir: &Path, retype: bool, users: &[(String, String)]) -> Server {
    let db = dir.join("db.sqlite3");
    let migrate = manage(python, &db, retype)
        .args(["manage.py", "migrate", "-v", "0"])
        .output()
        .unwrap();
    assert!(migrate.status.success(), "migrate: {migrate:?}");
    // Passwords go through standard input, never a command line.
    let mut seed = manage(python, &db, retype)
        .arg("seed.py")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let lines: String = users.iter().map(|(u, p)| format!("{u}:{p}\n")).collect();
    seed.stdin
        .take()
        .unwrap()
        .write_all(lines.as_bytes())
        .unwrap();
    assert!(seed.wait().unwrap().success(), "seeding the users failed");

    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log = std::fs::File::create(dir.join("server.log")).unwrap();
    let child = manage(python, &db, retype)
        .args(["manage.py", "runserver", &format!("127.0.0.1:{port}")])
        .args(["--noreload", "--nothreading"])
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    let server = Server {
        child,
        base_url: format!("http://127.0.0.1:{port}"),
    };
    // Readiness only (a slow start is no failure): bounded, then the server's log is shown.
    for _ in 0..600 {
        if TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok() {
            return server;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
    panic!("runserver did not listen on port {port}; its log:\n{log}");
}

fn users() -> Vec<(String, String)> {
    (1..=2)
        .map(|i| {
            let salt: u64 = rand::random();
            (format!("user{i}"), format!("Orig-{salt:x}-pw"))
        })
        .collect()
}

/// A dialect and where it comes from: the built-ins, or a user's folders next to them.
struct Under {
    dialect: &'static str,
    retype: bool,
    /// `--specs DIR --cases DIR` of a user's own dialect and cases; none for a built-in.
    user: Option<(PathBuf, PathBuf)>,
    baseline: PathBuf,
}

async fn check_real_djoser(under: Under) {
    let Some(python) = python() else { return };
    let (dialect, retype) = (under.dialect, under.retype);
    let dir = tempfile::tempdir().unwrap();
    let users = users();
    let server = start(&python, dir.path(), retype, &users);

    let mut accounts = format!(
        "dialect: {dialect}\nbase_url: {}\naccounts:\n  user:\n",
        server.base_url
    );
    for (u, p) in &users {
        accounts.push_str(&format!("    - username: {u}\n      password: \"{p}\"\n"));
    }
    let accounts_file = dir.path().join("accounts.yaml");
    std::fs::write(&accounts_file, accounts).unwrap();
    let results = dir.path().join("results.json");
    let mut cmd = Command::new(cargo_bin("pwconform"));
    cmd.current_dir(common::root())
        .env_remove("PWCONFORM_SPECS")
        .env_remove("PWCONFORM_CASES")
        .args(["run", "--accounts"])
        .arg(&accounts_file)
        .arg("--journal")
        .arg(dir.path().join("journal.jsonl"))
        .arg("--baseline")
        .arg(&under.baseline)
        .arg("--json")
        .arg(&results);
    if let Some((specs, cases)) = &under.user {
        cmd.arg("--specs").arg(specs).arg("--cases").arg(cases);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "pwconform run against the real djoser ({dialect}):\n{stdout}\n{stderr}"
    );

    let report: Value = serde_json::from_str(&std::fs::read_to_string(&results).unwrap()).unwrap();
    let cases = report["cases"].as_array().unwrap();
    let count = |v: &str| cases.iter().filter(|c| c["verdict"] == v).count();
    // Every built-in case that applies ran and passed; those that cannot apply say why.
    assert!(
        count("pass") >= 35,
        "only {} passed: {stdout}",
        count("pass")
    );
    assert_eq!(count("fail") + count("error"), 0, "{stdout}");
    for c in cases.iter().filter(|c| c["verdict"] == "skip") {
        let why = c["reasons"][0].as_str().unwrap_or_default();
        assert!(why.starts_with("not applicable: "), "{}: {why}", c["id"]);
    }
    let confirmation_ran = cases
        .iter()
        .any(|c| c["id"] == "different-new-password-confirmation" && c["verdict"] == "pass");
    assert_eq!(confirmation_ran, retype, "{stdout}");

    if under.user.is_some() {
        let own = cases
            .iter()
            .any(|c| c["id"] == "team-old-password-missing[user]");
        assert!(own, "the user's own case did not run: {stdout}");
    }

    // Every user still logs in with the password it had before the run.
    let spec = match &under.user {
        Some((specs, _)) => std::sync::Arc::new(
            pwconform::spec::load_dialect(&pwconform::assets::Tree::Disk(specs.clone()), dialect)
                .unwrap(),
        ),
        None => common::dialect(dialect),
    };
    let http = Http::new(&server.base_url, &Default::default()).unwrap();
    for (u, p) in &users {
        let mut log = Vec::new();
        let result = login(&http, &spec, u, p, &mut log).await;
        assert!(
            matches!(result, LoginResult::Session { .. }),
            "{u} no longer logs in with its original password: {result:?}"
        );
    }
    drop(server);
}

fn shipped_baseline() -> PathBuf {
    common::root().join("specs/djoser/as-built.baseline.yaml")
}

#[tokio::test]
async fn built_in_cases_pass_against_the_real_djoser() {
    check_real_djoser(Under {
        dialect: "djoser",
        retype: false,
        user: None,
        baseline: shipped_baseline(),
    })
    .await;
}

#[tokio::test]
async fn built_in_cases_pass_against_the_real_djoser_with_retype() {
    check_real_djoser(Under {
        dialect: "djoser-retype",
        retype: true,
        user: None,
        baseline: shipped_baseline(),
    })
    .await;
}

/// A team's own dialect in its own folder (written as a new file, not extending a built-in) and
/// its own case file, run next to the built-in cases.
#[tokio::test]
async fn a_user_written_dialect_runs_next_to_the_built_ins() {
    let dir = tempfile::tempdir().unwrap();
    let (specs, cases) = (dir.path().join("specs"), dir.path().join("cases"));
    let folder = specs.join("team-api");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::create_dir_all(&cases).unwrap();
    for entry in std::fs::read_dir(common::root().join("specs/djoser")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let text = text.replace("name: djoser\n", "name: team-api\n");
        std::fs::write(folder.join(name), text).unwrap();
    }
    std::fs::write(
        cases.join("team.yaml"),
        "cases:\n  - id: team-old-password-missing\n    title: T\n    as: \"@self_service\"\n    \
         absent: [old_password]\n    expect: missing_field\n",
    )
    .unwrap();
    let baseline = dir.path().join("baseline.yaml");
    std::fs::write(
        &baseline,
        "known:\n  - dialect: team-api\n    case: old-password-trailing-space\n    reason: DRF trims\n",
    )
    .unwrap();
    check_real_djoser(Under {
        dialect: "team-api",
        retype: false,
        user: Some((specs, cases)),
        baseline,
    })
    .await;
}
