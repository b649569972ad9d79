//! JUnit XML, for CI systems that show test results (GitLab, Jenkins, GitHub test reporters).
//!
//! One `testsuite` per dialect, one `testcase` per case. A `failure` is a contract violation, an
//! `error` a case the target could not be asked, `skipped` a case that could not run or a known
//! deviation (listed in the baseline), whose message starts with `known deviation:`.

use std::io::{self, Write};

use super::xml::XmlWriter;
use super::{case_name, case_source, dialect_totals, first_reason, render_exchanges, restore_hint};
use crate::result::{CaseResult, CheckResult, RunReport, Unrestored, Verdict, totals_of};

/// The XML text of [`write_to`].
pub fn render(report: &RunReport) -> io::Result<String> {
    let mut out = Vec::new();
    write_to(report, &mut out)?;
    String::from_utf8(out).map_err(io::Error::other)
}

/// Writes the JUnit document of an (already redacted) report to `out`, one case at a time: the
/// document is never built as a tree (quick-junit's would hold every case's transcript again).
///
/// `<testsuites>` carries no `skipped`: the junit-10.xsd that Jenkins and other tools validate
/// against does not allow it there (tests/data/junit.xsd); each `<testsuite>` has its own.
pub fn write_to(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    let mut xml = XmlWriter::new(out)?;
    let totals = report.totals();
    let [tests, failures, errors] =
        [report.cases.len(), totals.failed, totals.errors].map(|n| n.to_string());
    let time = seconds(report.meta.duration_ms);
    xml.start(
        "testsuites",
        &[
            ("name", "pwconform"),
            ("tests", tests.as_str()),
            ("failures", failures.as_str()),
            ("errors", errors.as_str()),
            ("time", time.as_str()),
        ],
    )?;
    let mut suites: Vec<String> = dialect_totals(report).into_iter().map(|(d, _)| d).collect();
    // Report-level trouble must show even when no case ran (e.g. every login failed).
    if suites.is_empty() && !(report.unrestored.is_empty() && report.notes.is_empty()) {
        suites.push("pwconform".to_owned());
    }
    for (i, suite) in suites.iter().enumerate() {
        let messages = run_messages(report, &suites, i);
        write_suite(&mut xml, report, suite, messages.as_deref())?;
    }
    xml.end("testsuites")?;
    xml.finish()
}

/// JUnit's time: seconds with three decimals.
fn seconds(ms: u64) -> String {
    format!("{:.3}", ms as f64 / 1000.0)
}

fn write_suite(
    xml: &mut XmlWriter<'_>,
    report: &RunReport,
    dialect: &str,
    system_err: Option<&str>,
) -> io::Result<()> {
    let cases = || report.cases.iter().filter(move |c| c.dialect == dialect);
    let t = totals_of(cases());
    // Cases run concurrently, so this sum is work done, not wall time (as other tools report it).
    let total_ms: u64 = cases().map(|c| c.duration_ms).sum();
    let [tests, skipped, errors, failures] =
        [cases().count(), t.skipped + t.known, t.errors, t.failed].map(|n| n.to_string());
    let time = seconds(total_ms);
    let attrs = [
        ("name", dialect),
        ("tests", tests.as_str()),
        ("skipped", skipped.as_str()),
        ("errors", errors.as_str()),
        ("failures", failures.as_str()),
        ("time", time.as_str()),
    ];
    if cases().next().is_none() && system_err.is_none() {
        return xml.empty("testsuite", &attrs);
    }
    xml.start("testsuite", &attrs)?;
    for case in cases() {
        write_case(xml, case)?;
    }
    if let Some(text) = system_err {
        xml.text_element("system-err", &[], text)?;
    }
    xml.end("testsuite")
}

