//! A run against a separately started server, killed mid-way (SIGINT, then SIGKILL), followed by
//! `pwconform restore`: every account ends with its original password.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    clippy::indexing_slicing
)]
#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use pwconform::exec::{Http, LoginResult, login};
use pwconform::target::load_accounts;

fn bin() -> Command {
    Command::new(assert_cmd::cargo::cargo_bin("pwconform"))
}

struct Server(Child);
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
    }
}

/// `pwconform serve` on a free port with `fault`; waits until it prints its address.
fn serve(fault: &str, accounts: &std::path::Path) -> Server {
    serve_with(&[fault], accounts)
}

/// `pwconform serve ocariot` on a free port with `faults`.
fn serve_with(faults: &[&str], accounts: &std::path::Path) -> Server {
    let mut command = bin();
    command.args(["serve", "ocariot", "--port", "0"]);
    for f in faults {
        command.args(["--fault", f]);
    }
    let mut child = command
        .arg("--write-accounts")
        .arg(accounts)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let mut lines = BufReader::new(out).lines();
    // The accounts file is written after the table; wait for its line.
    for line in lines.by_ref() {
        if line.unwrap().starts_with("accounts file:") {
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    Server(child)
}

async fn not_original(accounts: &std::path::Path) -> Vec<String> {
    let file = load_accounts(accounts).unwrap();
    let base = file.base_url.clone().unwrap();
    let d = pwconform::spec::load_dialect(
        &pwconform::assets::Tree::Disk(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("specs"),
        ),
        "ocariot",
    )
    .unwrap();
    let http = Http::new(&base, &Default::default()).unwrap();
    let mut bad = Vec::new();
    for (_, list) in file.accounts {
        for a in list {
            let (u, p) = (a.username.unwrap(), a.password.unwrap());
            let mut log = Vec::new();
            if !matches!(
                login(&http, &d, &u, &p, &mut log).await,
                LoginResult::Session { .. }
            ) {
                bad.push(u);
            }
        }
    }
    bad
}

#[tokio::test]
async fn killed_runs_are_finished_by_restore() {
    let dir = tempfile::tempdir().unwrap();
    let accounts = dir.path().join("accounts.yaml");
    // Accepting every password whatever its type: many cases change passwords.
    let _server = serve("accept-non-string-passwords", &accounts);
    for (signal, after_ms) in [("-INT", 150), ("-KILL", 200), ("-KILL", 450)] {
        kill_then_restore(
            &accounts,
            &dir.path().join("journal.jsonl"),
            signal,
            after_ms,
        )
        .await;
        assert_eq!(
            not_original(&accounts).await,
            Vec::<String>::new(),
            "after {signal}"
        );
    }
}

/// A run against the accounts, killed with `signal` after `after_ms`, then `pwconform restore`
/// on its journal, which must succeed and leave no journal behind.
async fn kill_then_restore(
    accounts: &std::path::Path,
    journal: &std::path::Path,
    signal: &str,
    after_ms: u64,
) {
    let mut run = bin()
        .args(["run", "--jobs", "2", "--accounts"])
        .arg(accounts)
        .arg("--journal")
        .arg(journal)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(after_ms)).await;
    let _ = Command::new("kill")
        .arg(signal)
        .arg(run.id().to_string())
        .status();
    let _ = run.wait();
    let restored = bin()
        .arg("restore")
        .arg("--journal")
        .arg(journal)
        .output()
        .unwrap();
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    assert!(!journal.exists(), "restore leaves no journal behind");
}

/// Every account of the accounts file whose real password on the server (read through the
/// reference server's inspection route, no login) is not its original one.
async fn not_original_on_server(accounts: &std::path::Path) -> Vec<String> {
    use pwconform::reference::inspect::{PATH, PasswordState};
    let file = load_accounts(accounts).unwrap();
    let base = file.base_url.clone().unwrap();
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut bad = Vec::new();
    for (_, list) in file.accounts {
        for a in list {
            let (u, p) = (a.username.unwrap(), a.password.unwrap());
            let state: PasswordState = client
                .post(format!("{base}{PATH}"))
                .json(&serde_json::json!({"username": u, "password": p}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if !state.is_original() {
                bad.push(u);
            }
        }
    }
    bad
}

/// The same with the faults the restore ladder exists for (a change applied to the caller, an
/// admin allowed to change others, an empty password that cannot be sent back): whatever was in
/// flight when the run was killed, `restore` puts every password back.
#[tokio::test]
async fn killed_runs_with_ladder_faults_are_finished_by_restore() {
    let dir = tempfile::tempdir().unwrap();
    let accounts = dir.path().join("accounts.yaml");
    let _server = serve_with(
        &[
            "admin-changes-others",
            "accept-empty-new-password",
            "change-applies-to-caller",
        ],
        &accounts,
    );
    for (signal, after_ms) in [("-KILL", 150), ("-KILL", 300), ("-KILL", 600)] {
        kill_then_restore(
            &accounts,
            &dir.path().join("journal.jsonl"),
            signal,
            after_ms,
        )
        .await;
        assert_eq!(
            not_original_on_server(&accounts).await,
            Vec::<String>::new(),
            "after {signal} at {after_ms} ms"
        );
    }
}

/// A run killed right after an admin changed a child's password (which the child may not change
/// back): the journal names the admin as the actor, and `restore` puts the password back through
/// it, saying so.
#[tokio::test]
async fn restore_uses_the_actor_the_journal_names() {
    use pwconform::exec::journal::{Credential, Entry, Journal};
    let dir = tempfile::tempdir().unwrap();
    let accounts = dir.path().join("accounts.yaml");
    let _server = serve_with(&["admin-changes-others"], &accounts);
    let file = load_accounts(&accounts).unwrap();
    let base = file.base_url.clone().unwrap();
    let find = |role: &str| file.accounts[role][0].clone();
    let (admin, child) = (find("admin"), find("child"));
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let token: serde_json::Value = client
        .post(format!("{base}/v1/auth"))
        .json(&serde_json::json!({"username": admin.username, "password": admin.password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["access_token"].as_str().unwrap().to_string();
    let child_id = child.id.clone().unwrap();
    let child_id = child_id.as_str().unwrap();
    // What the run journaled, then sent, before it was killed.
    let journal_path = dir.path().join("journal.jsonl");
    let journal = Journal::create(&journal_path).unwrap();
    let credential = |a: &pwconform::target::AccountEntry, role: &str| Credential {
        role: role.into(),
        username: a.username.clone().unwrap(),
        password: a.password.clone().unwrap(),
        user_id: a.id.clone(),
    };
    journal
        .open(Entry {
            id: 0,
            dialect: "ocariot".into(),
            base_url: base.clone(),
            role: "child".into(),
            username: child.username.clone().unwrap(),
            user_id: child.id.clone(),
            original: child.password.clone().unwrap(),
            candidates: vec!["Killed!midway-1".into(), child.password.clone().unwrap()],
            case: "own-only-other[admin->child]".into(),
            actor: Some(credential(&admin, "admin")),
            admins: vec![credential(&admin, "admin")],
        })
        .unwrap();
    drop(journal);
    let changed = client
        .put(format!("{base}/v1/users/{child_id}/password"))
        .bearer_auth(&token)
        .json(&serde_json::json!({
            "old_password": child.password.clone().unwrap(),
            "new_password": "Killed!midway-1"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 204);
    assert_eq!(not_original_on_server(&accounts).await, vec!["child1"]);
    let restored = bin()
        .arg("restore")
        .arg("--journal")
        .arg(&journal_path)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&restored.stdout);
    assert!(
        restored.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    assert!(out.contains("by the actor"), "{out}");
    assert_eq!(
        not_original_on_server(&accounts).await,
        Vec::<String>::new()
    );
}
