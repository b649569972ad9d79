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
        unrestored: Option<&Unrestored>,
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
        if let Some(u) = unrestored {
            let mut u = [u.clone()];
            redactor.redact_run_notes(&mut u, &mut []);
            for account in &u {
                self.reporter
                    .on_event(&RunEvent::AccountNotRestored { account });
            }
        } else if let Some(account) = &case.changed_account {
            self.reporter.on_event(&RunEvent::AccountRestored {
                case: &case,
                account,
            });
        }
        self.reporter
            .on_event(&RunEvent::CaseFinished { case: &case });
        case
    }
}
