//! `pwconform init`: a commented accounts file for a dialect, with every role, as many accounts
//! per role as the cases use (and why), each trait explained and `${VAR}` placeholders for the
//! credentials, so a CI job fills it from its secrets.

use std::fmt::Write as _;

use super::needs::{AccountNeed, RoleNeeds, account_needs};
use crate::case::Case;
use crate::spec::{LoadedDialect, Role};

/// Step ids quoted as examples of why an account is needed.
const EXAMPLES: usize = 3;
/// Comment lines are wrapped at this width.
const WIDTH: usize = 98;

/// The template for `dialect`, from the accounts the `cases` use on it.
pub fn accounts_template(dialect: &LoadedDialect, cases: &[Case]) -> String {
    let needs = account_needs(dialect, cases);
    let mut out = header(dialect);
    for role in &needs {
        out.push_str(&role_block(dialect, role));
    }
    out
}

/// `ADMIN1` for the first plain admin, `USER_PASSWORD_HISTORY` for a user with that trait: the
/// prefix of the `${..._USERNAME}` and `${..._PASSWORD}` variables.
pub fn variable_prefix(role: &str, plain_nth: Option<usize>, traits: &[String]) -> String {
    let mut name = role.to_owned();
    match plain_nth {
        Some(n) => name.push_str(&(n + 1).to_string()),
        None => {
            for t in traits {
                name.push('_');
                name.push_str(t);
            }
        }
    }
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

fn header(dialect: &LoadedDialect) -> String {
    let name = dialect.name();
    let login = &dialect.spec.login;
    let mut out = String::new();
    let intro = format!(
        "Accounts for `pwconform run --dialect {name}`: {}. Written by `pwconform init --dialect \
         {name}`; check it with `pwconform lint --accounts FILE` (sends nothing).",
        dialect.spec.title
    );
    comment(&mut out, "", &intro);
    out.push_str("#\n");
    let credentials = format!(
        "Each account logs in with `username` and `password` ({} {}), or gives a ready `token` \
         instead (add `id:` when the token does not carry the user id). `${{VAR}}` is read from \
         the environment when written unquoted, so CI secrets fill it; an unset variable stops \
         the run before anything is sent. Cases that need an account this file does not have are \
         reported as skipped, with the reason. Delete an account to skip its cases.",
        login.method, login.path
    );
    comment(&mut out, "", &credentials);
    out.push_str("#\n");
    comment(
        &mut out,
        "",
        "The counts below are the fewest accounts the cases need. More accounts of a role make a \
         run faster: a case that needs no particular account takes its turn over every account \
         that can play its role, and `--jobs` (default 4) of them are busy at once (the roles that reset \
         other users' passwords keep to their first account).",
    );
    let _ = writeln!(out, "dialect: {name}");
    comment(
        &mut out,
        "",
        "The API's base URL (the dialect's paths are appended); `--target URL` wins.",
    );
    out.push_str("# base_url: https://staging.example.org\n");
    comment(
        &mut out,
        "",
        "allow_writes: consent to change passwords on a target that is not this machine (same as \
         `--allow-writes`). A run changes real passwords there: before each request that may do \
         so it journals the account, changes the password back at once, and at the end logs in \
         to every touched account with its original password; an account it cannot restore \
         fails the run with exit 4 and the command to restore it. A target on localhost (a CI \
         service container) needs no consent. Use accounts that exist for this test only.",
    );
    out.push_str("allow_writes: false\naccounts:\n");
    out
}

fn role_block(dialect: &LoadedDialect, needs: &RoleNeeds) -> String {
    let mut out = String::new();
    let role = &needs.role;
    let spec = dialect.spec.roles.get(role).cloned().unwrap_or_default();
    comment(&mut out, "  ", &format!("{role}: {}", role_summary(&spec)));
    if needs.accounts.is_empty() {
        comment(
            &mut out,
            "  ",
            "No case uses this role; an account here would not be used.",
        );
        let _ = writeln!(out, "  # {role}: []");
        return out;
    }
    let plain = needs
        .accounts
        .iter()
        .filter(|a| a.traits.is_empty())
        .count();
    let with_traits = needs.accounts.len() - plain;
    let count = match (plain, with_traits) {
        (1, 0) => "One account.".to_owned(),
        (p, 0) => format!("{p} accounts."),
        (p, n) => format!("{p} plain account(s) and {n} with traits."),
    };
    comment(&mut out, "  ", &count);
    let _ = writeln!(out, "  {role}:");
    let mut nth = 0;
    for need in &needs.accounts {
        let plain_nth = need.traits.is_empty().then_some(nth);
        nth += usize::from(need.traits.is_empty());
        out.push_str(&account_block(dialect, role, plain_nth, need));
    }
    out
}

fn role_summary(role: &Role) -> String {
    let reach = match (role.own, role.others) {
        (true, true) => "may change its own password and other users'",
        (true, false) => "may change its own password only",
        (false, true) => "may change other users' passwords but not its own",
        (false, false) => "may not use the route at all",
    };
    match &role.description {
        Some(d) => format!("{reach}. {d}"),
        None => format!("{reach}."),
    }
}

fn account_block(
    dialect: &LoadedDialect,
    role: &str,
    plain_nth: Option<usize>,
    need: &AccountNeed,
) -> String {
    let mut out = String::new();
    let which = match plain_nth {
        Some(0) => "The first account".to_owned(),
        Some(1) => "A second account".to_owned(),
        Some(n) => format!("Account {}", n + 1),
        None => format!("An account with trait(s) {}", need.traits.join(", ")),
    };
    let mut why = Vec::new();
    if !need.acts_in.is_empty() {
        why.push(format!("{which} acts in {}.", steps(&need.acts_in)));
    }
    if !need.target_of.is_empty() {
        let whose = if why.is_empty() {
            format!("{which} is the other user: another account tries to change its password in")
        } else {
            "Another account tries to change its password in".to_owned()
        };
        why.push(format!("{whose} {}.", steps(&need.target_of)));
    }
    for t in &need.traits {
        let text = dialect
            .spec
            .account_traits
            .get(t)
            .map_or("(not described by the dialect)", String::as_str);
        why.push(format!("Trait {t}: {text}"));
    }
    comment(&mut out, "    ", &why.join(" "));
    let var = variable_prefix(role, plain_nth, &need.traits);
    let _ = writeln!(out, "    - username: ${{{var}_USERNAME}}");
    let _ = writeln!(out, "      password: ${{{var}_PASSWORD}}");
    if !need.traits.is_empty() && need.acts_in.is_empty() {
        // Only ever acted on: its id cannot be read at a login that may not work here (an
        // external-auth account cannot log in at all).
        let _ = writeln!(out, "      id: ${{{var}_ID}}        # its user id");
    }
    if !need.traits.is_empty() {
        let _ = writeln!(out, "      traits: [{}]", need.traits.join(", "));
    }
    out
}

/// `3 steps (e.g. a, b, c)`.
fn steps(ids: &[String]) -> String {
    let examples: Vec<&str> = ids.iter().take(EXAMPLES).map(String::as_str).collect();
    let more = if ids.len() > EXAMPLES { ", ..." } else { "" };
    let noun = if ids.len() == 1 { "step" } else { "steps" };
    format!("{} {noun} ({}{more})", ids.len(), examples.join(", "))
}

/// Appends `text` as `# ` comment lines indented by `indent`, wrapped at [`WIDTH`].
fn comment(out: &mut String, indent: &str, text: &str) {
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + 2 + line.len() + 1 + word.len() > WIDTH {
            let _ = writeln!(out, "{indent}# {line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}# {line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::Tree;
    use crate::case::load_cases;
    use crate::spec::load_dialect;
    use crate::target::{check_accounts, variables_in};

    fn template(dialect: &str) -> (LoadedDialect, String) {
        let d = load_dialect(&Tree::specs(None), dialect).unwrap();
        let cases = load_cases(&Tree::cases(None)).unwrap();
        let text = accounts_template(&d, &cases);
        (d, text)
    }

    #[test]
    fn every_shipped_dialect_gets_a_template_that_is_a_valid_accounts_file() {
        let cases = load_cases(&Tree::cases(None)).unwrap();
        let dir = tempfile::tempdir().unwrap();
        for name in crate::spec::available_dialects(&Tree::specs(None)) {
            let d = load_dialect(&Tree::specs(None), &name).unwrap();
            let text = accounts_template(&d, &cases);
            let path = dir.path().join(format!("{name}.yaml"));
            std::fs::write(&path, &text).unwrap();
            let (file, _) = crate::target::lint_accounts(&path).unwrap();
            assert_eq!(file.dialect.as_deref(), Some(name.as_str()));
            let known = crate::target::known_traits(&d, &cases);
            assert!(check_accounts(&file, &d, &known).is_empty(), "{name}");
            for role in d.spec.roles.keys() {
                assert!(text.contains(&format!("\n  # {role}: ")), "{name}: {role}");
            }
        }
    }

    #[test]
    fn variable_names_are_shell_names() {
        assert_eq!(variable_prefix("super_admin", Some(1), &[]), "SUPER_ADMIN2");
        let t = ["password-history".to_owned()];
        assert_eq!(variable_prefix("user", None, &t), "USER_PASSWORD_HISTORY");
    }

    #[test]
    fn template_names_every_role_explains_traits_and_lints_clean() {
        let (d, text) = template("openspecimen");
        for role in d.spec.roles.keys() {
            assert!(text.contains(&format!("\n  {role}:\n")), "{role}\n{text}");
        }
        // The comments as one text, to find sentences across wrapped lines.
        let prose = text.replace("\n    # ", " ").replace("\n  # ", " ");
        for (name, what) in &d.spec.account_traits {
            let what = what.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(
                prose.contains(&format!("Trait {name}: {what}")),
                "{name}\n{text}"
            );
        }
        assert!(
            prose.contains("A second account is the other user: another account tries"),
            "{text}"
        );
        assert!(text.contains("allow_writes: false"), "{text}");
        assert!(text.lines().all(|l| l.len() <= WIDTH), "{text}");
        let vars = variables_in(&text);
        assert!(
            vars.contains(&"SUPER_ADMIN1_PASSWORD".to_owned()),
            "{vars:?}"
        );
        // The template itself is a valid accounts file of its dialect.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("accounts.yaml");
        std::fs::write(&path, &text).unwrap();
        let (file, unset) = crate::target::lint_accounts(&path).unwrap();
        assert_eq!(unset.len(), vars.len());
        let traits: Vec<String> = d.spec.account_traits.keys().cloned().collect();
        assert!(check_accounts(&file, &d, &traits).is_empty());
    }
}
