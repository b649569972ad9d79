//! A Markdown summary short enough for a PR comment or `$GITHUB_STEP_SUMMARY`: unrestored
//! accounts first, totals per dialect, then the cases that did not pass. The full detail is in the
//! JSON and JUnit reports.

use super::{RestoreHint, case_name, dialect_totals, first_reason, format_duration, restore_hint};
use crate::result::{CaseResult, RunReport, Totals, Verdict};

/// More would drown the comment; the rest are in the JSON/JUnit reports.
const MAX_LISTED: usize = 50;
/// Server messages can be long (stack traces, HTML pages); one line each is enough here.
const MAX_REASON_CHARS: usize = 300;

/// Renders the summary of an (already redacted) report.
pub fn render(report: &RunReport) -> String {
    let mut out = String::new();
    push_unrestored(&mut out, report);
    push_heading(&mut out, report);
    push_totals(&mut out, report);
    if let Some(line) = super::unexpected_changes_line(report) {
        out.push_str(&format!("{}\n\n", escape(&shorten(&line))));
    }
    push_failures(&mut out, report);
    push_notes(&mut out, report);
    out
}

fn push_unrestored(out: &mut String, report: &RunReport) {
    let n = report.unrestored.len();
    if n == 0 {
        return;
    }
    // GitHub renders `[!CAUTION]` as a red alert box; elsewhere it stays a visible quote.
    out.push_str("> [!CAUTION]\n");
    let (accounts, its) = if n == 1 {
        ("account", "its")
    } else {
        ("accounts", "their")
    };
    out.push_str(&format!(
        "> **{n} {accounts} could not be restored: {its} password is no longer the original.**\n"
    ));
    for u in &report.unrestored {
        let account = code(&format!("{}/{}", u.dialect, u.username));
        let mut line = format!(
            "> - {account} (role {}): {}",
            escape(&u.role),
            escape(&u.reason)
        );
        match restore_hint(u) {
            Some(RestoreHint::Command(command)) => {
                line.push_str(&format!("; restore with {}", code(command)));
            }
            Some(RestoreHint::Journal(path)) => {
                line.push_str(&format!(
                    "; journal {} (give it to `pwconform restore`)",
                    code(path)
                ));
            }
            None => {}
        }
        if let Some(manual) = &u.manual {
            line.push_str(&format!("; by hand: {}", escape(manual)));
        }
        out.push_str(&line);
        out.push('\n');
    }
    out.push('\n');
}

fn push_heading(out: &mut String, report: &RunReport) {
    let meta = &report.meta;
    out.push_str(&format!("## pwconform: {}\n\n", headline(report.totals())));
    out.push_str(&format!(
        "Target {} · {} · pwconform {}\n\n",
        code(&meta.target),
        format_duration(meta.duration_ms),
        escape(&meta.tool_version)
    ));
}

/// `4 of 5 cases passed, 1 skipped`, or the counts that matter, worst first.
fn headline(t: Totals) -> String {
    let total = t.passed + t.failed + t.skipped + t.errors + t.known;
    let mut parts = if t.failed == 0 && t.errors == 0 {
        vec![format!("{} of {total} cases passed", t.passed)]
    } else {
        vec![
            format!("{} failed", t.failed),
            format!("{} errors", t.errors),
            format!("{} passed", t.passed),
        ]
    };
    if t.skipped > 0 {
        parts.push(format!("{} skipped", t.skipped));
    }
    if t.known > 0 {
        parts.push(format!("{} known deviations", t.known));
    }
    parts.join(", ")
}

fn push_totals(out: &mut String, report: &RunReport) {
    out.push_str("| dialect | passed | failed | skipped | errors | known |\n");
    out.push_str("|---|---:|---:|---:|---:|---:|\n");
    for (dialect, t) in dialect_totals(report) {
        out.push_str(&totals_row(&escape(&dialect), t));
    }
    out.push_str(&totals_row("**total**", report.totals()));
    out.push('\n');
}

fn totals_row(label: &str, t: Totals) -> String {
    format!(
        "| {label} | {} | {} | {} | {} | {} |\n",
        t.passed, t.failed, t.skipped, t.errors, t.known
    )
}

fn push_failures(out: &mut String, report: &RunReport) {
    let failing: Vec<&CaseResult> = report
        .cases
        .iter()
        .filter(|c| matches!(c.verdict, Verdict::Fail | Verdict::Error))
        .collect();
    if failing.is_empty() {
        return;
    }
    out.push_str("### Cases that did not pass\n\n");
    for case in failing.iter().take(MAX_LISTED) {
        out.push_str(&failure_line(case));
        out.push('\n');
    }
    if failing.len() > MAX_LISTED {
        let more = failing.len() - MAX_LISTED;
        out.push_str(&format!(
            "- … and {more} more (see the JSON or JUnit report)\n"
        ));
    }
    out.push('\n');
}

