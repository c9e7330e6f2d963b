//! The project secret. It signs every request and verifies every callback, so a leak of it lets
//! anyone move the shop's money: it never prints, never serialises, and is wiped from memory when
//! dropped.

use std::fmt;

use zeroize::Zeroizing;

/// The ECommPay project secret (the HMAC key).
///
/// Deliberately has no `Serialize`, no `Display`, and a `Debug` that prints `Secret(***)`.
/// `Clone` is allowed because the client and the callback verifier each hold one; every copy is
/// wiped on drop.
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a secret. Surrounding whitespace is kept on purpose: the gateway signs with the
    /// exact bytes, and a trailing newline from `echo` is caught by [`Secret::new_checked`].
    pub fn new(secret: impl Into<String>) -> Self {
        Secret(Zeroizing::new(secret.into()))
    }

    /// Like [`Secret::new`], but refuses an empty secret and strips one trailing line break
    /// (what `echo "$SECRET" |` and most editors add), which would otherwise silently produce
    /// signatures the gateway rejects with 3261.
    pub fn new_checked(secret: impl Into<String>) -> Result<Self, EmptySecret> {
        let mut s: String = secret.into();
        if s.ends_with('\n') {
            s.pop();
            if s.ends_with('\r') {
                s.pop();
            }
        }
        if s.is_empty() {
            // `s` is dropped here without being wrapped, so wipe it by hand.
            zeroize::Zeroize::zeroize(&mut s);
            return Err(EmptySecret);
        }
        Ok(Secret::new(s))
    }

    /// The key bytes for the HMAC. Kept crate-private: nothing outside signing needs the bytes.
    pub(crate) fn expose(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// The secret's text, for storing it in the OS keyring. The name says what it does so that a
    /// reviewer sees every place the secret leaves this type.
    pub fn expose_for_keyring(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// An empty secret was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the secret is empty")]
pub struct EmptySecret;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_prints_the_secret() {
        let s = Secret::new("super-secret-value");
        let printed = format!("{s:?} {:?}", Some(&s));
        assert!(!printed.contains("super"), "{printed}");
        assert!(printed.contains("***"));
    }

    #[test]
    fn checked_strips_one_newline_and_refuses_empty() {
        assert_eq!(Secret::new_checked("abc\n").unwrap().expose(), b"abc");
        assert_eq!(Secret::new_checked("abc\r\n").unwrap().expose(), b"abc");
        assert_eq!(Secret::new_checked(" abc ").unwrap().expose(), b" abc ");
        assert_eq!(Secret::new_checked("").unwrap_err(), EmptySecret);
        assert_eq!(Secret::new_checked("\n").unwrap_err(), EmptySecret);
    }
}
