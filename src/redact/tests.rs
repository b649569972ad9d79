use rstest::rstest;
use serde_json::json;

use super::*;
use crate::report::testdata;
use std::sync::Arc;

use crate::result::{RunReport, Verdict};

fn with_secret(secret: &str) -> Redactor {
    let mut r = Redactor::new();
    r.add_secret(secret);
    r
}

#[rstest]
#[case::verbatim("pw=hunter2!x;", "pw=***;")]
#[case::base64_standard("Basic aHVudGVyMiF4", "Basic ***")]
#[case::json_escaped(r#"{"p":"a\"b\\c"}"#, r#"{"p":"***"}"#)]
#[case::twice("hunter2!x and hunter2!x", "*** and ***")]
#[case::untouched("nothing secret here", "nothing secret here")]
#[case::multibyte_neighbours("ä hunter2!x ü", "ä *** ü")]
fn redacts_forms(#[case] input: &str, #[case] expected: &str) {
    let mut r = with_secret("hunter2!x");
    r.add_secret(r#"a"b\c"#);
    assert_eq!(r.redact_str(input), expected);
}

// "pass?>" encodes to bytes whose base64 differs between alphabets and needs padding.
#[rstest]
#[case::standard_padded("cGFzcz8+", "***")]
#[case::url_safe("cGFzcz8-", "***")]
fn redacts_base64_alphabets(#[case] input: &str, #[case] expected: &str) {
    assert_eq!(with_secret("pass?>").redact_str(input), expected);
}

#[rstest]
#[case::padded_standard("cGFzcw==", "***")]
#[case::unpadded_leaves_no_tail("[cGFzcw]", "[***]")]
fn padded_base64_is_redacted_whole(#[case] input: &str, #[case] expected: &str) {
    assert_eq!(with_secret("pass").redact_str(input), expected);
}

#[rstest]
#[case::form("?p=a+b%26c", "?p=***")]
#[case::rfc3986("/u/a%20b%26c", "/u/***")]
fn redacts_percent_encoded(#[case] input: &str, #[case] expected: &str) {
    assert_eq!(with_secret("a b&c").redact_str(input), expected);
}

#[rstest]
#[case::empty("")]
#[case::one_char("a")]
#[case::two_chars("ab")]
#[case::two_multibyte_chars("äö")]
fn ignores_short_secrets(#[case] secret: &str) {
    let text = "a tab: ab äö abab";
    assert_eq!(with_secret(secret).redact_str(text), text);
}

#[test]
fn longest_secret_wins() {
    let mut r = Redactor::new();
    r.add_secret("secret");
    r.add_secret("secret-longer");
    assert_eq!(r.redact_str("x secret-longer y secret"), "x *** y ***");
}

#[test]
fn basic_credentials_are_redacted() {
    let mut r = Redactor::new();
    r.add_basic("alice", "s3cret!");
    // base64("alice:s3cret!") contains no base64 of the password alone.
    assert_eq!(r.redact_str("Basic YWxpY2U6czNjcmV0IQ=="), "Basic ***");
    assert_eq!(r.redact_str("YWxpY2U6czNjcmV0IQ"), "***");
    assert_eq!(r.redact_str("password s3cret!"), "password ***");
    assert_eq!(r.redact_str("user alice"), "user alice");
}

#[rstest]
#[case::bearer("Bearer abc.def", "Bearer ***")]
#[case::basic("Basic dXNlcjpwYXNz", "Basic ***")]
#[case::bare_token("abc.def", "***")]
#[case::cookie("session=abc; theme=dark", "***")]
#[case::scheme_only("Bearer ", "***")]
fn masks_header_values(#[case] value: &str, #[case] expected: &str) {
    assert_eq!(mask_header_value(value), expected);
}

#[test]
fn sensitive_headers_are_case_insensitive() {
    let mut r = Redactor::new();
    r.add_sensitive_header("X-OS-API-TOKEN");
    let mut headers = vec![
        ("x-os-api-token".to_owned(), "unregistered-token".to_owned()),
        ("AUTHORIZATION".to_owned(), "Bearer xyz".to_owned()),
        ("Content-Type".to_owned(), "application/json".to_owned()),
    ];
    r.redact_headers(&mut headers);
    let values: Vec<&str> = headers.iter().map(|(_, v)| v.as_str()).collect();
    assert_eq!(values, ["***", "Bearer ***", "application/json"]);
}

#[test]
fn redacts_nested_values_and_keys() {
    let r = with_secret("hunter22");
    let mut v = json!({"a": [{"b": "x hunter22"}, 5, null], "hunter22": true});
    r.redact_value(&mut v);
    assert_eq!(v, json!({"a": [{"b": "x ***"}, 5, null], "***": true}));
}

#[test]
fn debug_does_not_print_secrets() {
    let shown = format!("{:?}", with_secret("hunter22"));
    assert!(!shown.contains("hunter22"), "{shown}");
}

#[test]
fn report_has_no_secret_left() {
    let report = testdata::report();
    let redacted = testdata::redactor().redact_report(&report);
    let text = serde_json::to_string(&redacted).unwrap_or_default();
    for secret in testdata::SECRETS {
        assert!(!text.contains(secret), "{secret} left in {text}");
    }
    // Header values never registered as secrets are masked too.
    assert!(!text.contains(testdata::UNREGISTERED_TOKEN), "{text}");
    assert!(text.contains("Bearer ***"), "{text}");
    assert!(text.contains(MARKER));
}

#[test]
fn report_keeps_structure_and_other_text() {
    let report = testdata::report();
    let redacted = testdata::redactor().redact_report(&report);
    assert_eq!(redacted.cases.len(), report.cases.len());
    assert_eq!(redacted.totals(), report.totals());
    assert_eq!(redacted.cases[1].id, report.cases[1].id);
    assert_eq!(redacted.unrestored[0].journal, report.unrestored[0].journal);
    let body = redacted.cases[0].exchanges[1].request.body.clone();
    assert_eq!(
        body.as_deref(),
        Some(r#"{"old_password":"***","new_password":"***"}"#)
    );
}

#[test]
fn verdict_survives_a_secret_equal_to_its_tag() {
    let report = testdata::report();
    let mut r = Redactor::new();
    r.add_secret("fail");
    r.add_secret("pass");
    let redacted = r.redact_report(&report);
    assert_eq!(redacted.cases[1].verdict, Verdict::Fail);
    assert_eq!(redacted.totals(), report.totals());
}

/// Every string of a case, filled with a secret through serde (so a field added to `result.rs`
/// later is filled too): the field-by-field redaction must leave none of them.
#[test]
fn every_string_field_is_redacted() {
    fn fill(v: &mut Value) {
        match v {
            Value::String(s) => *s = format!("a {SECRET} b"),
            Value::Array(items) => items.iter_mut().for_each(fill),
            // Enum tags are not text: they must still deserialise.
            Value::Object(map) => map
                .iter_mut()
                .filter(|(k, _)| !["verdict", "kind", "restored_by"].contains(&k.as_str()))
                .for_each(|(_, v)| fill(v)),
            _ => {}
        }
    }
    const SECRET: &str = "Fill-Secret-42";
    let mut report = testdata::report();
    for case in &mut report.cases {
        case.changed_accounts = vec![crate::result::ChangedAccount {
            account: String::new(),
            restored_by: Some(crate::result::RestoredBy::Actor),
        }];
        case.doc = Some(String::new());
        case.file = Some(String::new());
        case.subject.fields = vec![String::new()];
        case.subject.rules = vec![String::new()];
        for e in &mut case.exchanges {
            e.error = Some(String::new());
            e.request.body = Some(String::new());
        }
        for c in &mut case.checks {
            c.schema_fragment = Some(json!({"k": ""}));
            c.at = Some(String::new());
        }
    }
    for u in &mut report.unrestored {
        u.journal = Some(String::new());
        u.manual = Some(String::new());
    }
    let mut value = serde_json::to_value(&report).unwrap();
    fill(&mut value);
    let filled: RunReport = serde_json::from_value(value).unwrap();
    let redacted = with_secret(SECRET).redact_report(&filled);
    let text = serde_json::to_string(&redacted).unwrap();
    assert!(!text.contains(SECRET), "{text}");
    assert!(text.contains("a *** b"), "{text}");
}

#[test]
fn layers_mask_overlapping_secrets_as_one() {
    let mut base = Redactor::new();
    base.add_secret("abcdef");
    let mut case = base.layered();
    case.add_secret("defghi");
    assert_eq!(case.redact_str("x abcdefghi y"), "x *** y");
    assert_eq!(case.redact_str("abcdef defghi"), "*** ***");
    // The base is not changed by its layer.
    assert_eq!(base.redact_str("defghi"), "defghi");
}

#[test]
fn book_grows_and_scopes_case_secrets() {
    let book = SecretBook::default();
    book.add(Some("run-secret-1"));
    let before = book.redactor();
    book.add(Some("run-secret-2"));
    let after = book.redactor();
    assert_eq!(before.redact_str("run-secret-2"), "run-secret-2");
    assert_eq!(after.redact_str("run-secret-1 run-secret-2"), "*** ***");
    // Compiled once per growth: the same snapshot until the book grows.
    assert!(Arc::ptr_eq(&after, &book.redactor()));
    let scoped = book.redactor_with(&["case-own-pw".to_owned()]);
    assert_eq!(scoped.redact_str("case-own-pw run-secret-1"), "*** ***");
    assert_eq!(book.redactor().redact_str("case-own-pw"), "case-own-pw");
}

/// A layer of a few needles (one case's password) is searched needle by needle, a larger one
/// with an automaton: both mask the same text, in every encoded form.
#[test]
fn few_needles_and_the_automaton_agree() {
    let secret = "hu\"n t&r2!x";
    let few = with_secret(secret);
    let mut many = few.clone();
    for filler in ["filler-one", "filler-two", "filler-three", "filler-four"] {
        many.add_secret(filler);
    }
    assert!(matches!(few.patterns().search, Search::Few(_)));
    assert!(matches!(many.patterns().search, Search::Automaton(_)));
    let b64 = STANDARD.encode(secret);
    let inputs = [
        format!("pw={secret};"),
        r#"{"p":"hu\"n t&r2!x"}"#.to_string(),
        "?p=hu%22n+t%26r2%21x /u/hu%22n%20t%26r2%21x".to_string(),
        format!("Basic {b64} and [{}]", b64.trim_end_matches('=')),
        format!("{secret}{secret}ä{secret}ü"),
    ];
    for input in inputs {
        let masked = few.redact_str(&input);
        assert_eq!(masked, many.redact_str(&input), "{input}");
        assert!(
            !masked.contains("r2!x") && !masked.contains("r2%21x"),
            "{masked}"
        );
        assert!(!masked.contains(b64.trim_end_matches('=')), "{masked}");
    }
}

/// Texts redacted together mask exactly what each redacted alone masks: at the texts' borders,
/// across layers, with few needles or the automaton, and with a secret holding the joint byte.
#[test]
fn texts_redacted_together_mask_what_each_alone_does() {
    let joined = SecretBook::default();
    let one_by_one = SecretBook::default();
    for s in ["alpha-secret", "beta", "filler-1", "filler-2", "filler-3"] {
        joined.add(Some(s));
        one_by_one.add(Some(s));
    }
    one_by_one.add(Some("gam\u{0}ma"));
    let texts = [
        "alpha-secret",
        "",
        "xalpha-secre",
        "t beta beta",
        "betabeta",
        "{\"p\":\"alpha-secret\"}",
        "gam\u{0}ma and alpha",
        "ü-beta-ü",
    ];
    let owns = [vec![], vec!["own-pw".to_owned()], vec!["alpha".to_owned()]];
    for (book, own) in [&joined, &one_by_one]
        .into_iter()
        .flat_map(|b| owns.iter().map(move |o| (b, o)))
    {
        let redactor = book.redactor_with(own);
        let alone: Vec<String> = texts.iter().map(|t| redactor.redact_str(t)).collect();
        let mut together: Vec<String> = texts.iter().map(|t| (*t).to_owned()).collect();
        let mut refs: Vec<&mut String> = together.iter_mut().collect();
        redactor.redact_many(&mut refs);
        assert_eq!(together, alone, "own {own:?}");
    }
    let few = with_secret("beta");
    let mut together = vec!["xbeta".to_owned(), "betax".to_owned(), "bet".to_owned()];
    let mut refs: Vec<&mut String> = together.iter_mut().collect();
    few.redact_many(&mut refs);
    assert_eq!(together, ["x***", "***x", "bet"]);
}

/// A book grown secret by secret past many levels still masks every secret it was ever given,
/// in every form, and keeps a logarithmic number of levels.
#[test]
fn a_book_grown_in_levels_masks_every_secret_it_was_given() {
    let book = SecretBook::default();
    let secrets: Vec<String> = (0..400).map(|i| format!("grown-secret-{i:04}")).collect();
    for (i, s) in secrets.iter().enumerate() {
        book.add(Some(s));
        if i % 37 == 0 {
            // Snapshots taken in between, as cases finish during a run.
            let now = book.redactor();
            assert_eq!(now.redact_str(s), MARKER, "{s}");
        }
    }
    let all = book.redactor();
    assert!(all.layers.len() <= 12, "{} layers", all.layers.len());
    let mut texts: Vec<String> = secrets
        .iter()
        .map(|s| format!("a {s} b {} c", STANDARD.encode(s)))
        .collect();
    let mut refs: Vec<&mut String> = texts.iter_mut().collect();
    all.redact_many(&mut refs);
    for t in &texts {
        assert_eq!(t, "a *** b *** c");
    }
    // A secret that is a prefix of a longer one in another level leaves no tail.
    book.add(Some("grown-secret-0001-and-more"));
    assert_eq!(
        book.redactor().redact_str("x grown-secret-0001-and-more y"),
        "x *** y"
    );
}
