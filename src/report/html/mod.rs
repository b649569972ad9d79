//! One self-contained HTML page (`--html FILE`): open it from a CI artifact, offline.
//!
//! The summary parts (run facts, totals, coverage) are rendered here as escaped HTML, so they
//! show even with scripts off. The cases travel as JSON in two `<script type="application/json">`
//! elements (see `data.rs`): the rows, parsed on open, and each case's details, parsed when the
//! case is opened; `page.js` renders the table one page at a time. So 10,000 cases open quickly
//! (`cargo bench --bench outputs`). No CDN, font, image or request: everything is inline.

mod coverage;
mod data;

use std::io::{self, Write};

use super::{dialect_totals, format_duration, restore_hint};
use crate::result::{RunReport, Totals, totals_of};

const TEMPLATE: &str = include_str!("page.html");
const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");

/// The page for an (already redacted) report, as one text (for tests and library callers; files
/// are written by [`write_to`]).
pub fn render(report: &RunReport) -> io::Result<String> {
    let mut out = Vec::new();
    write_to(report, &mut out)?;
    String::from_utf8(out).map_err(io::Error::other)
}

/// Writes the page for an (already redacted) report to `out`. The summary parts are small texts;
/// the case data is serialized straight into the output.
pub fn write_to(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    let title = format!("pwconform: {}", headline(report.totals()));
    let texts = [
        ("title", esc(&title)),
        ("style", STYLE.to_owned()),
        ("headline", headline_html(report)),
        ("alerts", alerts(report)),
        ("meta", meta(report)),
        ("totals", totals(report)),
        ("coverage", coverage::render(report)),
        ("coverage_rules", esc(coverage::RULES)),
        ("script", SCRIPT.to_owned()),
    ];
    fill(TEMPLATE, out, &mut |name, out| match name {
        "data" => data::write_rows(report, out).map(|()| true),
        "details" => data::write_details(report, out).map(|()| true),
        _ => match texts.iter().find(|(n, _)| *n == name) {
            Some((_, text)) => out.write_all(text.as_bytes()).map(|()| true),
            None => Ok(false),
        },
    })
}

/// Writes the template with each `{{name}}` replaced by what `slot` writes for it (`false`: not
/// a slot, left as it is). One pass: inserted text is never scanned again, so a server's answer
/// containing `{{data}}` stays text.
fn fill(
    template: &str,
    out: &mut dyn Write,
    slot: &mut dyn FnMut(&str, &mut dyn Write) -> io::Result<bool>,
) -> io::Result<()> {
    let mut rest = template;
    while let Some((before, after)) = rest.split_once("{{") {
        out.write_all(before.as_bytes())?;
        let filled = match after.split_once("}}") {
            Some((name, next)) if slot(name, out)? => Some(next),
            _ => None,
        };
        match filled {
            Some(next) => rest = next,
            None => {
                out.write_all(b"{{")?;
                rest = after;
            }
        }
    }
    out.write_all(rest.as_bytes())
}