fn write_case(xml: &mut XmlWriter<'_>, case: &CaseResult) -> io::Result<()> {
    let name = case_name(case);
    let classname = format!("{}.{}", case.dialect, case.theme);
    let time = seconds(case.duration_ms);
    let line = case_source(case)
        .and_then(|(_, l)| l)
        .map(|l| l.to_string());
    let mut attrs = vec![
        ("name", name.as_str()),
        ("classname", classname.as_str()),
        ("time", time.as_str()),
    ];
    // GitLab and GitHub test reporters link a test case to the line that defines it.
    if let Some((file, _)) = case_source(case) {
        attrs.push(("file", file));
        if let Some(line) = &line {
            attrs.push(("line", line.as_str()));
        }
    }
    let status = case_status(case);
    if status.is_none() && case.exchanges.is_empty() {
        return xml.empty("testcase", &attrs);
    }
    xml.start("testcase", &attrs)?;
    if let Some(status) = status {
        status.write(xml)?;
    }
    if !case.exchanges.is_empty() {
        xml.text_element("system-out", &[], &render_exchanges(&case.exchanges))?;
    }
    xml.end("testcase")
}

/// The element a case that did not pass gets: `failure`, `error` or `skipped`.
struct Status {
    tag: &'static str,
    message: String,
    ty: Option<String>,
    description: String,
}

impl Status {
    fn write(&self, xml: &mut XmlWriter<'_>) -> io::Result<()> {
        let mut attrs = vec![("message", self.message.as_str())];
        if let Some(ty) = &self.ty {
            attrs.push(("type", ty.as_str()));
        }
        if self.description.is_empty() {
            return xml.empty(self.tag, &attrs);
        }
        xml.text_element(self.tag, &attrs, &self.description)
    }
}

fn case_status(case: &CaseResult) -> Option<Status> {
    let tag = match case.verdict {
        Verdict::Pass => return None,
        // A known deviation is neither a pass nor a failure of the run: CI tools show skips.
        Verdict::Skip | Verdict::Known => "skipped",
        Verdict::Fail => "failure",
        Verdict::Error => "error",
    };
    let message = match case.verdict {
        Verdict::Known => format!("known deviation: {}", first_reason(case)),
        _ => first_reason(case),
    };
    Some(Status {
        tag,
        message,
        // The first failed check names the kind of violation, which CI UIs show next to the
        // message.
        ty: case.checks.iter().find(|c| !c.passed).map(|c| c.label()),
        description: describe(case),
    })
}

fn describe(case: &CaseResult) -> String {
    let mut lines: Vec<String> = case.reasons.clone();
    for check in case.checks.iter().filter(|c| !c.passed) {
        lines.extend(describe_check(check));
    }
    if let Some(doc) = &case.doc {
        lines.push(format!("contract: {doc}"));
    }
    lines.join("\n")
}

fn describe_check(check: &CheckResult) -> Vec<String> {
    let mut lines = vec![
        format!("check {} failed", check.label()),
        format!("  expected: {}", check.expected),
        format!("  actual:   {}", check.actual),
    ];
    lines.extend(check.details.iter().map(|d| format!("  - {d}")));
    lines
}

/// The `system-err` of suite `i`: unrestored accounts go to their dialect's suite (the first
/// suite if none matches); notes, which belong to no dialect, go to every suite so no reader of
/// one suite misses them.
fn run_messages(report: &RunReport, suites: &[String], i: usize) -> Option<String> {
    let suite = suites.get(i)?;
    let mut lines: Vec<String> = report
        .unrestored
        .iter()
        .filter(|u| &u.dialect == suite || (i == 0 && !suites.contains(&u.dialect)))
        .map(describe_unrestored)
        .collect();
    lines.extend(report.notes.iter().map(|n| format!("note: {n}")));
    (!lines.is_empty()).then(|| lines.join("\n"))
}

fn describe_unrestored(u: &Unrestored) -> String {
    let mut text = format!(
        "UNRESTORED ACCOUNT {}/{} (role {}): {}",
        u.dialect, u.username, u.role, u.reason
    );
    if let Some(hint) = restore_hint(u) {
        text.push_str(&format!("; {hint}"));
    }
    if let Some(manual) = &u.manual {
        text.push_str(&format!("; by hand: {manual}"));
    }
    text
}

#[cfg(test)]
mod tests;
