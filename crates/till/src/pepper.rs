//! The till's own 256-bit keys in the keyring, each with one purpose:
//! - the PIN pepper (entry `pin-pepper`), mixed into every PIN hash as Argon2's secret, so
//!   that a copy of the database alone can neither be brute-forced nor given a PIN hash of
//!   someone's choosing. It is independent of the card vault key: losing that key never stops
//!   sign-in.
//! - the audit key (entry `audit-key`), the HMAC key of the audit log's chain
//!   ([`crate::db::audit`]), so that whoever can edit the database file cannot recompute the
//!   chain after an edit.
//!
//! Backups carry both. The database keeps a check value of each (not reversible, different per
//! purpose) to tell a missing key from a new till, and a key that belongs to another database.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use chacha20poly1305::aead::rand_core::RngCore;
use chacha20poly1305::aead::OsRng;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::vault::{hex, VaultError};

/// What a [`Key256`] is for (its check value differs per purpose).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    PinPepper,
    AuditLog,
}

impl Purpose {
    fn check_label(self) -> &'static [u8] {
        match self {
            // The label of the first version: check values in existing databases use it.
            Purpose::PinPepper => b"pin pepper check v1",
            Purpose::AuditLog => b"audit key check v1",
        }
    }
}

/// A key's bytes.
pub struct Key256 {
    key: Zeroizing<[u8; 32]>,
    purpose: Purpose,
}

/// The PIN pepper.
pub type PinPepper = Key256;

impl Key256 {
    /// A new random key and its base64 text for the keyring.
    pub fn generate(purpose: Purpose) -> (Key256, Zeroizing<String>) {
        let mut key = Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(key.as_mut());
        let text = Zeroizing::new(B64.encode(&key[..]));
        (Key256 { key, purpose }, text)
    }

    /// The key from its keyring text.
    pub fn from_base64(text: &str, purpose: Purpose) -> Result<Key256, VaultError> {
        let raw = Zeroizing::new(B64.decode(text.trim()).map_err(|_| VaultError::BadKey)?);
        if raw.len() != 32 {
            return Err(VaultError::BadKey);
        }
        let mut key = Zeroizing::new([0u8; 32]);
        key.copy_from_slice(&raw);
        Ok(Key256 { key, purpose })
    }

    pub fn bytes(&self) -> &[u8] {
        self.key.as_ref()
    }

    /// A value stored in the database to recognise this key later (not reversible).
    pub fn check_value(&self) -> String {
        let mut mac = self.mac();
        mac.update(self.purpose.check_label());
        hex(&mac.finalize().into_bytes()[..16])
    }

    /// An HMAC-SHA256 under this key.
    pub fn mac(&self) -> Hmac<Sha256> {
        <Hmac<Sha256> as Mac>::new_from_slice(self.key.as_ref()).expect("any key length")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_check_value() {
        let (p, text) = Key256::generate(Purpose::PinPepper);
        let again = Key256::from_base64(&text, Purpose::PinPepper).unwrap();
        assert_eq!(again.bytes(), p.bytes());
        assert_eq!(again.check_value(), p.check_value());
        assert_ne!(
            Key256::generate(Purpose::PinPepper).0.check_value(),
            p.check_value()
        );
        // The same bytes for another purpose do not pass as the pepper.
        let as_audit = Key256::from_base64(&text, Purpose::AuditLog).unwrap();
        assert_ne!(as_audit.check_value(), p.check_value());
        assert!(Key256::from_base64("short", Purpose::AuditLog).is_err());
    }
}
