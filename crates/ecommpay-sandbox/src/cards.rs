//! The simulated cards a customer can pay with on the bot page.

use sha2::{Digest, Sha256};

/// What happens when a customer pays with the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardOutcome {
    /// The sale succeeds.
    Success,
    /// The sale is declined 20105 (insufficient funds on the customer's account).
    InsufficientFunds,
}

/// One simulated card.
#[derive(Debug, Clone, Copy)]
pub struct TestCard {
    /// The name used in the bot form's `card` field.
    pub key: &'static str,
    /// What the bot page shows.
    pub label: &'static str,
    /// The full (fake) card number; only its masked form ever leaves the sandbox.
    pub pan: &'static str,
    /// What paying with it does.
    pub outcome: CardOutcome,
}

/// The test cards, the first being the default when the pay form names none.
pub const TEST_CARDS: [TestCard; 3] = [
    TestCard {
        key: "uzcard-ok",
        label: "Uzcard — to'lov o'tadi / payment succeeds",
        pan: "8600031234567890",
        outcome: CardOutcome::Success,
    },
    TestCard {
        key: "humo-ok",
        label: "Humo — to'lov o'tadi / payment succeeds",
        pan: "9860100123456789",
        outcome: CardOutcome::Success,
    },
    TestCard {
        key: "uzcard-nofunds",
        label: "Uzcard — mablag' yetarli emas / insufficient funds",
        pan: "8600039876543210",
        outcome: CardOutcome::InsufficientFunds,
    },
];

impl TestCard {
    /// Finds a card by its form key.
    pub fn by_key(key: &str) -> Option<&'static TestCard> {
        TEST_CARDS.iter().find(|c| c.key == key)
    }

    /// The card identifier sent as `account.number`: stable for the card (so a payout can use
    /// it days later) and opaque (a hash, nothing of the PAN recoverable), shaped like the
    /// seed's `1743-3223966A2D...` (provider id, dash, upper-case hex).
    pub fn account_number(&self) -> String {
        let digest = Sha256::digest(format!("ecommpay-sandbox card {}", self.pan).as_bytes());
        let hex: String = digest[..16].iter().map(|b| format!("{b:02X}")).collect();
        format!("{}-{hex}", crate::payment::PROVIDER_ID)
    }

    /// `860003******7890`: first six, last four, as in the seed's `masked_card`.
    pub fn masked(&self) -> String {
        let n = self.pan.len();
        format!(
            "{}{}{}",
            &self.pan[..6],
            "*".repeat(n - 10),
            &self.pan[n - 4..]
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_stable_distinct_and_opaque() {
        let a = TEST_CARDS[0].account_number();
        assert_eq!(a, TEST_CARDS[0].account_number());
        assert_ne!(a, TEST_CARDS[1].account_number());
        assert!(!a.contains("7890"), "{a}");
        assert!(a.starts_with("1743-") && a.len() == 5 + 32, "{a}");
        assert_eq!(TEST_CARDS[0].masked(), "860003******7890");
    }
}
