//! Load errors worded for the reader: what a misspelt refinement key could be, and whose folder
//! a built-in dialect's problem belongs to.

use serde::de::{DeserializeOwned, Deserializer, Visitor};
use serde_json::Value;

use super::outcome::Outcome;
use crate::assets::Tree;
use crate::source::{LoadErrors, did_you_mean};

/// Problems of a built-in dialect that extends one a user's folder replaced are the user's to fix
/// (a file their version lacks): say whose folder it is, and the way out.
pub(super) fn built_in_over_user(tree: &Tree, name: &str, mut errors: LoadErrors) -> LoadErrors {
    let read_from = |d: &str| {
        tree.read(&format!("{d}/dialect.yaml"))
            .map(|f| f.name)
            .unwrap_or_default()
    };
    let own = read_from(name);
    if !crate::assets::is_built_in(&own) {
        return errors;
    }
    let parent = tree
        .read(&format!("{name}/dialect.yaml"))
        .ok()
        .and_then(|f| f.parse_yaml::<Value>().ok())
        .and_then(|v| v.get("extends")?.as_str().map(str::to_string));
    let Some(parent) = parent.filter(|p| !crate::assets::is_built_in(&read_from(p))) else {
        return errors;
    };
    for e in &mut errors.0 {
        e.message = format!(
            "{} (the built-in `{name}` extends `{parent}`, which your folder replaces: give \
             yours what `{name}` uses, or another name to run beside the built-in one)",
            e.message
        );
    }
    errors
}

/// `when` refinements flatten an outcome into their own keys, and serde then reports a misspelt
/// key as a bare "unknown field `kidn`": name what is allowed there, with a did-you-mean.
pub(super) fn explain_flattened(message: &str) -> String {
    let Some(key) = message
        .strip_prefix("unknown field `")
        .and_then(|m| m.strip_suffix('`'))
    else {
        return message.to_string();
    };
    let mut allowed = vec!["field", "kind", "target", "auth", "raw"];
    allowed.extend(field_names::<Outcome>());
    format!(
        "unknown key `{key}` in a `when` refinement{}; expected one of: {}",
        did_you_mean(key, allowed.iter().copied()),
        allowed.join(", ")
    )
}

/// The keys serde's derive accepts for `T`, read from the list it hands to `deserialize_struct`.
fn field_names<T: DeserializeOwned>() -> &'static [&'static str] {
    struct Probe<'a>(&'a mut &'static [&'static str]);
    impl<'de> Deserializer<'de> for Probe<'_> {
        type Error = serde::de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(serde::de::Error::custom("only probing for field names"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(serde::de::Error::custom("only probing for field names"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }
    let mut names: &'static [&'static str] = &[];
    // The probe always fails; only the names it saw matter.
    let _ = T::deserialize(Probe(&mut names));
    names
}
