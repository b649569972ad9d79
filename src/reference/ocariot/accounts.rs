//! Users of the OCARIoT reference server: roles, their token scopes, the seeded accounts and the
//! in-memory store.

use std::collections::HashSet;

use serde_json::Value;

use super::super::SeedAccount;

/// The user types of OCARIoT (`sub_type` in the token).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Admin,
    Educator,
    Family,
    HealthProfessional,
    Child,
    Application,
}

/// Scopes that let a token use `PUT /v1/users/{user_id}/password` (one of them is enough).
pub const PASSWORD_UPDATE_SCOPES: &[&str] = &[
    "educators:update",
    "families:update",
    "healthprofessionals:update",
    "children:update",
    "applications:update",
];

/// The scope of `POST /v1/users/{user_id}/reset-password` (admins only).
pub const RESET_SCOPE: &str = "users:resetPassword";

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Educator,
        Role::Family,
        Role::HealthProfessional,
        Role::Child,
        Role::Application,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Educator => "educator",
            Role::Family => "family",
            Role::HealthProfessional => "healthprofessional",
            Role::Child => "child",
            Role::Application => "application",
        }
    }

    /// The space-separated `scope` claim of this role's tokens (a subset of the platform's real
    /// scopes). Child and application tokens carry none of [`PASSWORD_UPDATE_SCOPES`].
    pub fn scope(self) -> &'static str {
        match self {
            Role::Admin => {
                "admins:create admins:read admins:update admins:delete \
                 children:create children:read children:readAll children:update children:delete \
                 educators:create educators:read educators:readAll educators:update educators:delete \
                 families:create families:read families:readAll families:update families:delete \
                 healthprofessionals:create healthprofessionals:read healthprofessionals:readAll \
                 healthprofessionals:update healthprofessionals:delete \
                 applications:create applications:read applications:readAll applications:update \
                 applications:delete institutions:create institutions:read institutions:readAll \
                 institutions:update institutions:delete users:delete users:resetPassword"
            }
            Role::Educator => {
                "educators:read educators:update children:read children:readAll \
                 educators:children:groups:create educators:children:groups:read \
                 educators:children:groups:update educators:children:groups:delete \
                 institutions:read physicalactivities:read sleep:read environment:read"
            }
            Role::Family => {
                "families:read families:update children:read institutions:read \
                 physicalactivities:read sleep:read weights:read bodyfats:read"
            }
            Role::HealthProfessional => {
                "healthprofessionals:read healthprofessionals:update children:read children:readAll \
                 healthprofessionals:children:groups:create healthprofessionals:children:groups:read \
                 healthprofessionals:children:groups:update healthprofessionals:children:groups:delete \
                 institutions:read physicalactivities:read sleep:read weights:read bodyfats:read"
            }
            Role::Child => "children:read institutions:read physicalactivities:read sleep:read",
            Role::Application => {
                "applications:read children:read children:readAll institutions:read \
                 physicalactivities:create physicalactivities:read sleep:create sleep:read \
                 weights:create weights:read bodyfats:create bodyfats:read environment:create"
            }
        }
    }
}

/// Whether a `scope` claim allows the password route.
pub fn scope_allows_password_update(scope: &str) -> bool {
    scope
        .split_whitespace()
        .any(|s| PASSWORD_UPDATE_SCOPES.contains(&s))
}

/// One user.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: String,
    pub role: Role,
    pub username: String,
    pub password: String,
}

/// The fixed seed: two users per role, the same ids and passwords at every start.
const SEED: &[(Role, &str, &str, &str)] = &[
    (
        Role::Admin,
        "5a62be07d6f33400146c9b61",
        "admin1",
        "Adm1n!pass-1",
    ),
    (
        Role::Admin,
        "5a62be07d6f33400146c9b62",
        "admin2",
        "Adm1n!pass-2",
    ),
    (
        Role::Educator,
        "5a62be07de34500146d9c541",
        "educator1",
        "Educ4tor!pass-1",
    ),
    (
        Role::Educator,
        "5a62be07de34500146d9c542",
        "educator2",
        "Educ4tor!pass-2",
    ),
    (
        Role::Family,
        "5a62be07de34500146d9c5f1",
        "family1",
        "Fam1ly!pass-1",
    ),
    (
        Role::Family,
        "5a62be07de34500146d9c5f2",
        "family2",
        "Fam1ly!pass-2",
    ),
    (
        Role::HealthProfessional,
        "5a62be07de34500146d9c5a1",
        "healthprofessional1",
        "He4lth!pass-1",
    ),
    (
        Role::HealthProfessional,
        "5a62be07de34500146d9c5a2",
        "healthprofessional2",
        "He4lth!pass-2",
    ),
    (
        Role::Child,
        "5a62be07de34500146d9c5c1",
        "child1",
        "Ch1ld!pass-1",
    ),
    (
        Role::Child,
        "5a62be07de34500146d9c5c2",
        "child2",
        "Ch1ld!pass-2",
    ),
    (
        Role::Application,
        "5a62be07de34500146d9c5b1",
        "application1",
        "Appl1cation!pass-1",
    ),
    (
        Role::Application,
        "5a62be07de34500146d9c5b2",
        "application2",
        "Appl1cation!pass-2",
    ),
];

