//! Embedded reference servers: in-memory implementations of each dialect's documented contract.
//!
//! The runner never calls into this module: it talks to a server started here over HTTP, exactly as
//! to any other target. Faults (`--fault NAME`) switch on realistic bugs, to prove the suite catches them.

pub mod inspect;
pub mod jwt;
pub mod ocariot;
pub mod openspecimen;

use std::collections::BTreeSet;
use std::net::SocketAddr;

use serde::Serialize;
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// An account the server was started with.
#[derive(Debug, Clone, Serialize)]
pub struct SeedAccount {
    /// Role name as the dialect spec names it.
    pub role: String,
    pub username: String,
    pub password: String,
    /// The user id with the JSON type the API uses.
    pub id: Value,
    /// What sets this account apart (e.g. `password-history`: its policy forbids reusing recent
    /// passwords). Accounts with traits are used only by cases that `require` them.
    pub traits: Vec<String>,
}

/// A realistic bug the server can be told to have.
#[derive(Debug, Clone, Copy)]
pub struct FaultInfo {
    pub name: &'static str,
    pub description: &'static str,
}

/// The faults switched on for one server.
#[derive(Debug, Clone, Default)]
pub struct Faults(BTreeSet<String>);

impl Faults {
    pub fn has(&self, name: &str) -> bool {
        self.0.contains(name)
    }
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReferenceError {
    #[error("no embedded reference server for dialect `{0}` (known: {known})", known = DIALECTS.join(", "))]
    UnknownDialect(String),
    #[error("unknown fault `{name}` for dialect `{dialect}`; known faults: {known}")]
    UnknownFault {
        dialect: String,
        name: String,
        known: String,
    },
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// Dialects with an embedded server.
pub const DIALECTS: &[&str] = &["ocariot", "openspecimen", "openspecimen-legacy"];

/// The faults a dialect's server knows.
pub fn known_faults(dialect: &str) -> Result<&'static [FaultInfo], ReferenceError> {
    match dialect {
        "ocariot" => Ok(ocariot::FAULTS),
        "openspecimen" | "openspecimen-legacy" => Ok(openspecimen::FAULTS),
        other => Err(ReferenceError::UnknownDialect(other.to_string())),
    }
}

/// Named sets of faults: how a real implementation behaves, to run the suite against it.
pub const PROFILES: &[(&str, &str, &[&str])] = &[(
    "openspecimen",
    "as-built",
    // The "as built" section of the OpenSpecimen facts: strings trimmed, numbers and booleans used
    // as text, an object or array password read as null with the rest of the body unread, a
    // numeric-string userId read as a number, a fractional one truncated.
    &[
        "trim-passwords",
        "accept-non-string-passwords",
        "container-password-ends-body",
        "user-id-string-accepted",
        "user-id-float-truncated",
    ],
)];

/// The faults a profile stands for on `dialect` (`openspecimen-legacy` shares openspecimen's).
pub fn profile(dialect: &str, name: &str) -> Option<&'static [&'static str]> {
    let base = dialect.trim_end_matches("-legacy");
    PROFILES
        .iter()
        .find(|(d, n, _)| *d == base && *n == name)
        .map(|(_, _, f)| *f)
}

/// Checks fault names against the dialect's list; a profile name expands into its faults.
pub fn parse_faults(dialect: &str, names: &[String]) -> Result<Faults, ReferenceError> {
    let known = known_faults(dialect)?;
    let mut set = BTreeSet::new();
    let expanded: Vec<String> = names
        .iter()
        .flat_map(|n| match profile(dialect, n) {
            Some(list) => list.iter().map(|s| s.to_string()).collect(),
            None => vec![n.clone()],
        })
        .collect();
    for name in &expanded {
        if !known.iter().any(|f| f.name == name) {
            return Err(ReferenceError::UnknownFault {
                dialect: dialect.to_string(),
                name: name.clone(),
                known: known.iter().map(|f| f.name).collect::<Vec<_>>().join(", "),
            });
        }
        set.insert(name.clone());
    }
    Ok(Faults(set))
}

/// A server running in this process until dropped or [`RunningServer::shutdown`].
pub struct RunningServer {
    pub dialect: String,
    pub base_url: String,
    pub accounts: Vec<SeedAccount>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl RunningServer {
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Starts `dialect`'s reference server on `addr` (port 0 picks a free port).
pub async fn start(
    dialect: &str,
    addr: SocketAddr,
    faults: &[String],
) -> Result<RunningServer, ReferenceError> {
    start_with_latency(dialect, addr, faults, std::time::Duration::ZERO).await
}

/// Like [`start`], each answer held back by `latency`: a target that far away, to measure what a
/// run costs against one (`pwconform serve --latency MS`, `cargo bench --bench latency`).
pub async fn start_with_latency(
    dialect: &str,
    addr: SocketAddr,
    faults: &[String],
    latency: std::time::Duration,
) -> Result<RunningServer, ReferenceError> {
    let faults = parse_faults(dialect, faults)?;
    let (router, accounts) = match dialect {
        "ocariot" => ocariot::build(faults),
        "openspecimen" => openspecimen::build(faults, false),
        "openspecimen-legacy" => openspecimen::build(faults, true),
        other => return Err(ReferenceError::UnknownDialect(other.to_string())),
    };
    let router = if latency.is_zero() {
        router
    } else {
        router.layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| async move {
                tokio::time::sleep(latency).await;
                next.run(request).await
            },
        ))
    };
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ReferenceError::Bind { addr, source })?;
    let local = listener
        .local_addr()
        .map_err(|source| ReferenceError::Bind { addr, source })?;
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await;
    });
    Ok(RunningServer {
        dialect: dialect.to_string(),
        base_url: format!("http://{local}"),
        accounts,
        stop: Some(stop),
        task: Some(task),
    })
}
