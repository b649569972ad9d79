//! Where each key and value of a YAML document is, by path (`outcomes` / `forbidden` / `when` / `0`).
//!
//! Semantic checks run on typed or merged values that no longer know their position; this map,
//! built by parsing the same text a second time, gives them back a line and column. Parsing it is
//! best effort: a text that does not parse gives an empty map and errors fall back to the file.

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: u64,
    pub column: u64,
}

#[derive(Debug, Clone)]
struct Entry {
    path: Vec<String>,
    /// The key's position; for a list item, the item's.
    key: Pos,
    value: Pos,
}

/// Positions of every key and list item of one YAML document.
#[derive(Debug, Clone, Default)]
pub struct PosMap {
    entries: Vec<Entry>,
}

impl PosMap {
    /// The positions in `text`; empty when it does not parse.
    pub fn parse(text: &str) -> PosMap {
        let mut map = PosMap::default();
        if let Ok(root) = serde_saphyr::from_str_with_options::<Node>(text, lenient()) {
            map.collect(&mut Vec::new(), &root);
        }
        map
    }

    fn collect(&mut self, path: &mut Vec<String>, node: &Node) {
        let children: Vec<(String, Pos, &Spanned<Node>)> = match node {
            Node::Map(entries) => entries
                .iter()
                .map(|(k, v)| (k.value.0.clone(), pos(&k.referenced), v))
                .collect(),
            Node::Seq(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), pos(&v.referenced), v))
                .collect(),
            Node::Scalar => Vec::new(),
        };
        for (name, key, value) in children {
            path.push(name);
            self.entries.push(Entry {
                path: path.clone(),
                key,
                value: pos(&value.referenced),
            });
            self.collect(path, &value.value);
            path.pop();
        }
    }

    fn find<S: AsRef<str>>(&self, path: &[S]) -> Option<&Entry> {
        self.entries.iter().find(|e| {
            e.path.len() == path.len() && e.path.iter().zip(path).all(|(a, b)| a == b.as_ref())
        })
    }

    /// Where the key at `path` is written (the item itself for a list index).
    pub fn key<S: AsRef<str>>(&self, path: &[S]) -> Option<Pos> {
        self.find(path).map(|e| e.key)
    }

    /// Where the value at `path` starts.
    pub fn value<S: AsRef<str>>(&self, path: &[S]) -> Option<Pos> {
        self.find(path).map(|e| e.value)
    }

    /// The path whose value starts exactly at `at` (the deepest such), else [`Self::path_at`]:
    /// for errors about a value, which may start where its first key does.
    pub fn value_path_at(&self, at: Pos) -> Option<Vec<String>> {
        self.entries
            .iter()
            .filter(|e| e.value == at)
            .max_by_key(|e| e.path.len())
            .map(|e| e.path.clone())
            .or_else(|| self.path_at(at))
    }

    /// The path of the innermost key or value written at or before `at`, for turning a parser's
    /// position back into a path.
    pub fn path_at(&self, at: Pos) -> Option<Vec<String>> {
        self.entries
            .iter()
            .filter(|e| e.key <= at)
            .max_by_key(|e| (e.key, e.path.len()))
            .map(|e| e.path.clone())
    }
}

/// What the document holds when it is not a mapping (`a list`, `a single value`); `None` for a
/// mapping or a text that does not parse.
pub fn root_shape(text: &str) -> Option<&'static str> {
    match serde_saphyr::from_str_with_options::<Node>(text, lenient()).ok()? {
        Node::Map(_) => None,
        Node::Seq(_) => Some("a list"),
        Node::Scalar => Some("a single value"),
    }
}

/// Positions are wanted for files the real parse rejects for reasons of its own (a duplicate
/// key, `1e999`), so this parse rejects as little as it can.
fn lenient() -> serde_saphyr::Options {
    let mut o = serde_saphyr::Options::default();
    o.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::FirstWins;
    o.non_finite_float_policy = serde_saphyr::NonFiniteFloatPolicy::AsString;
    o
}

fn pos(l: &serde_saphyr::Location) -> Pos {
    Pos {
        line: l.line(),
        column: l.column(),
    }
}

/// A YAML node with positions of its children.
enum Node {
    Map(Vec<(Spanned<Key>, Spanned<Node>)>),
    Seq(Vec<Spanned<Node>>),
    Scalar,
}

/// A mapping key as text; complex keys (a list or mapping as key) become `?`.
struct Key(String);

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

macro_rules! scalar {
    ($($name:ident: $t:ty),*) => {$(
        fn $name<E: de::Error>(self, _: $t) -> Result<Node, E> {
            Ok(Node::Scalar)
        }
    )*};
}

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML node")
    }
    scalar!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_i128: i128, visit_u128: u128,
        visit_f64: f64, visit_str: &str, visit_bytes: &[u8]);
    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Scalar)
    }
    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Scalar)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Node>>()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<Key>>()? {
            let value = map.next_value::<Spanned<Node>>()?;
            entries.push((key, value));
        }
        Ok(Node::Map(entries))
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a mapping key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(Key(v.to_string()))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Key, E> {
        Ok(Key(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Key, E> {
        Ok(Key(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Key, E> {
        Ok(Key(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Key, E> {
        Ok(Key(v.to_string()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Key, E> {
        Ok(Key("null".into()))
    }
    fn visit_none<E: de::Error>(self) -> Result<Key, E> {
        Ok(Key("null".into()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Key, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Key("?".into()))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Key, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Key("?".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
name: x
outcomes:
  changed:
    status: 204
  forbiden: { status: 403, when: [ {kind: empty} ] }
list:
  - a
  - b: 1
";

    #[test]
    fn finds_keys_and_items() {
        let m = PosMap::parse(TEXT);
        let p = |line, column| Some(Pos { line, column });
        assert_eq!(m.key(&["outcomes"]), p(2, 1));
        assert_eq!(m.key(&["outcomes", "changed", "status"]), p(4, 5));
        assert_eq!(m.key(&["outcomes", "forbiden"]), p(5, 3));
        assert_eq!(
            m.key(&["outcomes", "forbiden", "when", "0", "kind"]),
            p(5, 37)
        );
        assert_eq!(m.key(&["list", "1", "b"]), p(8, 5));
        assert_eq!(m.value(&["outcomes", "changed", "status"]), p(4, 13));
        assert_eq!(
            m.path_at(Pos {
                line: 4,
                column: 13
            }),
            Some(vec!["outcomes".into(), "changed".into(), "status".into()])
        );
    }

    #[test]
    fn what_the_typed_parse_rejects_still_has_positions() {
        let m = PosMap::parse("a: 1e999\nb: 1\nb: 2\nc: !odd x\n");
        assert_eq!(m.key(&["c"]), Some(Pos { line: 4, column: 1 }));
    }

    #[test]
    fn bad_text_gives_an_empty_map() {
        assert!(PosMap::parse("a: 'x").entries.is_empty());
    }
}
