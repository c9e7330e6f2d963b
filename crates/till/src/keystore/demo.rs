//! The demo till's key store ([`demo_keyring`]): the OS keyring when it answers, else its own
//! key file ([`super::file`]).
//!
//! In the keyring, a demo set up by this version keeps all its keys in one entry
//! (`demo-keys@till-<id>`, a JSON map of entry names to values: [`Bundle`]). A new demo's keys
//! (card vault, PIN pepper, audit key, and the demo gateway's secret) are made at once and
//! written there in one Secret Service call: each call is a D-Bus connection and an encrypted
//! session of its own, and each entry written makes the keyring daemon re-encrypt and save its
//! file, about 30 ms of two cores apiece while the window starts beside it (issue 12:
//! start-up, `scripts/bench-app.sh`). A demo folder from before keeps its entries one by one
//! ([`Remembered`]).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Mutex;

use zeroize::Zeroizing;

use super::file::{FileKeyStore, DEMO_KEY_FILE};
use super::{names, till_keyring, KeyStore, KeyringError, OsKeyring};
use crate::config::{self, Config};
use crate::error::{Result, TillError};
use crate::pepper::{Key256, Purpose};
use crate::vault::CardVault;

/// The keyring entry that holds all of a demo's keys ([`Bundle`]).
pub const DEMO_BUNDLE: &str = "demo-keys";

/// The demo till's key store: the OS keyring when it answers; when there is none (no D-Bus,
/// no Secret Service, locked), a [`FileKeyStore`] in the demo's folder. A demo folder that
/// has its key file keeps it (its database belongs to those keys). Refused for any config
/// that is not the demo's.
///
/// A new demo folder (no config yet) gets its till id and all its keys here, `secret` (the
/// demo gateway's) among them when given, in one write ([`Bundle`]). Returns the store and
/// whether `secret` was stored.
pub fn demo_keyring(
    data_dir: &Path,
    cfg: &mut Config,
    secret: Option<&str>,
) -> Result<(Box<dyn KeyStore>, bool)> {
    if !cfg.demo {
        return Err(TillError::Keyring(KeyringError::Failure(
            "a key file is only for the demo till; a real till keeps its keys in the OS keyring"
                .into(),
        )));
    }
    let file = data_dir.join(DEMO_KEY_FILE);
    if file.exists() {
        return Ok((Box::new(FileKeyStore::new(file)), false));
    }
    let no_keyring = |why: &str| {
        tracing::warn!(
            "no OS keyring ({why}): the demo keeps its throwaway keys in {}",
            file.display()
        );
    };
    // A folder with no config yet is a new demo: none of its entries exist yet.
    if !Config::path(data_dir).exists() && cfg.till_id.is_empty() {
        cfg.till_id = config::new_till_id();
        let keys = new_keys(secret);
        let os = OsKeyring::for_till_id(&cfg.till_id);
        return match Bundle::create(Box::new(os), &keys) {
            Ok(bundle) => Ok((Box::new(bundle), secret.is_some())),
            Err(KeyringError::Unavailable(why)) => {
                no_keyring(&why);
                Ok((
                    Box::new(FileKeyStore::create(file, &keys)?),
                    secret.is_some(),
                ))
            }
            Err(e) => Err(e.into()),
        };
    }
    let os = till_keyring(data_dir, cfg)?;
    match Bundle::read(&os) {
        Ok(Some(keys)) => Ok((Box::new(Bundle::with(Box::new(os), keys)), false)),
        // A demo from before the bundle: its entries one by one.
        Ok(None) => Ok((
            Box::new(Remembered {
                os,
                known: Mutex::new(HashMap::new()),
            }),
            false,
        )),
        Err(KeyringError::Unavailable(why)) => {
            no_keyring(&why);
            if cfg.till_id.is_empty() {
                cfg.till_id = config::new_till_id();
            }
            Ok((Box::new(FileKeyStore::new(file)), false))
        }
        Err(e) => Err(e.into()),
    }
}

/// A new demo's keys: as the till would make them on first use (`Core::vault`,
/// `Core::pin_pepper`, `Core::audit_key`, which find them present), and the secret.
fn new_keys(secret: Option<&str>) -> BTreeMap<String, String> {
    let mut keys = BTreeMap::new();
    keys.insert(
        names::DATA_KEY.to_owned(),
        CardVault::generate().1.as_str().to_owned(),
    );
    for (name, purpose) in [
        (names::PIN_PEPPER, Purpose::PinPepper),
        (names::AUDIT_KEY, Purpose::AuditLog),
    ] {
        keys.insert(
            name.to_owned(),
            Key256::generate(purpose).1.as_str().to_owned(),
        );
    }
    if let Some(s) = secret {
        keys.insert(names::API_SECRET.to_owned(), s.to_owned());
    }
    keys
}

