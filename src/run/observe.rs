//! The bridge from `exec` to the reporters: each finished case is redacted once, through the
//! run's secret book and the case's own secrets, and only then shown to anyone.

use super::events::{Reporter, RunEvent};
use crate::baseline::{Baseline, apply_to_case};
use crate::exec::Observer;
use crate::redact::SecretBook;
use crate::result::{CaseResult, Unrestored};

pub struct Live<'a> {
    pub book: &'a SecretBook,
    pub reporter: &'a dyn Reporter,
    /// Known deviations, applied as each case finishes so the terminal shows the verdict the
    /// totals and files will count (`known`, or a stale entry's failure).
    pub baseline: Option<KnownDeviations<'a>>,
}

/// A loaded baseline, where it came from (for the stale-entry message) and today's date.
pub struct KnownDeviations<'a> {
    pub baseline: &'a Baseline,
    pub source: String,
    pub today: String,
}

impl Observer for Live<'_> {
    fn on_case(
        &self,
        mut case: CaseResult,
        own: &[String],
        unrestored: &[Unrestored],
    ) -> CaseResult {
        let scoped;
        let shared;
        let redactor = if own.is_empty() {
            shared = self.book.redactor();
            &*shared
        } else {
            scoped = self.book.redactor_with(own);
            &scoped
        };
        if let Some(k) = &self.baseline {
            apply_to_case(&mut case, k.baseline, &k.source, &k.today);
        }
        redactor.redact_case_in_place(&mut case);
        let mut lost = unrestored.to_vec();
        redactor.redact_run_notes(&mut lost, &mut []);
        for account in &lost {
            self.reporter
                .on_event(&RunEvent::AccountNotRestored { account });
        }
        for changed in case
            .changed_accounts
            .iter()
            .filter(|c| c.restored_by.is_some())
        {
            self.reporter.on_event(&RunEvent::AccountRestored {
                case: &case,
                account: &changed.account,
            });
        }
        self.reporter
            .on_event(&RunEvent::CaseFinished { case: &case });
        case
    }
}
