use rstest::rstest;

use super::*;
use crate::report::testdata;

const PLAIN: TerminalStyle = TerminalStyle {
    progress: false,
    color: false,
    verbose: false,
};
const VERBOSE: TerminalStyle = TerminalStyle {
    verbose: true,
    ..PLAIN
};

/// The test report as a run hands it to the terminal: redacted.
fn redacted() -> RunReport {
    testdata::redactor().redact_report(&testdata::report())
}

fn line(index: usize, style: TerminalStyle) -> Option<String> {
    render_case_line(&redacted().cases[index], style)
}

#[rstest]
#[case::tty(true, None, true)]
#[case::empty_no_color_ignored(true, Some(""), true)]
#[case::no_color(true, Some("1"), false)]
#[case::not_a_tty(false, None, false)]
fn detection(#[case] tty: bool, #[case] no_color: Option<&str>, #[case] fancy: bool) {
    let style = TerminalStyle::from_env(tty, no_color.map(OsStr::new), true);
    assert_eq!(
        (style.progress, style.color, style.verbose),
        (fancy, fancy, true)
    );
}

#[rstest]
#[case::pass(0, PLAIN, None)]
#[case::pass_verbose(0, VERBOSE, None)]
#[case::fail(
    1,
    PLAIN,
    Some("FAIL ocariot/wrong-type[old_password=123]: status: expected 400, got 204 <&>")
)]
#[case::error(
    2,
    PLAIN,
    Some("ERROR openspecimen/missing-fields[newPassword]: connection refused")
)]
#[case::skip_hidden(3, PLAIN, None)]
#[case::skip_verbose(
    3,
    VERBOSE,
    Some("SKIP openspecimen/forbidden-roles: no account for role `researcher`")
)]
fn case_lines(#[case] index: usize, #[case] style: TerminalStyle, #[case] expected: Option<&str>) {
    assert_eq!(line(index, style).as_deref(), expected);
}

#[test]
fn verbose_lists_other_reasons_redacted() {
    let text = line(1, VERBOSE).unwrap_or_default();
    assert!(
        text.ends_with("\n    the server accepted old password ***"),
        "{text}"
    );
    assert!(!text.contains(testdata::OLD_PASSWORD));
}

#[test]
fn colour_only_when_asked() {
    let coloured = line(
        1,
        TerminalStyle {
            color: true,
            ..PLAIN
        },
    )
    .unwrap_or_default();
    assert!(
        coloured.contains('\u{1b}') && coloured.contains("FAIL"),
        "{coloured:?}"
    );
    assert!(!line(1, PLAIN).unwrap_or_default().contains('\u{1b}'));
}

#[test]
fn server_text_cannot_drive_the_terminal() {
    let mut case = testdata::report().cases[1].clone();
    case.reasons[0] = "bad\u{1b}[2J\rbody".to_owned();
    let text = render_case_line(&case, PLAIN).unwrap_or_default();
    assert!(text.ends_with(": bad\u{fffd}[2J\u{fffd}body"), "{text:?}");
}

#[test]
fn summary_totals_and_duration() {
    let text = render_summary(&redacted(), false);
    assert!(
        text.contains("\nocariot       1 passed  1 failed  0 skipped  0 errors\n"),
        "{text}"
    );
    assert!(
        text.contains("\nopenspecimen  0 passed  0 failed  1 skipped  1 errors\n"),
        "{text}"
    );
    assert!(
        text.contains("\ntotal         1 passed  1 failed  1 skipped  1 errors  in 3.4 s\n"),
        "{text}"
    );
}

#[test]
fn summary_shouts_unrestored_accounts_and_redacts() {
    let text = render_summary(&redacted(), false);
    assert!(
        text.contains(&format!("{BOX_EDGE}\n!!! 1 ACCOUNT COULD NOT BE RESTORED")),
        "{text}"
    );
    assert!(
        text.contains(
            "!!! ocariot/edu1 (role educator): restore answered 401; password is now ***\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("!!!     journal: reports/restore-journal-1700000000.json"),
        "{text}"
    );
    assert!(
        text.contains("note: login failed for admin with token ***\n"),
        "{text}"
    );
    for secret in testdata::SECRETS {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    let coloured = render_summary(&redacted(), true);
    assert!(
        coloured.contains("\u{1b}[") && coloured.contains("!!!"),
        "{coloured}"
    );
}

#[test]
fn summary_without_trouble_has_no_box() {
    let mut report = testdata::report();
    report.unrestored.clear();
    report.notes.clear();
    let text = render_summary(&report, false);
    assert!(!text.contains("!!!") && !text.contains("note:"), "{text}");
}

#[test]
fn reporter_is_shared_across_threads() {
    let reporter = std::sync::Arc::new(TerminalReporter::new(PLAIN));
    let report = redacted();
    std::thread::scope(|scope| {
        for _ in 0..10 {
            scope.spawn(|| report.cases.iter().for_each(|c| reporter.on_case(c)));
        }
    });
    // One fail and one error per round.
    assert_eq!(reporter.not_passed.load(Ordering::Relaxed), 20);
    reporter.finish(&report);
}

#[test]
fn known_deviation_only_when_verbose() {
    let mut case = redacted().cases[1].clone();
    case.verdict = Verdict::Known;
    assert_eq!(render_case_line(&case, PLAIN), None);
    let text = render_case_line(&case, VERBOSE).unwrap_or_default();
    assert!(text.starts_with("KNOWN ocariot/wrong-type"), "{text}");
    let mut report = redacted();
    report.cases[1].verdict = Verdict::Known;
    let summary = render_summary(&report, false);
    assert!(
        summary.contains("\nocariot       1 passed  0 failed  0 skipped  0 errors  1 known\n"),
        "{summary}"
    );
}
