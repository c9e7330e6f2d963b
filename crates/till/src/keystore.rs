//! Secrets in the OS keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on
//! Windows) through the `keyring` crate with its real stores enabled (see the workspace
//! `Cargo.toml`: with no features keyring 3 silently keeps secrets in memory on Linux).
//!
//! Entries are namespaced per app and build kind (the service `uz.cashier.till`, plus `-debug`
//! for debug builds) and per till: the account ends with the till's random id from its
//! `config.toml` (`api-secret@till-<id>`), so two tills or two tests on one desktop never share
//! a secret, and a data folder that moves keeps its entries. Entries of tills set up before
//! the till id existed were named by a hash of the data folder's path; they move to the
//! till-id names on the first open ([`till_keyring`]). There is no plaintext fallback: no
//! keyring is an error that says how to get one. The one exception is the app's demo till,
//! whose throwaway keys go to a file in its own folder when the computer has no keyring
//! ([`demo_keyring`], [`file`]); [`open_keys`] picks it only for a demo config. In the keyring
//! the demo keeps all its keys in one entry ([`demo`]).

use std::path::Path;

pub mod demo;
pub mod file;
pub use demo::{demo_keyring, DEMO_BUNDLE};
pub use file::{FileKeyStore, DEMO_KEY_FILE};

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::config::{self, Config};

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
    /// Whether the entries are in a plain file (only the demo's [`FileKeyStore`]).
    fn is_plain_file(&self) -> bool {
        false
    }
}

/// The key store of the till whose config is `cfg`: the OS keyring ([`till_keyring`]); for
/// the demo till only, the keyring or else its own key file ([`demo_keyring`]).
pub(crate) fn open_keys(data_dir: &Path, cfg: &mut Config) -> crate::Result<Box<dyn KeyStore>> {
    if cfg.demo {
        Ok(demo_keyring(data_dir, cfg, None)?.0)
    } else {
        Ok(Box::new(till_keyring(data_dir, cfg)?))
    }
}

/// The OS keyring, namespaced to one data folder.
#[derive(Debug, Clone)]
pub struct OsKeyring {
    service: String,
    scope: String,
}

impl OsKeyring {
    /// The entries of the till with this id (`config.toml`'s `till_id`).
    pub fn for_till_id(till_id: &str) -> OsKeyring {
        OsKeyring {
            service: service_name().to_owned(),
            scope: format!("till-{till_id}"),
        }
    }

    /// The entries of the till in data folder `dir`: by the till id in its `config.toml`, or,
    /// for a folder without one (not set up, or set up before till ids), by its path
    /// ([`OsKeyring::for_path`]).
    pub fn for_data_dir(dir: &Path) -> OsKeyring {
        match read_till_id(dir) {
            Some(id) => OsKeyring::for_till_id(&id),
            None => OsKeyring::for_path(dir),
        }
    }

