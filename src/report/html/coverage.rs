//! The coverage matrix of the HTML report: dialect rule x dialect, from the rule ids each case
//! carries in its results (`subject.rules`, set by the plan from the dialect: outcome, `when:`
//! refinement, role entry). Nothing is guessed from case ids.
//!
//! The field filter of the case table reads `subject.fields`; results written before cases carried
//! their subject fall back to the field named in the case id.

use super::{esc, hash_link};
use crate::result::{CaseResult, RunReport, Totals, totals_of};

/// Shown under the matrix, so a reader knows what a row is.
pub const RULES: &str = "A row is one rule of a dialect: `outcome:NAME` its documented answer, \
`outcome:NAME/when[i]` the i-th refinement of it (by field, value kind or target), `role:ROLE/own` \
and `role:ROLE/others` what a role may do. `pwconform coverage` lists every rule, with or without \
a case.";

/// The field(s) a case is about, from its subject: `old_password`, `old_password + new_password`,
/// or `(request)` for a case about no field (a token, a role, the whole body).
pub fn field_of(case: &CaseResult) -> String {
    let s = &case.subject;
    if !s.fields.is_empty() {
        return s.fields.join(" + ");
    }
    if !s.rules.is_empty() {
        return "(request)".to_owned();
    }
    legacy_field(&case.id)
}

/// Results without a subject (written by an older version): the field the id names.
fn legacy_field(id: &str) -> String {
    let id = id.to_ascii_lowercase().replace('_', "-");
    let named = ["old-password", "new-password", "user-id"]
        .iter()
        .filter(|n| id.contains(*n))
        .map(|n| n.replace('-', "_"))
        .collect::<Vec<_>>();
    if named.is_empty() {
        "other".to_owned()
    } else {
        named.join(" + ")
    }
}

/// The kind order of rows: outcomes, then roles, then anything else; first appearance within.
fn rank(rule: &str) -> u8 {
    if rule.starts_with("outcome:") {
        0
    } else if rule.starts_with("role:") {
        1
    } else {
        2
    }
}

/// `<table>` of passed/total per rule row and dialect column; every cell links to the case table
/// filtered to those cases, and an empty cell shows the dialect has no case for it.
pub fn render(report: &RunReport) -> String {
    let dialects = super::dialect_names(report);
    let mut rows: Vec<&str> = Vec::new();
    for case in &report.cases {
        for r in &case.subject.rules {
            if !rows.contains(&r.as_str()) {
                rows.push(r);
            }
        }
    }
    rows.sort_by_key(|r| rank(r));
    let mut out = String::from("<table class=\"matrix\"><thead><tr><th>rule</th>");
    for d in &dialects {
        out.push_str(&format!("<th>{}</th>", esc(d)));
    }
    out.push_str("</tr></thead><tbody>");
    if rows.is_empty() {
        out.push_str("<tr><td>no case carries its rules (results of an older version)</td></tr>");
    }
    for rule in rows {
        out.push_str(&format!("<tr><td class=\"field\">{}</td>", esc(rule)));
        for d in &dialects {
            let cases = report
                .cases
                .iter()
                .filter(|c| c.dialect == *d && c.subject.rules.iter().any(|r| r == rule));
            out.push_str(&cell(totals_of(cases), d, rule));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

fn cell(t: Totals, dialect: &str, rule: &str) -> String {
    let total = t.passed + t.failed + t.errors + t.skipped + t.known;
    if total == 0 {
        return "<td class=\"cov none\" title=\"no case\">—</td>".to_owned();
    }
    let class = if t.failed + t.errors > 0 {
        "bad"
    } else if t.known > 0 {
        "warn"
    } else if t.passed == 0 {
        "none"
    } else {
        "ok"
    };
    let href = hash_link(&[("dialect", dialect), ("rule", rule)]);
    format!(
        "<td class=\"cov {class}\"><a href=\"{}\" title=\"passed / cases\">{}/{total}</a></td>",
        esc(&href),
        t.passed
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;

    #[test]
    fn field_comes_from_the_subject() {
        let mut case = testdata::report().cases[0].clone();
        case.subject.fields = vec!["old_password".into(), "new_password".into()];
        assert_eq!(field_of(&case), "old_password + new_password");
        case.subject.fields.clear();
        case.subject.rules = vec!["outcome:unauthenticated".into()];
        assert_eq!(field_of(&case), "(request)");
        case.subject.rules.clear();
        case.id = "wrong-type-old-password[old_password=123]".into();
        assert_eq!(field_of(&case), "old_password");
    }

    #[test]
    fn matrix_has_a_row_per_rule_and_a_cell_per_dialect_and_marks_gaps() {
        let html = render(&testdata::report());
        assert!(
            html.contains("<th>ocariot</th><th>openspecimen</th>"),
            "{html}"
        );
        // The failing wrong-type case exists for ocariot only: openspecimen's cell says so.
        assert!(html.contains("class=\"cov bad\""), "{html}");
        assert!(html.contains("title=\"no case\">—</td>"), "{html}");
        assert!(
            html.contains(
                "href=\"#dialect=ocariot&amp;rule=outcome%3Ainvalid_field%2Fwhen%5B1%5D\""
            ),
            "{html}"
        );
        // Outcome rows come before role rows.
        let outcome = html.find(">outcome:invalid_field<").unwrap();
        let role = html.find(">role:admin/own<").unwrap();
        assert!(outcome < role, "{html}");
    }
}
