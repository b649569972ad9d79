//! Accounts, password hashes, password policies and sessions: the whole in-memory state.
//!
//! Seeded accounts (ids are JSON integers; the seed list order is what `--embedded` hands the runner):
//!
//! | id | login         | password           | role            | institute      | policy           |
//! |----|---------------|--------------------|-----------------|----------------|------------------|
//! | 1  | `admin1`      | `Admin!pass-1`     | super_admin     | Central Office | non-blank        |
//! | 2  | `admin2`      | `Admin!pass-2`     | super_admin     | Central Office | non-blank        |
//! | 3  | `inst-admin1` | `InstAdmin!pass-1` | institute_admin | North Biobank  | non-blank        |
//! | 4  | `inst-admin2` | `InstAdmin!pass-2` | institute_admin | South Biobank  | non-blank        |
//! | 5  | `user1`       | `User!pass-1`      | user            | North Biobank  | non-blank        |
//! | 6  | `user2`       | `User!pass-2`      | user            | South Biobank  | non-blank        |
//! | 7  | `user-reuse`  | `Reuse!pass-1`     | user            | North Biobank  | not last 5       |
//! | 8  | `ldap-user`   | `Ldap!pass-1`      | (not listed)    | North Biobank  | domain `ldap`    |
//!
//! Institute admins' reach: `inst-admin1` -> `user1`, `user-reuse` (and `ldap-user`, whose domain refuses
//! any change); `inst-admin2` -> `user2`. Regular users: `user1`, `user2`, `user-reuse`; each may change
//! only their own password.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::json;
use sha2::{Digest, Sha256};

use crate::reference::SeedAccount;

/// Id of the seeded LDAP account (not in the seed list; `USER_PASSWD_CHANGE_NOT_ALLOWED` for any change).
pub const LDAP_USER_ID: i64 = 8;

/// The authentication domain of local accounts.
pub(crate) const LOCAL_DOMAIN: &str = "openspecimen";

/// Consecutive failed logins that lock an account.
pub(crate) const LOCK_AFTER: u32 = 5;

/// A session unused this long is expired.
const SESSION_IDLE: Duration = Duration::from_secs(60 * 60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    SuperAdmin,
    InstituteAdmin,
    User,
}

impl Role {
    fn seed_name(self) -> &'static str {
        match self {
            Role::SuperAdmin => "super_admin",
            Role::InstituteAdmin => "institute_admin",
            Role::User => "user",
        }
    }
}

/// A salted SHA-256 of a password (the real server uses BCrypt; only "not stored in clear" matters here).
#[derive(Debug, Clone)]
pub(crate) struct Hashed {
    salt: u128,
    digest: [u8; 32],
}

impl Hashed {
    pub(crate) fn new(password: &str) -> Self {
        let salt = rand::random::<u128>();
        Hashed {
            salt,
            digest: digest(salt, password),
        }
    }

    /// Exact comparison: no trimming, no case folding.
    pub(crate) fn matches(&self, password: &str) -> bool {
        digest(self.salt, password) == self.digest
    }
}

fn digest(salt: u128, password: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(salt.to_le_bytes());
    h.update(password.as_bytes());
    h.finalize().into()
}

