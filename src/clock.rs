//! Wall-clock dates as text, UTC. One civil-from-days conversion (H. Hinnant's algorithm) serves
//! baseline expiry and report timestamps, so no date crate is needed for two lines of output.

/// Seconds since 1970-01-01 UTC; 0 if the clock is before it.
pub fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `YYYY-MM-DD` of a Unix time.
pub fn date(unix: u64) -> String {
    let (y, m, d) = civil_from_days((unix / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYY-MM-DD hh:mm:ss UTC` of a Unix time.
pub fn date_time(unix: u64) -> String {
    let secs = unix % 86_400;
    format!(
        "{} {:02}:{:02}:{:02} UTC",
        date(unix),
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

/// (year, month, day) of a count of days since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    #[rstest]
    #[case(0, "1970-01-01 00:00:00 UTC")]
    #[case(951_782_400, "2000-02-29 00:00:00 UTC")]
    #[case(1_798_104_783, "2026-12-24 09:33:03 UTC")]
    #[case(4_107_542_399, "2100-02-28 23:59:59 UTC")]
    fn unix_time_as_text(#[case] unix: u64, #[case] text: &str) {
        assert_eq!(date_time(unix), text);
        assert_eq!(Some(date(unix).as_str()), text.get(..10));
    }
}
