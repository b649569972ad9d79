//! `pwconform serve --latency MS`: a reference server that far away. Each answer is held back at
//! least that long (a lower bound, which a loaded machine can only lengthen, so this never flakes)
//! and a run against it still passes and restores every account.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

const LATENCY_MS: u64 = 300;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_is_held_back_and_a_run_still_passes() {
    let dir = tempfile::tempdir().unwrap();
    let accounts = dir.path().join("accounts.yaml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_pwconform"))
        .args(["serve", "ocariot", "--port", "0", "--latency"])
        .arg(LATENCY_MS.to_string())
        .arg("--write-accounts")
        .arg(&accounts)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let server = Server(child);
    let mut said = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let done = line.starts_with("accounts file:");
        said.push(line);
        if done {
            break;
        }
    }
    std::thread::spawn(move || lines.for_each(drop));
    let said = said.join("\n");
    assert!(
        said.contains(&format!("every answer held back {LATENCY_MS} ms")),
        "{said}"
    );
    let base = said
        .lines()
        .find_map(|l| l.split(" reference server on ").nth(1))
        .unwrap()
        .trim()
        .to_owned();

    // Any answer, even a refusal, comes no sooner than the latency.
    let started = Instant::now();
    let answer = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .put(format!("{base}/v1/users/5a62be07d6f33400146c9b61/password"))
        .json(&serde_json::json!({"old_password": "x", "new_password": "y"}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 401, "no token");
    assert!(
        started.elapsed() >= Duration::from_millis(LATENCY_MS),
        "answered after {:?}",
        started.elapsed()
    );

    // A run against it: a happy path (changed, proven, restored) and a refusal.
    let out = Command::new(env!("CARGO_BIN_EXE_pwconform"))
        .args(["run", "--accounts"])
        .arg(&accounts)
        .args(["--dialect", "ocariot", "--no-generated"])
        .args([
            "--filter",
            "change-own-password[educator]",
            "--filter",
            "no-token[",
        ])
        .arg("--journal")
        .arg(dir.path().join("journal.jsonl"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    // The educator's change and the six roles' refusals without a token.
    assert!(err.contains("7 passed  0 failed"), "{err}");
    assert!(!err.contains("NOT restore"), "{err}");
    drop(server);
}
