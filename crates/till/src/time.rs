//! Dates as people see them (local time) and as the database stores them (UTC milliseconds).

pub use chrono::NaiveDate;
use chrono::{Local, LocalResult, TimeZone};

/// `2026-11-27 18:30:05` in local time.
pub fn local_text(ms: i64) -> String {
    match Local.timestamp_millis_opt(ms) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => {
            t.format("%Y-%m-%d %H:%M:%S").to_string()
        }
        LocalResult::None => ms.to_string(),
    }
}

/// `2026-11-27-1830` in local time: sorts by time and is safe in any file name.
pub fn file_stamp(ms: i64) -> String {
    match Local.timestamp_millis_opt(ms) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => {
            t.format("%Y-%m-%d-%H%M").to_string()
        }
        LocalResult::None => ms.to_string(),
    }
}

/// The first millisecond of a local calendar day.
pub fn local_day_start(date: NaiveDate) -> i64 {
    let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists");
    match Local.from_local_datetime(&midnight) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.timestamp_millis(),
        // A DST gap at midnight: fall back to UTC's midnight, off by at most an hour.
        LocalResult::None => midnight.and_utc().timestamp_millis(),
    }
}

/// The local day `ms` falls on.
pub fn local_date(ms: i64) -> NaiveDate {
    match Local.timestamp_millis_opt(ms) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.date_naive(),
        LocalResult::None => chrono::DateTime::from_timestamp_millis(ms)
            .map(|d| d.date_naive())
            .unwrap_or_default(),
    }
}

/// `[start, end)` of today in local time.
pub fn today_bounds(now_ms: i64) -> (i64, i64) {
    let d = local_date(now_ms);
    let next = d.succ_opt().unwrap_or(d);
    (local_day_start(d), local_day_start(next))
}

/// Parses `YYYY-MM-DD` (a local day).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_bounds_contain_now() {
        let now = chrono::Utc::now().timestamp_millis();
        let (a, b) = today_bounds(now);
        assert!(a <= now && now < b);
        assert!(b - a >= 23 * 3_600_000 && b - a <= 25 * 3_600_000);
        assert_eq!(parse_date("2026-02-30"), None);
        assert!(parse_date("2026-02-28").is_some());
    }

    #[test]
    fn file_stamps_are_local_minutes() {
        let day = local_day_start(parse_date("2026-11-27").unwrap());
        assert_eq!(
            file_stamp(day + 18 * 3_600_000 + 30 * 60_000 + 59_000),
            "2026-11-27-1830"
        );
        assert_eq!(file_stamp(day), "2026-11-27-0000");
    }
}
