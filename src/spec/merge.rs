//! `extends`: a child dialect file is deep-merged over its parent.

use serde_json::Value;

/// Merges `over` into `base`: maps merge key by key, `null` deletes a key, anything else replaces.
pub fn deep_merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                if v.is_null() {
                    b.remove(&k);
                } else if let Some(slot) = b.get_mut(&k) {
                    deep_merge(slot, v);
                } else {
                    b.insert(k, v);
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use serde_json::json;

    #[rstest]
    #[case(json!({"a": 1, "b": {"c": 2, "d": 3}}), json!({"b": {"c": 9}}), json!({"a": 1, "b": {"c": 9, "d": 3}}))]
    #[case(json!({"a": 1, "b": 2}), json!({"b": null}), json!({"a": 1}))]
    #[case(json!({"a": [1, 2]}), json!({"a": [3]}), json!({"a": [3]}))]
    #[case(json!({"a": {"x": 1}}), json!({"a": 5}), json!({"a": 5}))]
    fn merges(#[case] mut base: Value, #[case] over: Value, #[case] expected: Value) {
        deep_merge(&mut base, over);
        assert_eq!(base, expected);
    }
}
