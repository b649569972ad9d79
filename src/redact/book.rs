//! The secret book of a run: every secret the run knows, growing as secrets appear (a token from a
//! login, a password a server accepted). Its automaton is compiled only when it has grown, and
//! shared by every case redacted until it grows again; a case's own secrets (its generated
//! password) are a small layer on top ([`Redactor::layered`]), so 10,000 cases never mean 10,000
//! recompilations of 10,000 secrets.

use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use super::Redactor;

#[derive(Default)]
pub struct SecretBook {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    redactor: Redactor,
    /// Secrets as given, to tell a new one from one already known.
    seen: HashSet<String>,
    /// The compiled redactor of the book as it is now; `None` after it grew.
    snapshot: Option<Arc<Redactor>>,
}

impl fmt::Debug for SecretBook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretBook")
            .field("secrets", &self.len())
            .finish()
    }
}

impl SecretBook {
    /// Adds a secret (and its encoded forms); `None` and known secrets change nothing.
    pub fn add(&self, secret: Option<&str>) {
        let Some(s) = secret else { return };
        self.with(|inner| {
            if inner.seen.insert(s.to_owned()) {
                inner.redactor.add_secret(s);
                inner.snapshot = None;
            }
        });
    }

    /// Adds a password and the HTTP Basic form of `username:password`.
    pub fn add_basic(&self, username: &str, password: &str) {
        self.with(|inner| {
            if inner.seen.insert(format!("{username}\u{0}{password}")) {
                inner.redactor.add_basic(username, password);
                inner.snapshot = None;
            }
        });
    }

    /// A header whose values are masked wholesale.
    pub fn add_sensitive_header(&self, name: &str) {
        self.with(|inner| {
            if !inner.redactor.is_sensitive_header(name) {
                inner.redactor.add_sensitive_header(name);
                inner.snapshot = None;
            }
        });
    }

    /// How many secrets the book holds.
    pub fn len(&self) -> usize {
        self.with(|inner| inner.seen.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The redactor of every secret known now, compiled once per growth of the book.
    pub fn redactor(&self) -> Arc<Redactor> {
        self.with(|inner| {
            inner
                .snapshot
                .get_or_insert_with(|| Arc::new(inner.redactor.layered()))
                .clone()
        })
    }

    /// The book's redactor plus `own` secrets in a layer of their own (one case's).
    pub fn redactor_with(&self, own: &[String]) -> Redactor {
        let mut r = self.redactor().layered();
        for s in own {
            r.add_secret(s);
        }
        r
    }

    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        // A poisoned lock still holds every secret added before the panic: keep using it.
        let mut guard = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut guard)
    }
}
