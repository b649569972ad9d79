//! Load errors of a case file worded for the reader: every structural problem at once, and an
//! explicit `expect` that does not fit explained by what inside it does not.

use crate::source::{
    LoadError, Located, Shape, SourceFile, check_value_as, dotted, locate, with_structure,
    worth_a_look,
};
use crate::spec::Outcome;

/// The typed read's error `first`, if any, with every structural problem of the file.
pub(super) fn every_structural_problem(
    file: &SourceFile,
    first: Option<LoadError>,
) -> Vec<LoadError> {
    match serde_saphyr::from_str::<serde_json::Value>(&file.text) {
        Ok(doc) if !worth_a_look(first.is_none(), &doc) => Vec::new(),
        Ok(doc) => {
            let here = Located::new(file.clone());
            with_structure(first, Shape::CaseFile, &doc, &[&here])
        }
        // Not YAML at all: the parser's error is the only one there is.
        Err(_) => first.into_iter().collect(),
    }
}

/// An explicit `expect` that does not fit is reported by serde as "no variant of `Expect`
/// matched", which hides the real problem (`bdy: json`). Read the value again as a response
/// mapping to find it.
pub(super) fn explain_expect(file: &SourceFile, e: LoadError) -> LoadError {
    let Ok(doc) = serde_saphyr::from_str::<serde_json::Value>(&file.text) else {
        return e;
    };
    let here = Located::new(file.clone());
    let Some(cases) = doc.get("cases").and_then(serde_json::Value::as_array) else {
        return e;
    };
    for (i, case) in cases.iter().enumerate() {
        let index = i.to_string();
        let by_dialect = case
            .get("expect_by_dialect")
            .and_then(serde_json::Value::as_object)
            .into_iter()
            .flatten()
            .map(|(k, v)| (vec!["cases", &index, "expect_by_dialect", k.as_str()], v));
        let top = case
            .get("expect")
            .map(|v| (vec!["cases", &index, "expect"], v));
        for (base, value) in top.into_iter().chain(by_dialect) {
            let reported_here = here
                .positions()
                .value(&base)
                .is_some_and(|p| Some(p.line) == e.line && Some(p.column) == e.column);
            if !reported_here || !value.is_object() {
                continue;
            }
            if let Err(mut problem) = check_value_as::<Outcome>(value, &file.name) {
                let inner = format!("`{}`: ", dotted(&problem.path));
                problem.path = base
                    .iter()
                    .map(|s| s.to_string())
                    .chain(problem.path)
                    .collect();
                // Messages name the path inside `expect`; name the path in the file instead.
                problem.message = match problem.message.strip_prefix(&inner) {
                    Some(rest) => format!("`{}`: {rest}", dotted(&problem.path)),
                    None => format!("`{}`: {}", dotted(&base), problem.message),
                };
                return locate(&[&here], &problem).unwrap_or(e);
            }
        }
    }
    e
}
