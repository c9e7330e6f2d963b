//! The shop's time zone: which local day a payment belongs to, and the Data API's
//! `time_zone`. Only zones with a fixed offset are known here (no time zone database in the
//! core): Uzbekistan has kept UTC+5 without daylight saving since 1992, so for a till in
//! Uzbekistan these are exact for every date it sees.

use chrono::{Duration, NaiveDate, NaiveDateTime};

/// The zones a till may be set to, with their offsets east of UTC in seconds.
const ZONES: &[(&str, i32)] = &[
    ("Asia/Tashkent", 5 * 3600),
    ("Asia/Samarkand", 5 * 3600),
    ("UTC", 0),
    ("Etc/UTC", 0),
];

/// The offset of a zone this till knows, in seconds east of UTC.
pub fn offset_seconds(zone: &str) -> Option<i32> {
    ZONES.iter().find(|(n, _)| *n == zone).map(|(_, o)| *o)
}

/// The names [`offset_seconds`] knows.
pub fn names() -> Vec<&'static str> {
    ZONES.iter().map(|(n, _)| *n).collect()
}

/// A known zone (the config validated it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone {
    offset_ms: i64,
}

impl Zone {
    pub fn new(name: &str) -> Option<Zone> {
        offset_seconds(name).map(|o| Zone {
            offset_ms: i64::from(o) * 1000,
        })
    }

    /// The first millisecond (UTC) of `date` in this zone.
    pub fn day_start_ms(self, date: NaiveDate) -> i64 {
        date.and_hms_opt(0, 0, 0)
            .expect("midnight exists")
            .and_utc()
            .timestamp_millis()
            - self.offset_ms
    }

    /// The wall-clock time of `ms` (UTC milliseconds) in this zone.
    pub fn wall_clock(self, ms: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp_millis(ms + self.offset_ms)
            .unwrap_or_default()
            .naive_utc()
    }

    /// The day `ms` falls on in this zone.
    pub fn date_of(self, ms: i64) -> NaiveDate {
        self.wall_clock(ms).date()
    }

    /// `2026-12-01 18:30:05` in this zone.
    pub fn text(self, ms: i64) -> String {
        self.wall_clock(ms).format("%Y-%m-%d %H:%M:%S").to_string()
    }
}

/// `t` shifted by `ms` milliseconds.
pub(crate) fn shift(t: NaiveDateTime, ms: i64) -> NaiveDateTime {
    t + Duration::milliseconds(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tashkent_is_five_hours_east() {
        let z = Zone::new("Asia/Tashkent").unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let start = z.day_start_ms(d);
        // 2026-12-01 00:00 in Tashkent is 2026-11-30 19:00 UTC.
        assert_eq!(
            chrono::DateTime::from_timestamp_millis(start)
                .unwrap()
                .to_rfc3339(),
            "2026-11-30T19:00:00+00:00"
        );
        assert_eq!(z.date_of(start), d);
        assert_eq!(z.date_of(start - 1), d.pred_opt().unwrap());
        assert_eq!(z.text(start), "2026-12-01 00:00:00");
        assert!(Zone::new("Europe/Nowhere").is_none());
        assert!(names().contains(&"UTC"));
    }
}
