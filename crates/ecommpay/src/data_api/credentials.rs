//! The Data API's credentials: a Dashboard token and the secret generated with it. They are not
//! the project's: a Data API client never sees the project secret, and the types keep the two
//! apart (a [`crate::Secret`] does not go where a [`DataApiSecret`] is asked for).

use std::fmt;

use zeroize::Zeroizing;

use crate::{EmptySecret, Secret};

/// The secret generated in the Dashboard together with a [`DataApiToken`]: signs requests and
/// verifies answers. Same rules as [`Secret`]: no `Display`, no `Serialize`, a redacting
/// `Debug`, wiped on drop.
#[derive(Clone)]
pub struct DataApiSecret(Secret);

impl DataApiSecret {
    /// Refuses an empty secret and strips one trailing line break, like
    /// [`Secret::new_checked`].
    pub fn new(secret: impl Into<String>) -> Result<DataApiSecret, EmptySecret> {
        Secret::new_checked(secret).map(DataApiSecret)
    }

    /// The HMAC key, for the signer only.
    pub(crate) fn key(&self) -> &Secret {
        &self.0
    }

    /// The secret's text, for storing it in the OS keyring.
    pub fn expose_for_keyring(&self) -> &str {
        self.0.expose_for_keyring()
    }
}

impl fmt::Debug for DataApiSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataApiSecret(***)")
    }
}

/// A Dashboard token (doc section 7: a 30-character string). Useless without its secret, but
/// still a credential: `Debug` shows only its first four characters, there is no `Display` or
/// `Serialize`, and it is wiped on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct DataApiToken(Zeroizing<String>);

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the Data API token is empty")]
    Empty,
    #[error("the Data API token may hold only printable ASCII without spaces")]
    Characters,
    #[error(
        "the Data API token is longer than {} characters",
        DataApiToken::MAX_LEN
    )]
    TooLong,
}

impl DataApiToken {
    /// The doc says tokens are 30 characters; we only refuse what cannot be a token.
    pub const MAX_LEN: usize = 255;

    /// Surrounding whitespace (a pasted line break) is trimmed.
    pub fn new(token: impl Into<String>) -> Result<DataApiToken, TokenError> {
        let raw = Zeroizing::new(token.into());
        let t = raw.trim();
        if t.is_empty() {
            return Err(TokenError::Empty);
        }
        if t.len() > Self::MAX_LEN {
            return Err(TokenError::TooLong);
        }
        if !t.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(TokenError::Characters);
        }
        Ok(DataApiToken(Zeroizing::new(t.to_owned())))
    }

    /// The token's text, for the request body and the keyring.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for DataApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let head: String = self.0.chars().take(4).collect();
        write!(f, "DataApiToken({head}…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neither_credential_prints() {
        let s = DataApiSecret::new("very-secret-salt\n").unwrap();
        let t = DataApiToken::new(" ZOyTL5shY8ddhpxdQyplRPJYmGV7Kv\n").unwrap();
        let printed = format!("{s:?} {t:?}");
        assert!(!printed.contains("very-secret"), "{printed}");
        assert!(!printed.contains("L5shY8dd"), "{printed}");
        assert_eq!(t.expose(), "ZOyTL5shY8ddhpxdQyplRPJYmGV7Kv");
        assert_eq!(s.expose_for_keyring(), "very-secret-salt");
    }

    #[test]
    fn refuses_what_cannot_be_a_token_or_secret() {
        assert_eq!(DataApiToken::new("  ").unwrap_err(), TokenError::Empty);
        assert_eq!(
            DataApiToken::new("a b").unwrap_err(),
            TokenError::Characters
        );
        assert_eq!(DataApiToken::new("ы").unwrap_err(), TokenError::Characters);
        assert_eq!(
            DataApiToken::new("x".repeat(256)).unwrap_err(),
            TokenError::TooLong
        );
        assert!(DataApiSecret::new("\n").is_err());
    }
}
