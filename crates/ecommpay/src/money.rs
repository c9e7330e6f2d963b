//! Money as integer tiyin. UZS has two decimals: 1 so'm = 100 tiyin, and the gateway takes
//! amounts in minor units (15 000.00 so'm is `1500000`). Never a float anywhere.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An amount of Uzbek money in tiyin (1/100 so'm).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Tiyin(i64);

/// Why an amount was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("the amount is empty")]
    Empty,
    #[error("the amount is not a number of so'm: {0:?}")]
    NotANumber(String),
    #[error("the amount has more than two decimals (tiyin)")]
    TooManyDecimals,
    #[error("the amount must be greater than zero")]
    NotPositive,
    #[error("the amount is too large")]
    TooLarge,
}

impl Tiyin {
    /// The largest amount we accept anywhere: 10^15 tiyin (10 trillion so'm), far above any till
    /// sale, and far below `i64::MAX` so sums of many payments cannot overflow.
    pub const MAX: Tiyin = Tiyin(1_000_000_000_000_000);

    pub const fn new(tiyin: i64) -> Tiyin {
        Tiyin(tiyin)
    }

    /// A positive amount no larger than [`Tiyin::MAX`], as every payment must be.
    pub fn positive(tiyin: i64) -> Result<Tiyin, AmountError> {
        if tiyin <= 0 {
            Err(AmountError::NotPositive)
        } else if tiyin > Self::MAX.0 {
            Err(AmountError::TooLarge)
        } else {
            Ok(Tiyin(tiyin))
        }
    }

    pub const fn get(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Tiyin) -> Option<Tiyin> {
        self.0.checked_add(other.0).map(Tiyin)
    }

    pub fn checked_sub(self, other: Tiyin) -> Option<Tiyin> {
        self.0.checked_sub(other.0).map(Tiyin)
    }

    /// Parses what a cashier types, in so'm: `15000`, `15000.5`, `15000.50`, `15 000`,
    /// `15000,50`. Spaces (also no-break and thin spaces) group thousands; `.` or `,` starts at
    /// most two decimals. The result must be positive. No floats are involved.
    pub fn parse_som(input: &str) -> Result<Tiyin, AmountError> {
        let cleaned: String = input
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '_' | '\''))
            .collect();
        if cleaned.is_empty() {
            return Err(AmountError::Empty);
        }
        let bad = || AmountError::NotANumber(input.trim().to_owned());
        let (whole, frac) = match cleaned.split_once(['.', ',']) {
            Some((w, f)) => (w, f),
            None => (cleaned.as_str(), ""),
        };
        if whole.is_empty() && frac.is_empty() {
            return Err(bad());
        }
        if !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        if frac.len() > 2 {
            return Err(AmountError::TooManyDecimals);
        }
        let mut total: i64 = 0;
        for b in whole.bytes() {
            total = total
                .checked_mul(10)
                .and_then(|t| t.checked_add(i64::from(b - b'0')))
                .ok_or(AmountError::TooLarge)?;
        }
        let mut cents: i64 = 0;
        for (i, b) in frac.bytes().enumerate() {
            cents += i64::from(b - b'0') * if i == 0 { 10 } else { 1 };
        }
        let tiyin = total
            .checked_mul(100)
            .and_then(|t| t.checked_add(cents))
            .ok_or(AmountError::TooLarge)?;
        Tiyin::positive(tiyin)
    }

    /// Whole so'm and the tiyin remainder, for display.
    pub fn split(self) -> (i64, i64) {
        (self.0 / 100, self.0 % 100)
    }
}

/// `150000.00` style (no grouping): what CSV exports and machine output use.
impl fmt::Display for Tiyin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// The only currency of this method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Currency {
    #[serde(rename = "UZS")]
    Uzs,
}

impl Currency {
    pub const fn code(self) -> &'static str {
        "UZS"
    }

    /// Only `UZS` is accepted: the card partner method takes nothing else.
    pub fn parse(code: &str) -> Option<Currency> {
        (code == "UZS").then_some(Currency::Uzs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_cashiers_type() {
        assert_eq!(Tiyin::parse_som("15000"), Ok(Tiyin(1_500_000)));
        assert_eq!(Tiyin::parse_som("15000.50"), Ok(Tiyin(1_500_050)));
        assert_eq!(Tiyin::parse_som("15000.5"), Ok(Tiyin(1_500_050)));
        assert_eq!(Tiyin::parse_som("15000,05"), Ok(Tiyin(1_500_005)));
        assert_eq!(Tiyin::parse_som(" 150 000 "), Ok(Tiyin(15_000_000)));
        assert_eq!(Tiyin::parse_som("0.01"), Ok(Tiyin(1)));
        assert_eq!(Tiyin::parse_som(".5"), Ok(Tiyin(50)));
        assert_eq!(Tiyin::parse_som("7."), Ok(Tiyin(700)));
    }

    #[test]
    fn refuses_bad_input() {
        assert_eq!(Tiyin::parse_som(""), Err(AmountError::Empty));
        assert_eq!(Tiyin::parse_som("0"), Err(AmountError::NotPositive));
        assert_eq!(Tiyin::parse_som("0.00"), Err(AmountError::NotPositive));
        assert_eq!(Tiyin::parse_som("1.234"), Err(AmountError::TooManyDecimals));
        assert!(matches!(
            Tiyin::parse_som("-5"),
            Err(AmountError::NotANumber(_))
        ));
        assert!(matches!(
            Tiyin::parse_som("1e5"),
            Err(AmountError::NotANumber(_))
        ));
        assert!(matches!(
            Tiyin::parse_som("12.3.4"),
            Err(AmountError::NotANumber(_))
        ));
        assert!(matches!(
            Tiyin::parse_som("."),
            Err(AmountError::NotANumber(_))
        ));
        assert_eq!(
            Tiyin::parse_som("99999999999999999999"),
            Err(AmountError::TooLarge)
        );
        assert_eq!(
            Tiyin::parse_som("10000000000001"),
            Err(AmountError::TooLarge)
        );
    }

    #[test]
    fn displays_without_float() {
        assert_eq!(Tiyin(1_500_050).to_string(), "15000.50");
        assert_eq!(Tiyin(5).to_string(), "0.05");
        assert_eq!(Tiyin(-250).to_string(), "-2.50");
    }
}