/// All of a demo's keys in one entry ([`DEMO_BUNDLE`]) of `store` (the OS keyring), read once
/// and kept in memory; a change reads the entry again (another process, `cashier --data-dir
/// <dir>/demo`, may have changed it), applies itself and writes it whole.
pub struct Bundle {
    store: Box<dyn KeyStore>,
    keys: Mutex<BTreeMap<String, String>>,
}

impl Bundle {
    /// Writes `keys` as a new bundle.
    fn create(
        store: Box<dyn KeyStore>,
        keys: &BTreeMap<String, String>,
    ) -> std::result::Result<Bundle, KeyringError> {
        write(store.as_ref(), keys)?;
        Ok(Bundle::with(store, keys.clone()))
    }

    fn with(store: Box<dyn KeyStore>, keys: BTreeMap<String, String>) -> Bundle {
        Bundle {
            store,
            keys: Mutex::new(keys),
        }
    }

    /// The bundle in `store`, if there is one.
    fn read(
        store: &dyn KeyStore,
    ) -> std::result::Result<Option<BTreeMap<String, String>>, KeyringError> {
        let Some(text) = store.get(DEMO_BUNDLE)? else {
            return Ok(None);
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| KeyringError::Failure(format!("the demo's key entry is not a map: {e}")))
    }

    fn change(
        &self,
        f: impl FnOnce(&mut BTreeMap<String, String>),
    ) -> std::result::Result<(), KeyringError> {
        let mut keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        let mut now = Bundle::read(self.store.as_ref())?.unwrap_or_else(|| keys.clone());
        f(&mut now);
        write(self.store.as_ref(), &now)?;
        *keys = now;
        Ok(())
    }
}

fn write(
    store: &dyn KeyStore,
    keys: &BTreeMap<String, String>,
) -> std::result::Result<(), KeyringError> {
    let text = Zeroizing::new(serde_json::to_string(keys).expect("a map of strings"));
    store.set(DEMO_BUNDLE, &text)
}

impl KeyStore for Bundle {
    fn get(&self, name: &str) -> std::result::Result<Option<Zeroizing<String>>, KeyringError> {
        let keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        Ok(keys.get(name).map(|v| Zeroizing::new(v.clone())))
    }

    fn set(&self, name: &str, value: &str) -> std::result::Result<(), KeyringError> {
        self.change(|m| {
            m.insert(name.to_owned(), value.to_owned());
        })
    }

    fn delete(&self, name: &str) -> std::result::Result<(), KeyringError> {
        self.change(|m| {
            m.remove(name);
        })
    }

    fn describe(&self) -> String {
        format!("{} (the demo's keys in one entry)", self.store.describe())
    }
}

impl Drop for Bundle {
    fn drop(&mut self) {
        let keys = self.keys.get_mut().unwrap_or_else(|e| e.into_inner());
        for v in keys.values_mut() {
            zeroize::Zeroize::zeroize(v);
        }
    }
}

/// The OS keyring of a demo set up before [`Bundle`] (an entry per key), remembering what it
/// read and wrote (the demo's keys are throwaway; this only spares D-Bus round trips).
struct Remembered {
    os: OsKeyring,
    known: Mutex<HashMap<String, Option<Zeroizing<String>>>>,
}

