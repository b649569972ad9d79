//! GitHub Actions annotations: under `GITHUB_ACTIONS=true` each case that failed, or could not be
//! asked, becomes a `::error file=...,line=...::` workflow command, so GitHub marks the line of
//! its definition in the case file and lists it on the run's page; an unrestored account becomes
//! an annotation too. Rendered from the redacted report, like every other output.

use std::io::Write as _;

use super::{case_name, case_source, first_reason, restore_hint};
use crate::result::{RunReport, Verdict};

/// GitHub shows at most 10 error annotations per step; the 10th says how many more there are.
pub const MAX_ANNOTATIONS: usize = 10;

/// Whether the process runs as a GitHub Actions step.
pub fn enabled() -> bool {
    std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
}

/// The workflow commands for `report` (already redacted), one per line, at most
/// [`MAX_ANNOTATIONS`]: unrestored accounts first (they need a person), then failing cases.
pub fn annotations(report: &RunReport) -> Vec<String> {
    let mut all: Vec<String> = report
        .unrestored
        .iter()
        .map(|u| {
            let hint = restore_hint(u)
                .map(|h| format!("; {h}"))
                .unwrap_or_default();
            command(
                &[(
                    "title",
                    format!("password not restored: {}/{}", u.dialect, u.username),
                )],
                &format!("role {}: {}{hint}", u.role, u.reason),
            )
        })
        .collect();
    for case in report
        .cases
        .iter()
        .filter(|c| matches!(c.verdict, Verdict::Fail | Verdict::Error))
    {
        let mut properties = Vec::new();
        if let Some((file, line)) = case_source(case) {
            properties.push(("file", file.to_owned()));
            properties.extend(line.map(|l| ("line", l.to_string())));
        }
        properties.push(("title", case_name(case)));
        all.push(command(&properties, &first_reason(case)));
    }
    if all.len() > MAX_ANNOTATIONS {
        let more = all.len() - (MAX_ANNOTATIONS - 1);
        all.truncate(MAX_ANNOTATIONS - 1);
        all.push(command(
            &[("title", "pwconform".to_owned())],
            &format!("{more} more failing cases: see the JUnit report or report.html"),
        ));
    }
    all
}

/// Prints the annotations: on standard output, where GitHub reads workflow commands, unless a
/// report is piped there (`--json -`); then on standard error, which the runner also reads.
pub fn print(report: &RunReport, stdout_taken: bool) {
    let text: String = annotations(report).into_iter().map(|l| l + "\n").collect();
    if text.is_empty() {
        return;
    }
    // A closed stream is no reason to fail a run whose reports are written.
    let _ = if stdout_taken {
        std::io::stderr().lock().write_all(text.as_bytes())
    } else {
        std::io::stdout().lock().write_all(text.as_bytes())
    };
}

/// `::error prop=value,...::message`, escaped as the runner expects: a newline would end the
/// command, and `,` or `:` inside a property value would end that value.
fn command(properties: &[(&str, String)], message: &str) -> String {
    let props: Vec<String> = properties
        .iter()
        .map(|(k, v)| format!("{k}={}", escape_property(v)))
        .collect();
    let props = if props.is_empty() {
        String::new()
    } else {
        format!(" {}", props.join(","))
    };
    format!("::error{props}::{}", escape_data(message))
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;

    #[test]
    fn failing_cases_point_at_their_definition() {
        let report = testdata::report();
        let lines = annotations(&report);
        let failing = report
            .cases
            .iter()
            .filter(|c| matches!(c.verdict, Verdict::Fail | Verdict::Error))
            .count();
        assert_eq!(lines.len(), report.unrestored.len() + failing, "{lines:#?}");
        let wrong_type = lines
            .iter()
            .find(|l| l.contains("wrong-type"))
            .unwrap_or_else(|| panic!("{lines:#?}"));
        assert!(
            wrong_type.starts_with(
                "::error file=cases/wrong-types.yaml,line=7,title=ocariot/wrong-type[old_password=123]::"
            ),
            "{wrong_type}"
        );
        assert!(
            lines[0].starts_with("::error title=password not restored%3A "),
            "{}",
            lines[0]
        );
        for secret in testdata::SECRETS {
            let redacted = testdata::redactor().redact_report(&report);
            assert!(
                !annotations(&redacted).concat().contains(secret),
                "{secret}"
            );
        }
    }

    #[test]
    fn messages_cannot_break_out_of_the_command_and_count_is_capped() {
        assert_eq!(
            command(&[("title", "a,b:c".into())], "50% done\nnext"),
            "::error title=a%2Cb%3Ac::50%25 done%0Anext"
        );
        let mut report = testdata::report();
        report.unrestored.clear();
        let failing = report.cases[1].clone();
        report.cases = vec![failing; 25];
        let lines = annotations(&report);
        assert_eq!(lines.len(), MAX_ANNOTATIONS);
        assert_eq!(
            lines.last().map(String::as_str),
            Some(
                "::error title=pwconform::16 more failing cases: see the JUnit report or report.html"
            )
        );
    }
}
