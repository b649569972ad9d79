//! Running cases against an embedded reference server: start it, build the plan from its seeded
//! accounts, run over HTTP, stop it. Orchestration only; the runner itself never sees the server.

use std::net::{Ipv4Addr, SocketAddr};

use crate::case::Case;
use crate::exec::{DialectRun, RunContext, run_plan};
use crate::plan::{Plan, Step, build_plan};
use crate::reference::{self, ReferenceError, RunningServer};
use crate::spec::LoadedDialect;
use crate::target::Target;

/// A started server with the plan to run against it.
pub struct EmbeddedJob {
    pub server: RunningServer,
    pub target: Target,
    pub plan: Plan,
}

/// Starts `dialect`'s server with `faults` and plans the steps `keep` admits.
pub async fn prepare(
    dialect: &LoadedDialect,
    cases: &[Case],
    faults: &[String],
    keep: &dyn Fn(&Step) -> bool,
) -> Result<EmbeddedJob, ReferenceError> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    let server = reference::start(dialect.name(), addr, faults).await?;
    let target = Target::from_seed(&server.base_url, &server.accounts);
    let mut plan = build_plan(cases, dialect, &target);
    plan.steps.retain(|s| keep(s));
    Ok(EmbeddedJob {
        server,
        target,
        plan,
    })
}

/// Starts the server, runs, stops it.
pub async fn run_embedded(
    dialect: &LoadedDialect,
    cases: &[Case],
    faults: &[String],
    keep: &dyn Fn(&Step) -> bool,
    ctx: &RunContext<'_>,
) -> Result<DialectRun, ReferenceError> {
    let job = prepare(dialect, cases, faults, keep).await?;
    let run = run_plan(&job.plan, dialect, &job.target, ctx).await;
    job.server.shutdown().await;
    Ok(run)
}
