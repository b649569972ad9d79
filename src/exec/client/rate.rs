//! `--rate N/s`: a global limit on requests sent. Requests are spaced evenly (no bursts), which is
//! what a rate-limited gateway or a shared staging server wants: an even trickle, never a spike.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Hands out send slots at most `per_second` apart, to every clone of one `Http`.
#[derive(Debug)]
pub struct RateLimiter {
    interval: Duration,
    next: Mutex<Option<Instant>>,
}

impl RateLimiter {
    pub fn new(per_second: f64) -> Self {
        Self {
            // A rate is validated positive and finite by `parse_rate`; anything else means "no gap".
            interval: Duration::try_from_secs_f64(1.0 / per_second).unwrap_or_default(),
            next: Mutex::new(None),
        }
    }

    /// Waits for this request's slot. The slot is taken before sleeping, so concurrent callers
    /// queue up one interval apart instead of all waking at once.
    pub async fn wait(&self) {
        let slot = {
            let now = Instant::now();
            let Ok(mut next) = self.next.lock() else {
                return; // a poisoned lock only costs the limit, never the request
            };
            let slot = next.map_or(now, |n| n.max(now));
            *next = Some(slot + self.interval);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

/// Parses `N/s`, `N/min` or a bare `N` (per second) into requests per second.
pub fn parse_rate(text: &str) -> Result<f64, String> {
    let text = text.trim();
    let (number, unit) = text.split_once('/').unwrap_or((text, "s"));
    let per = match unit.trim() {
        "s" | "sec" | "second" => 1.0,
        "m" | "min" | "minute" => 60.0,
        "h" | "hour" => 3600.0,
        other => {
            return Err(format!(
                "--rate `{text}`: unknown unit `{other}` (use N/s or N/min, e.g. 5/s)"
            ));
        }
    };
    let n: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("--rate `{text}`: `{number}` is not a number (e.g. 5/s)"))?;
    if !(n.is_finite() && n > 0.0) {
        return Err(format!("--rate `{text}`: the rate must be above 0"));
    }
    Ok(n / per)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("5/s", 5.0)]
    #[case("5", 5.0)]
    #[case("0.5/s", 0.5)]
    #[case("120/min", 2.0)]
    #[case(" 3 / sec ", 3.0)]
    fn rates(#[case] text: &str, #[case] per_second: f64) {
        assert_eq!(parse_rate(text), Ok(per_second));
    }

    #[rstest]
    #[case("0/s", "--rate `0/s`: the rate must be above 0")]
    #[case("-1/s", "--rate `-1/s`: the rate must be above 0")]
    #[case("five/s", "--rate `five/s`: `five` is not a number (e.g. 5/s)")]
    #[case(
        "5/day",
        "--rate `5/day`: unknown unit `day` (use N/s or N/min, e.g. 5/s)"
    )]
    fn bad_rates(#[case] text: &str, #[case] error: &str) {
        assert_eq!(parse_rate(text), Err(error.to_string()));
    }

    #[tokio::test]
    async fn requests_are_spaced_evenly() {
        let limiter = RateLimiter::new(20.0);
        let start = std::time::Instant::now();
        for _ in 0..5 {
            limiter.wait().await;
        }
        // First slot at once, then 4 gaps of 50 ms: a lower bound sleeping guarantees.
        assert!(
            start.elapsed() >= Duration::from_millis(195),
            "{:?}",
            start.elapsed()
        );
    }
}
