//! YAML-ish documents for property tests: real documents (the shipped cases and specs) mutated a
//! few edits at a time, so most of a generated file is valid and the loaders' deep checks run, not
//! only the parser's first error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use proptest::prelude::*;
use serde_json::Value;

/// A YAML node as written: strings are quoted when needed, literals are written as they are
/// (numbers, `true`, `${VAR}`, junk), containers in block or flow style.
#[derive(Clone, Debug)]
pub enum Y {
    Str(String),
    Lit(String),
    Map(Vec<(String, Y)>, bool),
    Seq(Vec<Y>, bool),
}

/// Names the loaders know, so that renamed keys and replaced values are often almost right.
#[rustfmt::skip]
pub const WORDS: &[&str] = &[
    // case keys
    "id", "title", "tags", "as", "user", "user_role", "auth", "requires", "user_requires",
    "absent", "body", "extra", "vary", "raw_body", "method", "content_type", "expect",
    "expect_by_dialect", "dialects", "only", "skip", "field", "values", "cases", "theme",
    // dialect keys
    "name", "extends", "docs", "change_password", "login", "roles", "user_ids", "outcomes",
    "reset", "path", "query", "schema", "fields", "in", "key", "token", "user_id", "from", "at",
    "header", "value", "token_format", "own", "others", "nonexistent", "malformed", "status",
    "when", "kind", "target", "headers", "doc", "logout", "reset_token",
    // accounts and baseline keys
    "accounts", "username", "password", "allow_writes", "base_url", "traits", "known", "dialect",
    "case", "reason", "expires",
    // values
    "changed", "missing_field", "invalid_field", "old_password_mismatch", "forbidden",
    "unauthenticated", "user_not_found", "invalid_user_id", "malformed_body",
    "unsupported_media_type", "old_password", "new_password", "self", "other", "valid", "none",
    "foreign", "@one", "@self_service", "@own_only", "@no_route", "@admin", "@any", "admin",
    "educator", "child", "ocariot", "openspecimen", "openspecimen-legacy", "json", "empty", "any",
    "body", "jwt", "opaque", "absent", "null", "blank", "string", "number", "boolean", "array",
    "object", "error.schema.json", "request.schema.json", "nope.schema.json", "PUT", "POST",
    "/v1/users/{user_id}/password", "{{ current_password }}", "{{ new_password }}", "{{ fields }}",
    "{{ field }}", "{{ token }}", "{{ nope }}", "Bearer {{ token }}", "/code", "code",
    "2026-01-01", "2026-13-45", "", " ", "forbiden", "chnaged", "titel",
];

/// Literals written without quotes: types other than strings, and text that upsets the parser.
#[rustfmt::skip]
pub const LITERALS: &[&str] = &[
    "0", "5", "-1", "204", "400", "99999999999999999999", "0.5", "1e999", ".nan", "true", "false",
    "null", "~", "${HOME}", "${PWCONFORM_FUZZ_UNSET}", "${}", "'${HOME}'", "2026-01-01",
    "[unclosed", "{a: b", "'x", "\"y", "&a x", "*a", "!!binary aGk=", "!tag x", "|", ">", "- x",
    "a: b: c", "? x", "@x", "`x", "%x", "\t", "#c",
];

pub fn from_json(v: &Value) -> Y {
    match v {
        Value::String(s) => Y::Str(s.clone()),
        Value::Object(m) => Y::Map(
            m.iter().map(|(k, v)| (k.clone(), from_json(v))).collect(),
            false,
        ),
        Value::Array(a) => Y::Seq(a.iter().map(from_json).collect(), false),
        other => Y::Lit(other.to_string()),
    }
}

/// Parses a shipped YAML file into a seed document.
pub fn seed(path: &str) -> Y {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let text = std::fs::read_to_string(&full).unwrap();
    from_json(&serde_saphyr::from_str::<Value>(&text).unwrap())
}

pub fn render(y: &Y) -> String {
    match y {
        Y::Map(m, false) if !m.is_empty() => block(y, 0),
        Y::Seq(s, false) if !s.is_empty() => block(y, 0),
        other => format!("{}\n", inline(other)),
    }
}