/// A random opaque token (session and reset tokens).
pub(crate) fn new_token() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// Java's `StringUtils.isBlank`: empty or only whitespace.
pub(crate) fn is_blank(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

#[derive(Debug)]
pub(crate) struct Account {
    pub(crate) id: i64,
    pub(crate) login: String,
    pub(crate) first_name: String,
    pub(crate) last_name: String,
    pub(crate) role: Role,
    pub(crate) institute: &'static str,
    pub(crate) domain: &'static str,
    /// Current password first, then earlier ones; at most `max(reuse_n, 1)` entries.
    pub(crate) passwords: Vec<Hashed>,
    /// "Not the same as the last N passwords" (the current one included); 0 = no such rule.
    pub(crate) reuse_n: usize,
    /// Set while the account must reset its password (someone else changed it).
    pub(crate) reset_token: Option<String>,
    pub(crate) failed_logins: u32,
    pub(crate) locked: bool,
}

impl Account {
    pub(crate) fn password_matches(&self, password: &str) -> bool {
        self.passwords.first().is_some_and(|h| h.matches(password))
    }

    /// Whether `password` is one of the last `reuse_n` passwords; `skip_current` leaves out the current one.
    pub(crate) fn recently_used(&self, password: &str, skip_current: bool) -> bool {
        let skip = usize::from(skip_current);
        self.passwords
            .iter()
            .take(self.reuse_n)
            .skip(skip)
            .any(|h| h.matches(password))
    }

    /// Setting the current password again (possible only where N = 0, or under a fault) adds no history
    /// entry, so that putting the original back afterwards is never refused because of it.
    pub(crate) fn set_password(&mut self, password: &str) {
        if self.password_matches(password) {
            return;
        }
        self.passwords.insert(0, Hashed::new(password));
        self.passwords.truncate(self.reuse_n.max(1));
    }

    pub(crate) fn is_local(&self) -> bool {
        self.domain == LOCAL_DOMAIN
    }
}

#[derive(Debug)]
pub(crate) struct Session {
    pub(crate) user_id: i64,
    last_used: Instant,
}

#[derive(Debug, Default)]
pub(crate) struct Store {
    pub(crate) accounts: Vec<Account>,
    sessions: HashMap<String, Session>,
}

struct Seed {
    id: i64,
    login: &'static str,
    password: &'static str,
    first: &'static str,
    last: &'static str,
    role: Role,
    institute: &'static str,
    domain: &'static str,
    reuse_n: usize,
    listed: bool,
    /// Traits the runner is told about (see `SeedAccount::traits`).
    traits: &'static [&'static str],
}

const CENTRAL: &str = "Central Office";
const NORTH: &str = "North Biobank";
const SOUTH: &str = "South Biobank";

#[rustfmt::skip]
const SEEDS: &[Seed] = &[
    // Super admins: may change anyone's password.
    Seed { id: 1, login: "admin1", password: "Admin!pass-1", first: "Ada", last: "Admin", role: Role::SuperAdmin, institute: CENTRAL, domain: LOCAL_DOMAIN, reuse_n: 0, listed: true, traits: &[] },
    Seed { id: 2, login: "admin2", password: "Admin!pass-2", first: "Alan", last: "Admin", role: Role::SuperAdmin, institute: CENTRAL, domain: LOCAL_DOMAIN, reuse_n: 0, listed: true, traits: &[] },
    // Institute admins: #1 runs North (user1, user-reuse), #2 runs South (user2).
    Seed { id: 3, login: "inst-admin1", password: "InstAdmin!pass-1", first: "Nora", last: "North", role: Role::InstituteAdmin, institute: NORTH, domain: LOCAL_DOMAIN, reuse_n: 0, listed: true, traits: &[] },
    Seed { id: 4, login: "inst-admin2", password: "InstAdmin!pass-2", first: "Sam", last: "South", role: Role::InstituteAdmin, institute: SOUTH, domain: LOCAL_DOMAIN, reuse_n: 0, listed: true, traits: &[] },
    // Regular users: own password only. user1 shares North with inst-admin1; user2 is in South.
    Seed { id: 5, login: "user1", password: "User!pass-1", first: "Uma", last: "User", role: Role::User, institute: NORTH, domain: LOCAL_DOMAIN, reuse_n: 0, listed: true, traits: &[] },
    Seed { id: 6, login: "user2", password: "User!pass-2", first: "Ulf", last: "User", role: Role::User, institute: SOUTH, domain: LOCAL_DOMAIN, reuse_n: 0, listed: true, traits: &[] },
    // The one account with "not the same as the last 5 passwords"; listed last on purpose.
    Seed { id: 7, login: "user-reuse", password: "Reuse!pass-1", first: "Rita", last: "Reuse", role: Role::User, institute: NORTH, domain: LOCAL_DOMAIN, reuse_n: 5, listed: true, traits: &["password-history"] },
    // Authenticates through LDAP: its password cannot be changed here. Not listed (see module docs).
    Seed { id: LDAP_USER_ID, login: "ldap-user", password: "Ldap!pass-1", first: "Lee", last: "Directory", role: Role::User, institute: NORTH, domain: "ldap", reuse_n: 0, listed: true, traits: &["external-auth"] },
    // A regular user in another institute than inst-admin1, for the institute-scope case.
    Seed { id: 9, login: "user-south", password: "User!pass-3", first: "Sol", last: "South", role: Role::User, institute: SOUTH, domain: LOCAL_DOMAIN, reuse_n: 0, listed: true, traits: &["other-institute"] },
];

