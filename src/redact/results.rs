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
            } = u;
            self.redact_all([dialect, role, username, reason]);
            journal.iter_mut().for_each(|j| self.redact_in_place(j));
        }
        notes.iter_mut().for_each(|n| self.redact_in_place(n));
    }

    /// A redacted copy of one case (the terminal and the files get the same text).
    pub fn redact_case(&self, case: &CaseResult) -> CaseResult {
        let mut copy = case.clone();
        self.redact_case_in_place(&mut copy);
        copy
    }

    /// Redacts one case in place: every string, and sensitive header values wholesale.
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
            changed_account,
            change_expected: _,
            duration_ms: _,
            doc,
            file,
            line: _,
            subject,
        } = case;
        self.redact_all([dialect, id, title, theme, expected_outcome]);
        tags.iter_mut()
            .chain(reasons.iter_mut())
            .chain(changed_account.iter_mut())
            .chain(doc.iter_mut())
            .chain(file.iter_mut())
            .chain(subject.fields.iter_mut())
            .chain(subject.rules.iter_mut())
            .for_each(|s| self.redact_in_place(s));
        checks.iter_mut().for_each(|c| self.redact_check(c));
        exchanges.iter_mut().for_each(|e| self.redact_exchange(e));
    }

    fn redact_check(&self, check: &mut CheckResult) {
        let CheckResult {
            kind: _,
            at,
            passed: _,
            expected,
            actual,
            details,
            schema_fragment,
        } = check;
        self.redact_all([expected, actual]);
        at.iter_mut().for_each(|a| self.redact_in_place(a));
        details.iter_mut().for_each(|d| self.redact_in_place(d));
        if let Some(v) = schema_fragment {
            self.redact_value(v);
        }
    }

    fn redact_exchange(&self, exchange: &mut Exchange) {
        let Exchange {
            purpose,
            request,
            response,
            error,
            duration_ms: _,
        } = exchange;
        self.redact_in_place(purpose);
        error.iter_mut().for_each(|e| self.redact_in_place(e));
        self.redact_headers(&mut request.headers);
        self.redact_all([&mut request.method, &mut request.url]);
        request
            .body
            .iter_mut()
            .for_each(|b| self.redact_in_place(b));
        self.redact_header_text(&mut request.headers);
        if let Some(r) = response {
            self.redact_headers(&mut r.headers);
            self.redact_header_text(&mut r.headers);
            self.redact_in_place(&mut r.body);
        }
    }

    /// Secrets inside any header name or value (a gateway key under a header the dialect does
    /// not call sensitive).
    fn redact_header_text(&self, headers: &mut [(String, String)]) {
        for (name, value) in headers {
            self.redact_all([name, value]);
        }
    }

    fn redact_all<const N: usize>(&self, texts: [&mut String; N]) {
        for t in texts {
            self.redact_in_place(t);
        }
    }
}
