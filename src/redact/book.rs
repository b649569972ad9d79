//! The secret book of a run: every secret the run knows, growing as secrets appear (a token from a
//! login, a password a server accepted). Its secrets are compiled in levels, as a log-structured
//! store keeps its runs: new secrets go to a small recent layer (searched needle by needle); once
//! it holds [`FOLD_AT`] needles it becomes a level, merged with the newest levels no more than
//! twice its size. Each needle is thus compiled a logarithmic number of times and a text is
//! searched once per level. (Recompiling one automaton of every secret at each growth was 72% of
//! the built-in suite's instructions: every accepted password and every new token grew the book.)
//! The compiled redactor is shared by every case redacted until the book grows again; a case's
//! own secrets (its generated password) are a small layer on top ([`Redactor::layered`]).

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
    /// The sensitive headers (its own needles stay empty).
    base: Redactor,
    /// Compiled levels of secrets, oldest and largest first.
    levels: Vec<Redactor>,
    /// The secrets added since the last level was made.
    recent: Redactor,
    /// Secrets as given, to tell a new one from one already known.
    seen: HashSet<String>,
    /// The compiled redactor of the book as it is now; `None` after it grew.
    snapshot: Option<Arc<Redactor>>,
}

/// The recent layer becomes a level once it holds this many needles: until then it is searched
/// needle by needle, so a growth compiles no automaton at all (measured: folding at 64 needles
/// instead cost the built-in suite 22% more instructions, and a bench case 10% more).
const FOLD_AT: usize = super::FEW_NEEDLES;

impl Inner {
    /// Adds to the recent layer, which becomes a level once it has grown enough.
    fn grow(&mut self, add: impl FnOnce(&mut Redactor)) {
        add(&mut self.recent);
        if self.recent.needles.len() >= FOLD_AT {
            let mut level = std::mem::take(&mut self.recent.needles);
            self.recent.compiled = std::sync::OnceLock::new();
            // Merged with the newest levels while they are no more than twice its size.
            while let Some(newest) = self.levels.pop_if(|l| l.needles.len() <= 2 * level.len()) {
                let mut merged = newest.needles;
                merged.extend(level);
                level = merged;
            }
            let mut compiled = Redactor::new();
            compiled.add_needles(level);
            self.levels.push(compiled);
        }
        self.snapshot = None;
    }

    /// Every secret of the book, compiled: each level's layer, then the recent one's.
    fn compiled(&self) -> Redactor {
        let mut r = self.base.layered();
        for level in self.levels.iter().chain([&self.recent]) {
            if !level.needles.is_empty() {
                r.layers.push(level.patterns());
            }
        }
        r
    }
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
                inner.grow(|r| r.add_secret(s));
            }
        });
    }

    /// Adds a password and the HTTP Basic form of `username:password`.
    pub fn add_basic(&self, username: &str, password: &str) {
        self.with(|inner| {
            if inner.seen.insert(format!("{username}\u{0}{password}")) {
                inner.grow(|r| r.add_basic(username, password));
            }
        });
    }

    /// A header whose values are masked wholesale.
    pub fn add_sensitive_header(&self, name: &str) {
        self.with(|inner| {
            if !inner.base.is_sensitive_header(name) {
                inner.base.add_sensitive_header(name);
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
        self.with(|inner| match &inner.snapshot {
            Some(compiled) => compiled.clone(),
            None => {
                let compiled = Arc::new(inner.compiled());
                inner.snapshot = Some(compiled.clone());
                compiled
            }
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
