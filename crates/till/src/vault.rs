//! The card vault: card identifiers (`account.number`) encrypted at rest.
//!
//! A card identifier moves money to a person's card, so the database never holds it in clear:
//! it is sealed with ChaCha20-Poly1305 under a random 256-bit data key that lives in the OS
//! keyring next to the API secret, and de-duplicated by a keyed fingerprint
//! (HMAC-SHA256 under a key derived from the data key), so a stolen database file reveals
//! neither the identifiers nor whether two tills saw the same card.
//! The same data key also derives the PIN pepper and the key-check value stored in the
//! database (to notice a keyring entry that belongs to another database).

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, OsRng, Payload};
use chacha20poly1305::{AeadCore, ChaCha20Poly1305, Key, Nonce};
use ecommpay::CardToken;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

type HmacSha256 = Hmac<Sha256>;

/// Bound into every ciphertext, so a blob cannot be replayed into another column or version.
const AAD: &[u8] = b"cashier card token v1";
const NONCE_LEN: usize = 12;

/// Why the vault failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    #[error("the data key is not 32 bytes of base64")]
    BadKey,
    #[error("a sealed card does not open with this key")]
    Open,
}

/// The data key and what it derives.
pub struct CardVault {
    key: Zeroizing<[u8; 32]>,
}

impl CardVault {
    /// A new random key and its base64 text for the keyring.
    pub fn generate() -> (CardVault, Zeroizing<String>) {
        let key = ChaCha20Poly1305::generate_key(&mut OsRng);
        let mut bytes = Zeroizing::new([0u8; 32]);
        bytes.copy_from_slice(&key);
        let text = Zeroizing::new(B64.encode(&bytes[..]));
        (CardVault { key: bytes }, text)
    }

    /// The key from its keyring text.
    pub fn from_base64(text: &str) -> Result<CardVault, VaultError> {
        let raw = Zeroizing::new(B64.decode(text.trim()).map_err(|_| VaultError::BadKey)?);
        if raw.len() != 32 {
            return Err(VaultError::BadKey);
        }
        let mut key = Zeroizing::new([0u8; 32]);
        key.copy_from_slice(&raw);
        Ok(CardVault { key })
    }

    /// A sub-key for one purpose: HMAC(data key, label).
    fn derive(&self, label: &str) -> Zeroizing<Vec<u8>> {
        let mut mac =
            <HmacSha256 as Mac>::new_from_slice(self.key.as_ref()).expect("any key length");
        mac.update(label.as_bytes());
        Zeroizing::new(mac.finalize().into_bytes().to_vec())
    }

    /// The keyed fingerprint used to find a saved card without decrypting (hex).
    pub fn fingerprint(&self, token: &CardToken) -> String {
        let sub = self.derive("card fingerprint v1");
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&sub).expect("any key length");
        mac.update(token.expose().as_bytes());
        hex(&mac.finalize().into_bytes())
    }

    /// A value stored in the database to recognise this key later (not reversible).
    pub fn check_value(&self) -> String {
        hex(&self.derive("key check v1")[..16])
    }

    /// The pepper mixed into PIN hashes, so a database copy alone cannot be brute-forced.
    pub fn pin_pepper(&self) -> Zeroizing<Vec<u8>> {
        self.derive("pin pepper v1")
    }

    /// Encrypts a card identifier: `nonce || ciphertext+tag`.
    pub fn seal(&self, token: &CardToken) -> Vec<u8> {
        let cipher = ChaCha20Poly1305::new(Key::from_slice(self.key.as_ref()));
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let ct = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: token.expose().as_bytes(),
                    aad: AAD,
                },
            )
            .expect("encryption of a short message cannot fail");
        let mut out = Vec::with_capacity(NONCE_LEN + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        out
    }

    /// Decrypts what [`CardVault::seal`] made.
    pub fn open(&self, sealed: &[u8]) -> Result<CardToken, VaultError> {
        if sealed.len() <= NONCE_LEN {
            return Err(VaultError::Open);
        }
        let cipher = ChaCha20Poly1305::new(Key::from_slice(self.key.as_ref()));
        let (nonce, ct) = sealed.split_at(NONCE_LEN);
        let plain = Zeroizing::new(
            cipher
                .decrypt(Nonce::from_slice(nonce), Payload { msg: ct, aad: AAD })
                .map_err(|_| VaultError::Open)?,
        );
        let text = std::str::from_utf8(&plain).map_err(|_| VaultError::Open)?;
        CardToken::new(text.to_owned()).map_err(|_| VaultError::Open)
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_and_fingerprint() {
        let (v, text) = CardVault::generate();
        let t = CardToken::new("1743-ABCDEF0123456789").unwrap();
        let sealed = v.seal(&t);
        assert!(!sealed.windows(6).any(|w| w == b"ABCDEF"), "not in clear");
        assert_eq!(v.open(&sealed).unwrap(), t);
        assert_ne!(v.seal(&t), sealed, "fresh nonce each time");
        assert_eq!(v.fingerprint(&t), v.fingerprint(&t));
        let again = CardVault::from_base64(&text).unwrap();
        assert_eq!(again.open(&sealed).unwrap(), t);
        assert_eq!(again.check_value(), v.check_value());

        let (other, _) = CardVault::generate();
        assert_eq!(other.open(&sealed).unwrap_err(), VaultError::Open);
        assert_ne!(other.fingerprint(&t), v.fingerprint(&t));
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert_eq!(v.open(&tampered).unwrap_err(), VaultError::Open);
        assert_eq!(
            CardVault::from_base64("short").err(),
            Some(VaultError::BadKey)
        );
    }
}
