//! The HTML report as a person sees it: opened in headless Chromium, filtered through its URL
//! hash, read back from the DOM the page's script built. Needs Chromium (`.ci/run` installs it).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    clippy::indexing_slicing
)]

mod report_tools;

use std::fs;

use pwconform::result::RunReport;
use report_tools::{dump_dom, run_chromium, run_into, run_with_one_fault};
use serde_json::Value;

/// `(verdict, case id)` of each case row in a dumped DOM, ids unescaped.
fn rows(dom: &str) -> Vec<(String, String)> {
    let attr = |text: &str, name: &str| -> String {
        let at = text.find(&format!("{name}=\"")).map(|i| i + name.len() + 2);
        at.and_then(|s| text[s..].find('"').map(|e| text[s..s + e].to_owned()))
            .unwrap_or_default()
    };
    dom.split("<tr class=\"case ")
        .skip(1)
        .map(|row| {
            let row = &row[..row.find("</tr>").unwrap_or(row.len())];
            let id = row
                .split("<code>")
                .nth(1)
                .and_then(|s| s.split("</code>").next())
                .unwrap_or_default();
            let id = id
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&amp;", "&");
            (attr(row, "data-verdict"), id)
        })
        .collect()
}

fn ids_with(results: &Value, verdict: &str) -> Vec<String> {
    let cases = results["cases"].as_array().cloned().unwrap_or_default();
    cases
        .iter()
        .filter(|c| c["verdict"] == verdict)
        .map(|c| c["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn chromium_shows_the_report_and_filters_to_failed_cases() {
    let dir = tempfile::tempdir().unwrap();
    run_with_one_fault(dir.path());
    let results: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("results.json")).unwrap())
            .unwrap();
    let page = dir.path().join("report.html");
    let mut failed = ids_with(&results, "fail");
    assert!(!failed.is_empty(), "the fault made no case fail");

    let shot = dir.path().join("report.png");
    run_chromium(&[
        "--window-size=1400,1800".to_owned(),
        format!("--screenshot={}", shot.display()),
        report_tools::file_url(&page, ""),
    ]);
    let png = fs::read(&shot).unwrap_or_else(|e| panic!("no screenshot: {e}"));
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 20_000);

    let dom = dump_dom(&page, "#status=fail");
    assert!(
        dom.contains("data-rendered-ms="),
        "the page script did not finish"
    );
    let shown = rows(&dom);
    assert!(shown.iter().all(|(v, _)| v == "fail"), "{shown:?}");
    let mut shown_ids: Vec<String> = shown.into_iter().map(|(_, id)| id).collect();
    shown_ids.sort();
    failed.sort();
    assert_eq!(shown_ids, failed);
    assert!(dom.contains(&format!("{} of ", failed.len())), "count line");

    // Passed cases: no failure among them, one full page of 100.
    let passed = ids_with(&results, "pass").len();
    let shown = rows(&dump_dom(&page, "#status=pass"));
    assert!(shown.iter().all(|(v, _)| v == "pass"));
    assert_eq!(shown.len(), passed.min(100));
}

#[test]
fn chromium_opens_a_case_with_request_response_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    run_into(
        dir.path(),
        &["--dialect", "ocariot", "--fault", "accept-empty-passwords"],
    );
    let page = dir.path().join("report.html");
    // Searched by text and opened through the hash, as a "link to this case" does.
    let dom = dump_dom(
        &page,
        "#q=empty-new-password%20204&case=ocariot%2Fempty-new-password",
    );
    let shown = rows(&dom);
    assert_eq!(
        shown,
        [("fail".to_owned(), "empty-new-password".to_owned())]
    );
    for part in [
        "Why it failed",
        "status: expected 400, got 204",
        "Expected (−) vs actual (+)",
        "- status: 400",
        "+ status: 204",
        "Requests and responses",
        "PUT http://127.0.0.1:",
        "HTTP 204",
        "Bearer ***",
        "github.com/ocariot/api-gateway/wiki/PUT-users.password",
    ] {
        assert!(dom.contains(part), "{part:?} not in the opened case");
    }
}

/// A report of 10,000 cases (a real run's cases, repeated under new ids) works as a small one:
/// the first page shows, a search finds a case deep in the list, a link opens a case. How fast
/// it opens is measured by `cargo bench --bench outputs`, never decided here.
#[test]
fn chromium_works_with_10000_cases() {
    let dir = tempfile::tempdir().unwrap();
    run_with_one_fault(dir.path());
    let text = fs::read_to_string(dir.path().join("results.json")).unwrap();
    let mut report: RunReport = serde_json::from_str(&text).unwrap();
    let real = std::mem::take(&mut report.cases);
    report.cases = (0..10_000)
        .map(|i| {
            let mut case = real[i % real.len()].clone();
            case.id = format!("{}-n{i:05}", case.id);
            case
        })
        .collect();
    let page = dir.path().join("big.html");
    let mut file = std::io::BufWriter::new(fs::File::create(&page).unwrap());
    pwconform::report::html::write_to(&report, &mut file).unwrap();
    std::io::Write::flush(&mut file).unwrap();
    drop(file);

    let dom = dump_dom(&page, "");
    assert!(
        dom.contains("data-rendered-ms="),
        "the page script did not finish"
    );
    assert!(dom.contains("10000 cases"), "count line");
    let first = rows(&dom);
    assert_eq!(first.len(), 100, "one page of rows");
    // Failures first.
    assert_eq!(first[0].0, "fail");

    // A passing case near the end of the list, found by search and opened from a link (one
    // browser run: dumping this page is slow), with what was sent and what came back.
    let deep = report.cases[9_876].clone();
    assert_eq!(deep.verdict, pwconform::result::Verdict::Pass);
    let key = encode(&format!("{}/{}", deep.dialect, deep.id));
    let opened = dump_dom(&page, &format!("#q=n09876&case={key}"));
    assert_eq!(rows(&opened), [("pass".to_owned(), deep.id.clone())]);
    assert!(opened.contains("tr class=\"detail\""), "no case opened");
    let url = &deep.exchanges.last().unwrap().request.url;
    for part in ["Requests and responses", url.as_str(), "Checks"] {
        assert!(opened.contains(part), "{part:?} not in the opened case");
    }
}

/// Percent-encodes all but the unreserved characters, as a hash parameter needs.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
