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
    let mut child = bin()
        .args([
            "serve",
            "ocariot",
            "--port",
            "0",
            "--fault",
            fault,
            "--write-accounts",
        ])
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
        let journal = dir.path().join("journal.jsonl");
        let mut run = bin()
            .args(["run", "--jobs", "2", "--accounts"])
            .arg(&accounts)
            .arg("--journal")
            .arg(&journal)
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
            .arg(&journal)
            .output()
            .unwrap();
        assert!(
            restored.status.success(),
            "{}",
            String::from_utf8_lossy(&restored.stderr)
        );
        assert!(!journal.exists(), "restore leaves no journal behind");
        assert_eq!(
            not_original(&accounts).await,
            Vec::<String>::new(),
            "after {signal}"
        );
    }
}
