//! Known deviations of a real implementation, so CI stays green on purpose-made differences and
//! red on anything new. A failing case listed in the baseline is reported as `known`; a listed case
//! that now passes fails the run as a stale entry, so the baseline cannot silently rot; an expired
//! entry stops excusing its case.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::result::{CaseResult, RunReport, Verdict};
use crate::source::{LoadError, Pos, PosMap, SourceFile};

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Deviations accepted on purpose.
    pub known: Vec<KnownDeviation>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KnownDeviation {
    pub dialect: String,
    /// The expanded case id, as reports show it (`wrong-type-new-password[new_password=123]`).
    pub case: String,
    /// Why the deviation is accepted.
    pub reason: String,
    /// `YYYY-MM-DD`: from this day on the entry no longer excuses the case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// Reads a baseline file; dates and duplicates are checked.
pub fn load_baseline(path: &Path) -> Result<Baseline, LoadError> {
    let file = SourceFile::read(path)?;
    let baseline: Baseline = file.parse_yaml()?;
    // The typed entries have no positions; the same text parsed again gives them back.
    let positions = PosMap::parse(&file.text);
    let error = |pos: Option<Pos>, message: String| match pos {
        Some(p) => file.error_at(p.line, p.column, message),
        None => file.error(message),
    };
    for (i, k) in baseline.known.iter().enumerate() {
        let index = i.to_string();
        if let Some(date) = &k.expires
            && !is_date(date)
        {
            return Err(error(
                positions.value(&["known", &index, "expires"]),
                format!("known[{i}].expires: `{date}` is not a date; expected YYYY-MM-DD"),
            ));
        }
        if let Some(first) = baseline
            .known
            .iter()
            .take(i)
            .position(|o| o.dialect == k.dialect && o.case == k.case)
        {
            let first_line = positions
                .key(&["known", &first.to_string()])
                .map_or_else(String::new, |p| format!(" (first at line {})", p.line));
            return Err(error(
                positions.key(&["known", &index]),
                format!(
                    "known[{i}]: `{}/{}` is listed twice{first_line}; expected one entry per \
                     dialect and case",
                    k.dialect, k.case
                ),
            ));
        }
    }
    Ok(baseline)
}

/// `YYYY-MM-DD` with a month and day that can exist (days are not checked against the month).
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    let number = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok());
    shape
        && number(5..7).is_some_and(|m| (1..=12).contains(&m))
        && number(8..10).is_some_and(|d| (1..=31).contains(&d))
}

/// Applies `baseline` to the verdicts of `report`; `today` is `YYYY-MM-DD`.
pub fn apply(report: &mut RunReport, baseline: &Baseline, source: &str, today: &str) {
    for case in &mut report.cases {
        apply_to_case(case, baseline, source, today);
    }
    let notes = unmatched_notes(report, baseline);
    report.notes.extend(notes);
}

/// Applies `baseline` to one finished case, so that every reporter (the terminal as the case
/// finishes, the files at the end) sees the same verdict. Not idempotent: call it once per case.
pub fn apply_to_case(case: &mut CaseResult, baseline: &Baseline, source: &str, today: &str) {
    let Some(entry) = baseline
        .known
        .iter()
        .find(|k| k.dialect == case.dialect && k.case == case.id)
    else {
        return;
    };
    let expired = entry.expires.as_deref().is_some_and(|d| d <= today);
    match case.verdict {
        Verdict::Fail | Verdict::Error if expired => case.reasons.push(format!(
            "the baseline entry excusing this case expired on {} ({})",
            entry.expires.as_deref().unwrap_or_default(),
            entry.reason
        )),
        Verdict::Fail | Verdict::Error => {
            case.verdict = Verdict::Known;
            case.reasons
                .insert(0, format!("known deviation (baseline): {}", entry.reason));
        }
        Verdict::Pass => {
            case.verdict = Verdict::Fail;
            case.reasons.push(format!(
                "stale baseline entry: listed in {source} as a known deviation ({}), but it \
                 now passes; remove the entry",
                entry.reason
            ));
        }
        Verdict::Skip | Verdict::Known => {}
    }
}

