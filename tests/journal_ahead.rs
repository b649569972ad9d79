//! The restore journal written ahead: whenever a request that may set a password reaches the
//! server, the journal already names that password, both as a killed process leaves it (the whole
//! file: the newest entry of the account names it first, so `restore` tries it first) and as a
//! power loss would (only what the last `fsync` made durable). And a long run costs a handful of
//! `fsync`s, not one per case. The server is wiremock, which reads the journal as each request
//! arrives.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    clippy::indexing_slicing
)]

mod common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use pwconform::assets::Tree;
use pwconform::case::{Case, load_cases};
use pwconform::exec::journal::{Journal, open_entries};
use pwconform::exec::{DialectRun, Quiet, RunContext, RunOptions, Secrets, run_plan};
use pwconform::plan::build_plan;
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use common::{MOCK_USER as USER, mock_target as target};

/// Answers every request 400 ("Password does not match!": nothing changes), after checking the
/// journal names the new password the request carries.
struct JournalCheck {
    journal: Arc<Journal>,
    /// Where the durable part of the journal is copied, to read it as a power loss leaves it.
    scratch: PathBuf,
    problems: Mutex<Vec<String>>,
    requests: AtomicUsize,
}

impl JournalCheck {
    fn assert_no_problem(&self) {
        let problems = self.problems.lock().unwrap();
        let first: Vec<&String> = problems.iter().take(3).collect();
        assert!(
            problems.is_empty(),
            "{} problems: {first:?}",
            problems.len()
        );
    }

    fn check(&self, sent: &str) -> Result<(), String> {
        let path = self.journal.path();
        // As a killed process leaves it: the newest entry of the account names it first.
        let after_kill = open_entries(path)?;
        let newest = after_kill.iter().rev().find(|e| e.username == USER);
        if newest
            .and_then(|e| e.candidates.first())
            .map(String::as_str)
            != Some(sent)
        {
            return Err(format!("{sent:?} is not first in the newest entry"));
        }
        // As a power loss leaves it: only what the last fsync made durable.
        let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
        let durable = self.journal.synced().len as usize;
        std::fs::write(&self.scratch, &bytes[..durable.min(bytes.len())]).unwrap();
        let after_power_loss = open_entries(&self.scratch)?;
        let named = after_power_loss
            .iter()
            .any(|e| e.username == USER && e.candidates.iter().any(|c| c == sent));
        if !named {
            return Err(format!("{sent:?} is not in a synced open entry"));
        }
        Ok(())
    }
}

/// The server's side of the check (wiremock keeps its own handle).
struct Checker(Arc<JournalCheck>);

impl Respond for Checker {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let this = &self.0;
        this.requests.fetch_add(1, Ordering::SeqCst);
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        // The candidate as the runner journals it: a string as is, any other value as JSON text.
        let sent = match body.get("new_password") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => Some(other.to_string()),
            None => None,
        };
        if let Some(Err(e)) = sent.as_deref().map(|s| this.check(s)) {
            this.problems.lock().unwrap().push(e);
        }
        ResponseTemplate::new(400).set_body_json(json!({
            "code": 400,
            "message": "Password does not match!",
            "description": "The old password parameter does not match with the actual user password."
        }))
    }
}

/// Runs `cases` against a server that checks the journal at every request; returns the run, the
/// checker and the journal.
async fn journaled_run(cases: &[Case]) -> (DialectRun, Arc<JournalCheck>, Arc<Journal>) {
    let dir = tempfile::tempdir().unwrap();
    let journal = Arc::new(Journal::create(&dir.path().join("journal.jsonl")).unwrap());
    let check = Arc::new(JournalCheck {
        journal: journal.clone(),
        scratch: dir.path().join("durable.jsonl"),
        problems: Mutex::new(Vec::new()),
        requests: AtomicUsize::new(0),
    });
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(Checker(check.clone()))
        .mount(&server)
        .await;
    let d = common::dialect("ocariot");
    let target = target(&server.uri());
    let mut plan = build_plan(cases, &d, &target);
    plan.steps.retain(|s| s.not_applicable.is_none());
    let ctx = RunContext {
        options: &RunOptions::default(),
        observer: &Quiet,
        secrets: &Secrets::default(),
        journal: Some(&journal),
        stop: &AtomicBool::new(false),
    };
    let run = run_plan(&plan, &d, &target, &ctx).await;
    // The tempdir goes with this function; the journal's checks are done.
    drop(dir);
    (run, check, journal)
}

#[tokio::test]
async fn generated_passwords_are_on_disk_before_they_are_sent_with_few_fsyncs() {
    let dir = tempfile::tempdir().unwrap();
    let n = 300;
    let values: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
    std::fs::write(
        dir.path().join("many.yaml"),
        format!(
            "theme: Many\ncases:\n  - id: many\n    title: old_password is a number\n    \
             vary: {{field: old_password, values: [{}]}}\n    expect: invalid_field\n",
            values.join(", ")
        ),
    )
    .unwrap();
    let cases = load_cases(&Tree::Disk(dir.path().to_path_buf())).unwrap();
    let (run, check, journal) = journaled_run(&cases).await;
    assert_eq!(run.cases.len(), n);
    assert_eq!(check.requests.load(Ordering::SeqCst), n);
    check.assert_no_problem();
    // Batches of 8, 16, 32, 64, 128, 128 generated passwords: six fsyncs for 300 cases.
    let syncs = journal.synced().syncs;
    assert!(syncs <= 6, "{syncs} fsyncs for {n} cases");
    assert_eq!(journal.open_count(), 0, "the end-of-run check closes all");
}

#[tokio::test]
async fn literal_passwords_of_the_suite_are_on_disk_before_they_are_sent() {
    let (run, check, journal) = journaled_run(&common::cases()).await;
    assert!(!run.cases.is_empty());
    assert!(check.requests.load(Ordering::SeqCst) > 10);
    check.assert_no_problem();
    assert_eq!(journal.open_count(), 0, "the end-of-run check closes all");
}
