//! What building one plan carries from step to step: whose turn it is on each round of accounts,
//! and the expectations already resolved. A `vary` over 10,000 values resolves the same outcome
//! for the same fields 10,000 times; resolving renders the outcome's templates and clones its
//! settings, a fifth of what planning a step cost.

use std::collections::HashMap;

use super::expect::{Expectation, Subject, Unresolved, refinement_for, resolve_expectation};
use super::spread::Turns;
use crate::spec::{LoadedDialect, Outcome};

/// An outcome of the dialect, the refinement that applies, the subject's fields: all a resolved
/// expectation depends on.
type Key = (String, Option<usize>, Vec<String>);

#[derive(Debug, Default)]
pub struct PlanState {
    pub(super) turns: Turns,
    resolved: HashMap<Key, Result<Expectation, Unresolved>>,
}

impl PlanState {
    /// [`resolve_expectation`] of the dialect's outcome `name`, resolved once per key. Only the
    /// dialect's own outcomes are remembered: a case's explicit response is its own.
    pub(super) fn dialect_outcome(
        &mut self,
        name: &str,
        outcome: &Outcome,
        dialect: &LoadedDialect,
        subject: &Subject,
    ) -> Result<Expectation, Unresolved> {
        let key = (
            name.to_owned(),
            refinement_for(outcome, subject),
            subject.fields.clone(),
        );
        self.resolved
            .entry(key)
            .or_insert_with(|| resolve_expectation(name, outcome, dialect, subject))
            .clone()
    }
}
