//! The demo till's keys in a file of its own folder, for a desktop with no Secret Service (no
//! D-Bus session bus, no provider, or a locked keyring): the demo must start anywhere, and its
//! keys are throwaway (the demo sandbox's own key, and card vault, PIN and audit keys of a till
//! that only ever sees test cards).
//!
//! Only ever for a demo folder: [`demo_keyring`] is the one way to get a [`FileKeyStore`] for a
//! till, and it refuses a config that is not the demo's (`config.demo`, which only the app's
//! demo mode sets and `cashier config set` refuses). A real till never reads or writes the
//! file: it keeps "no plaintext fallback" ([`super::till_keyring`]).

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use zeroize::Zeroizing;

use super::{names, till_keyring, KeyStore, KeyringError};
use crate::config::{self, Config};
use crate::error::{Result, TillError};

/// The file in the demo folder that holds the demo's keys when the OS keyring cannot.
pub const DEMO_KEY_FILE: &str = "demo-keys.json";

/// Keys in a JSON file (`{"name": "value"}`), mode 0600, rewritten whole through a temporary
/// file and a rename (never half written).
#[derive(Debug)]
pub struct FileKeyStore {
    path: PathBuf,
    lock: Mutex<()>,
}

impl FileKeyStore {
    fn new(path: PathBuf) -> FileKeyStore {
        FileKeyStore {
            path,
            lock: Mutex::new(()),
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn read(&self) -> std::result::Result<BTreeMap<String, String>, KeyringError> {
        match std::fs::read_to_string(&self.path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| {
                KeyringError::Failure(format!("{} is not a key file: {e}", self.path.display()))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(e) => Err(KeyringError::Failure(format!(
                "{} could not be read: {e}",
                self.path.display()
            ))),
        }
    }

    fn write(&self, map: &BTreeMap<String, String>) -> std::result::Result<(), KeyringError> {
        let fail = |e: std::io::Error| {
            KeyringError::Failure(format!("{} could not be written: {e}", self.path.display()))
        };
        let text = Zeroizing::new(serde_json::to_string_pretty(map).expect("a map of strings"));
        let tmp = self.path.with_extension("json.tmp");
        let _ = std::fs::remove_file(&tmp);
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp).map_err(fail)?;
        f.write_all(text.as_bytes()).map_err(fail)?;
        f.sync_all().map_err(fail)?;
        drop(f);
        std::fs::rename(&tmp, &self.path).map_err(fail)
    }

    fn change(
        &self,
        f: impl FnOnce(&mut BTreeMap<String, String>),
    ) -> std::result::Result<(), KeyringError> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut map = self.read()?;
        f(&mut map);
        self.write(&map)
    }
}

impl KeyStore for FileKeyStore {
    fn get(&self, name: &str) -> std::result::Result<Option<Zeroizing<String>>, KeyringError> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        Ok(self.read()?.remove(name).map(Zeroizing::new))
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
        format!(
            "the demo's own file {} (no OS keyring; never used for a real till)",
            self.path.display()
        )
    }

    fn is_plain_file(&self) -> bool {
        true
    }
}

/// The demo till's key store: the OS keyring when it answers; when there is none (no D-Bus,
/// no Secret Service, locked), a [`FileKeyStore`] in the demo's folder. A demo folder that
/// has its key file keeps it (its database belongs to those keys). Refused for any config
/// that is not the demo's.
pub fn demo_keyring(data_dir: &Path, cfg: &mut Config) -> Result<Box<dyn KeyStore>> {
    if !cfg.demo {
        return Err(TillError::Keyring(KeyringError::Failure(
            "a key file is only for the demo till; a real till keeps its keys in the OS keyring"
                .into(),
        )));
    }
    let file = data_dir.join(DEMO_KEY_FILE);
    if file.exists() {
        return Ok(Box::new(FileKeyStore::new(file)));
    }
    // A folder with no config yet is a new demo: it gets its till id now (so no entries named
    // by its path are looked for) and none of its entries exist yet (each keyring call is a
    // D-Bus session of its own, at start-up while the window loads).
    let fresh = !Config::path(data_dir).exists() && cfg.till_id.is_empty();
    if fresh {
        cfg.till_id = config::new_till_id();
    }
    let os = till_keyring(data_dir, cfg)?;
    match os.get(names::DATA_KEY) {
        Ok(data_key) => {
            let mut known: HashMap<String, Option<Zeroizing<String>>> = HashMap::new();
            if fresh {
                known.extend(names::ALL.iter().map(|n| ((*n).to_owned(), None)));
            }
            known.insert(names::DATA_KEY.to_owned(), data_key);
            Ok(Box::new(Remembered {
                os,
                known: Mutex::new(known),
            }))
        }
        Err(KeyringError::Unavailable(why)) => {
            tracing::warn!(
                "no OS keyring ({why}): the demo keeps its throwaway keys in {}",
                file.display()
            );
            if cfg.till_id.is_empty() {
                cfg.till_id = config::new_till_id();
            }
            Ok(Box::new(FileKeyStore::new(file)))
        }
        Err(e) => Err(e.into()),
    }
}

/// The demo's OS keyring, remembering what it read and wrote (the demo's keys are throwaway;
/// this only spares D-Bus round trips at start-up).
struct Remembered {
    os: super::OsKeyring,
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

impl crate::Till {
    /// Whether this till's keys are in a plain file (only ever the demo's, when the computer
    /// has no Secret Service): the app then says that a real till needs one.
    pub fn keys_in_file(&self) -> bool {
        self.core.keys.is_plain_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_keeps_keys_private_and_whole() {
        let dir = tempfile::tempdir().unwrap();
        let s = FileKeyStore::new(dir.path().join(DEMO_KEY_FILE));
        assert!(s.get("a").unwrap().is_none());
        s.set("a", "one").unwrap();
        s.set("b", "two").unwrap();
        s.delete("b").unwrap();
        assert_eq!(s.get("a").unwrap().unwrap().as_str(), "one");
        assert!(s.get("b").unwrap().is_none());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(s.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "only the owner reads the key file");
        }
        assert!(s.is_plain_file());
    }

    #[test]
    fn a_real_till_never_gets_a_key_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(DEMO_KEY_FILE), r#"{"api-secret":"x"}"#).unwrap();
        let mut cfg = Config::default();
        assert!(!cfg.demo);
        let err = demo_keyring(dir.path(), &mut cfg).err().expect("refused");
        assert_eq!(err.code(), "keyring_failure");
        cfg.demo = true;
        let keys = demo_keyring(dir.path(), &mut cfg).unwrap();
        assert!(
            keys.is_plain_file(),
            "a demo folder with its key file keeps it"
        );
    }
}