impl Remembered {
    fn known(&self) -> std::sync::MutexGuard<'_, HashMap<String, Option<Zeroizing<String>>>> {
        self.known.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl KeyStore for Remembered {
    fn get(&self, name: &str) -> std::result::Result<Option<Zeroizing<String>>, KeyringError> {
        if let Some(v) = self.known().get(name) {
            return Ok(v.clone());
        }
        let v = self.os.get(name)?;
        self.known().insert(name.to_owned(), v.clone());
        Ok(v)
    }

    fn set(&self, name: &str, value: &str) -> std::result::Result<(), KeyringError> {
        self.os.set(name, value)?;
        self.known()
            .insert(name.to_owned(), Some(Zeroizing::new(value.to_owned())));
        Ok(())
    }

    fn delete(&self, name: &str) -> std::result::Result<(), KeyringError> {
        self.os.delete(name)?;
        self.known().insert(name.to_owned(), None);
        Ok(())
    }

    fn describe(&self) -> String {
        self.os.describe()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use super::*;
    use crate::keystore::MemoryKeyStore;

    /// A memory store that counts writes (each one a Secret Service call in the real one).
    #[derive(Default, Clone)]
    struct Counting(Arc<(MemoryKeyStore, AtomicUsize)>);

    impl KeyStore for Counting {
        fn get(&self, name: &str) -> std::result::Result<Option<Zeroizing<String>>, KeyringError> {
            self.0 .0.get(name)
        }
        fn set(&self, name: &str, value: &str) -> std::result::Result<(), KeyringError> {
            self.0 .1.fetch_add(1, Ordering::SeqCst);
            self.0 .0.set(name, value)
        }
        fn delete(&self, name: &str) -> std::result::Result<(), KeyringError> {
            self.0 .0.delete(name)
        }
        fn describe(&self) -> String {
            "counting".into()
        }
    }

    #[test]
    fn a_new_demo_writes_all_its_keys_once_and_they_round_trip() {
        let store = Counting::default();
        let keys = new_keys(Some("demo-secret"));
        let bundle = Bundle::create(Box::new(store.clone()), &keys).unwrap();
        assert_eq!(store.0 .1.load(Ordering::SeqCst), 1, "one write");
        for name in [
            names::API_SECRET,
            names::DATA_KEY,
            names::PIN_PEPPER,
            names::AUDIT_KEY,
        ] {
            assert!(bundle.get(name).unwrap().is_some(), "{name}");
        }
        // The till can use them as its own (the same text it makes itself).
        let data_key = bundle.get(names::DATA_KEY).unwrap().unwrap();
        assert!(CardVault::from_base64(&data_key).is_ok());
        let pepper = bundle.get(names::PIN_PEPPER).unwrap().unwrap();
        assert!(Key256::from_base64(&pepper, Purpose::PinPepper).is_ok());
        assert_ne!(
            bundle.get(names::PIN_PEPPER).unwrap(),
            bundle.get(names::AUDIT_KEY).unwrap(),
            "each key its own"
        );
        assert_ne!(
            new_keys(None).get(names::DATA_KEY),
            keys.get(names::DATA_KEY),
            "each demo its own"
        );
        assert!(!new_keys(None).contains_key(names::API_SECRET));

        // Read back by another process: the same keys; gets cost no call.
        let again = Bundle::read(&store).unwrap().expect("a bundle");
        assert_eq!(again, keys);
        assert_eq!(store.0 .1.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_change_keeps_what_another_process_wrote() {
        let store = Counting::default();
        let ours = Bundle::create(Box::new(store.clone()), &new_keys(None)).unwrap();
        // Another process (the CLI on the demo folder) adds an entry meanwhile.
        let theirs = Bundle::with(
            Box::new(store.clone()),
            Bundle::read(&store).unwrap().unwrap(),
        );
        theirs.set("backup-passphrase", "p").unwrap();
        ours.set(names::API_SECRET, "s").unwrap();
        let now = Bundle::read(&store).unwrap().unwrap();
        assert_eq!(now.get("backup-passphrase").map(String::as_str), Some("p"));
        assert_eq!(now.get(names::API_SECRET).map(String::as_str), Some("s"));
        ours.delete(names::API_SECRET).unwrap();
        assert!(ours.get(names::API_SECRET).unwrap().is_none());
        assert!(!Bundle::read(&store)
            .unwrap()
            .unwrap()
            .contains_key(names::API_SECRET));

        // An entry that is not a bundle is an error, never an empty demo.
        store.set(DEMO_BUNDLE, "not json").unwrap();
        assert!(matches!(
            Bundle::read(&store),
            Err(KeyringError::Failure(_))
        ));
    }

    #[test]
    fn a_real_till_never_gets_a_key_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(DEMO_KEY_FILE), r#"{"api-secret":"x"}"#).unwrap();
        let mut cfg = Config::default();
        assert!(!cfg.demo);
        let err = demo_keyring(dir.path(), &mut cfg, None)
            .err()
            .expect("refused");
        assert_eq!(err.code(), "keyring_failure");
        cfg.demo = true;
        let (keys, _) = demo_keyring(dir.path(), &mut cfg, None).unwrap();
        assert!(
            keys.is_plain_file(),
            "a demo folder with its key file keeps it"
        );
    }
}