/// Why a token or Basic header did not authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NotAuthenticated;

impl Store {
    /// The seeded state and the accounts handed to the runner.
    pub(crate) fn seeded() -> (Store, Vec<SeedAccount>) {
        let mut store = Store::default();
        let mut listed = Vec::new();
        for s in SEEDS {
            store.accounts.push(Account {
                id: s.id,
                login: s.login.to_string(),
                first_name: s.first.to_string(),
                last_name: s.last.to_string(),
                role: s.role,
                institute: s.institute,
                domain: s.domain,
                passwords: vec![Hashed::new(s.password)],
                reuse_n: s.reuse_n,
                reset_token: None,
                failed_logins: 0,
                locked: false,
            });
            if s.listed {
                listed.push(SeedAccount {
                    role: s.role.seed_name().to_string(),
                    username: s.login.to_string(),
                    password: s.password.to_string(),
                    id: json!(s.id),
                    // Accounts with traits are reserved for the cases that require them: restoring
                    // `password-history` may be refused by its policy, `external-auth` cannot log in.
                    traits: s.traits.iter().map(|t| t.to_string()).collect(),
                });
            }
        }
        (store, listed)
    }

    pub(crate) fn account(&self, id: i64) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == id)
    }

    pub(crate) fn account_mut(&mut self, id: i64) -> Option<&mut Account> {
        self.accounts.iter_mut().find(|a| a.id == id)
    }

    pub(crate) fn by_login_mut(&mut self, login: &str) -> Option<&mut Account> {
        self.accounts.iter_mut().find(|a| a.login == login)
    }

    /// Checks a password for a sign-in, counting failures towards the lock. `Err(true)` = locked.
    pub(crate) fn check_credentials(&mut self, login: &str, password: &str) -> Result<i64, bool> {
        let Some(account) = self.by_login_mut(login) else {
            return Err(false);
        };
        if account.locked {
            return Err(true);
        }
        if account.password_matches(password) {
            account.failed_logins = 0;
            Ok(account.id)
        } else {
            account.failed_logins = account.failed_logins.saturating_add(1);
            if account.failed_logins >= LOCK_AFTER {
                account.locked = true;
            }
            Err(false)
        }
    }

    pub(crate) fn open_session(&mut self, user_id: i64) -> String {
        let now = Instant::now();
        // Forget expired sessions, so a long-running `serve` does not grow without bound.
        self.sessions
            .retain(|_, s| now.duration_since(s.last_used) <= SESSION_IDLE);
        let token = new_token();
        self.sessions.insert(
            token.clone(),
            Session {
                user_id,
                last_used: now,
            },
        );
        token
    }

    /// The user of a live session, refreshing its idle timer; an expired one is removed.
    pub(crate) fn session_user(&mut self, token: &str) -> Result<i64, NotAuthenticated> {
        let now = Instant::now();
        let Some(session) = self.sessions.get_mut(token) else {
            return Err(NotAuthenticated);
        };
        if now.duration_since(session.last_used) > SESSION_IDLE {
            self.sessions.remove(token);
            return Err(NotAuthenticated);
        }
        session.last_used = now;
        Ok(session.user_id)
    }

    pub(crate) fn close_session(&mut self, token: &str) {
        self.sessions.remove(token);
    }

    /// Ends every session of `user_id` except `keep`.
    pub(crate) fn close_sessions_of(&mut self, user_id: i64, keep: Option<&str>) {
        self.sessions
            .retain(|token, s| s.user_id != user_id || Some(token.as_str()) == keep);
    }
}
