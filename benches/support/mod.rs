//! What the benches share: `pwconform serve ocariot` in its own process, and the case file of N
//! one-request cases they all time.
#![allow(dead_code)] // each bench uses its own part
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// The server process, killed when dropped.
pub struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `pwconform serve ocariot` on a free port with `extra` arguments; returns once it has written
/// its accounts file to `accounts`.
pub fn serve(extra: &[&str], accounts: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pwconform"))
        .args(["serve", "ocariot", "--port", "0"])
        .args(extra)
        .arg("--write-accounts")
        .arg(accounts)
        .stdout(Stdio::piped())
        .spawn()
        .expect("start pwconform serve");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines.by_ref() {
        if line.unwrap().starts_with("accounts file:") {
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    Server(child)
}

/// One case `vary`ing the old password over N numbers: N requests, each answered 400.
pub fn write_cases(dir: &Path, n: usize) {
    let values: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("bench.yaml"),
        format!(
            "theme: Bench\ncases:\n  - id: bench\n    title: old_password is a number\n    \
             vary: {{field: old_password, values: [{}]}}\n    expect: invalid_field\n",
            values.join(", ")
        ),
    )
    .unwrap();
}
