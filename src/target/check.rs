//! An accounts file against a dialect and the cases, before anything is sent: every role must be
//! one of the dialect's and every trait one that some case asks for. A typo in either would
//! otherwise only show as skipped cases at the end of a run.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use super::{AccountsFile, load_accounts_with};
use crate::case::Case;
use crate::source::{LoadError, PosMap, did_you_mean};
use crate::spec::LoadedDialect;

/// Names in `file` that `dialect` and the cases do not know: roles outside the dialect's `roles:`
/// and traits outside `known_traits`, each at `file:line:col` with a did-you-mean. Empty when all
/// is well. `run` and `lint --accounts` both call it.
pub fn check_accounts(
    file: &AccountsFile,
    dialect: &LoadedDialect,
    known_traits: &[String],
) -> Vec<LoadError> {
    let positions = file
        .source
        .as_ref()
        .map(|s| PosMap::parse(&s.text))
        .unwrap_or_default();
    let at = |path: &[&str], message: String| match &file.source {
        Some(source) => match positions.key(path).or_else(|| positions.value(path)) {
            Some(p) => source.error_at(p.line, p.column, message),
            None => source.error(message),
        },
        None => LoadError {
            file: "(accounts)".into(),
            line: None,
            column: None,
            message,
        },
    };
    let roles: Vec<&str> = dialect.spec.roles.keys().map(String::as_str).collect();
    let mut errors = Vec::new();
    for (role, list) in &file.accounts {
        if !roles.contains(&role.as_str()) {
            errors.push(at(
                &["accounts", role],
                format!(
                    "accounts.{role}: the dialect `{}` has no role `{role}`{}; its roles: {}",
                    dialect.name(),
                    did_you_mean(role, roles.iter().copied()),
                    roles.join(", ")
                ),
            ));
        }
        for (i, account) in list.iter().enumerate() {
            let index = i.to_string();
            for (j, name) in account.traits.iter().enumerate() {
                if known_traits.contains(name) {
                    continue;
                }
                let nth = j.to_string();
                let known = if known_traits.is_empty() {
                    "its cases need no account with traits".to_owned()
                } else {
                    format!("its traits: {}", known_traits.join(", "))
                };
                errors.push(at(
                    &["accounts", role, &index, "traits", &nth],
                    format!(
                        "accounts.{role}[{i}].traits: no case of `{}` requires the trait \
                         `{name}`{}; {known}",
                        dialect.name(),
                        did_you_mean(name, known_traits.iter().map(String::as_str))
                    ),
                ));
            }
        }
    }
    errors
}

/// Traits an accounts file may use on `dialect`: those the cases that run on it require and those
/// the dialect describes, sorted.
pub fn known_traits(dialect: &LoadedDialect, cases: &[Case]) -> Vec<String> {
    let mut known: Vec<String> = cases
        .iter()
        .filter(|c| {
            c.def
                .dialects
                .as_ref()
                .is_none_or(|f| f.admits(&dialect.lineage))
        })
        .flat_map(|c| c.def.requires.iter().chain(&c.def.user_requires).cloned())
        .collect();
    known.extend(dialect.spec.account_traits.keys().cloned());
    known.sort();
    known.dedup();
    known
}

/// Every `${NAME}` written in `text` outside comments, in order of first appearance.
pub fn variables_in(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for line in text.lines() {
        for name in variables_in_line(without_comment(line)) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// `line` up to a YAML comment: a `#` at its start or after a space.
fn without_comment(line: &str) -> &str {
    if line.trim_start().starts_with('#') {
        return "";
    }
    line.split_once(" #").map_or(line, |(code, _)| code)
}

fn variables_in_line(line: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut rest = line;
    while let Some((_, after)) = rest.split_once("${") {
        let Some((name, tail)) = after.split_once('}') else {
            break;
        };
        let plain = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if plain && !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
        rest = tail;
    }
    names
}

/// Reads an accounts file for `lint`: like a run, but a `${VAR}` the environment does not set is
/// not an error (a developer lints without the CI's secrets); its name is returned instead.
pub fn lint_accounts(path: &Path) -> Result<(AccountsFile, Vec<String>), LoadError> {
    let mut env: HashMap<String, String> = std::env::vars().collect();
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let unset: BTreeSet<String> = variables_in(&text)
        .into_iter()
        .filter(|v| !env.contains_key(v))
        .collect();
    for name in &unset {
        // A stand-in value: never sent anywhere, lint sends nothing.
        env.insert(name.clone(), format!("unset-{name}"));
    }
    let file = load_accounts_with(path, env)?;
    Ok((file, unset.into_iter().collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::Tree;
    use crate::spec::load_dialect;
    use std::io::Write;

    fn accounts(text: &str) -> (tempfile::NamedTempFile, AccountsFile) {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        let (file, _) = lint_accounts(f.path()).unwrap();
        (f, file)
    }

    #[test]
    fn unknown_roles_and_traits_point_at_their_line() {
        let dialect = load_dialect(&Tree::specs(None), "ocariot").unwrap();
        let (f, file) = accounts(
            "accounts:\n  educator:\n    - {username: e, password: p}\n  educatr:\n    - username: e2\n      password: p\n      traits: [pasword-history]\n",
        );
        let errors = check_accounts(&file, &dialect, &["password-history".to_owned()]);
        assert_eq!(errors.len(), 2, "{errors:?}");
        let role = errors[0].to_string();
        let name = f.path().display().to_string();
        assert!(role.starts_with(&format!("{name}:4:3:")), "{role}");
        assert!(role.contains("did you mean `educator`?"), "{role}");
        let t = errors[1].to_string();
        assert!(t.starts_with(&format!("{name}:7:16:")), "{t}");
        assert!(t.contains("did you mean `password-history`?"), "{t}");
    }

    #[test]
    fn traits_are_those_of_the_dialects_cases() {
        let cases = crate::case::load_cases(&Tree::cases(None)).unwrap();
        let specs = Tree::specs(None);
        let ocariot = load_dialect(&specs, "ocariot").unwrap();
        assert!(known_traits(&ocariot, &cases).is_empty());
        let os = load_dialect(&specs, "openspecimen").unwrap();
        assert_eq!(
            known_traits(&os, &cases),
            ["external-auth", "other-institute", "password-history"]
        );
    }

    #[test]
    fn known_names_pass() {
        let dialect = load_dialect(&Tree::specs(None), "ocariot").unwrap();
        let (_f, file) = accounts("accounts:\n  child:\n    - {token: t, id: x}\n");
        assert!(check_accounts(&file, &dialect, &[]).is_empty());
    }

    #[test]
    fn unset_variables_are_named_not_errors() {
        let (_f, file) = accounts(
            "accounts:\n  a:\n    - username: u\n      password: ${PWC_LINT_SURELY_UNSET}\n",
        );
        assert_eq!(
            file.accounts["a"][0].password.as_deref(),
            Some("unset-PWC_LINT_SURELY_UNSET")
        );
        assert_eq!(
            variables_in("x: ${A}\ny: ${B_2} ${A} ${not ok} ${\n# ${C}\nz: ${D} # ${E}"),
            ["A", "B_2", "D"]
        );
    }
}
