//! The PIN pepper: a random 256-bit key of its own in the keyring (entry `pin-pepper`), mixed
//! into every PIN hash as Argon2's secret, so that a copy of the database alone can neither be
//! brute-forced nor given a PIN hash of someone's choosing. It is independent of the card
//! vault key: losing that key never stops sign-in. Backups carry it. The database keeps a
//! check value (not reversible) to tell a missing pepper from a new till, and a pepper that
//! belongs to another database.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use chacha20poly1305::aead::rand_core::RngCore;
use chacha20poly1305::aead::OsRng;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::vault::{hex, VaultError};

/// The pepper's bytes.
pub struct PinPepper {
    key: Zeroizing<[u8; 32]>,
}

impl PinPepper {
    /// A new random pepper and its base64 text for the keyring.
    pub fn generate() -> (PinPepper, Zeroizing<String>) {
        let mut key = Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(key.as_mut());
        let text = Zeroizing::new(B64.encode(&key[..]));
        (PinPepper { key }, text)
    }

    /// The pepper from its keyring text.
    pub fn from_base64(text: &str) -> Result<PinPepper, VaultError> {
        let raw = Zeroizing::new(B64.decode(text.trim()).map_err(|_| VaultError::BadKey)?);
        if raw.len() != 32 {
            return Err(VaultError::BadKey);
        }
        let mut key = Zeroizing::new([0u8; 32]);
        key.copy_from_slice(&raw);
        Ok(PinPepper { key })
    }

    pub fn bytes(&self) -> &[u8] {
        self.key.as_ref()
    }

    /// A value stored in the database to recognise this pepper later (not reversible).
    pub fn check_value(&self) -> String {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(self.key.as_ref()).expect("any key length");
        mac.update(b"pin pepper check v1");
        hex(&mac.finalize().into_bytes()[..16])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_check_value() {
        let (p, text) = PinPepper::generate();
        let again = PinPepper::from_base64(&text).unwrap();
        assert_eq!(again.bytes(), p.bytes());
        assert_eq!(again.check_value(), p.check_value());
        assert_ne!(PinPepper::generate().0.check_value(), p.check_value());
        assert!(PinPepper::from_base64("short").is_err());
    }
}
