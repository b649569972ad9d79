//! No secret in anything a run leaves behind: every report file and the terminal output of
//! `pwconform run --embedded --out DIR -v`, searched for the seeded passwords in every form they
//! travel in (verbatim, base64 in its four variants, base64 of `username:password` as HTTP Basic
//! sends it), and credential headers and login tokens shown as `***`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    clippy::indexing_slicing
)]

mod report_tools;

use std::fs;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use serde_json::Value;

const DIALECTS: [&str; 3] = ["ocariot", "openspecimen", "openspecimen-legacy"];

/// Token fields of login answers that are known to reach the reports unmasked. KNOWN LEAK:
/// OpenSpecimen's forced-reset `resetPasswordToken` is read by `exec` (session.rs `MustReset`) but
/// never registered in `Secrets`, so it shows in login answers and in the reset request body.
/// Remove it from this list once `exec` adds reset tokens to the secrets.
const KNOWN_UNMASKED: [&str; 0] = [];

/// The embedded servers' seed: the same accounts at every start, so the binary's servers (started
/// by the run below) have these passwords too.
async fn seeded_accounts() -> Vec<(String, String)> {
    let mut accounts = Vec::new();
    for dialect in DIALECTS {
        let addr = "127.0.0.1:0".parse().unwrap();
        let server = pwconform::reference::start(dialect, addr, &[])
            .await
            .unwrap();
        accounts.extend(
            server
                .accounts
                .iter()
                .map(|a| (a.username.clone(), a.password.clone())),
        );
        server.shutdown().await;
    }
    accounts
}

/// Each password and its encoded forms, labelled for the failure message.
fn needles(accounts: &[(String, String)]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (user, password) in accounts {
        out.push((format!("password of {user}"), password.clone()));
        let basic = format!("{user}:{password}");
        for (what, bytes) in [
            ("password", password.as_bytes()),
            ("user:password", basic.as_bytes()),
        ] {
            for (variant, engine) in [
                ("standard", &STANDARD),
                ("no padding", &STANDARD_NO_PAD),
                ("URL-safe", &URL_SAFE),
                ("URL-safe no padding", &URL_SAFE_NO_PAD),
            ] {
                out.push((
                    format!("base64 ({variant}) of {what} of {user}"),
                    engine.encode(bytes),
                ));
            }
        }
    }
    out
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[tokio::test(flavor = "multi_thread")]
async fn no_secret_in_any_output() {
    let accounts = seeded_accounts().await;
    assert!(accounts.len() >= 10, "{accounts:?}");
    let dir = tempfile::tempdir().unwrap();
    // Faults that change a password while answering an error and accept bad passwords: the run
    // goes through its restore paths (an empty password may not be restorable: exit 4) and
    // prints failing cases with their bodies.
    let out = report_tools::run_into(
        dir.path(),
        &[
            "-v",
            "--fault",
            "change-but-answer-400",
            "--fault",
            "accept-empty-new-password",
        ],
    );
    assert!(matches!(out.status.code(), Some(1 | 4)), "{out:?}");
    let mut outputs: Vec<(String, String)> = vec![
        ("stdout".into(), String::from_utf8_lossy(&out.stdout).into()),
        ("stderr".into(), String::from_utf8_lossy(&out.stderr).into()),
    ];
    let files = files_under(dir.path());
    let names: Vec<String> = files
        .iter()
        .filter_map(|f| f.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    for expected in ["report.html", "junit.xml", "results.json", "summary.md"] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} not written: {names:?}"
        );
    }
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        outputs.push((file.display().to_string(), text));
    }
    for (what, needle) in needles(&accounts) {
        for (name, text) in &outputs {
            assert!(!text.contains(&needle), "{what} ({needle}) found in {name}");
        }
    }

    let results: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("results.json")).unwrap())
            .unwrap();
    assert_tokens_masked(&results);
}

/// Tokens are random, so they cannot be searched for: instead, every place a token goes must
/// hold the marker.
fn assert_tokens_masked(results: &Value) {
    let exchanges: Vec<&Value> = results["cases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["exchanges"].as_array().unwrap())
        .collect();
    let mut headers_seen = 0;
    let mut tokens_seen = 0;
    for x in &exchanges {
        for h in x["request"]["headers"].as_array().unwrap() {
            let (name, value) = (h[0].as_str().unwrap(), h[1].as_str().unwrap());
            if name.eq_ignore_ascii_case("authorization")
                || name.eq_ignore_ascii_case("x-os-api-token")
            {
                headers_seen += 1;
                let credential = value.rsplit(' ').next().unwrap_or(value);
                assert_eq!(credential, "***", "{name}: {value}");
            }
        }
        if x["purpose"] == "login"
            && let Some(Value::Object(body)) = x["response"]["body"]
                .as_str()
                .and_then(|b| serde_json::from_str(b).ok())
        {
            let tokens = body.iter().filter(|(k, _)| {
                k.to_ascii_lowercase().contains("token") && !KNOWN_UNMASKED.contains(&k.as_str())
            });
            for (key, value) in tokens {
                tokens_seen += 1;
                assert_eq!(value, "***", "login answer {key}");
            }
        }
    }
    // Both dialects' credential headers and login answers were actually looked at.
    assert!(
        headers_seen > 100 && tokens_seen > 10,
        "{headers_seen} headers, {tokens_seen} tokens"
    );
}
