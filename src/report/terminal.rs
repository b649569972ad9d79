//! The terminal: a progress bar while cases run, one line per case that did not pass, and a
//! summary at the end with unrestored accounts impossible to miss.
//!
//! Text is built by pure `render_*` functions (tested without a terminal) and printed to stderr,
//! so stdout stays free for machine-readable output.

use std::ffi::OsStr;
use std::io::IsTerminal as _;
use std::sync::atomic::{AtomicU64, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use owo_colors::{OwoColorize as _, Style};

use super::{
    case_name, dialect_totals, first_reason, format_duration, restore_hint, unexpected_changes_line,
};
use crate::result::{CaseResult, RunReport, Totals, Unrestored, Verdict};
use crate::run::{Reporter, RunEvent};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TerminalStyle {
    /// Show a progress bar on stderr.
    pub progress: bool,
    /// Colour the output (ANSI escapes).
    pub color: bool,
    /// Print every reason of a case, and skipped cases too.
    pub verbose: bool,
}

impl TerminalStyle {
    /// Progress and colour only when stderr is a terminal and `NO_COLOR` is not set (as
    /// no-color.org says, an empty `NO_COLOR` counts as not set). Logs and CI get plain lines.
    pub fn detect(verbose: bool) -> Self {
        let no_color = std::env::var_os("NO_COLOR");
        Self::from_env(
            std::io::stderr().is_terminal(),
            no_color.as_deref(),
            verbose,
        )
    }

    fn from_env(stderr_is_tty: bool, no_color: Option<&OsStr>, verbose: bool) -> Self {
        let fancy = stderr_is_tty && no_color.is_none_or(OsStr::is_empty);
        Self {
            progress: fancy,
            color: fancy,
            verbose,
        }
    }
}

/// Reports a run's events as they come; shared by the tasks that run cases (`&self` everywhere:
/// the progress bar synchronises itself, the counter is atomic). It is given redacted data only
/// (see `run::RunEvent`), so it holds no redactor.
pub struct TerminalReporter {
    bar: Option<ProgressBar>,
    style: TerminalStyle,
    not_passed: AtomicU64,
}

impl TerminalReporter {
    pub fn new(style: TerminalStyle) -> Self {
        let bar = style.progress.then(|| progress_bar(0, style.color));
        Self {
            bar,
            style,
            not_passed: AtomicU64::new(0),
        }
    }

    pub fn style(&self) -> TerminalStyle {
        self.style
    }

    /// Advances the bar and prints a line above it for a case that did not pass.
    pub fn on_case(&self, case: &CaseResult) {
        if matches!(case.verdict, Verdict::Fail | Verdict::Error) {
            let n = self.not_passed.fetch_add(1, Ordering::Relaxed) + 1;
            if let Some(bar) = &self.bar {
                bar.set_message(format!("{n} not passed"));
            }
        }
        if let Some(line) = render_case_line(case, self.style) {
            self.print(&line);
        }
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    /// Clears the bar and prints the summary.
    pub fn finish(&self, report: &RunReport) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        eprint!("{}", render_summary(report, self.style.color));
    }

    fn print(&self, text: &str) {
        match &self.bar {
            // Printed above the bar; a plain eprintln would be overdrawn by the next tick.
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }
}

impl Reporter for TerminalReporter {
    fn on_event(&self, event: &RunEvent<'_>) {
        match event {
            RunEvent::Started { cases, .. } => {
                if let Some(bar) = &self.bar {
                    bar.set_length(*cases as u64);
                }
            }
            RunEvent::CaseFinished { case } => self.on_case(case),
            RunEvent::Interrupted => self.print(
                "\ninterrupted: no new case is sent; finishing cases in flight and restoring passwords...",
            ),
            RunEvent::Finished { report, .. } => self.finish(report),
            // Both show in the summary (the box, the changed-passwords line).
            RunEvent::AccountRestored { .. } | RunEvent::AccountNotRestored { .. } => {}
        }
    }
}

fn progress_bar(total: u64, color: bool) -> ProgressBar {
    let template = if color {
        "{elapsed_precise} [{bar:30.cyan/blue}] {pos}/{len} {msg:.red}"
    } else {
        "{elapsed_precise} [{bar:30}] {pos}/{len} {msg}"
    };
    let style = ProgressStyle::with_template(template)
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr()).with_style(style)
}

/// `FAIL dialect/case-id: first reason` (then, when verbose, the other reasons indented), or
/// `None` for a pass, and for a skip or known deviation unless verbose.
pub fn render_case_line(case: &CaseResult, style: TerminalStyle) -> Option<String> {
    let (label, paint_style) = match case.verdict {
        Verdict::Pass => return None,
        Verdict::Skip | Verdict::Known if !style.verbose => return None,
        Verdict::Skip => ("SKIP", Style::new().yellow()),
        Verdict::Known => ("KNOWN", Style::new().cyan()),
        Verdict::Fail => ("FAIL", Style::new().red().bold()),
        Verdict::Error => ("ERROR", Style::new().magenta().bold()),
    };
    let text = |s: &str| clean(s);
    let mut line = format!(
        "{} {}: {}",
        paint(label, paint_style, style.color),
        text(&case_name(case)),
        indent_continuation(&text(&first_reason(case)), "    ")
    );
    if style.verbose {
        for reason in case.reasons.iter().skip(1) {
            line.push_str("\n    ");
            line.push_str(&indent_continuation(&text(reason), "      "));
        }
    }
    Some(line)
}

/// Totals per dialect and overall with the run's duration, then unrestored accounts in a red
/// `!!!` box, then notes. The report is already redacted, before any colour: an escape code can
/// never split a secret and hide it from the redactor.
pub fn render_summary(report: &RunReport, color: bool) -> String {
    let text = |s: &str| clean(s);
    let per_dialect = dialect_totals(report);
    let width = per_dialect
        .iter()
        .map(|(d, _)| text(d).chars().count())
        .chain([5])
        .max()
        .unwrap_or(5);
    let mut out = String::from("\n");
    for (dialect, totals) in &per_dialect {
        out.push_str(&format!(
            "{}\n",
            totals_line(&text(dialect), *totals, width)
        ));
    }
    let totals = report.totals();
    let duration = format_duration(report.meta.duration_ms);
    let total_line = format!("{}  in {duration}", totals_line("total", totals, width));
    let total_style = if totals.failed + totals.errors > 0 {
        Style::new().red().bold()
    } else {
        Style::new().green().bold()
    };
    out.push_str(&format!("{}\n", paint(&total_line, total_style, color)));
    if let Some(line) = unexpected_changes_line(report) {
        let line = indent_continuation(&text(&line), "  ");
        out.push_str(&format!("{}\n", paint(&line, Style::new().yellow(), color)));
    }
    if !report.unrestored.is_empty() {
        out.push('\n');
        for line in unrestored_box(&report.unrestored) {
            out.push_str(&format!(
                "{}\n",
                paint(&text(&line), Style::new().red().bold(), color)
            ));
        }
    }
    for note in &report.notes {
        let note = format!("note: {}", indent_continuation(&text(note), "      "));
        out.push_str(&format!("{}\n", paint(&note, Style::new().yellow(), color)));
    }
    out
}

fn totals_line(label: &str, t: Totals, width: usize) -> String {
    let known = if t.known > 0 {
        format!("  {} known", t.known)
    } else {
        String::new()
    };
    format!(
        "{label:<width$}  {} passed  {} failed  {} skipped  {} errors{known}",
        t.passed, t.failed, t.skipped, t.errors
    )
}

const BOX_EDGE: &str = "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!";

/// The lines of the warning box, uncoloured and unredacted.
fn unrestored_box(unrestored: &[Unrestored]) -> Vec<String> {
    let n = unrestored.len();
    let (accounts, its) = if n == 1 {
        ("ACCOUNT", "its")
    } else {
        ("ACCOUNTS", "their")
    };
    let mut lines = vec![
        BOX_EDGE.to_owned(),
        format!(
            "!!! {n} {accounts} COULD NOT BE RESTORED: {its} password is no longer the original."
        ),
    ];
    for u in unrestored {
        lines.push("!!!".to_owned());
        lines.push(format!(
            "!!! {}/{} (role {}): {}",
            u.dialect,
            u.username,
            u.role,
            indent_continuation(&u.reason, "!!!     ")
        ));
        if let Some(hint) = restore_hint(u) {
            lines.push(format!("!!!     {hint}"));
        }
    }
    lines.push(BOX_EDGE.to_owned());
    lines
}

fn paint(text: &str, style: Style, enabled: bool) -> String {
    if enabled {
        text.style(style).to_string()
    } else {
        text.to_owned()
    }
}

/// Replaces control characters (but newline and tab): a server's text must not be able to move
/// the cursor, clear the screen or fake colours in the user's terminal.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                char::REPLACEMENT_CHARACTER
            } else {
                c
            }
        })
        .collect()
}

/// Keeps multi-line text inside its block by indenting every line after the first.
fn indent_continuation(text: &str, indent: &str) -> String {
    text.trim_end().replace('\n', &format!("\n{indent}"))
}

#[cfg(test)]
mod tests;
