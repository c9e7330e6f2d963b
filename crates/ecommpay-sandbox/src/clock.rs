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

/// At most this many delivery attempts per callback (doc section 4).
pub const MAX_ATTEMPTS: u32 = 120;
/// And no attempt later than this after the first one (doc section 4: "in 11 days").
pub const MAX_SPAN: Duration = Duration::from_secs(11 * 24 * 60 * 60);

/// The unscaled wait before attempt `next` (2-based: the first retry is attempt 2), or `None`
/// when no attempt `next` is made. ECommPay's schedule (doc section 4): 6 retries every 10 s,
/// then growing intervals up to every 4 h. The exact growing steps are not public; these are
/// the sandbox's.
pub fn retry_wait(next: u32) -> Option<Duration> {
    const GROWING: [u64; 7] = [30, 60, 5 * 60, 15 * 60, 30 * 60, 60 * 60, 2 * 60 * 60];
    match next {
        0 | 1 => None,
        2..=7 => Some(Duration::from_secs(10)),
        n if n <= MAX_ATTEMPTS => {
            let i = (n - 8) as usize;
            Some(Duration::from_secs(
                GROWING.get(i).copied().unwrap_or(4 * 60 * 60),
            ))
        }
        _ => None,
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

    #[test]
    fn schedule_is_six_times_ten_seconds_then_growing_to_four_hours() {
        assert_eq!(retry_wait(1), None);
        for n in 2..=7 {
            assert_eq!(retry_wait(n), Some(Duration::from_secs(10)));
        }
        let mut last = Duration::from_secs(10);
        for n in 8..=MAX_ATTEMPTS {
            let w = retry_wait(n).unwrap();
            assert!(w >= last && w <= Duration::from_secs(4 * 3600));
            last = w;
        }
        assert_eq!(last, Duration::from_secs(4 * 3600));
        assert_eq!(retry_wait(MAX_ATTEMPTS + 1), None);
    }
}
