//! How many accounts of each role a dialect's cases want, and why, computed from the plan: the
//! cases are planned against generous stand-in accounts and every account a step acts as or acts
//! on is counted. `pwconform init` writes its template from this, so the template follows the
//! cases instead of a hand-kept list.

use std::collections::BTreeSet;

use super::{Account, Target};
use crate::case::Case;
use crate::plan::{TargetUser, build_plan};
use crate::spec::LoadedDialect;

/// What one role needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleNeeds {
    pub role: String,
    /// The accounts wanted, plain ones first (in the order cases use them), then those with traits.
    pub accounts: Vec<AccountNeed>,
}

/// One account a role needs, and the steps that use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountNeed {
    /// Traits it must have (empty for a plain account).
    pub traits: Vec<String>,
    /// Steps that act as this account (send the request with its credentials).
    pub acts_in: Vec<String>,
    /// Steps whose target it is while another account acts ("other user" cases).
    pub target_of: Vec<String>,
}

/// Plain stand-in accounts per role: more than any case asks for, so the count is the cases'.
const PLAIN_PER_ROLE: usize = 3;

/// Per role of `dialect` (in its order), the accounts the cases want. A role no case uses has no
/// accounts.
pub fn account_needs(dialect: &LoadedDialect, cases: &[Case]) -> Vec<RoleNeeds> {
    let target = generous_target(dialect, cases);
    let plan = build_plan(cases, dialect, &target);
    let mut uses: Vec<AccountNeed> = target
        .accounts
        .iter()
        .map(|a| AccountNeed {
            traits: a.traits.clone(),
            acts_in: Vec::new(),
            target_of: Vec::new(),
        })
        .collect();
    for step in plan.steps.iter().filter(|s| s.skipped().is_none()) {
        if let Some(need) = step.actor.and_then(|i| uses.get_mut(i)) {
            need.acts_in.push(step.id.clone());
        }
        if let TargetUser::Account(t) = step.target
            && Some(t) != step.actor
            && let Some(need) = uses.get_mut(t)
        {
            need.target_of.push(step.id.clone());
        }
    }
    dialect
        .spec
        .roles
        .keys()
        .map(|role| {
            let accounts = target
                .accounts
                .iter()
                .zip(&uses)
                .filter(|(a, n)| {
                    &a.role == role && !(n.acts_in.is_empty() && n.target_of.is_empty())
                })
                .map(|(_, n)| n.clone())
                .collect();
            RoleNeeds {
                role: role.clone(),
                accounts,
            }
        })
        .collect()
}

/// Per role, [`PLAIN_PER_ROLE`] plain accounts and one account per set of traits some case
/// requires.
fn generous_target(dialect: &LoadedDialect, cases: &[Case]) -> Target {
    let trait_sets: BTreeSet<Vec<String>> = cases
        .iter()
        .flat_map(|c| [c.def.requires.clone(), c.def.user_requires.clone()])
        .filter(|t| !t.is_empty())
        .collect();
    let mut accounts = Vec::new();
    for role in dialect.spec.roles.keys() {
        let sets =
            std::iter::repeat_n(Vec::new(), PLAIN_PER_ROLE).chain(trait_sets.iter().cloned());
        for (nth, traits) in sets.enumerate() {
            accounts.push(Account {
                role: role.clone(),
                nth,
                username: Some(format!("{role}{}", nth + 1)),
                password: Some("(password)".into()),
                token: None,
                id: None,
                traits,
            });
        }
    }
    Target {
        base_url: "{target}".into(),
        accounts,
        allow_writes: false,
        accounts_source: "the stand-in accounts".into(),
        // Spreading would use every stand-in account: the cases need no more than the first.
        spread: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::Tree;
    use crate::case::load_cases;
    use crate::spec::load_dialect;

    fn needs(dialect: &str) -> Vec<RoleNeeds> {
        let d = load_dialect(&Tree::specs(None), dialect).unwrap();
        let cases = load_cases(&Tree::cases(None)).unwrap();
        account_needs(&d, &cases)
    }

    fn role<'a>(needs: &'a [RoleNeeds], name: &str) -> &'a RoleNeeds {
        needs.iter().find(|r| r.role == name).unwrap()
    }

    #[test]
    fn other_user_cases_want_a_second_account() {
        let needs = needs("openspecimen");
        let user = role(&needs, "user");
        // Plain accounts first; a second plain `user` is the target of the admins' other-user cases.
        assert!(user.accounts.len() >= 2, "{user:?}");
        assert!(user.accounts[0].traits.is_empty());
        assert!(!user.accounts[0].acts_in.is_empty());
        let traits: Vec<&[String]> = user.accounts.iter().map(|a| a.traits.as_slice()).collect();
        for t in ["password-history", "other-institute", "external-auth"] {
            assert!(
                traits.iter().any(|s| s.contains(&t.to_owned())),
                "{t}: {traits:?}"
            );
        }
        // No case needs a third plain account: the count is the cases', not the stand-in's.
        let plain = user.accounts.iter().filter(|a| a.traits.is_empty()).count();
        assert!(plain < PLAIN_PER_ROLE, "{user:?}");
    }

    #[test]
    fn every_role_of_ocariot_is_used_without_traits() {
        let needs = needs("ocariot");
        assert_eq!(needs.len(), 6);
        for r in &needs {
            assert!(!r.accounts.is_empty(), "{r:?}");
            assert!(r.accounts.iter().all(|a| a.traits.is_empty()), "{r:?}");
        }
        let educator = role(&needs, "educator");
        assert!(
            educator.accounts.iter().any(|a| !a.target_of.is_empty()),
            "{educator:?}"
        );
    }
}
