//! Dates in the gateway's format and the callback retry schedule.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// `2019-10-08T14:13:50+0000`, the format of every date in callbacks (UTC).
pub fn gateway_date(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}+0000",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm); done by
/// hand because one date format does not justify a date crate.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// At most this many delivery attempts per callback, the first one included (doc section 4).
pub const MAX_ATTEMPTS: u32 = 120;
/// And no attempt later than this after the first one (doc section 4: "within 11 days").
pub const MAX_SPAN: Duration = Duration::from_secs(11 * 24 * 60 * 60);
/// The longest wait, and the interval once the growing waits pass it.
pub const LONGEST_WAIT: Duration = Duration::from_secs(4 * 60 * 60);
/// Retries 1 to this one wait [`FIRST_WAIT`] each.
pub const FIXED_RETRIES: u32 = 6;
/// The wait before each of the first [`FIXED_RETRIES`] retries.
pub const FIRST_WAIT: Duration = Duration::from_secs(10);

/// The unscaled wait before retry `n`, or `None` when there is no retry `n`.
///
/// Numbering: the first delivery of a callback is attempt 0 (no wait before it); **retry
/// `n`** (`n` ≥ 1) is the `n`-th repetition, i.e. the `(n + 1)`-th HTTP request for that
/// callback, and its wait runs from the end of the request before it. ECommPay's schedule
/// (doc section 4), read with this numbering:
///
/// - retries 1–6 wait 10 s each ("6 times every 10 s");
/// - retry `n` ≥ 7 waits `70 + 10 · 1.12^(n − 4)` seconds (retry 7: 70 + 10 · 1.12³ ≈ 84.05 s)
///   as long as that is at most 4 h — the last such retry is 68 (≈ 14 194 s);
/// - from retry 69 on (where the formula gives ≈ 15 889 s) every wait is 4 h;
/// - retry 119 is the last: with the first delivery that makes [`MAX_ATTEMPTS`] (120)
///   requests, about 10.1 days of waits, inside [`MAX_SPAN`] (11 days), which the sender
///   enforces as well (a slow receiver adds the requests' own time).
pub fn retry_wait(n: u32) -> Option<Duration> {
    match n {
        0 => None,
        n if n >= MAX_ATTEMPTS => None,
        n if n <= FIXED_RETRIES => Some(FIRST_WAIT),
        n => {
            let secs = 70.0 + 10.0 * 1.12_f64.powi(n as i32 - 4);
            Some(if secs > LONGEST_WAIT.as_secs_f64() {
                LONGEST_WAIT
            } else {
                Duration::from_secs_f64(secs)
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_match_the_gateway_format() {
        let t = UNIX_EPOCH + Duration::from_secs(1_570_544_030);
        assert_eq!(gateway_date(t), "2019-10-08T14:13:50+0000");
        assert_eq!(gateway_date(UNIX_EPOCH), "1970-01-01T00:00:00+0000");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400); // 2000-02-29
        assert_eq!(gateway_date(leap), "2000-02-29T00:00:00+0000");
    }

    fn secs(n: u32) -> f64 {
        retry_wait(n).unwrap().as_secs_f64()
    }

    #[test]
    fn six_retries_every_ten_seconds() {
        assert_eq!(retry_wait(0), None, "the first delivery waits for nothing");
        for n in 1..=6 {
            assert_eq!(retry_wait(n), Some(Duration::from_secs(10)), "retry {n}");
        }
    }

    #[test]
    fn then_seventy_plus_ten_times_1_12_to_the_n_minus_4() {
        // The 7th wait: 70 + 10 · 1.12³ = 84.04928 s.
        assert!((secs(7) - 84.049_28).abs() < 1e-6, "{}", secs(7));
        assert!((secs(8) - (70.0 + 10.0 * 1.12_f64.powi(4))).abs() < 1e-6);
        assert!((secs(8) - 85.735_193_6).abs() < 1e-6, "{}", secs(8));
        for n in 7..=68 {
            let expected = 70.0 + 10.0 * 1.12_f64.powi(n as i32 - 4);
            assert!((secs(n) - expected).abs() < 1e-6, "retry {n}");
            assert!(secs(n) < secs(n + 1), "growing at {n}");
        }
        // The last growing wait is retry 68 (≈ 14 194 s ≤ 4 h); retry 69's formula gives
        // ≈ 15 889 s > 4 h, so from there on it is 4 h.
        assert!((secs(68) - 14_193.86).abs() < 0.01, "{}", secs(68));
        assert!(70.0 + 10.0 * 1.12_f64.powi(65) > 4.0 * 3600.0);
        for n in 69..MAX_ATTEMPTS {
            assert_eq!(retry_wait(n), Some(LONGEST_WAIT), "retry {n}");
        }
    }

    #[test]
    fn at_most_120_attempts_within_11_days() {
        assert!(retry_wait(119).is_some(), "attempt 120 is retry 119");
        assert_eq!(retry_wait(120), None, "no 121st attempt");
        assert_eq!(retry_wait(u32::MAX), None);
        let retries = (1..).map_while(retry_wait).count();
        assert_eq!(retries + 1, MAX_ATTEMPTS as usize);
        let total: f64 = (1..MAX_ATTEMPTS).map(secs).sum();
        // 60 s + the growing waits (≈ 136 046 s) + 51 × 4 h ≈ 10.075 days.
        assert!(total < MAX_SPAN.as_secs_f64(), "{total}");
        assert!(
            (total / 86_400.0 - 10.075).abs() < 0.001,
            "{} days",
            total / 86_400.0
        );
    }
}
