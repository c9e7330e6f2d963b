//! Secrets in the OS keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on
//! Windows) through the `keyring` crate with its real stores enabled (see the workspace
//! `Cargo.toml`: with no features keyring 3 silently keeps secrets in memory on Linux).
//!
//! Entries are namespaced per app and build kind (the service `uz.cashier.till`, plus `-debug`
//! for debug builds) and per data folder (the account ends with a hash of the canonical data
//! folder path), so two tills or two tests on one desktop never share a secret. There is no
//! plaintext fallback: no keyring is an error that says how to get one.

use std::path::Path;

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// The keyring service name for this build kind.
pub fn service_name() -> &'static str {
    if cfg!(debug_assertions) {
        "uz.cashier.till-debug"
    } else {
        "uz.cashier.till"
    }
}

/// What went wrong with the keyring.
#[derive(Debug, Clone, thiserror::Error)]
pub enum KeyringError {
    /// No keyring to talk to: no D-Bus session, no Secret Service provider, or it is locked.
    #[error("the OS keyring is not available ({0}). On Linux a Secret Service provider (GNOME Keyring or KWallet) must be running and unlocked in your session; the secret is never stored in a plain file")]
    Unavailable(String),
    /// The keyring answered, but refused or failed.
    #[error("the OS keyring failed: {0}")]
    Failure(String),
}

impl KeyringError {
    pub fn code(&self) -> &'static str {
        match self {
            KeyringError::Unavailable(_) => "keyring_unavailable",
            KeyringError::Failure(_) => "keyring_failure",
        }
    }
}

/// A place for small secrets, keyed by name. The real one is [`OsKeyring`]; unit tests use an
/// in-memory one.
pub trait KeyStore: Send + Sync {
    fn get(&self, name: &str) -> Result<Option<Zeroizing<String>>, KeyringError>;
    fn set(&self, name: &str, value: &str) -> Result<(), KeyringError>;
    fn delete(&self, name: &str) -> Result<(), KeyringError>;
    /// Where entries go, for `doctor` (never a secret).
    fn describe(&self) -> String;
}

/// The OS keyring, namespaced to one data folder.
#[derive(Debug, Clone)]
pub struct OsKeyring {
    service: String,
    scope: String,
}

impl OsKeyring {
    /// Entries for the data folder `dir` (canonicalised when it exists, so `./d` and `/abs/d`
    /// agree).
    pub fn for_data_dir(dir: &Path) -> OsKeyring {
        let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_owned());
        let digest = Sha256::digest(canonical.to_string_lossy().as_bytes());
        let scope: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        OsKeyring {
            service: service_name().to_owned(),
            scope,
        }
    }

    /// The account name of entry `name` (e.g. `api-secret@1f2e3d4c5b6a7988`).
    pub fn account(&self, name: &str) -> String {
        format!("{name}@{}", self.scope)
    }

    fn entry(&self, name: &str) -> Result<keyring::Entry, KeyringError> {
        keyring::Entry::new(&self.service, &self.account(name)).map_err(map_err)
    }
}

fn map_err(e: keyring::Error) -> KeyringError {
    use keyring::Error as E;
    match e {
        E::PlatformFailure(inner) => KeyringError::Unavailable(inner.to_string()),
        E::NoStorageAccess(inner) => KeyringError::Unavailable(inner.to_string()),
        other => KeyringError::Failure(other.to_string()),
    }
}

impl KeyStore for OsKeyring {
    fn get(&self, name: &str) -> Result<Option<Zeroizing<String>>, KeyringError> {
        match self.entry(name)?.get_password() {
            Ok(v) => Ok(Some(Zeroizing::new(v))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_err(e)),
        }
    }

    fn set(&self, name: &str, value: &str) -> Result<(), KeyringError> {
        self.entry(name)?.set_password(value).map_err(map_err)
    }

    fn delete(&self, name: &str) -> Result<(), KeyringError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_err(e)),
        }
    }

    fn describe(&self) -> String {
        format!(
            "service {:?}, account {:?}",
            self.service,
            self.account("<entry>")
        )
    }
}

/// In-memory store for unit tests only.
#[cfg(test)]
#[derive(Default)]
pub struct MemoryKeyStore(std::sync::Mutex<std::collections::HashMap<String, String>>);

#[cfg(test)]
impl KeyStore for MemoryKeyStore {
    fn get(&self, name: &str) -> Result<Option<Zeroizing<String>>, KeyringError> {
        Ok(self
            .0
            .lock()
            .unwrap()
            .get(name)
            .cloned()
            .map(Zeroizing::new))
    }
    fn set(&self, name: &str, value: &str) -> Result<(), KeyringError> {
        self.0.lock().unwrap().insert(name.into(), value.into());
        Ok(())
    }
    fn delete(&self, name: &str) -> Result<(), KeyringError> {
        self.0.lock().unwrap().remove(name);
        Ok(())
    }
    fn describe(&self) -> String {
        "memory".into()
    }
}

/// Entry names.
pub mod names {
    /// The ECommPay project secret.
    pub const API_SECRET: &str = "api-secret";
    /// The card vault's 256-bit data key (base64).
    pub const DATA_KEY: &str = "data-key";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_differ_per_data_dir_and_keep_the_name() {
        let a = OsKeyring::for_data_dir(Path::new("/tmp/till-a"));
        let b = OsKeyring::for_data_dir(Path::new("/tmp/till-b"));
        assert_ne!(a.account("x"), b.account("x"));
        assert!(a.account("api-secret").starts_with("api-secret@"));
        assert_eq!(
            a.account("x"),
            OsKeyring::for_data_dir(Path::new("/tmp/till-a")).account("x")
        );
        assert!(service_name().starts_with("uz.cashier.till"));
    }
}
