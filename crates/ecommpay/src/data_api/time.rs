//! Wall-clock date-times as the Data API writes them (`YYYY-MM-DD hh:mm:ss`, in the request's
//! `time_zone`). Done by hand: one format does not justify a date crate in the protocol crate.

use std::fmt;
use std::str::FromStr;

/// A date and time without a zone, to the second (the zone is the query's `time_zone`).
/// Orders chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalDateTime {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
}

/// A date-time that does not exist or is not written as [`super::wire::DATE_TIME_FORMAT`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a date-time of the form YYYY-MM-DD hh:mm:ss: {0:?}")]
pub struct DateTimeError(pub String);

fn days_in_month(year: u16, month: u8) -> u8 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    }
}

impl LocalDateTime {
    /// Checks that the date exists (years 1970 to 9999) and the time is within the day.
    pub fn new(
        year: u16,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
    ) -> Result<LocalDateTime, DateTimeError> {
        let ok = (1970..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month)
            && hour < 24
            && minute < 60
            && second < 60;
        if !ok {
            return Err(DateTimeError(format!(
                "{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}"
            )));
        }
        Ok(LocalDateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
        })
    }

    /// The start of a day (`00:00:00`).
    pub fn start_of_day(year: u16, month: u8, day: u8) -> Result<LocalDateTime, DateTimeError> {
        LocalDateTime::new(year, month, day, 0, 0, 0)
    }

    /// The last second of a day (`23:59:59`).
    pub fn end_of_day(year: u16, month: u8, day: u8) -> Result<LocalDateTime, DateTimeError> {
        LocalDateTime::new(year, month, day, 23, 59, 59)
    }

    /// Parses `YYYY-MM-DD hh:mm:ss`; a `T` instead of the space is accepted too, and so is
    /// anything after the seconds (a fraction or an offset, ignored: the zone is the query's).
    pub fn parse(s: &str) -> Result<LocalDateTime, DateTimeError> {
        let bad = || DateTimeError(s.to_owned());
        let b = s.trim().as_bytes();
        if b.len() < 19 {
            return Err(bad());
        }
        let num = |from: usize, len: usize| -> Option<u16> {
            let part = &b[from..from + len];
            if !part.iter().all(u8::is_ascii_digit) {
                return None;
            }
            std::str::from_utf8(part).ok()?.parse().ok()
        };
        let seps = b[4] == b'-'
            && b[7] == b'-'
            && (b[10] == b' ' || b[10] == b'T')
            && b[13] == b':'
            && b[16] == b':';
        if !seps {
            return Err(bad());
        }
        let rest = &b[19..];
        if !rest.is_empty() && !matches!(rest[0], b'.' | b'+' | b'-' | b'Z') {
            return Err(bad());
        }
        let field = |from, len| num(from, len).ok_or_else(bad);
        let narrow = |v: u16| u8::try_from(v).map_err(|_| bad());
        LocalDateTime::new(
            field(0, 4)?,
            narrow(field(5, 2)?)?,
            narrow(field(8, 2)?)?,
            narrow(field(11, 2)?)?,
            narrow(field(14, 2)?)?,
            narrow(field(17, 2)?)?,
        )
        .map_err(|_| bad())
    }

    pub fn year(self) -> u16 {
        self.year
    }
    pub fn month(self) -> u8 {
        self.month
    }
    pub fn day(self) -> u8 {
        self.day
    }
    pub fn hour(self) -> u8 {
        self.hour
    }
    pub fn minute(self) -> u8 {
        self.minute
    }
    pub fn second(self) -> u8 {
        self.second
    }
}

/// `YYYY-MM-DD hh:mm:ss`, the wire format.
impl fmt::Display for LocalDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

impl FromStr for LocalDateTime {
    type Err = DateTimeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LocalDateTime::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_the_wire_format() {
        let t = LocalDateTime::parse("2026-12-01 09:05:07").unwrap();
        assert_eq!(t.to_string(), "2026-12-01 09:05:07");
        assert_eq!(LocalDateTime::parse("2026-12-01T09:05:07").unwrap(), t);
        assert_eq!(
            LocalDateTime::parse("2026-12-01T09:05:07+05:00").unwrap(),
            t
        );
        assert_eq!(LocalDateTime::parse("2026-12-01 09:05:07.250").unwrap(), t);
        assert_eq!(
            LocalDateTime::end_of_day(2024, 2, 29).unwrap().to_string(),
            "2024-02-29 23:59:59"
        );
        assert!(LocalDateTime::start_of_day(2026, 12, 1).unwrap() < t);
    }

    #[test]
    fn refuses_what_does_not_exist() {
        for s in [
            "",
            "2026-12-01",
            "2026-13-01 00:00:00",
            "2026-02-29 00:00:00",
            "2026-12-01 24:00:00",
            "2026-12-01 23:60:00",
            "2026/12/01 00:00:00",
            "2026-12-01 00:00:00junk",
            "1969-12-31 23:59:59",
            "２０２6-12-01 00:00:00",
        ] {
            assert!(LocalDateTime::parse(s).is_err(), "{s:?}");
        }
    }
}