fn is_block(y: &Y) -> bool {
    match y {
        Y::Map(m, flow) => !flow && !m.is_empty(),
        Y::Seq(s, flow) => !flow && !s.is_empty(),
        _ => false,
    }
}

fn block(y: &Y, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    match y {
        Y::Map(m, _) => {
            for (k, v) in m {
                if is_block(v) {
                    out.push_str(&format!("{pad}{}:\n{}", quote(k), block(v, indent + 2)));
                } else {
                    out.push_str(&format!("{pad}{}: {}\n", quote(k), inline(v)));
                }
            }
        }
        Y::Seq(s, _) => {
            for v in s {
                if is_block(v) {
                    let inner = block(v, indent + 2);
                    out.push_str(&format!("{pad}- {}", &inner[indent + 2..]));
                } else {
                    out.push_str(&format!("{pad}- {}\n", inline(v)));
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", inline(other))),
    }
    out
}

fn inline(y: &Y) -> String {
    match y {
        Y::Str(s) => quote(s),
        Y::Lit(l) => l.clone(),
        Y::Map(m, _) => {
            let items: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}: {}", quote(k), inline(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        Y::Seq(s, _) => format!("[{}]", s.iter().map(inline).collect::<Vec<_>>().join(", ")),
    }
}

/// Plain when that reads back as the same string, else double-quoted with escapes.
fn quote(s: &str) -> String {
    let plain = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '/')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./".contains(c))
        && !["true", "false", "null", "yes", "no", "on", "off", "y", "n"]
            .contains(&s.to_ascii_lowercase().as_str());
    if plain {
        return s.to_string();
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(WORDS).prop_map(str::to_string),
        1 => "[a-z_@{} ./-]{0,12}",
        1 => any::<String>().prop_map(|s| s.chars().take(12).collect()),
    ]
}

pub fn scalar() -> impl Strategy<Value = Y> {
    prop_oneof![
        3 => word().prop_map(Y::Str),
        2 => proptest::sample::select(LITERALS).prop_map(|l| Y::Lit(l.to_string())),
        1 => any::<i64>().prop_map(|n| Y::Lit(n.to_string())),
    ]
}

/// Any node, a few levels deep.
pub fn node() -> impl Strategy<Value = Y> {
    scalar().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            (
                prop::collection::vec((word(), inner.clone()), 0..4),
                any::<bool>()
            )
                .prop_map(|(m, f)| Y::Map(m, f)),
            (prop::collection::vec(inner, 0..4), any::<bool>()).prop_map(|(s, f)| Y::Seq(s, f)),
        ]
    })
}

/// One edit of a container, chosen by its pre-order number, at one of its children.
#[derive(Clone, Debug)]
pub enum Edit {
    Remove(usize),
    Replace(usize, Y),
    Rename(usize, String),
    Insert(String, Y),
    Duplicate(usize),
    Flow(bool),
}

pub fn edit() -> impl Strategy<Value = (usize, Edit)> {
    let child = any::<usize>();
    (
        any::<usize>(),
        prop_oneof![
            2 => child.prop_map(Edit::Remove),
            3 => (child, node()).prop_map(|(c, y)| Edit::Replace(c, y)),
            2 => (child, word()).prop_map(|(c, w)| Edit::Rename(c, w)),
            2 => (word(), node()).prop_map(|(w, y)| Edit::Insert(w, y)),
            1 => child.prop_map(Edit::Duplicate),
            1 => any::<bool>().prop_map(Edit::Flow),
        ],
    )
}

fn containers(y: &Y) -> usize {
    match y {
        Y::Map(m, _) => 1 + m.iter().map(|(_, v)| containers(v)).sum::<usize>(),
        Y::Seq(s, _) => 1 + s.iter().map(containers).sum::<usize>(),
        _ => 0,
    }
}

pub fn apply(y: &mut Y, at: usize, e: &Edit) {
    let count = containers(y);
    if count > 0 {
        let mut n = at % count;
        visit(y, &mut n, e);
    }
}

fn visit(y: &mut Y, n: &mut usize, e: &Edit) -> bool {
    if *n == 0 {
        edit_here(y, e);
        return true;
    }
    *n -= 1;
    match y {
        Y::Map(m, _) => m.iter_mut().any(|(_, v)| visit(v, n, e)),
        Y::Seq(s, _) => s.iter_mut().any(|v| visit(v, n, e)),
        _ => false,
    }
}

