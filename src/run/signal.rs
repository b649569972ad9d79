//! Ctrl-C and SIGTERM: set the run's stop flag, so no new case is sent.

use std::sync::atomic::{AtomicBool, Ordering};

/// Completes at the first Ctrl-C or SIGTERM, after setting `stop`.
pub async fn stop_on_signal(stop: &AtomicBool) {
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
    stop.store(true, Ordering::SeqCst);
}
