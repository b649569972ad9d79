//! The bridge from `exec` to the reporters: each finished case is redacted once, through the
//! run's secret book and the case's own secrets, and only then shown to anyone.

use super::events::{Reporter, RunEvent};
use crate::exec::Observer;
use crate::redact::SecretBook;
use crate::result::{CaseResult, Unrestored};

pub struct Live<'a> {
    pub book: &'a SecretBook,
    pub reporter: &'a dyn Reporter,
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
