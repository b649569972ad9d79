//! What `run` says about the accounts file after the run: the roles of the dialect it lacks are
//! named once, with the number of cases skipped for them.

use crate::plan::Plan;
use crate::spec::LoadedDialect;
use crate::target::Target;

/// One line naming the dialect's roles that have no account, with the number of cases skipped
/// for them; `None` when every role has one.
pub(super) fn missing_roles_note(
    dialect: &LoadedDialect,
    target: &Target,
    plan: &Plan,
    fail_on_skip: bool,
) -> Option<String> {
    let missing: Vec<String> = dialect
        .spec
        .roles
        .keys()
        .filter(|r| !target.accounts.iter().any(|a| a.role == **r))
        .map(|r| {
            let needle = format!("of role `{r}`");
            let skipped = plan
                .steps
                .iter()
                .filter(|s| s.skip.as_deref().is_some_and(|w| w.contains(&needle)))
                .count();
            format!("`{r}` ({skipped} case(s) skipped)")
        })
        .collect();
    if missing.is_empty() {
        return None;
    }
    let then = if fail_on_skip {
        "--fail-on-skip makes these skips fail the run"
    } else {
        "add them, or pass --fail-on-skip to make any skip fail the run"
    };
    Some(format!(
        "{}: {} has no account of role {}; {then}",
        dialect.name(),
        target.accounts_source,
        missing.join(", ")
    ))
}