    /// The old naming: entries named by a hash of the data folder's path (canonicalised when
    /// it exists, so `./d` and `/abs/d` agree). Only read to move them ([`till_keyring`]).
    pub fn for_path(dir: &Path) -> OsKeyring {
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

/// The `till_id` of `dir/config.toml`, if it has one (read without validating the rest).
fn read_till_id(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(Config::path(dir)).ok()?;
    let value: toml::Value = toml::from_str(&text).ok()?;
    let id = value.get("till_id")?.as_str()?;
    (!id.is_empty()).then(|| id.to_owned())
}

/// The keyring of the till whose config is `cfg` (in `data_dir`). A config without a till id
/// gets one here, and the entries named by the folder's path ([`OsKeyring::for_path`]) are
/// copied to it; when any were copied, `cfg` is saved at once (the entries must never be
/// named by an id the config does not hold), then the old entries are removed. A config
/// that got an id without moving anything is left for the caller to save. When the keyring
/// does not answer, nothing changes: the path-named keyring is returned and the next open
/// tries again.
pub(crate) fn till_keyring(data_dir: &Path, cfg: &mut Config) -> crate::Result<OsKeyring> {
    if !cfg.till_id.is_empty() {
        return Ok(OsKeyring::for_till_id(&cfg.till_id));
    }
    let legacy = OsKeyring::for_path(data_dir);
    let mut found = Vec::new();
    for name in names::ALL {
        match legacy.get(name) {
            Ok(Some(v)) => found.push((name, v)),
            Ok(None) => {}
            Err(e) => {
                tracing::warn!("keyring entries not moved to the till id yet: {e}");
                return Ok(legacy);
            }
        }
    }
    if found.is_empty() {
        // A new till, or another process moved them a moment ago: then its id is on disk.
        cfg.till_id = read_till_id(data_dir).unwrap_or_else(config::new_till_id);
        return Ok(OsKeyring::for_till_id(&cfg.till_id));
    }
    cfg.till_id = config::new_till_id();
    let keys = OsKeyring::for_till_id(&cfg.till_id);
    for (name, value) in &found {
        keys.set(name, value.as_str())?;
    }
    cfg.save(data_dir)?;
    for (name, _) in &found {
        if let Err(e) = legacy.delete(name) {
            tracing::warn!("the old keyring entry {name} stays (copied already): {e}");
        }
    }
    tracing::info!(
        moved = found.len(),
        "keyring entries renamed from the data folder's path to the till id"
    );
    Ok(keys)
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

/// An in-memory store, for unit tests and benchmarks (which must never touch the desktop's
/// keyring). No shell uses it: `Till::open`, `init` and `connect` always take the OS keyring.
#[derive(Default)]
pub struct MemoryKeyStore(std::sync::Mutex<std::collections::HashMap<String, String>>);

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
    /// The 256-bit pepper of PIN hashes (base64): its own key, so that sign-in never depends
    /// on the card vault key.
    pub const PIN_PEPPER: &str = "pin-pepper";
    /// The 256-bit key of the audit log's HMAC chain (base64): whoever can edit the database
    /// file cannot recompute the chain without it.
    pub const AUDIT_KEY: &str = "audit-key";
    /// The Data API's Dashboard token (reconciliation), and the secret made with it (never
    /// the project secret).
    pub const DATA_API_TOKEN: &str = "data-api-token";
    pub const DATA_API_SECRET: &str = "data-api-secret";
    /// Every entry a till has.
    pub const ALL: [&str; 6] = [
        API_SECRET,
        DATA_KEY,
        PIN_PEPPER,
        AUDIT_KEY,
        DATA_API_TOKEN,
        DATA_API_SECRET,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_differ_per_till_and_keep_the_name() {
        let a = OsKeyring::for_path(Path::new("/tmp/till-a"));
        let b = OsKeyring::for_path(Path::new("/tmp/till-b"));
        assert_ne!(a.account("x"), b.account("x"));
        assert!(a.account("api-secret").starts_with("api-secret@"));
        assert_eq!(
            a.account("x"),
            OsKeyring::for_path(Path::new("/tmp/till-a")).account("x")
        );
        assert!(service_name().starts_with("uz.cashier.till"));
        let id = config::new_till_id();
        let t = OsKeyring::for_till_id(&id);
        assert_eq!(t.account("data-key"), format!("data-key@till-{id}"));

        // A folder's entries: by the id in its config, else by its path.
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            OsKeyring::for_data_dir(dir.path()).account("x"),
            OsKeyring::for_path(dir.path()).account("x")
        );
        let cfg = Config {
            project_id: 1,
            gateway_url: "http://127.0.0.1:9".into(),
            till_code: "T1".into(),
            till_id: id.clone(),
            ..Config::default()
        };
        cfg.save(dir.path()).unwrap();
        assert_eq!(
            OsKeyring::for_data_dir(dir.path()).account("x"),
            t.account("x")
        );
    }
}
