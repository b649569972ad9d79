//! Journal ahead: the passwords a case generates are made before its account's next cases start
//! and written to the journal in one synced entry per account, so a case costs no `fsync`. Each
//! case then appends an unsynced entry naming the password it is about to send: after a killed
//! process `restore` tries that one first; after a power loss the synced entries still name every
//! password a request may have set. Synced entries stay open until the end-of-run check confirms
//! the account, so a candidate once on disk stays there for as long as the run may send it.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Mutex;

use super::journal::{Credential, Durability, Entry, Journal};
use super::step::{Held, StepEnv};
use super::touched::{account_entry, credential_of, touched_accounts};
use crate::plan::Step;

/// The first batch of passwords generated ahead for a set of accounts; each further batch is
/// twice as large, up to [`MAX_BATCH`]: a short run names few unused passwords, a long one
/// `fsync`s once per 128 cases.
const FIRST_BATCH: usize = 8;
const MAX_BATCH: usize = 128;

/// What one account has on disk ahead of its cases.
#[derive(Debug, Clone, Default)]
pub struct Reserved {
    /// The synced entries, closed by the end-of-run check.
    pub ids: Vec<u64>,
    /// Every candidate they name.
    pub candidates: HashSet<String>,
    /// The actor the newest of them names (what `restore` uses after a power loss).
    pub actor: Option<String>,
}

impl Reserved {
    /// Whether a request that may set `tries` (sent by `actor`) needs nothing more on disk.
    pub fn covers(&self, tries: &[String], original: &str, actor: Option<&Credential>) -> bool {
        let actor_known = actor.is_none_or(|a| self.actor.as_deref() == Some(&a.username));
        actor_known
            && tries
                .iter()
                .all(|t| t == original || self.candidates.contains(t))
    }
}

/// Generated passwords already on disk, by the set of accounts their steps touch.
#[derive(Default)]
pub struct Ahead {
    pools: Mutex<HashMap<Vec<usize>, Pool>>,
}

#[derive(Default)]
struct Pool {
    ready: VecDeque<String>,
    next_batch: usize,
}

impl Ahead {
    /// The new password `step` generates. With a journal, it is one already on disk as a
    /// candidate of every account the step touches; when none is left, a batch is made and
    /// journaled first. The step holds every account it touches, so no other step draws from
    /// the same pool meanwhile.
    pub fn new_password(
        &self,
        env: &StepEnv<'_>,
        step: &Step,
        held: &mut Held<'_>,
    ) -> Result<String, String> {
        let Some(journal) = env.journal else {
            return Ok(fresh_password());
        };
        let touched = touched_accounts(step);
        if let Some(ready) = self.take(&touched, None) {
            return Ok(ready);
        }
        let batch: Vec<String> = (0..self.batch_size(&touched))
            .map(|_| fresh_password())
            .collect();
        let first = step.id.as_str();
        let case = format!("{first} and the next cases (new passwords generated ahead)");
        reserve(journal, env, step, held, &touched, &batch, &case)?;
        self.take(&touched, Some(batch))
            .ok_or_else(|| "no password generated".to_string())
    }

    /// Adds `batch` to the pool of `touched` (if any), then takes its next password.
    fn take(&self, touched: &[usize], batch: Option<Vec<String>>) -> Option<String> {
        let mut pools = self.pools.lock().ok()?;
        let pool = pools.entry(touched.to_vec()).or_default();
        pool.ready.extend(batch.into_iter().flatten());
        pool.ready.pop_front()
    }

    fn batch_size(&self, touched: &[usize]) -> usize {
        let Ok(mut pools) = self.pools.lock() else {
            return FIRST_BATCH;
        };
        let pool = pools.entry(touched.to_vec()).or_default();
        let size = pool.next_batch.clamp(FIRST_BATCH, MAX_BATCH);
        pool.next_batch = size.saturating_mul(2);
        size
    }
}

/// Writes one synced entry per account in `touched` naming `passwords` (and its original), and
/// records them as reserved: they stay open until the end-of-run check.
pub fn reserve(
    journal: &Journal,
    env: &StepEnv<'_>,
    step: &Step,
    held: &mut Held<'_>,
    touched: &[usize],
    passwords: &[String],
    case: &str,
) -> Result<(), String> {
    let mut entries = Vec::new();
    let mut accounts = Vec::new();
    for &index in touched {
        let actor = actor_of(step, held, index);
        let Some(state) = held.get(index) else {
            continue;
        };
        // Without its original password an account cannot be restored: nothing to journal.
        let Some(original) = state.original.clone() else {
            continue;
        };
        let mut candidates = passwords.to_vec();
        if !candidates.contains(&original) {
            candidates.push(original.clone());
        }
        accounts.push((index, actor.as_ref().map(|a| a.username.clone())));
        entries.push(Entry {
            original,
            candidates,
            case: case.to_string(),
            actor,
            admins: env.admins.to_vec(),
            ..account_entry(env, step, state)
        });
    }
    let ids = journal.open_many(entries, Durability::Synced)?;
    for ((index, actor), id) in accounts.into_iter().zip(ids) {
        if let Some(state) = held.get(index) {
            let reserved = &mut state.reserved;
            reserved.ids.push(id);
            reserved.candidates.extend(passwords.iter().cloned());
            reserved.actor = actor;
        }
    }
    Ok(())
}

/// The account that sends `step`'s request, when it is not `index` (step 2 of the ladder).
pub fn actor_of(step: &Step, held: &mut Held<'_>, index: usize) -> Option<Credential> {
    step.actor
        .filter(|a| *a != index)
        .and_then(|a| held.get(a))
        .and_then(|a| credential_of(a))
}

/// A new password no policy should refuse: upper, lower, digit, symbol, 20 characters.
pub fn fresh_password() -> String {
    format!(
        "Pwc-{:08x}-{:04x}a1!",
        rand::random::<u32>(),
        rand::random::<u16>()
    )
}
