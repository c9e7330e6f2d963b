//! Time zones and wall-clock dates for the Data API: the interval is read, and dates written,
//! as `YYYY-MM-DD hh:mm:ss` in the request's `time_zone`. The sandbox knows a few fixed-offset
//! zones ([`TIME_ZONES`]) rather than the whole IANA database.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::clock;

/// The time zones the sandbox knows, with their offsets from UTC in seconds. Uzbekistan has
/// kept UTC+5 without daylight saving since 1992, so these are exact for any date a till sees.
pub const TIME_ZONES: &[(&str, i64)] = &[
    ("UTC", 0),
    ("Etc/UTC", 0),
    ("GMT", 0),
    ("Etc/GMT", 0),
    ("Asia/Tashkent", 5 * 3600),
    ("Asia/Samarkand", 5 * 3600),
];

/// `time_zone` when the request gives none.
pub const DEFAULT_TIME_ZONE: &str = "UTC";

/// `YYYY-MM-DD hh:mm:ss` in a zone `offset` seconds east of UTC.
pub(crate) fn parse_wall_clock(s: &str, offset: i64) -> Option<SystemTime> {
    let b = s.as_bytes();
    if b.len() != 19 || b[10] != b' ' {
        return None;
    }
    let sign = if offset < 0 { '-' } else { '+' };
    let o = offset.unsigned_abs();
    clock::parse_iso8601(&format!(
        "{}T{}{sign}{:02}:{:02}",
        &s[..10],
        &s[11..],
        o / 3600,
        o % 3600 / 60
    ))
}

/// `t` as `YYYY-MM-DD hh:mm:ss` in a zone `offset` seconds east of UTC.
pub(crate) fn wall_clock(t: SystemTime, offset: i64) -> String {
    let shifted = if offset >= 0 {
        t + Duration::from_secs(offset as u64)
    } else {
        t.checked_sub(Duration::from_secs(offset.unsigned_abs()))
            .unwrap_or(UNIX_EPOCH)
    };
    // `2019-10-08T14:13:50+0000` → `2019-10-08 14:13:50`
    clock::gateway_date(shifted)[..19].replacen('T', " ", 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wall_clock_round_trips_in_a_zone() {
        let t = UNIX_EPOCH + Duration::from_secs(1_796_083_200); // 2026-12-01 00:00:00 UTC
        assert_eq!(wall_clock(t, 0), "2026-12-01 00:00:00");
        assert_eq!(wall_clock(t, 5 * 3600), "2026-12-01 05:00:00");
        assert_eq!(parse_wall_clock("2026-12-01 05:00:00", 5 * 3600), Some(t));
        assert_eq!(parse_wall_clock("2026-12-01T05:00:00", 0), None);
        assert_eq!(parse_wall_clock("2026-12-01 05:00", 0), None);
    }
}