/// A note for each entry of a dialect that ran which names no case of the run.
pub fn unmatched_notes(report: &RunReport, baseline: &Baseline) -> Vec<String> {
    let ran: Vec<&str> = report.meta.dialects.iter().map(String::as_str).collect();
    baseline
        .known
        .iter()
        .filter(|k| ran.contains(&k.dialect.as_str()))
        .filter(|k| {
            !report
                .cases
                .iter()
                .any(|c| c.dialect == k.dialect && c.id == k.case)
        })
        .map(|k| {
            format!(
                "baseline entry {}/{} matches no case of this run",
                k.dialect, k.case
            )
        })
        .collect()
}

/// A baseline listing every case of `report` that did not pass.
pub fn from_report(report: &RunReport, reason: &str, expires: Option<&str>) -> Baseline {
    Baseline {
        known: report
            .cases
            .iter()
            .filter(|c| matches!(c.verdict, Verdict::Fail | Verdict::Error | Verdict::Known))
            .map(|c| KnownDeviation {
                dialect: c.dialect.clone(),
                case: c.id.clone(),
                reason: c
                    .reasons
                    .first()
                    .map_or_else(|| reason.to_string(), |r| format!("{reason}: {r}")),
                expires: expires.map(str::to_string),
            })
            .collect(),
    }
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today() -> String {
    crate::clock::date(crate::clock::now_unix())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::result::{CaseResult, RunMeta};
    use rstest::rstest;

    fn case(id: &str, verdict: Verdict) -> CaseResult {
        CaseResult {
            dialect: "d".into(),
            id: id.into(),
            title: String::new(),
            theme: String::new(),
            tags: Vec::new(),
            expected_outcome: String::new(),
            verdict,
            reasons: vec!["why".into()],
            checks: Vec::new(),
            exchanges: Vec::new(),
            changed_accounts: Vec::new(),
            change_expected: false,
            duration_ms: 0,
            doc: None,
            subject: Default::default(),
            file: None,
            line: None,
        }
    }

    fn report(verdict: Verdict) -> RunReport {
        RunReport {
            meta: RunMeta {
                tool_version: String::new(),
                target: String::new(),
                dialects: vec!["d".into()],
                started_unix: 0,
                duration_ms: 0,
                command_line: String::new(),
            },
            cases: vec![case("c", verdict)],
            unrestored: Vec::new(),
            notes: Vec::new(),
        }
    }

    fn baseline(expires: Option<&str>) -> Baseline {
        Baseline {
            known: vec![KnownDeviation {
                dialect: "d".into(),
                case: "c".into(),
                reason: "on purpose".into(),
                expires: expires.map(str::to_string),
            }],
        }
    }

    #[rstest]
    #[case(Verdict::Fail, None, Verdict::Known)]
    #[case(Verdict::Error, None, Verdict::Known)]
    #[case(Verdict::Pass, None, Verdict::Fail)]
    #[case(Verdict::Fail, Some("2000-01-01"), Verdict::Fail)]
    #[case(Verdict::Fail, Some("2999-01-01"), Verdict::Known)]
    #[case(Verdict::Skip, None, Verdict::Skip)]
    fn verdicts(#[case] before: Verdict, #[case] expires: Option<&str>, #[case] after: Verdict) {
        let mut r = report(before);
        apply(&mut r, &baseline(expires), "b.yaml", "2026-11-23");
        assert_eq!(r.cases[0].verdict, after, "{:?}", r.cases[0].reasons);
    }

    #[test]
    fn stale_entries_say_so_and_unmatched_entries_are_noted() {
        let mut r = report(Verdict::Pass);
        apply(&mut r, &baseline(None), "b.yaml", "2026-11-23");
        assert!(r.cases[0].reasons[1].starts_with("stale baseline entry: listed in b.yaml"));
        let mut r = report(Verdict::Pass);
        r.cases[0].id = "other".into();
        apply(&mut r, &baseline(None), "b.yaml", "2026-11-23");
        assert_eq!(
            r.notes,
            vec!["baseline entry d/c matches no case of this run"]
        );
    }

    #[test]
    fn dates() {
        assert!(is_date("2026-11-23"));
        assert!(!is_date("2026-1-23"));
        assert!(!is_date("2026-13-01"));
        assert!(!is_date("2026-02-00"));
        assert!(!is_date("2026-02-0é"));
        assert_eq!(today().len(), 10);
        assert!(today().as_str() > "2025-01-01");
    }
}
