//! Rule ids: the names coverage gives each rule of a dialect. The plan tags every step with the
//! ids it exercises, the coverage table lists every id a dialect has; both use these functions,
//! so the two can never spell a rule differently.

/// The documented response of an abstract outcome: `outcome:invalid_field`.
pub fn outcome(name: &str) -> String {
    format!("outcome:{name}")
}

/// The `i`-th `when:` refinement of an outcome: `outcome:invalid_field/when[1]`.
pub fn refinement(outcome: &str, i: usize) -> String {
    format!("outcome:{outcome}/when[{i}]")
}

/// What a role may do with its own password (`own`) or someone else's (`others`).
pub fn role(role: &str, own: bool) -> String {
    format!("role:{role}/{}", if own { "own" } else { "others" })
}

/// One check-order rule: the API checks `first` before `then` (the dialect's field order).
pub fn order(first: &str, then: &str) -> String {
    format!("order:{first}<{then}")
}
