// Tests slice texts they just searched; a wrong cut failing the test is fine.
#![allow(clippy::string_slice)]

use super::*;
use crate::report::testdata;

fn page() -> String {
    render(&testdata::report()).unwrap()
}

#[test]
fn page_is_self_contained() {
    let html = page();
    assert!(html.starts_with("<!doctype html>"));
    // Nothing the browser would fetch: no external script, stylesheet, font, image or frame.
    for needle in [
        "<script src",
        "<link",
        "@import",
        "url(",
        "<img",
        "<iframe",
        "//cdn",
    ] {
        assert!(!html.contains(needle), "{needle} in the page");
    }
    assert!(html.contains("default-src 'none'"));
    assert!(!html.contains("{{"), "unfilled slot");
}

#[test]
fn shows_run_facts_totals_and_alerts() {
    let html = page();
    for part in [
        "<title>pwconform: 1 failed, 1 errors of 4 cases</title>",
        "<tr><th>target</th><td>http://127.0.0.1:9</td></tr>",
        "<tr><th>started</th><td>2023-11-14 22:13:20 UTC</td></tr>",
        "<tr><th>duration</th><td>3.4 s</td></tr>",
        "<code>ocariot/edu1</code> (role educator)",
        "journal: reports/restore-journal-1700000000.json",
        "<li>login failed for admin with token tok-abc.def.ghi</li>",
        // Per dialect and per theme, counts linking to the filtered table.
        "<tr><th>ocariot</th><td class=\"n-pass\"><a href=\"#status=pass&amp;dialect=ocariot\">1</a></td>",
        "<a href=\"#status=fail&amp;theme=wrong-types\">1</a>",
    ] {
        assert!(html.contains(part), "{part:?} not in the page");
    }
}

#[test]
fn report_text_is_escaped_everywhere() {
    let mut report = testdata::report();
    let evil = "<img src=x onerror=alert(1)>\"'&";
    report.meta.target = evil.to_owned();
    report.meta.command_line = evil.to_owned();
    report.cases[0].theme = evil.to_owned();
    report.cases[0].title = format!("</script>{evil}");
    report.notes = vec![evil.to_owned()];
    let html = render(&report).unwrap();
    assert!(!html.contains("<img src=x"), "raw markup in the page");
    assert!(
        !html.contains("</script><img"),
        "data closed the script element"
    );
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;"));
    // Exactly the three script elements of the template, whatever the data holds.
    assert_eq!(html.matches("</script>").count(), 3);
}

/// The text of the `<script>` element with this id.
fn script<'a>(html: &'a str, id: &str) -> &'a str {
    let open = format!("id=\"{id}\">");
    let start = html.find(&open).unwrap() + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    &html[start..end]
}

#[test]
fn data_holds_every_case_with_its_details() {
    let mut report = testdata::report();
    report.cases[1].checks[1].schema_fragment =
        Some(serde_json::json!({"error.schema.json#": {"type": "object"}}));
    let html = render(&report).unwrap();
    let data: serde_json::Value = serde_json::from_str(script(&html, "pwc-data")).unwrap();
    let cases = data["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 4);
    assert_eq!(cases[1]["verdict"], "fail");
    let details: Vec<serde_json::Value> = script(&html, "pwc-details")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(details.len(), 4);
    let failed = &details[1];
    assert_eq!(failed["doc"], "https://example.org/docs#change-password");
    assert_eq!(
        failed["checks"][1]["schema_fragment"]["error.schema.json#"]["type"],
        "object"
    );
    assert!(failed["diff"].as_str().unwrap().contains("+ status: 204"));
    assert_eq!(details[0]["exchanges"][1]["request"]["method"], "PATCH");
}

#[test]
fn slots_are_filled_once() {
    let mut out = Vec::new();
    let mut slot = |name: &str, out: &mut dyn Write| match name {
        "a" => out.write_all(b"{{b}}").map(|()| true),
        "b" => out.write_all(b"B").map(|()| true),
        _ => Ok(false),
    };
    fill("x{{a}}y{{b}}z{{c}}", &mut out, &mut slot).unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), "x{{b}}yBz{{c}}");
}

#[test]
fn helpers() {
    assert_eq!(
        hash_link(&[("q", "a b&c=d/é")]),
        "#q=a%20b%26c%3Dd%2F%C3%A9"
    );
}
