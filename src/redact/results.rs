//! Redaction of result data, field by field and in place: no copy of a case is made, so a case
//! costs what its text costs. Every string field is listed here; `every_string_field_is_redacted`
//! (tests.rs) fills each string of a result with a secret through serde and fails if a field added
//! to `result.rs` later is missed.

use super::Redactor;
use crate::result::{CaseResult, CheckResult, Exchange, RunMeta, RunReport, Unrestored};

impl Redactor {
    /// A copy of `report` safe to show: values of sensitive headers replaced wholesale, then every
    /// string redacted.
    pub fn redact_report(&self, report: &RunReport) -> RunReport {
        let mut copy = report.clone();
        self.redact_report_in_place(&mut copy);
        copy
    }

    /// [`Redactor::redact_report`] without the copy.
    pub fn redact_report_in_place(&self, report: &mut RunReport) {
        self.redact_meta(&mut report.meta);
        report
            .cases
            .iter_mut()
            .for_each(|c| self.redact_case_in_place(c));
        self.redact_run_notes(&mut report.unrestored, &mut report.notes);
    }

    /// The run facts that may hold a secret (a command line with a password in it).
    pub fn redact_meta(&self, meta: &mut RunMeta) {
        let RunMeta {
            tool_version,
            target,
            dialects,
            started_unix: _,
            duration_ms: _,
            command_line,
        } = meta;
        self.redact_all([tool_version, target, command_line]);
        dialects.iter_mut().for_each(|d| self.redact_in_place(d));
    }

    /// Unrestored accounts and notes, which are not one case's.
    pub fn redact_run_notes(&self, unrestored: &mut [Unrestored], notes: &mut [String]) {
        for u in unrestored {
            let Unrestored {
                dialect,
                role,
                username,
                reason,
                journal,
                manual,
            } = u;
            self.redact_all([dialect, role, username, reason]);
            journal
                .iter_mut()
                .chain(manual.iter_mut())
                .for_each(|j| self.redact_in_place(j));
        }
        notes.iter_mut().for_each(|n| self.redact_in_place(n));
    }

    /// A redacted copy of one case (the terminal and the files get the same text).
    pub fn redact_case(&self, case: &CaseResult) -> CaseResult {
        let mut copy = case.clone();
        self.redact_case_in_place(&mut copy);
        copy
    }

    /// Redacts one case in place: sensitive header values wholesale, then every string, all in
    /// one search per layer ([`Redactor::redact_many`]).
    pub fn redact_case_in_place(&self, case: &mut CaseResult) {
        let CaseResult {
            dialect,
            id,
            title,
            theme,
            tags,
            expected_outcome,
            verdict: _,
            reasons,
            checks,
            exchanges,
            changed_accounts,
            change_expected: _,
            duration_ms: _,
            doc,
            file,
            line: _,
            subject,
        } = case;
        let mut texts: Vec<&mut String> = vec![dialect, id, title, theme, expected_outcome];
        texts.extend(
            tags.iter_mut()
                .chain(reasons.iter_mut())
                .chain(changed_accounts.iter_mut().map(|c| &mut c.account))
                .chain(doc.iter_mut())
                .chain(file.iter_mut())
                .chain(subject.fields.iter_mut())
                .chain(subject.rules.iter_mut()),
        );
        for check in checks {
            if let Some(v) = check_texts(check, &mut texts) {
                self.redact_value(v);
            }
        }
        for exchange in exchanges {
            self.exchange_texts(exchange, &mut texts);
        }
        self.redact_many(&mut texts);
    }

    /// Masks the exchange's sensitive header values, then adds every string of it to `texts`.
    fn exchange_texts<'a>(&self, exchange: &'a mut Exchange, texts: &mut Vec<&'a mut String>) {
        let Exchange {
            purpose,
            request,
            response,
            error,
            duration_ms: _,
        } = exchange;
        self.redact_headers(&mut request.headers);
        texts.extend([purpose, &mut request.method, &mut request.url]);
        texts.extend(error.iter_mut().chain(request.body.iter_mut()));
        // Secrets inside any header name or value too (a gateway key under a header the
        // dialect does not call sensitive).
        texts.extend(request.headers.iter_mut().flat_map(|(n, v)| [n, v]));
        if let Some(r) = response {
            self.redact_headers(&mut r.headers);
            texts.extend(r.headers.iter_mut().flat_map(|(n, v)| [n, v]));
            texts.push(&mut r.body);
        }
    }

    fn redact_all<const N: usize>(&self, texts: [&mut String; N]) {
        for t in texts {
            self.redact_in_place(t);
        }
    }
}

/// Adds the check's strings to `texts`; returns its schema fragment, a JSON value.
fn check_texts<'a>(
    check: &'a mut CheckResult,
    texts: &mut Vec<&'a mut String>,
) -> Option<&'a mut serde_json::Value> {
    let CheckResult {
        kind: _,
        at,
        passed: _,
        expected,
        actual,
        details,
        schema_fragment,
    } = check;
    texts.extend([expected, actual]);
    texts.extend(at.iter_mut().chain(details.iter_mut()));
    schema_fragment.as_mut()
}
