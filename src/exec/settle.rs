//! Taking a step's accounts: locked in index order, and only once no restore of theirs is
//! pending (a restore that waits for a busy administrator runs after the step that changed the
//! account lets go of it).

use super::AccountState;
use super::step::Held;

/// Locks the step's `accounts` (sorted), in index order so two steps never wait on each other. An account
/// whose restore waits for a busy administrator (it runs once the step that changed it lets go)
/// is let go again until that restore has run (`settled` says when a step's restores have): the
/// next step on the account must not find its password unknown. Bounded: after [`SETTLE_WAIT`]
/// the step takes the account as it is.
pub(super) async fn lock_settled<'a>(
    states: &'a [tokio::sync::Mutex<AccountState>],
    accounts: &[usize],
    settled: &tokio::sync::Notify,
) -> Held<'a> {
    let lock = || async {
        let mut held = Held { states: Vec::new() };
        for &i in accounts {
            if let Some(m) = states.get(i) {
                held.states.push((i, m.lock().await));
            }
        }
        held
    };
    let deadline = tokio::time::Instant::now() + SETTLE_WAIT;
    loop {
        let held = lock().await;
        if held.states.iter().all(|(_, s)| s.unsettled.is_none()) {
            return held;
        }
        // Listening before letting go: a restore that runs in between is not missed.
        let notified = settled.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        drop(held);
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            return lock().await;
        }
    }
}

/// How long a step waits for a pending restore of its account: one administrator's step at most.
const SETTLE_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::target::Account;

    fn states(n: usize) -> Arc<Vec<tokio::sync::Mutex<AccountState>>> {
        let account = |nth| Account {
            role: "user".into(),
            nth,
            username: Some(format!("user{nth}")),
            password: Some("pw-original".into()),
            token: None,
            id: None,
            traits: Vec::new(),
        };
        Arc::new(
            (0..n)
                .map(|i| tokio::sync::Mutex::new(AccountState::new(account(i))))
                .collect(),
        )
    }

    /// A step waits while its account's restore is pending and goes on once the restore has run
    /// and the run says so; an account without one is taken at once.
    #[tokio::test(start_paused = true)]
    async fn waits_for_a_pending_restore_and_not_longer() {
        let states = states(2);
        let settled = Arc::new(tokio::sync::Notify::new());
        states[0].lock().await.unsettled = Some(vec!["pw-changed".into()]);
        let free = lock_settled(&states, &[1], &settled).await;
        assert_eq!(free.states.len(), 1);
        drop(free);
        let waiting = {
            let (states, settled) = (states.clone(), settled.clone());
            tokio::spawn(async move {
                let held = lock_settled(&states, &[0, 1], &settled).await;
                held.states.iter().all(|(_, s)| s.unsettled.is_none())
            })
        };
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        assert!(
            !waiting.is_finished(),
            "took an account whose restore is pending"
        );
        states[0].lock().await.unsettled = None;
        let told = tokio::time::Instant::now();
        settled.notify_waiters();
        assert!(waiting.await.unwrap(), "went on before the restore had run");
        // Woken by being told, not by a poll or the bound (time stands still here unless every
        // task waits on a timer).
        assert!(
            told.elapsed() < std::time::Duration::from_millis(1),
            "{:?}",
            told.elapsed()
        );
    }

    /// A restore that never comes does not hold the run for ever.
    #[tokio::test(start_paused = true)]
    async fn takes_the_account_as_it_is_after_the_bound() {
        let states = states(1);
        let settled = tokio::sync::Notify::new();
        states[0].lock().await.unsettled = Some(vec!["pw-changed".into()]);
        let started = tokio::time::Instant::now();
        let held = lock_settled(&states, &[0], &settled).await;
        assert!(held.states[0].1.unsettled.is_some());
        assert!(started.elapsed() >= SETTLE_WAIT);
    }
}
