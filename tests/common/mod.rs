//! Shared test plumbing: load the repository's specs and cases, start an embedded reference server,
//! run a plan against it over HTTP.
#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::sync::Arc;

use pwconform::assets::Tree;
use pwconform::case::{Case, load_cases};
use pwconform::exec::{DialectRun, LoginResult, Quiet, RunContext, RunOptions, Secrets, run_plan};
use pwconform::plan::{Step, build_plan};
use pwconform::reference::{self, RunningServer};
use pwconform::spec::{LoadedDialect, load_dialect};
use pwconform::target::{Account, Target};

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn dialect(name: &str) -> Arc<LoadedDialect> {
    let tree = Tree::Disk(root().join("specs"));
    Arc::new(load_dialect(&tree, name).unwrap_or_else(|e| panic!("{e}")))
}

pub fn cases() -> Vec<Case> {
    load_cases(&Tree::Disk(root().join("cases"))).unwrap_or_else(|e| panic!("{e}"))
}

pub async fn server(dialect: &str, faults: &[&str]) -> RunningServer {
    let faults: Vec<String> = faults.iter().map(|s| s.to_string()).collect();
    reference::start(dialect, "127.0.0.1:0".parse().unwrap(), &faults)
        .await
        .unwrap()
}

/// Runs the steps of `dialect` that `keep` admits against `target`.
pub async fn run(
    dialect: &Arc<LoadedDialect>,
    target: &Target,
    keep: impl Fn(&Step) -> bool,
) -> DialectRun {
    let mut plan = build_plan(&cases(), dialect, target);
    // Cases that do not apply to the dialect are no test of its server.
    plan.steps.retain(|s| s.not_applicable.is_none() && keep(s));
    assert!(!plan.steps.is_empty(), "the filter kept no step");
    let ctx = RunContext {
        options: &RunOptions::default(),
        observer: &Quiet,
        secrets: &Secrets::default(),
        journal: None,
        stop: &std::sync::atomic::AtomicBool::new(false),
    };
    run_plan(&plan, dialect, target, &ctx).await
}

/// Logs in as every seeded account with its original password; returns those that fail.
pub async fn accounts_not_original(dialect: &LoadedDialect, server: &RunningServer) -> Vec<String> {
    let http = pwconform::exec::Http::new(&server.base_url, &Default::default()).unwrap();
    let mut bad = Vec::new();
    // An account of an external directory cannot sign in through the dialect's login.
    for a in server
        .accounts
        .iter()
        .filter(|a| !a.traits.iter().any(|t| t == "external-auth"))
    {
        let mut log = Vec::new();
        match pwconform::exec::login(&http, dialect, &a.username, &a.password, &mut log).await {
            LoginResult::Session { .. } => {}
            other => bad.push(format!("{}: {other:?}", a.username)),
        }
    }
    bad
}

/// `dialect/case: reasons` for every case that did not pass.
pub fn failures(run: &DialectRun) -> Vec<String> {
    run.cases
        .iter()
        .filter(|c| c.verdict != pwconform::result::Verdict::Pass)
        .map(|c| {
            format!(
                "{}/{} [{:?}]: {}",
                c.dialect,
                c.id,
                c.verdict,
                c.reasons.join(" | ")
            )
        })
        .collect()
}

/// The one account of the mock targets (wiremock): `admin1` with a ready token, so no login is
/// needed (the claims only matter to a server), its id and its original password.
pub const MOCK_USER: &str = "admin1";
pub const MOCK_ID: &str = "5a62be07de34500146d9c544";
pub const MOCK_ORIGINAL: &str = "Original-pass-1";
pub const MOCK_TOKEN: &str =
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI1YTYyYmUwN2RlMzQ1MDAxNDZkOWM1NDQifQ.c2ln";

/// A target at `base` with that one account, each step on it (no spreading).
pub fn mock_target(base: &str) -> Target {
    Target {
        base_url: base.to_string(),
        accounts: vec![Account {
            role: "admin".into(),
            nth: 0,
            username: Some(MOCK_USER.into()),
            password: Some(MOCK_ORIGINAL.into()),
            token: Some(MOCK_TOKEN.into()),
            id: Some(serde_json::json!(MOCK_ID)),
            traits: Vec::new(),
        }],
        allow_writes: false,
        accounts_source: "the test".into(),
        spread: false,
    }
}
