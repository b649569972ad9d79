//! The target: a base URL and the accounts to act as, from `--accounts FILE` or the embedded
//! server's seed. `${VAR}` in the accounts file is read from the environment, so secrets stay out
//! of the repository.

use std::collections::HashMap;
use std::path::Path;

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

use crate::reference::SeedAccount;
use crate::source::{LoadError, PosMap, SourceFile};

mod check;
mod needs;
mod template;

pub use check::{check_accounts, known_traits, lint_accounts, variables_in};
pub use needs::{AccountNeed, RoleNeeds, account_needs};
pub use template::{accounts_template, variable_prefix};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountsFile {
    #[serde(default)]
    pub dialect: Option<String>,
    #[serde(default)]
    pub base_url: Option<String>,
    #[serde(default)]
    pub allow_writes: bool,
    /// Role -> accounts of that role, in the order cases use them.
    pub accounts: IndexMap<String, Vec<AccountEntry>>,
    /// The text it was read from, so later checks (against a dialect) can point at a line.
    #[serde(skip)]
    pub source: Option<SourceFile>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountEntry {
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    /// A ready token instead of a login.
    #[serde(default)]
    pub token: Option<String>,
    /// The user id, when it cannot be read at login.
    #[serde(default)]
    pub id: Option<Value>,
    /// What sets this account apart, e.g. `password-history` (its policy forbids reusing recent
    /// passwords). Accounts with traits are used only by cases that `require` them.
    #[serde(default)]
    pub traits: Vec<String>,
}

/// One account the run may act as.
#[derive(Debug, Clone)]
pub struct Account {
    pub role: String,
    /// Position among the accounts of its role (0 = first).
    pub nth: usize,
    pub username: Option<String>,
    pub password: Option<String>,
    pub token: Option<String>,
    pub id: Option<Value>,
    pub traits: Vec<String>,
}

impl Account {
    /// How the account is named in messages: `educator#1 (edu1)`.
    pub fn label(&self) -> String {
        match &self.username {
            Some(u) => format!("{}#{} ({u})", self.role, self.nth + 1),
            None => format!("{}#{}", self.role, self.nth + 1),
        }
    }
}

/// Where to send requests and as whom.
#[derive(Debug, Clone)]
pub struct Target {
    pub base_url: String,
    pub accounts: Vec<Account>,
    pub allow_writes: bool,
    /// Where the accounts came from, for "no account for role" messages.
    pub accounts_source: String,
    /// Generated cases take turns over every plain account of their role (false: each on the
    /// role's first, as when counting the accounts the cases need).
    pub spread: bool,
}

impl Target {
    /// The `nth` plain account of `role` (accounts with traits are kept for cases requiring them).
    pub fn account(&self, role: &str, nth: usize) -> Option<usize> {
        self.accounts
            .iter()
            .enumerate()
            .filter(|(_, a)| a.role == role && a.traits.is_empty())
            .nth(nth)
            .map(|(i, _)| i)
    }

    /// The first account of `role` that has every trait in `traits`.
    pub fn account_with(&self, role: &str, traits: &[String]) -> Option<usize> {
        self.accounts
            .iter()
            .position(|a| a.role == role && traits.iter().all(|t| a.traits.contains(t)))
    }

    /// Two placeholder accounts per role of `dialect` and one with `traits`, for planning without
    /// a target.
    pub fn stand_in(dialect: &crate::spec::LoadedDialect, traits: &[String]) -> Target {
        let accounts = dialect
            .spec
            .roles
            .keys()
            .flat_map(|role| {
                (0..2).map(move |nth| Account {
                    role: role.clone(),
                    nth,
                    username: Some(format!("{role}{}", nth + 1)),
                    password: Some("(password)".into()),
                    token: None,
                    id: None,
                    traits: Vec::new(),
                })
            })
            .chain(dialect.spec.roles.keys().map(|role| Account {
                role: role.clone(),
                nth: 2,
                username: Some(format!("{role}-with-traits")),
                password: Some("(password)".into()),
                token: None,
                id: None,
                traits: traits.to_vec(),
            }))
            .collect();
        Target {
            base_url: "{target}".into(),
            accounts,
            allow_writes: false,
            accounts_source: "the stand-in accounts".into(),
            spread: true,
        }
    }

    /// Accounts seeded by an embedded reference server.
    pub fn from_seed(base_url: &str, seed: &[SeedAccount]) -> Target {
        let mut count: HashMap<&str, usize> = HashMap::new();
        let accounts = seed
            .iter()
            .map(|s| {
                let nth = count.entry(s.role.as_str()).or_insert(0);
                let a = Account {
                    role: s.role.clone(),
                    nth: *nth,
                    username: Some(s.username.clone()),
                    password: Some(s.password.clone()),
                    token: None,
                    id: Some(s.id.clone()),
                    traits: s.traits.clone(),
                };
                *nth += 1;
                a
            })
            .collect();
        Target {
            base_url: base_url.trim_end_matches('/').to_string(),
            accounts,
            allow_writes: true,
            accounts_source: "the embedded server's seed".into(),
            spread: true,
        }
    }
}

/// Keys whose values are secrets: no message ever quotes them.
const SECRET_KEYS: &[&str] = &["password", "token"];

/// Reads an accounts file; `${VAR}` is expanded from the environment, an unset variable is an error.
/// Checks a target's base URL before anything is sent: `http` or `https`, a host, no
/// credentials, and no query or fragment (the dialect's paths are appended to it). A path prefix
/// such as `https://host/api` is fine. Messages never repeat a password written in the URL.
pub fn check_base_url(url: &str) -> Result<(), String> {
    let example =
        "expected a base URL such as http://localhost:8080 or https://staging.example.org";
    let shown = without_userinfo(url);
    let parsed =
        reqwest::Url::parse(url).map_err(|e| format!("`{shown}` is not a URL ({e}); {example}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "`{shown}`: the scheme `{}` is not http or https; {example}",
            parsed.scheme()
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!("`{shown}` has no host; {example}"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        // They would be sent with every request and written into every report's URLs.
        return Err(format!(
            "`{shown}` carries credentials; give the base URL without them, and send them with \
             -H 'Authorization: Basic ...' (header values are redacted)"
        ));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(format!(
            "`{shown}` has a query or fragment; the dialect's paths are appended to the base URL, \
             so give the base only"
        ));
    }
    Ok(())
}

/// `url` with anything between `://` and an `@` replaced by `***`, for messages.
fn without_userinfo(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            match rest.get(..authority_end).and_then(|a| a.rsplit_once('@')) {
                Some((_, host)) => {
                    let tail = rest.get(authority_end..).unwrap_or_default();
                    format!("{scheme}://***@{host}{tail}")
                }
                None => url.to_owned(),
            }
        }
        None => url.to_owned(),
    }
}

pub fn load_accounts(path: &Path) -> Result<AccountsFile, LoadError> {
    load_accounts_with(path, std::env::vars().collect())
}

/// [`load_accounts`] with the variables `${VAR}` is expanded from.
pub(crate) fn load_accounts_with(
    path: &Path,
    env: HashMap<String, String>,
) -> Result<AccountsFile, LoadError> {
    let file = SourceFile::read(path)?;
    let options = serde_saphyr::Options::default().with_properties(env);
    let mut parsed: AccountsFile = file.parse_yaml_with(options, SECRET_KEYS)?;
    // Positions come from the text as written (`${VAR}` unexpanded).
    let positions = PosMap::parse(&file.text);
    for (role, list) in &parsed.accounts {
        for (i, a) in list.iter().enumerate() {
            let index = i.to_string();
            let at = |key: Option<&str>, message: String| {
                let mut path = vec!["accounts", role.as_str(), index.as_str()];
                path.extend(key);
                let pos = if key.is_some() {
                    positions.value(&path)
                } else {
                    positions.key(&path)
                };
                match pos {
                    Some(p) => file.error_at(p.line, p.column, message),
                    None => file.error(message),
                }
            };
            // `${VAR}` is expanded in plain scalars only; in quotes it would become a password.
            let unexpanded = [
                ("username", &a.username),
                ("password", &a.password),
                ("token", &a.token),
            ]
            .into_iter()
            .find(|(_, v)| v.as_deref().is_some_and(|v| v.contains("${")));
            if let Some((key, _)) = unexpanded {
                return Err(at(
                    Some(key),
                    format!(
                        "accounts.{role}[{i}].{key}: `${{VAR}}` inside quotes is not expanded; \
                         write it unquoted, e.g. `{key}: ${{EDU1_PASSWORD}}`"
                    ),
                ));
            }
            let login = a.username.is_some() && a.password.is_some();
            if !login && a.token.is_none() {
                let has = [
                    ("username", a.username.is_some()),
                    ("password", a.password.is_some()),
                ]
                .into_iter()
                .filter(|(_, set)| *set)
                .map(|(k, _)| format!("`{k}`"))
                .collect::<Vec<_>>();
                let has = if has.is_empty() {
                    String::new()
                } else {
                    format!(" (it has only {})", has.join(" and "))
                };
                return Err(at(
                    None,
                    format!(
                        "accounts.{role}[{i}]: no credentials{has}; expected `username` and \
                         `password`, or a `token`"
                    ),
                ));
            }
        }
    }
    parsed.source = Some(file);
    Ok(parsed)
}

impl AccountsFile {
    pub fn into_target(self, base_url: &str, source: &Path) -> Target {
        let accounts = self
            .accounts
            .into_iter()
            .flat_map(|(role, list)| {
                list.into_iter().enumerate().map(move |(nth, a)| Account {
                    role: role.clone(),
                    nth,
                    username: a.username,
                    password: a.password,
                    token: a.token,
                    id: a.id,
                    traits: a.traits,
                })
            })
            .collect();
        Target {
            base_url: base_url.trim_end_matches('/').to_string(),
            accounts,
            allow_writes: self.allow_writes,
            accounts_source: source.display().to_string(),
            spread: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use std::io::Write;

    #[rstest]
    #[case("http://localhost:8080", None)]
    #[case("https://staging.example.org/api/", None)]
    #[case("http://[::1]:9", None)]
    #[case("localhost:8080", Some("the scheme `localhost` is not http or https"))]
    #[case("ftp://host", Some("the scheme `ftp` is not http or https"))]
    #[case("http://", Some("is not a URL (empty host)"))]
    #[case("staging", Some("is not a URL (relative URL without a base)"))]
    #[case("http://h/x?y=1", Some("has a query or fragment"))]
    #[case("https://u:hunter2@h/", Some("`https://***@h/` carries credentials"))]
    #[case("https://u:hunter2@/x", Some("`https://***@/x` is not a URL"))]
    fn base_urls_are_checked(#[case] url: &str, #[case] problem: Option<&str>) {
        match (check_base_url(url), problem) {
            (Ok(()), None) => {}
            (Err(e), Some(p)) => assert!(e.contains(p), "{e}"),
            (got, _) => panic!("{url}: {got:?}"),
        }
    }

    #[test]
    fn expands_environment_and_numbers_accounts() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        // SAFETY: tests in this module are the only readers of this variable.
        unsafe { std::env::set_var("PWC_TEST_EDU2", "from-env") };
        writeln!(
            f,
            "accounts:\n  educator:\n    - {{username: e1, password: p1}}\n    - username: e2\n      password: ${{PWC_TEST_EDU2}}\n  child:\n    - {{token: t, id: abc}}"
        )
        .unwrap();
        let target = load_accounts(f.path())
            .unwrap()
            .into_target("http://x/", f.path());
        assert_eq!(target.base_url, "http://x");
        assert_eq!(target.accounts[1].password.as_deref(), Some("from-env"));
        assert_eq!(target.accounts[1].label(), "educator#2 (e2)");
        assert_eq!(target.account("child", 0), Some(2));
    }

    #[test]
    fn quoted_or_unset_variables_are_errors() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        writeln!(
            f,
            "accounts:\n  a:\n    - {{username: e1, password: '${{X}}'}}"
        )
        .unwrap();
        let e = load_accounts(f.path()).unwrap_err();
        assert!(e.message.contains("write it unquoted"), "{e}");
        let mut f = tempfile::NamedTempFile::new().unwrap();
        writeln!(
            f,
            "accounts:\n  a:\n    - username: e1\n      password: ${{PWC_SURELY_UNSET_VAR}}"
        )
        .unwrap();
        let e = load_accounts(f.path()).unwrap_err();
        assert!(e.to_string().contains("PWC_SURELY_UNSET_VAR"), "{e}");
        assert_eq!(e.line, Some(4), "{e}");
    }

    #[test]
    fn account_without_credentials_is_an_error() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        writeln!(f, "accounts:\n  educator:\n    - {{username: e1}}").unwrap();
        let e = load_accounts(f.path()).unwrap_err();
        assert!(e.message.contains("accounts.educator[0]"), "{e}");
    }
}