/// HTML-escapes text for element content and quoted attribute values.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// `#k=v&k=v` with values percent-encoded as `page.js` reads them back (`URLSearchParams`).
/// Still needs [`esc`] before it goes into an attribute.
fn hash_link(pairs: &[(&str, &str)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", percent_encode(v)))
        .collect();
    format!("#{}", parts.join("&"))
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn dialect_names(report: &RunReport) -> Vec<&str> {
    let mut names: Vec<&str> = report.meta.dialects.iter().map(String::as_str).collect();
    for case in &report.cases {
        if !names.contains(&case.dialect.as_str()) {
            names.push(&case.dialect);
        }
    }
    names
}

fn headline(t: Totals) -> String {
    let total = t.passed + t.failed + t.skipped + t.errors + t.known;
    if t.failed + t.errors == 0 {
        return format!("{} of {total} cases passed", t.passed);
    }
    format!("{} failed, {} errors of {total} cases", t.failed, t.errors)
}

fn headline_html(report: &RunReport) -> String {
    let t = report.totals();
    let class = if t.failed + t.errors > 0 || !report.unrestored.is_empty() {
        "bad"
    } else {
        "ok"
    };
    format!("<p class=\"headline {class}\">{}</p>", esc(&headline(t)))
}

/// Unrestored accounts (a real account left with another password) come before anything else.
fn alerts(report: &RunReport) -> String {
    let mut out = String::new();
    if !report.unrestored.is_empty() {
        out.push_str("<div class=\"alert\"><strong>Accounts that could not be restored: their password is no longer the original.</strong><ul>");
        for u in &report.unrestored {
            let mut hint = restore_hint(u)
                .map(|h| format!("; {h}"))
                .unwrap_or_default();
            if let Some(manual) = &u.manual {
                hint.push_str(&format!("; by hand: {manual}"));
            }
            out.push_str(&format!(
                "<li><code>{}/{}</code> (role {}): {}{}</li>",
                esc(&u.dialect),
                esc(&u.username),
                esc(&u.role),
                esc(&u.reason),
                esc(&hint)
            ));
        }
        out.push_str("</ul></div>");
    }
    if !report.notes.is_empty() {
        out.push_str("<div class=\"notes\"><strong>Notes</strong><ul>");
        for n in &report.notes {
            out.push_str(&format!("<li>{}</li>", esc(n)));
        }
        out.push_str("</ul></div>");
    }
    out
}

fn meta(report: &RunReport) -> String {
    let m = &report.meta;
    let rows = [
        ("target", esc(&m.target)),
        ("dialects", esc(&m.dialects.join(", "))),
        ("pwconform", esc(&m.tool_version)),
        ("started", esc(&crate::clock::date_time(m.started_unix))),
        ("duration", esc(&format_duration(m.duration_ms))),
        (
            "command line",
            format!("<code>{}</code>", esc(&m.command_line)),
        ),
    ];
    let mut out = String::from("<table class=\"meta\">");
    for (k, v) in rows {
        out.push_str(&format!("<tr><th>{k}</th><td>{v}</td></tr>"));
    }
    out.push_str("</table>");
    out
}

/// Per dialect, then per theme; every non-zero count links to the table filtered to those cases.
fn totals(report: &RunReport) -> String {
    let mut out = String::from("<div class=\"totals\">");
    let dialects: Vec<(String, Totals)> = dialect_totals(report);
    out.push_str(&totals_table(
        "dialect",
        "dialect",
        &dialects,
        report.totals(),
    ));
    let mut themes: Vec<String> = Vec::new();
    for c in &report.cases {
        if !themes.contains(&c.theme) {
            themes.push(c.theme.clone());
        }
    }
    let by_theme: Vec<(String, Totals)> = themes
        .into_iter()
        .map(|t| {
            let totals = totals_of(report.cases.iter().filter(|c| c.theme == t));
            (t, totals)
        })
        .collect();
    out.push_str(&totals_table("theme", "theme", &by_theme, report.totals()));
    out.push_str("</div>");
    out
}

fn totals_table(label: &str, key: &str, rows: &[(String, Totals)], all: Totals) -> String {
    let mut out = format!(
        "<table class=\"counts\"><thead><tr><th>{label}</th><th>passed</th><th>failed</th>\
         <th>errors</th><th>known</th><th>skipped</th><th>total</th></tr></thead><tbody>"
    );
    for (name, t) in rows {
        out.push_str(&counts_row(Some((key, name)), &esc(name), *t));
    }
    out.push_str(&counts_row(None, "<strong>total</strong>", all));
    out.push_str("</tbody></table>");
    out
}

fn counts_row(filter: Option<(&str, &str)>, label: &str, t: Totals) -> String {
    let cells = [
        ("pass", t.passed),
        ("fail", t.failed),
        ("error", t.errors),
        ("known", t.known),
        ("skip", t.skipped),
    ];
    let total = t.passed + t.failed + t.errors + t.known + t.skipped;
    let mut out = format!("<tr><th>{label}</th>");
    for (status, n) in cells {
        if n == 0 {
            out.push_str("<td class=\"zero\">0</td>");
            continue;
        }
        let mut pairs = vec![("status", status)];
        pairs.extend(filter);
        let href = esc(&hash_link(&pairs));
        out.push_str(&format!(
            "<td class=\"n-{status}\"><a href=\"{href}\">{n}</a></td>"
        ));
    }
    out.push_str(&format!("<td>{total}</td></tr>"));
    out
}

#[cfg(test)]
mod tests;
