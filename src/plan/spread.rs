//! Which account a step acts as. Steps on one account run one after the other, so the steps of
//! cases that do not name an account take turns over every account that can play their actor
//! instead of queueing behind the first one: with `--jobs N`, N accounts are busy at once.
//!
//! - The default actor (`@one`: "any role that may change its own password") takes turns over
//!   every plain account of every such role.
//! - A named role or a selector takes turns over that role's plain accounts.
//!
//! The roles whose accounts restore the others (`admin_reset.roles`) keep to their first
//! account, and are left out of `@one`'s round when any other role is there: a fault that breaks
//! passwords must never break every restorer at once. Accounts with traits are kept for the cases
//! that require them, so a case with `requires:` is never spread. Deterministic: the same inputs
//! give the same turns.

use crate::case::Case;
use crate::spec::LoadedDialect;
use crate::target::Target;

/// Accounts of `role` without traits (those with one are kept for the cases that require it).
pub(super) fn plain_accounts(target: &Target, role: &str) -> usize {
    target
        .accounts
        .iter()
        .filter(|a| a.role == role && a.traits.is_empty())
        .count()
}

/// The turns taken so far in one plan, per round (a role's accounts, or `@one`'s pool): each
/// spread step takes the next of its round, so every round goes evenly over its accounts.
#[derive(Debug, Default)]
pub(super) struct Turns(std::collections::HashMap<String, usize>);

impl Turns {
    fn take(&mut self, round: &str) -> usize {
        let taken = self.0.entry(round.to_owned()).or_default();
        *taken = taken.wrapping_add(1);
        *taken - 1
    }
}

/// The roles of `admin_reset`, whose accounts restore the others.
fn restorers(dialect: &LoadedDialect) -> &[String] {
    dialect
        .spec
        .admin_reset
        .as_ref()
        .map_or(&[], |r| r.roles.as_slice())
}

/// Whether the case's steps may act as any plain account rather than the role's first.
fn spreads(case: &Case, target: &Target) -> bool {
    target.spread && case.def.requires.is_empty()
}

/// The accounts `@one` takes turns over: every plain account of every role that may change its
/// own password, the restorers' only when no other role is there. `None` when the case names its
/// actor or is not spread.
pub(super) fn default_actor_pool(
    case: &Case,
    dialect: &LoadedDialect,
    target: &Target,
) -> Option<Vec<(String, usize)>> {
    let named = case.def.actor.as_ref().is_some_and(|a| a.value != "@one");
    if named || !spreads(case, target) {
        return None;
    }
    let pool = |leave_out_restorers: bool| -> Vec<(String, usize)> {
        dialect
            .spec
            .roles
            .iter()
            .filter(|(name, r)| {
                r.own && !(leave_out_restorers && restorers(dialect).contains(name))
            })
            .flat_map(|(name, _)| {
                (0..plain_accounts(target, name)).map(move |nth| (name.clone(), nth))
            })
            .collect()
    };
    let accounts = pool(true);
    let accounts = if accounts.is_empty() {
        pool(false)
    } else {
        accounts
    };
    (!accounts.is_empty()).then_some(accounts)
}

/// The next account of the pool.
pub(super) fn next_in(pool: &[(String, usize)], turns: &mut Turns) -> Option<(String, usize)> {
    let len = pool.len().max(1);
    pool.get(turns.take("@one") % len).cloned()
}

/// Which plain account of `role` the next step of `case` acts as: the next turn, or the first
/// account for a restorer role or a case that is not spread.
pub(super) fn next_of_role(
    case: &Case,
    dialect: &LoadedDialect,
    target: &Target,
    role: &str,
    turns: &mut Turns,
) -> usize {
    let plain = plain_accounts(target, role);
    if !spreads(case, target) || plain < 2 || restorers(dialect).iter().any(|r| r == role) {
        return 0;
    }
    turns.take(role) % plain
}