fn failure_line(case: &CaseResult) -> String {
    let label = if case.verdict == Verdict::Error {
        "ERROR"
    } else {
        "FAIL"
    };
    let reason = escape(&shorten(&first_reason(case)));
    let mut line = format!("- **{label}** {}: {reason}", code(&case_name(case)));
    if let Some(url) = case.doc.as_deref().and_then(safe_url) {
        line.push_str(&format!(" ([contract]({url}))"));
    }
    line
}

fn push_notes(out: &mut String, report: &RunReport) {
    if report.notes.is_empty() {
        return;
    }
    out.push_str("### Notes\n\n");
    for note in &report.notes {
        out.push_str(&format!("- {}\n", escape(&shorten(note))));
    }
    out.push('\n');
}

/// One line, at most [`MAX_REASON_CHARS`] characters.
fn shorten(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > MAX_REASON_CHARS {
        let cut: String = one_line.chars().take(MAX_REASON_CHARS).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

/// Backslash-escapes what Markdown (or the HTML GitHub allows in it) would interpret, so a
/// server's message is shown as text and cannot inject links, images or tags into a PR comment.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '#' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// A code span whose fence is longer than any run of backticks inside, so ids cannot break out.
fn code(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ");
    let longest_run = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    // Padding keeps a leading or trailing backtick from merging with the fence.
    let pad = if longest_run > 0 { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Only plain http(s) links, with the characters that would end a Markdown link encoded.
fn safe_url(url: &str) -> Option<String> {
    let plain = url.starts_with("https://") || url.starts_with("http://");
    if !plain || url.chars().any(char::is_whitespace) {
        return None;
    }
    Some(
        url.replace('(', "%28")
            .replace(')', "%29")
            .replace('<', "%3C")
            .replace('>', "%3E"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;

    #[test]
    fn unrestored_warning_comes_first() {
        let text = render(&testdata::report());
        assert!(
            text.starts_with("> [!CAUTION]\n> **1 account could not be restored"),
            "{text}"
        );
        assert!(
            text.contains("> - `ocariot/edu1` (role educator): restore answered 401"),
            "{text}"
        );
        assert!(
            text.contains("; journal `reports/restore-journal-1700000000.json` (give"),
            "{text}"
        );
    }

    #[test]
    fn no_warning_without_unrestored() {
        let mut report = testdata::report();
        report.unrestored.clear();
        assert!(render(&report).starts_with("## pwconform: 1 failed, 1 errors"));
    }

    #[test]
    fn totals_per_dialect_and_overall() {
        let text = render(&testdata::report());
        assert!(text.contains("| ocariot | 1 | 1 | 0 | 0 | 0 |\n"), "{text}");
        assert!(
            text.contains("| openspecimen | 0 | 0 | 1 | 1 | 0 |\n"),
            "{text}"
        );
        assert!(
            text.contains("| **total** | 1 | 1 | 1 | 1 | 0 |\n"),
            "{text}"
        );
    }

    #[test]
    fn lists_failures_and_errors_not_skips() {
        let text = render(&testdata::report());
        assert!(
            text.contains(
                "- **FAIL** `ocariot/wrong-type[old_password=123]`: status: expected 400, got 204 \\<\\&\\> \
                 ([contract](https://example.org/docs#change-password))"
            ),
            "{text}"
        );
        assert!(text.contains(
            "- **ERROR** `openspecimen/missing-fields[newPassword]`: connection refused"
        ));
        assert!(!text.contains("forbidden-roles"), "{text}");
        assert!(text.contains("### Notes\n\n- login failed"), "{text}");
    }

    #[test]
    fn caps_the_list() {
        let mut report = testdata::report();
        let failing = report.cases[1].clone();
        report.cases = (0..MAX_LISTED + 7).map(|_| failing.clone()).collect();
        let text = render(&report);
        assert_eq!(text.matches("- **FAIL**").count(), MAX_LISTED);
        assert!(text.contains("- … and 7 more"), "{text}");
    }

    #[test]
    fn all_passed_headline() {
        let t = Totals {
            passed: 4,
            skipped: 1,
            known: 2,
            ..Totals::default()
        };
        assert_eq!(
            headline(t),
            "4 of 7 cases passed, 1 skipped, 2 known deviations"
        );
    }

    #[test]
    fn known_deviations_are_counted_not_listed() {
        let mut report = testdata::report();
        report.cases[1].verdict = Verdict::Known;
        let text = render(&report);
        assert!(text.contains("| ocariot | 1 | 0 | 0 | 0 | 1 |\n"), "{text}");
        assert!(!text.contains("wrong-type"), "{text}");
    }

    #[test]
    fn long_reasons_are_cut() {
        let short = shorten(&"ab\ncd ".repeat(200));
        assert_eq!(short.chars().count(), MAX_REASON_CHARS + 1);
        assert!(!short.contains('\n'));
    }

    #[test]
    fn server_text_cannot_inject_markup() {
        assert_eq!(
            escape("<img src=x> [a](b) *x*"),
            "\\<img src=x\\> \\[a\\](b) \\*x\\*"
        );
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(code("plain"), "`plain`");
        assert_eq!(safe_url("javascript:alert(1)"), None);
        assert_eq!(
            safe_url("https://x/a(b)").as_deref(),
            Some("https://x/a%28b%29")
        );
    }
}
