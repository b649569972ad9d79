//! What a run tells its reporters, as it happens (in the manner of cargo-nextest's reporter): typed
//! events carrying data that is already redacted. A reporter never sees a secret, so it needs no
//! redactor of its own.

use crate::result::{CaseResult, RunReport, Unrestored};

#[derive(Debug)]
pub enum RunEvent<'a> {
    /// Everything is loaded and planned; `cases` steps are about to be sent.
    Started {
        cases: usize,
        dialects: &'a [String],
        target: &'a str,
    },
    /// One case finished (redacted).
    CaseFinished { case: &'a CaseResult },
    /// The server accepted a change of this account's password during `case`, and the run put
    /// the original back.
    AccountRestored {
        case: &'a CaseResult,
        account: &'a str,
    },
    /// A password the run changed could not be put back (redacted).
    AccountNotRestored { account: &'a Unrestored },
    /// Ctrl-C or SIGTERM: no new case is sent; cases in flight finish and restore.
    Interrupted,
    /// The run is over and its report files are written (the report is redacted).
    Finished {
        report: &'a RunReport,
        interrupted: bool,
    },
}

/// Consumes a run's events. Called from the tasks that run cases: `&self`, and quick.
pub trait Reporter: Send + Sync {
    fn on_event(&self, event: &RunEvent<'_>);
}

/// A reporter that ignores everything (tests, selftest, the bench).
pub struct Silent;

impl Reporter for Silent {
    fn on_event(&self, _: &RunEvent<'_>) {}
}

/// Several reporters, each told every event in order.
pub struct Fanout<'a>(pub Vec<&'a dyn Reporter>);

impl Reporter for Fanout<'_> {
    fn on_event(&self, event: &RunEvent<'_>) {
        self.0.iter().for_each(|r| r.on_event(event));
    }
}
