//! Ctrl-C and SIGTERM: set the run's stop flag, so no new case is sent.

use std::sync::atomic::{AtomicBool, Ordering};

/// The run's signal handlers. They are installed when this is made, before anything is sent:
/// a handler installed lazily (on the first poll of a future) leaves a window in which a signal
/// takes the default action and kills the run with passwords changed and unrestored.
pub struct SignalWatch {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
}

impl SignalWatch {
    pub fn install() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                term: signal(SignalKind::terminate())?,
                interrupt: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    /// Completes at the first Ctrl-C or SIGTERM, after setting `stop`.
    pub async fn wait(mut self, stop: &AtomicBool) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.interrupt.recv() => {}
        }
        #[cfg(not(unix))]
        {
            let _ = &mut self;
            let _ = tokio::signal::ctrl_c().await;
        }
        stop.store(true, Ordering::SeqCst);
    }
}
