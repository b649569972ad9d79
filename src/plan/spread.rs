//! Which account a generated case acts as. Steps on one account run one after the other, so the
//! generated cases take turns over every account that can play their actor (the default actor,
//! `@one`: any role that may change its own password) instead of queueing behind one. The roles
//! whose accounts restore the others (`admin_reset.roles`) are left out of the round when any
//! other role is there: a fault that breaks passwords must never break every restorer at once.
//! Deterministic: the same inputs give the same turns.

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

/// The role and plain account (its position among the role's) a generated case with the default
/// actor acts as; `None` when the case is not spread (a hand-written case, a named role, an
/// account with traits, or spreading off as when counting the accounts the cases need).
pub(super) fn turn(
    case: &Case,
    dialect: &LoadedDialect,
    target: &Target,
) -> Option<(String, usize)> {
    let d = &case.def;
    let g = d.generated.as_ref()?;
    if !target.spread || d.actor.is_some() || !d.requires.is_empty() {
        return None;
    }
    let restorers: &[String] = dialect
        .spec
        .admin_reset
        .as_ref()
        .map_or(&[], |r| r.roles.as_slice());
    let pool = |leave_out_restorers: bool| -> Vec<(String, usize)> {
        dialect
            .spec
            .roles
            .iter()
            .filter(|(name, r)| r.own && !(leave_out_restorers && restorers.contains(name)))
            .flat_map(|(name, _)| {
                (0..plain_accounts(target, name)).map(move |nth| (name.clone(), nth))
            })
            .collect()
    };
    let mut accounts = pool(true);
    if accounts.is_empty() {
        accounts = pool(false);
    }
    let len = accounts.len().max(1);
    accounts.into_iter().nth(g.spread % len)
}