/// The seeded users, in a fixed order (role by role).
pub fn seed() -> Vec<Account> {
    SEED.iter()
        .map(|&(role, id, username, password)| Account {
            id: id.to_string(),
            role,
            username: username.to_string(),
            password: password.to_string(),
        })
        .collect()
}

impl From<&Account> for SeedAccount {
    fn from(a: &Account) -> Self {
        SeedAccount {
            role: a.role.as_str().to_string(),
            username: a.username.clone(),
            password: a.password.clone(),
            id: Value::String(a.id.clone()),
            traits: Vec::new(),
        }
    }
}

/// The server's users, plus the token bookkeeping one fault needs.
#[derive(Debug, Default)]
pub struct Store {
    accounts: Vec<Account>,
    /// Tokens handed out per user id (only kept when tokens are revoked on change).
    issued: Vec<(String, String)>,
    revoked: HashSet<String>,
}

impl Store {
    pub fn new(accounts: Vec<Account>) -> Self {
        Store {
            accounts,
            ..Store::default()
        }
    }

    pub fn by_username(&self, username: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.username == username)
    }

    pub fn get(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == id)
    }

    /// Sets the password of `id`; false if there is no such user.
    pub fn set_password(&mut self, id: &str, password: String) -> bool {
        match self.accounts.iter_mut().find(|a| a.id == id) {
            Some(account) => {
                account.password = password;
                true
            }
            None => false,
        }
    }

    /// Remembers a token handed out to `id`, so it can be revoked later.
    pub fn remember_token(&mut self, id: &str, token: &str) {
        self.issued.push((id.to_string(), token.to_string()));
    }

    /// Revokes every remembered token of `id`.
    pub fn revoke_tokens(&mut self, id: &str) {
        let (gone, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.issued)
            .into_iter()
            .partition(|(owner, _)| owner == id);
        self.issued = kept;
        self.revoked
            .extend(gone.into_iter().map(|(_, token)| token));
    }

    pub fn is_revoked(&self, token: &str) -> bool {
        self.revoked.contains(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_has_two_accounts_per_role_with_distinct_credentials_and_hex_ids() {
        let accounts = seed();
        for role in Role::ALL {
            assert_eq!(accounts.iter().filter(|a| a.role == role).count(), 2);
        }
        let ids: HashSet<_> = accounts.iter().map(|a| a.id.as_str()).collect();
        let names: HashSet<_> = accounts.iter().map(|a| a.username.as_str()).collect();
        let passwords: HashSet<_> = accounts.iter().map(|a| a.password.as_str()).collect();
        assert_eq!(ids.len(), 12);
        assert_eq!(names.len(), 12);
        assert_eq!(passwords.len(), 12);
        for a in &accounts {
            assert_eq!(a.id.len(), 24);
            assert!(
                a.id.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')),
                "{}",
                a.id
            );
        }
    }

    #[test]
    fn only_child_and_application_lack_update_scopes() {
        for role in Role::ALL {
            let allowed = scope_allows_password_update(role.scope());
            assert_eq!(
                allowed,
                !matches!(role, Role::Child | Role::Application),
                "{role:?}"
            );
        }
    }

    #[test]
    fn revoking_only_touches_that_user() {
        let mut store = Store::new(seed());
        store.remember_token("a", "t1");
        store.remember_token("b", "t2");
        store.revoke_tokens("a");
        assert!(store.is_revoked("t1"));
        assert!(!store.is_revoked("t2"));
    }
}