fn edit_here(y: &mut Y, e: &Edit) {
    match (y, e) {
        (Y::Map(m, _), Edit::Remove(c)) if !m.is_empty() => {
            let i = c % m.len();
            m.remove(i);
        }
        (Y::Seq(s, _), Edit::Remove(c)) if !s.is_empty() => {
            let i = c % s.len();
            s.remove(i);
        }
        (Y::Map(m, _), Edit::Replace(c, v)) if !m.is_empty() => {
            let i = c % m.len();
            m[i].1 = v.clone();
        }
        (Y::Seq(s, _), Edit::Replace(c, v)) if !s.is_empty() => {
            let i = c % s.len();
            s[i] = v.clone();
        }
        (Y::Map(m, _), Edit::Rename(c, w)) if !m.is_empty() => {
            let i = c % m.len();
            m[i].0 = w.clone();
        }
        (Y::Map(m, _), Edit::Insert(k, v)) => m.push((k.clone(), v.clone())),
        (Y::Seq(s, _), Edit::Insert(_, v)) => s.push(v.clone()),
        (Y::Map(m, _), Edit::Duplicate(c)) if !m.is_empty() => {
            let i = c % m.len();
            m.push(m[i].clone());
        }
        (Y::Seq(s, _), Edit::Duplicate(c)) if !s.is_empty() => {
            let i = c % s.len();
            s.push(s[i].clone());
        }
        (Y::Map(_, f) | Y::Seq(_, f), Edit::Flow(to)) => *f = *to,
        _ => {}
    }
}

/// Text-level damage the tree cannot express: a tab, a lost or added character, a cut.
#[derive(Clone, Debug)]
pub enum Damage {
    None,
    Insert(usize, char),
    Delete(usize),
    Truncate(usize),
}

pub fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        6 => Just(Damage::None),
        1 => (any::<usize>(), prop_oneof![Just('\t'), Just('"'), Just(':'), Just('-'), Just('{'), Just(' '), Just('\n'), any::<char>()])
            .prop_map(|(i, c)| Damage::Insert(i, c)),
        1 => any::<usize>().prop_map(Damage::Delete),
        1 => any::<usize>().prop_map(Damage::Truncate),
    ]
}

pub fn damaged(text: String, d: &Damage) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = |i: &usize| if chars.is_empty() { 0 } else { i % chars.len() };
    match d {
        Damage::None => text,
        Damage::Insert(i, c) => {
            let mut v = chars.clone();
            v.insert(at(i), *c);
            v.into_iter().collect()
        }
        Damage::Delete(i) if !chars.is_empty() => {
            let mut v = chars.clone();
            v.remove(at(i));
            v.into_iter().collect()
        }
        Damage::Truncate(i) => chars[..at(i)].iter().collect(),
        Damage::Delete(_) => text,
    }
}

/// A seed (one of `seeds`) after a few edits and maybe some damage, as text.
pub fn mutated(seeds: Vec<Y>) -> impl Strategy<Value = String> {
    (
        proptest::sample::select(seeds),
        prop::collection::vec(edit(), 0..5),
        damage(),
    )
        .prop_map(|(mut y, edits, d)| {
            for (at, e) in &edits {
                apply(&mut y, *at, e);
            }
            damaged(render(&y), &d)
        })
}

/// Documents of any shape, for the parser's side.
pub fn random_doc() -> impl Strategy<Value = String> {
    (node(), damage()).prop_map(|(y, d)| damaged(render(&y), &d))
}

#[test]
fn seeds_render_back_to_the_same_value() {
    for path in [
        "specs/ocariot/dialect.yaml",
        "specs/openspecimen-legacy/dialect.yaml",
        "cases/auth.yaml",
    ] {
        let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        let original: Value =
            serde_saphyr::from_str(&std::fs::read_to_string(full).unwrap()).unwrap();
        let rendered = render(&from_json(&original));
        let back: Value =
            serde_saphyr::from_str(&rendered).unwrap_or_else(|e| panic!("{path}: {e}\n{rendered}"));
        assert_eq!(back, original, "{path}");
    }
}
