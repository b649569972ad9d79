//! The coverage matrix of the HTML report: theme x field x dialect.
//!
//! A case does not declare which request field it is about, so the field is read from what the
//! case file already says, by fixed rules the page prints next to the matrix ([`RULES`]): first
//! the case id (authors name the field there: `missing-old-password`, `wrong-type-new-password`,
//! `malformed-user-id`), then its tags, else `other`. Guessing from response bodies or check names
//! would make the matrix depend on the server under test; this depends on the suite only.

use super::{esc, hash_link};
use crate::result::{CaseResult, RunReport, Totals, totals_of};

/// Shown under the matrix, so a reader knows how a case got its row.
pub const RULES: &str = "The field of a case is read from its id: an id naming both-passwords \
counts for old_password and new_password together, then old-password, new-password, user-id. An \
id naming no field falls back to its tags (user-id → user_id, auth → token, content-type → \
Content-Type, authz or roles → role, malformed → body, happy-path → valid request), then to an id \
mentioning body, else other.";

/// The field a case is about, by [`RULES`].
pub fn field_of(case: &CaseResult) -> &'static str {
    let id = case.id.to_ascii_lowercase().replace('_', "-");
    let names = |s: &str| id.contains(s);
    let (old, new) = (names("old-password"), names("new-password"));
    if names("both-passwords") || (old && new) {
        return "old_password + new_password";
    }
    if old {
        return "old_password";
    }
    if new {
        return "new_password";
    }
    if names("user-id") {
        return "user_id";
    }
    let tagged = |t: &str| case.tags.iter().any(|x| x == t);
    let by_tag = [
        ("user-id", "user_id"),
        ("auth", "token"),
        ("content-type", "Content-Type"),
        ("authz", "role"),
        ("roles", "role"),
        ("malformed", "body"),
        ("happy-path", "valid request"),
    ];
    if let Some((_, field)) = by_tag.iter().find(|(tag, _)| tagged(tag)) {
        return field;
    }
    if names("body") { "body" } else { "other" }
}

/// `<table>` of passed/total per (theme, field) row and dialect column; every cell links to the
/// case table filtered to those cases, and an empty cell shows the combination is not covered.
pub fn render(report: &RunReport) -> String {
    let dialects = super::dialect_names(report);
    // Each case's field once: the cells below filter the cases again for every row and dialect.
    let fields: Vec<&'static str> = report.cases.iter().map(field_of).collect();
    let mut rows: Vec<(&str, &'static str)> = Vec::new();
    for (case, field) in report.cases.iter().zip(&fields) {
        let row = (case.theme.as_str(), *field);
        if !rows.contains(&row) {
            rows.push(row);
        }
    }
    // Grouped by theme (in order of first appearance) so the theme cell can span its fields.
    let themes: Vec<&str> = rows.iter().fold(Vec::new(), |mut acc, (t, _)| {
        if !acc.contains(t) {
            acc.push(*t);
        }
        acc
    });
    let mut out = String::from("<table class=\"matrix\"><thead><tr><th>theme</th><th>field</th>");
    for d in &dialects {
        out.push_str(&format!("<th>{}</th>", esc(d)));
    }
    out.push_str("</tr></thead><tbody>");
    for theme in themes {
        let theme_fields: Vec<&str> = rows
            .iter()
            .filter(|(t, _)| *t == theme)
            .map(|(_, f)| *f)
            .collect();
        for (i, field) in theme_fields.iter().enumerate() {
            out.push_str("<tr>");
            if i == 0 {
                out.push_str(&format!(
                    "<th rowspan=\"{}\" class=\"theme\">{}</th>",
                    theme_fields.len(),
                    esc(theme)
                ));
            }
            out.push_str(&format!("<td class=\"field\">{}</td>", esc(field)));
            for d in &dialects {
                let cases = report
                    .cases
                    .iter()
                    .zip(&fields)
                    .filter(|(c, f)| c.dialect == *d && c.theme == theme && **f == *field)
                    .map(|(c, _)| c);
                out.push_str(&cell(totals_of(cases), d, theme, field));
            }
            out.push_str("</tr>");
        }
    }
    out.push_str("</tbody></table>");
    out
}

fn cell(t: Totals, dialect: &str, theme: &str, field: &str) -> String {
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
    let href = hash_link(&[("dialect", dialect), ("theme", theme), ("field", field)]);
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

    fn field(id: &str, tags: &[&str]) -> &'static str {
        let mut case = testdata::report().cases[0].clone();
        case.id = id.to_owned();
        case.tags = tags.iter().map(|t| t.to_string()).collect();
        field_of(&case)
    }

    #[test]
    fn field_comes_from_the_id_then_the_tags() {
        assert_eq!(
            field("wrong-type-old-password[old_password=123]", &[]),
            "old_password"
        );
        assert_eq!(
            field("empty-new-password-old-absent", &["validation"]),
            "new_password"
        );
        assert_eq!(
            field("missing-both-passwords", &[]),
            "old_password + new_password"
        );
        assert_eq!(
            field("user-id-wrong-type[user][user_id=abc]", &["user-id"]),
            "user_id"
        );
        assert_eq!(field("nonexistent[admin]", &["user-id"]), "user_id");
        assert_eq!(field("no-token-malformed-body", &["auth"]), "token");
        assert_eq!(field("own-only-other[a->b]", &["authz", "roles"]), "role");
        assert_eq!(field("empty-object-body", &["validation"]), "body");
        assert_eq!(
            field("change-own-password[x]", &["happy-path"]),
            "valid request"
        );
        assert_eq!(field("something", &[]), "other");
    }

    #[test]
    fn matrix_has_a_cell_per_dialect_and_marks_gaps() {
        let html = render(&testdata::report());
        assert!(
            html.contains("<th>ocariot</th><th>openspecimen</th>"),
            "{html}"
        );
        // wrong-types exists for ocariot only: openspecimen's cell says "not covered".
        assert!(html.contains("class=\"cov bad\""), "{html}");
        assert!(html.contains("title=\"no case\">—</td>"), "{html}");
        assert!(
            html.contains("href=\"#dialect=ocariot&amp;theme=wrong-types&amp;field=old_password\""),
            "{html}"
        );
    }
}
