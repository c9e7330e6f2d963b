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

/// Parses an ISO 8601 date-time with an offset, as PHP's `DateTime::format('c')` writes it
/// (`2026-12-01T22:34:17+05:00`), also with `Z`, an offset without the colon (`+0500`) or
/// fractional seconds (`22:34:17.250+05:00`, the fraction ignored). A date without an offset
/// is refused: it names no instant. Done by hand, like [`gateway_date`].
pub fn parse_iso8601(s: &str) -> Option<SystemTime> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| std::str::from_utf8(part).ok()?.parse().ok())?
    };
    let sep = |at: usize, c: u8| b.get(at) == Some(&c);
    if !(sep(4, b'-') && sep(7, b'-') && sep(10, b'T') && sep(13, b':') && sep(16, b':')) {
        return None;
    }
    let (y, mo, d) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (h, mi, sec) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    let mut i = 19;
    if sep(i, b'.') {
        i += 1;
        let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        i += digits;
    }
    let offset = match b.get(i)? {
        b'Z' if b.len() == i + 1 => 0,
        sign @ (b'+' | b'-') => {
            let oh = num(i + 1, 2)?;
            let rest = if sep(i + 3, b':') { i + 4 } else { i + 3 };
            let om = num(rest, 2)?;
            if b.len() != rest + 2 || oh > 23 || om > 59 {
                return None;
            }
            let o = oh * 3600 + om * 60;
            if *sign == b'-' {
                -o
            } else {
                o
            }
        }
        _ => return None,
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&mo) || d < 1 || d > month_days[(mo - 1) as usize] {
        return None;
    }
    if h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    let unix = days_from_civil(y, mo as u32, d as u32) * 86_400 + h * 3600 + mi * 60 + sec - offset;
    if unix >= 0 {
        UNIX_EPOCH.checked_add(Duration::from_secs(unix as u64))
    } else {
        UNIX_EPOCH.checked_sub(Duration::from_secs(unix.unsigned_abs()))
    }
}

/// A proleptic Gregorian date to days since 1970-01-01 (the inverse of [`civil_from_days`]).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
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

    #[test]
    fn iso8601_as_php_writes_it() {
        let at = |secs: u64| Some(UNIX_EPOCH + Duration::from_secs(secs));
        // 2019-10-08T14:13:50Z = 1 570 544 030.
        assert_eq!(
            parse_iso8601("2019-10-08T14:13:50+00:00"),
            at(1_570_544_030)
        );
        assert_eq!(parse_iso8601("2019-10-08T14:13:50Z"), at(1_570_544_030));
        assert_eq!(
            parse_iso8601("2019-10-08T19:13:50+05:00"),
            at(1_570_544_030)
        );
        assert_eq!(parse_iso8601("2019-10-08T19:13:50+0500"), at(1_570_544_030));
        assert_eq!(
            parse_iso8601("2019-10-08T10:13:50-04:00"),
            at(1_570_544_030)
        );
        assert_eq!(parse_iso8601("2019-10-08T14:13:50.999Z"), at(1_570_544_030));
        assert_eq!(parse_iso8601("2000-02-29T00:00:00+00:00"), at(951_782_400));
        assert_eq!(parse_iso8601("1970-01-01T05:00:00+05:00"), at(0));
        assert_eq!(
            parse_iso8601("1969-12-31T23:59:59Z"),
            UNIX_EPOCH.checked_sub(Duration::from_secs(1))
        );
        for bad in [
            "",
            "tomorrow",
            "2019-10-08",
            "2019-10-08T14:13:50",
            "2019-10-08 14:13:50+00:00",
            "2019-10-08T14:13:50+00:00x",
            "2019-13-08T14:13:50Z",
            "2019-02-29T14:13:50Z",
            "2019-10-08T24:00:00Z",
            "2019-10-08T14:60:00Z",
            "2019-10-08T14:13:50+24:00",
            "2019-10-08T14:13:50.Z",
            "+019-10-08T14:13:50Z",
            "2019-10-08T14:13:5Z",
        ] {
            assert_eq!(parse_iso8601(bad), None, "{bad:?}");
        }
        // Round trip with the gateway's own format over many days.
        for days in (0..30_000u64).step_by(97) {
            let t = UNIX_EPOCH + Duration::from_secs(days * 86_400 + 45_296);
            let text = gateway_date(t); // ...T12:34:56+0000
            assert_eq!(parse_iso8601(&text), Some(t), "{text}");
        }
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
